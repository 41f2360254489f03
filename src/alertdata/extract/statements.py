"""Statements of a story: who said what, quoted or reported, and when.

1. Quotations (`quotes.find_quotes`) are attributed through the reporting
   verb of their sentence ("X said: ...", "... ,' X said", "according to X"),
   or a speech noun ("in a statement"). A quotation split by its attribution
   ("...," he said, "...") is one statement. A quotation is `direct` when it
   is a sentence of its own, `partial` when its words sit inside the writer's
   sentence; quoted words with no speaker (titles, slogans) are not statements.
2. Reported speech: a reporting verb of `etl/reporting.yaml` with a subject
   and a complement ("the army warned that ...") is an `indirect` statement
   whose quote is the reported clause.
3. The speaker is the subject as written; an actor mention inside it gives
   `speaker_actor_id` (a person first, else the body they speak for), and an
   appositive ("The army's spokesperson, Brigadier X,") gives the role.
   Pronouns take the speaker or person they refer back to.
4. `stated_on` is a date written in the sentence before the verb ("On 20
   April, the WHO said ...").

The verbs and clauses are read in `statement_clauses`, the speakers in
`statement_speakers`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .. import config
from .actors import Actor, ActorMention
from .dates import DateMention
from .lexicon import Hit, Lexicon
from .phrases import phrase_regex
from .quotes import Quote, find_quotes
from .statement_clauses import NOT_STATING, ClauseReading
from .statement_speakers import SpeakerReading, _Speaker
from .text import SpanIndex, span_union

JOINED = re.compile(r"(?:,|\band)\s*$")
JOINED_OR_START = re.compile(r"(?:^|,|\band)\s*$")
ISSUED = re.compile(r"\b(?:issued|released|published|said|gave|made|in)\b")
ACCORDING = re.compile(r"\b[Aa]ccording to\s+")
ENDS_COLON_COMMA = re.compile(r"[:,]\s*$")


@dataclass(frozen=True)
class Statement:
    kind: str
    speaker: str | None
    speaker_actor_id: str | None
    speaker_role: str | None
    verb: str | None
    quote: str
    start: int
    end: int
    stated_on: date | None
    precision: str | None
    verb_start: int | None = None
    verb_end: int | None = None


@dataclass(frozen=True)
class SpeechLexicon:
    verbs: Lexicon
    needs_that: frozenset
    takes_object: frozenset
    nouns: re.Pattern | None
    roles: re.Pattern | None


def speech_lexicon(reporting: dict) -> SpeechLexicon:
    entries = [(base, "verb", (spec or {}).get("event") or "")
               for base, spec in reporting["verbs"].items()]
    return SpeechLexicon(
        verbs=Lexicon(entries, reporting.get("irregular")),
        needs_that=frozenset(reporting.get("needs_that") or ()),
        takes_object=frozenset(reporting.get("takes_object") or ()),
        nouns=phrase_regex(reporting.get("nouns") or ()),
        roles=phrase_regex(reporting.get("speaker_roles") or ()))



class StatementFinder(ClauseReading, SpeakerReading):
    """Finds the statements of one story (see the module doc)."""

    def __init__(self, lexicon: SpeechLexicon):
        self.lex = lexicon

    def find(self, body: str, sentences: list[tuple[int, int]], mentions: list[ActorMention],
             actors: dict[str, Actor], dates: list[DateMention], main_iso3: str | None = None
             ) -> tuple[list[Statement], dict[str, Actor], list[ActorMention]]:
        """(statements, people the speakers add, and their mentions)."""
        self.main_iso3 = main_iso3
        self.new_actors: dict[str, Actor] = {}
        self.new_mentions: list[ActorMention] = []
        actors = dict(actors)
        quotes = find_quotes(body)
        # per story: the verbs' lexicon hits and verdicts, and indexes of the
        # mentions, dates and quotation ends, which the helpers ask about
        # clause after clause
        self._body, self._quotes, self._dates = body, quotes, dates
        self._sentences, self._sentence_starts = sentences, [s for s, _ in sentences]
        self._sentence_order = all(s < e for s, e in sentences) and all(
            e <= s for (_, e), (s, _) in zip(sentences, sentences[1:]))
        # the union of the quotations' marks
        self._mark_starts, self._mark_ends = span_union((q.open, q.close) for q in quotes)
        self._scan = self.lex.verbs.scan(body)
        self._verdicts: dict[tuple[int, int], bool] = {}
        self._speakers: dict[tuple[int, int], tuple] = {}
        self._clause_starts: dict[tuple, int] = {}
        self._date_index = SpanIndex(dates)
        self._closes = sorted(q.close for q in quotes)
        self._stating = SpanIndex([d for d in dates if d.value is not None and d.cue not in NOT_STATING])
        mentions = SpanIndex(mentions)
        out: list[Statement] = []
        used_verbs: set[int] = set()
        groups = self._join_interrupted(body, quotes)
        for group in groups:
            st = self._quoted(body, group, quotes, sentences, mentions, actors, dates, out)
            if st is not None:
                out.append(st)
                if st.verb_start is not None:
                    used_verbs.add(st.verb_start)
        out += self._indirect(body, sentences, quotes, mentions, actors, dates, out, used_verbs)
        # words running past the cap are a quote mark left open, not a statement
        out = [s for s in out if len(s.quote) <= config.MAX_QUOTE_CHARS]
        out.sort(key=lambda s: (s.start, s.end))
        return out, self.new_actors, self.new_mentions

    @staticmethod
    def _join_interrupted(body: str, quotes: list[Quote]) -> list[list[Quote]]:
        """Quotations split by their attribution ("A," he said, "B.") as one group."""
        groups: list[list[Quote]] = []
        for q in quotes:
            if groups and groups[-1][-1].double and q.double:
                prev = groups[-1][-1]
                gap = body[prev.close + 1:q.open]
                if body[prev.start:prev.end].rstrip().endswith(",") and "\n" not in gap \
                        and len(gap.split()) <= 8 and gap.rstrip().endswith(",") \
                        and body[q.start:q.start + 1].islower():
                    groups[-1].append(q)
                    continue
            groups.append([q])
        return groups

    def _quoted(self, body, group: list[Quote], quotes, sentences, mentions, actors, dates,
                previous) -> Statement | None:
        first, last = group[0], group[-1]
        s1 = self._sentence_of(sentences, first.open)
        s2 = self._sentence_of(sentences, last.close)
        speaker = None
        # the reporting verb before the quotation, nearest first
        before = [h for h in self._verbs(body, s1[0], first.open, quotes)]
        hit = before[-1] if before else None
        if hit is not None:
            k = len(before) - 1
            start = self._clause_start(body, s1, hit.start, dates, quotes)
            while k > 0 and JOINED.search(body[start:hit.start]):
                k -= 1         # "said that ... and described it as": the first verb's subject
                start = self._clause_start(body, s1, before[k].start, dates, quotes)
            speaker = self._speaker(body, start, before[k].start, mentions, actors, previous)
            if speaker is None:
                speaker = self._inverted(body, hit.end, first.open, mentions, actors, previous)
            if speaker is None:
                speaker = self._carried(body, s1, hit.start, previous)
        else:
            hit = self._according(body, s1[0], first.open)
            if hit is not None:
                speaker = self._speaker(body, hit[1], self._np_end(body, hit[1], first.open),
                                        mentions, actors, previous)
                hit = None if speaker is None else Hit(hit[0], hit[1], "according to",
                                                       "say", "verb", "", "past")
        if speaker is None and len(group) > 1:
            gap_verbs = self._verbs(body, first.close, group[1].open, quotes)
            if gap_verbs:
                hit = gap_verbs[0]
                speaker = (self._speaker(body, first.close + 1, hit.start, mentions, actors,
                                         previous)
                           or self._inverted(body, hit.end, group[1].open, mentions, actors,
                                             previous))
        if speaker is None:
            tail_end = min([q.open for q in quotes if q.open > last.close] + [s2[1]])
            after = self._verbs(body, last.close, tail_end, quotes)
            if after:
                hit = after[0]
                speaker = (self._speaker(body, last.close + 1, hit.start, mentions, actors,
                                         previous)
                           or self._inverted(body, hit.end, tail_end, mentions, actors, previous))
        if speaker is None:
            noun = self._speech_noun(body, s1[0], first.open)
            if noun is not None:
                start = self._clause_start(body, s1, noun, dates, quotes)
                verb_here = ISSUED.search(body[start:noun])
                end = start + verb_here.start() if verb_here else noun
                speaker = self._speaker(body, start, end, mentions, actors, previous)
                hit = Hit(noun, noun, "", "say", "verb", "", "past") if speaker else None
        if speaker is None or hit is None:
            return None
        text = " ".join(body[q.start:q.end] for q in group)
        kind = "direct" if self._is_direct(body, first, s1) else "partial"
        when = self._stated_on(dates, s1, hit.start, (first.open, last.close))
        return Statement(kind, speaker.text, speaker.actor_id, speaker.role,
                         hit.base.split()[0], text, first.start, last.end,
                         when.value if when else None, when.precision if when else None,
                         hit.start, hit.end)

    @staticmethod
    def _according(body: str, a: int, b: int) -> tuple[int, int] | None:
        m = None
        for m in ACCORDING.finditer(body[a:b]):
            pass
        return (a + m.start(), a + m.end()) if m else None

    def _speech_noun(self, body: str, a: int, b: int) -> int | None:
        if self.lex.nouns is None or not ENDS_COLON_COMMA.search(body[a:b]):
            return None             # asked first: the nouns matter only then
        hits = [m for m in self.lex.nouns.finditer(body, a, b)
                if m.group(0).lower() != "according to"]
        return hits[-1].start() if hits else None

    @staticmethod
    def _is_direct(body: str, q: Quote, sent: tuple[int, int]) -> bool:
        """A quotation that is a sentence of its own: it starts with a capital
        and follows a colon, a comma or the sentence start, or it ends with a
        full stop inside the marks."""
        words = body[q.start:q.end]
        if not (words[:1].isupper() or words[:1].isdigit()):
            return False
        lead = body[sent[0]:q.open].rstrip()
        return lead == "" or lead.endswith((":", ",")) or words.rstrip().endswith((".", "!", "?"))

    def _indirect(self, body, sentences, quotes, mentions, actors, dates, previous,
                  used_verbs) -> list[Statement]:
        out: list[Statement] = []
        for sent in sentences:
            hits = self._verbs(body, sent[0], sent[1], quotes)
            hits = [h for h in hits if h.form != "ing"]
            subject: _Speaker | None = None
            for k, hit in enumerate(hits):
                start = self._clause_start(body, sent, hit.start, dates, quotes)
                coordinated = subject is not None and \
                    JOINED_OR_START.search(body[start:hit.start]) is not None
                speaker = subject if coordinated else self._speaker(
                    body, start, hit.start, mentions, actors, previous + out)
                subject = speaker or subject
                if hit.start in used_verbs:
                    continue
                limit = hits[k + 1].start if k + 1 < len(hits) else sent[1]
                clause = self._complement(body, hit, limit, sent[1], quotes)
                if clause is None:
                    continue
                c_start, c_end = clause
                if speaker is None:
                    speaker = self._carried(body, sent, hit.start, previous + out)
                if speaker is None:
                    continue
                when = self._stated_on(dates, sent, hit.start, (c_start, c_end))
                out.append(Statement("indirect", speaker.text, speaker.actor_id, speaker.role,
                                     hit.base.split()[0], body[c_start:c_end], c_start, c_end,
                                     when.value if when else None,
                                     when.precision if when else None, hit.start, hit.end))
        return out
