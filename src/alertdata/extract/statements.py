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
"""
from __future__ import annotations

import re
import string
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from itertools import islice
from operator import gt, le

from .. import config
from .actors import Actor, ActorMention
from .dates import DateMention
from .lexicon import Hit, Lexicon, phrase_regex
from .quotes import Quote, find_quotes
from .text import slug, span_union

PASSIVE = {"was", "were", "been", "being", "is", "are", "be"}
# Date cues that do not date a statement ("since 3 May").
NOT_STATING = ("since", "until", "till", "from", "to", "between", "by", "before", "after", "the")
CONNECTIVES = re.compile(
    r"^(?:(?:and|but|however|meanwhile|also|then|later|earlier|separately|in turn|in response|"
    r"whereas|while|although|though|besides|first|second|third|fourth|finally|indeed|"
    r"for its part|for their part|in a statement|previously|instead|still|yet|so|thus|"
    r"subsequently|in addition|moreover|furthermore|at the same time)\b[\s,]*)+", re.I)
TRAILING = re.compile(r"(?:,\s*[a-z][^,]{0,30},|\s+(?:has|have|had|also|later|then|again|publicly|"
                      r"repeatedly|reportedly|previously|earlier|already|only|swiftly|quickly|"
                      r"immediately|separately|too|both|all|in turn|in a statement|"
                      r"in a joint statement))+\s*$")
PRONOUNS = {"he": "person", "she": "person", "it": "body", "they": "any", "we": "any",
            "his": "person", "her": "person", "its": "body", "their": "any"}
DETERMINERS = ("a ", "an ", "the ")
# Where a subject cannot reach back past: subordinators and coordinated clauses.
SUBJECT_BOUNDARY = re.compile(
    r"\b(?:following|after|before|when|whereas|while|because|since|if|although|though|once|"
    r"until|unless)\s+|(?<!,)\s(?:that|which|who|where)\s+|,\s+(?:and|but|while|whereas)\s+"
    r"|\s+but\s+")
# A personal name: capitalised words and name particles ("Yousif Adam Bashar",
# "Abdel Fattah al-Burhan"), possibly after a title.
NAME_LIKE = re.compile(r"(?:(?:[A-Z][\w.’'\-]+|al|el|bin|ibn|de|da|dos|van|von|der|du|la|le)\s+)"
                       r"{1,4}[A-Z][\w’'\-]+")
# Lower-case subjects accepted as speakers without an actor ("officials", "critics").
PLAIN_SPEAKER = re.compile(r"(?:[a-z\-]+\s+){0,2}[a-z\-]+s")
# A described name: "the French energy company Total".
DESCRIBED = re.compile(r"(?:the|a|an)\s+(?:[\w\-’']+\s+){0,4}?(?:[A-Z][\w\-’'.]*\s*){1,4}", re.I)
# Reporting verbs whose -s form is mostly a plural noun ("claims", "demands").
NOUN_LIKE = {"report", "claim", "state", "demand", "request", "appeal", "comment", "question",
             "order", "post", "note", "call", "offer", "statement", "reply", "estimate"}
QUANTIFIERS = {"two", "three", "several", "many", "some", "all", "both", "other", "few",
               "member", "neighbouring", "neighboring", "most", "western", "gulf", "arab"}
# Words after which a past participle is an adjective ("alleged abuses").
ADJECTIVAL = {"the", "a", "an", "with", "of", "by", "for", "its", "their", "his", "her", "this",
              "these", "those", "our", "as", "widely", "often", "frequently"}
# An auxiliary or modal near its start shows a complement is a clause.
CLAUSE = re.compile(r"^(?:\S+\s+){0,10}?(?:had|has|have|was|were|is|are|would|will|could|can|"
                    r"should|may|might|must|did|does|do|had\s+been|\w+ed)\b", re.I)
# What [A-Z] matches ignoring case (checked over all code points).
_LETTER = frozenset(string.ascii_letters + "\u0130\u0131\u017f\u212a")


def _word_like(token: str) -> bool:              # [\w\-’']+
    return all(c.isalnum() or c in "_-’'" for c in token)


def _name_like(token: str) -> bool:              # [A-Z][\w\-’'.]* ignoring case
    return token[0] in _LETTER and all(c.isalnum() or c in "_-’'." for c in token)


def described(text: str) -> bool:
    r"""DESCRIBED.fullmatch(text) is not None, without its backtracking: a
    determiner, white space, then words: up to 4 of `_word_like` and after
    them 1 to 4 of `_name_like` (each a piece of the regex's last group;
    pieces within a word only use up more of the 4). White space is what
    str.split() splits at, as for \s; \w is isalnum() or "_"."""
    tokens = text.split()
    if not tokens or text[0].isspace() or tokens[0].lower() not in ("the", "a", "an"):
        return False
    words = tokens[1:]
    m = len(words)
    first = 0                                # words[:first] are all word-like
    while first < m and _word_like(words[first]):
        first += 1
    last = m                                 # words[last:] are all name-like
    while last > 0 and _name_like(words[last - 1]):
        last -= 1
    return max(last, m - 4) <= min(first, 4, m - 1)
THAT_AFTER = re.compile(r"\s+that\b")
COMMA_PARTS = re.compile(r"[^,]+")
FOR_OF = re.compile(r"\s+(?:for|of)\s")
ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.I)
JOINED = re.compile(r"(?:,|\band)\s*$")
JOINED_OR_START = re.compile(r"(?:^|,|\band)\s*$")
ISSUED = re.compile(r"\b(?:issued|released|published|said|gave|made|in)\b")
NP_END = re.compile(r"[.;:!?\"“”]|\n|,\s*(?=[\"“‘])|\s+(?:that|on|in|at|to|as)\s")
ACCORDING = re.compile(r"\b[Aa]ccording to\s+")
ENDS_COLON_COMMA = re.compile(r"[:,]\s*$")
COMPLEMENT_STOP = re.compile(r";|\s[—–]\s|,\s+(?:adding|saying|while|but|although|though|as|"
                             r"according to)\b|\s+(?:and|but)\s+(?:also\s+)?(?=\w+\s+(?:said|says|"
                             r"added|warned|claimed))")
APPOSITIVE = re.compile(r"\([^)]*\)(?=,\s+an?\s)|,\s+an?\s+(?=[a-z])")
NEW_CLAUSE = re.compile(r",\s+(?:and|but|while|whereas)\s+(?=(?:the|a|an|[A-Z]))")
THAT = re.compile(r"\s*(?:(?!(?:had|has|have|was|were|is|are|would|will)\b)[^\s,.;]+\s+){0,4}?"
                  r"that\s+")
THAT_WAS = re.compile(r"\s*that\s+(?:the\s+)?(?:was|is|had|has)\b")
PREPOSITION = re.compile(r"(?:in|at|on|with|to|by|from|during|after|before|for|of)\s")


class SpanIndex:
    """The items (mentions, places, dates: anything with .start and .end) that
    lie within a span, in the order of the list given, found by bisection on
    their starts instead of a scan of the whole list for every span."""

    def __init__(self, items: list):
        self.items = items
        starts, ends = [x.start for x in items], [x.end for x in items]
        # an item within [a, b) starts in [a, b] when its end is not before its start
        self.scan = any(map(gt, starts, ends))
        if all(map(le, starts, islice(starts, 1, None))):
            self.starts, self.order = starts, None       # mostly: no order to restore
            self.ends = ends
        else:
            self.order = sorted(range(len(items)), key=starts.__getitem__)
            self.starts = [starts[k] for k in self.order]

    def within(self, a: int, b: int) -> list:
        """[x for x in items if a <= x.start and x.end <= b], same order."""
        if self.scan:
            return [x for x in self.items if a <= x.start and x.end <= b]
        lo, hi = bisect_left(self.starts, a), bisect_right(self.starts, b)
        if self.order is None:
            if lo == hi or max(self.ends[lo:hi]) <= b:
                return self.items[lo:hi]
            return [x for x in self.items[lo:hi] if x.end <= b]
        items = self.items
        return [items[k] for k in sorted(self.order[lo:hi]) if items[k].end <= b]

    def starting(self, a: int, b: int) -> list:
        """[x for x in items if a <= x.start < b], same order."""
        if self.scan:
            return [x for x in self.items if a <= x.start < b]
        lo, hi = bisect_left(self.starts, a), bisect_left(self.starts, b)
        if self.order is None:
            return self.items[lo:hi]
        items = self.items
        return [items[k] for k in sorted(self.order[lo:hi])]

    def any_starting(self, a: int, b: int) -> bool:
        """Whether an item starts in [a, b)."""
        k = bisect_left(self.starts, a)
        return k < len(self.starts) and self.starts[k] < b


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


@dataclass
class _Speaker:
    text: str | None
    actor_id: str | None
    role: str | None
    start: int
    end: int


class StatementFinder:
    """Finds the statements of one story (see the module doc)."""

    def __init__(self, lexicon: SpeechLexicon):
        self.lex = lexicon

    # ------------------------------------------------------------ helpers

    def _sentence_of(self, spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
        if spans is self._sentences and self._sentence_order:
            # spans in order, each ending by the next one's start: the first
            # holding pos, or ending at it, is the one before the first span
            # starting past pos if it ends at pos or later
            k = bisect_right(self._sentence_starts, pos) - 1
            if k >= 1 and spans[k - 1][1] == pos:
                return spans[k - 1]
            if k >= 0 and pos <= spans[k][1]:
                return spans[k]
            return pos, pos
        for s, e in spans:
            if s <= pos < e or pos == e:
                return s, e
        return pos, pos

    def _verbs(self, body: str, start: int, end: int, quotes: list[Quote]) -> list[Hit]:
        """Reporting verbs in [start, end), outside quotations, not passive,
        not a bare infinitive ("refused to say")."""
        if body is not self._body or quotes is not self._quotes:     # not the story's
            return [h for h in self.lex.verbs.find(body, start, end)
                    if self._is_verb(body, h, quotes)]
        verdicts = self._verdicts        # a hit is judged by its own words only
        out = []
        for h in self._scan.find(start, end):
            key = (h.start, h.end)
            ok = verdicts.get(key)
            if ok is None:
                ok = verdicts[key] = self._is_verb(body, h, quotes)
            if ok:
                out.append(h)
        return out

    def _is_verb(self, body: str, h: Hit, quotes: list[Quote]) -> bool:
        """Whether a lexicon hit is a reporting verb (see `_verbs`)."""
        if quotes is self._quotes:              # by bisection on the union of their spans
            k = bisect_right(self._mark_starts, h.start) - 1
            if k >= 0 and h.start < self._mark_ends[k]:
                return False
        elif any(q.open <= h.start < q.close for q in quotes):
            return False
        before = body[max(0, h.start - 25):h.start].lower().split()
        if before and before[-1] in PASSIVE and h.form == "past":
            return False
        if before and before[-1] in ("to", "will", "would", "could", "may", "might", "not",
                                     "the", "a", "an", "its", "their", "his", "her") \
                and h.form in ("base", "s"):
            return False
        if h.form == "base" and not (before and before[-1] in ("did", "does", "do")):
            return False
        if h.form == "past" and before and before[-1] in ADJECTIVAL:
            return False
        if h.form == "s" and (h.base in NOUN_LIKE or before and (
                before[-1] in ADJECTIVAL or before[-1].endswith("ing")
                or before[-1] in QUANTIFIERS or before[-1][:1].isdigit())):
            # "reports", "claims", "neighbouring states" are mostly nouns
            if not (before and (before[-1][:1].isupper() or before[-1] in ("it", "he", "she"))) \
                    and not THAT_AFTER.match(body[h.end:h.end + 6]):
                return False
        return True

    def _clause_start(self, body: str, sent: tuple[int, int], pos: int, dates: list[DateMention],
                      quotes: list[Quote]) -> int:
        """Where the clause holding `pos` starts: after the last date
        expression, semicolon, colon or quotation before it in its sentence."""
        story = body is self._body and dates is self._dates and quotes is self._quotes
        if story:
            kept = self._clause_starts.get((sent, pos))
            if kept is not None:
                return kept
        start = self._find_clause_start(body, sent, pos, dates, quotes)
        if story:
            self._clause_starts[sent, pos] = start
        return start

    def _find_clause_start(self, body: str, sent: tuple[int, int], pos: int,
                           dates: list[DateMention], quotes: list[Quote]) -> int:
        start = sent[0]
        if dates is self._dates and quotes is self._quotes:
            ends = [d.end for d in self._date_index.within(sent[0], pos)]
            if ends:
                start = max(start, max(ends))
            closes = self._closes                  # the largest close in [sent[0], pos)
            k = bisect_left(closes, pos) - 1
            if k >= 0 and closes[k] >= sent[0]:
                start = max(start, closes[k] + 1)
        else:
            for d in dates:
                if sent[0] <= d.start and d.end <= pos:
                    start = max(start, d.end)
            for q in quotes:
                if sent[0] <= q.close < pos:
                    start = max(start, q.close + 1)
        cut = max(body.rfind(";", start, pos), body.rfind(":", start, pos),
                  body.rfind(" — ", start, pos), body.rfind(" – ", start, pos))
        if cut >= start:
            start = cut + 1
        for m in SUBJECT_BOUNDARY.finditer(body, start, pos):
            relative = m.group(0).strip() in ("who", "which", "that", "where")
            if relative and body[m.end():pos].rstrip().endswith(","):
                continue           # "X, a journalist who was there, said"
            start = max(start, m.end())
        return start

    def _speaker(self, body: str, a: int, b: int, mentions: SpanIndex,
                 actors: dict[str, Actor], previous: list[Statement]) -> _Speaker | None:
        """The speaker written in [a, b): text, actor, role.

        A story asks again for many subjects (a verb's, before a quotation
        and as reported speech): the answer is kept when it did not come
        from a pronoun (the only use of `previous`) and added no person to
        `actors`, and given again while `actors` (which only grows) is as it
        was; it is then the same, with nothing more to add."""
        key = (a, b)
        kept = self._speakers.get(key)
        if kept is not None and kept[1] == len(actors) and kept[2] is actors and body is self._body:
            return kept[0]
        size = len(actors)
        self._by_pronoun = False
        found = self._read_speaker(body, a, b, mentions, actors, previous)
        if not self._by_pronoun and len(actors) == size and body is self._body:
            self._speakers[key] = (found, size, actors)
        return found

    def _read_speaker(self, body: str, a: int, b: int, mentions: SpanIndex,
                      actors: dict[str, Actor], previous: list[Statement]) -> _Speaker | None:
        raw = body[a:b]
        stripped = raw.lstrip(" ,")
        lead = CONNECTIVES.match(stripped)
        a += len(raw) - len(stripped) + (lead.end() if lead else 0)
        text = body[a:b]
        trail = TRAILING.search(text)
        if trail and trail.start() > 0:
            b = a + trail.start()
        b = a + len(body[a:b].rstrip(" ,"))
        if b <= a:
            return None
        subject = body[a:b]
        # the tests below are pure and asked only where needed, in the order written
        appositive = None

        def is_appositive() -> bool:
            nonlocal appositive
            if appositive is None:
                appositive = any(NAME_LIKE.fullmatch(part.strip()) for part in subject.split(","))
            return appositive

        if len(subject.split()) > config.MAX_SUBJECT_WORDS and not is_appositive():
            comma = body.rfind(", ", a, b)
            if comma < 0:
                return None
            a = comma + 2
        text = body[a:b]
        inside = [m for m in mentions.within(a, b) if m.actor_id in actors]
        low = text.lower()
        if low in PRONOUNS:
            self._by_pronoun = True
            return self._pronoun(low, a, b, mentions.items, actors, previous)
        roles = self.lex.roles
        role_hit = roles.search(text) if roles is not None else None
        role_word = role_hit is not None
        if not inside:
            n_words = len(text.split())
            short = n_words <= 4 and (text[:1].isupper() or low.startswith(DETERMINERS))
            if not (PLAIN_SPEAKER.fullmatch(text) or short or is_appositive()
                    or described(text)
                    or role_word and n_words <= config.MAX_PLAIN_SPEAKER_WORDS):
                return None
        elif "," not in text and not role_word:
            last = max(inside, key=lambda m: m.end)
            if len(body[last.end:b].split()) > 3:
                return None        # "China's silence at the start of the offensive"
        role = None
        speaker_text = text
        if "," in text:                 # else fewer than two parts
            parts = [(m.start(), m.end()) for m in COMMA_PARTS.finditer(text)]
            if len(parts) >= 2:
                people = [m for m in inside if actors[m.actor_id].actor_type == "person"]
                named = next(((s, e) for s, e in parts
                              if any(a + s <= m.start < a + e for m in people)), None) or \
                    next(((s, e) for s, e in parts if NAME_LIKE.fullmatch(text[s:e].strip())), None)
                if named:
                    others = [text[s:e].strip() for s, e in parts if (s, e) != named]
                    speaker_text = text[named[0]:named[1]].strip()
                    role = ", ".join(o for o in others if o) or None
        if role is None and roles is not None:
            m = role_hit if speaker_text is text else roles.search(speaker_text)
            if m and not any(a + m.start() >= x.start and a + m.end() <= x.end for x in inside
                             if actors[x.actor_id].actor_type != "person"):
                if FOR_OF.match(speaker_text[m.end():]):
                    role = speaker_text[m.start():]           # "spokesperson for the UN"
                elif m.start() < 40:
                    role = ARTICLE.sub("", speaker_text[:m.end()])
                else:
                    role = m.group(0)
        if role:
            role = ARTICLE.sub("", role)
        actor_id = self._choose(inside, actors, a, b)
        if (actor_id is None or actors[actor_id].actor_type != "person") \
                and NAME_LIKE.fullmatch(speaker_text) and speaker_text != text:
            actor_id = self._new_person(speaker_text, a + text.find(speaker_text), actors)
        if actor_id is None and low in PRONOUNS:
            self._by_pronoun = True
            return self._pronoun(low, a, b, mentions.items, actors, previous)
        if actor_id and all(m.how == "pronoun" for m in inside if m.actor_id == actor_id):
            speaker_text = actors[actor_id].name
        return _Speaker(speaker_text, actor_id, role, a, b)

    def _new_person(self, name: str, start: int, actors: dict[str, Actor]) -> str:
        """A speaker named in an appositive whom the actor finder did not know
        ("Oleksandra Kovalchuk, a member of ..."): a person of the story."""
        ident = f"person-{slug(name)}"
        if ident not in actors:
            self.new_actors[ident] = actors[ident] = Actor(ident, name, "person", self.main_iso3)
        mention = ActorMention(ident, name, start, start + len(name), "speaker")
        if mention not in self.new_mentions:
            self.new_mentions.append(mention)
        return ident

    @staticmethod
    def _choose(inside: list[ActorMention], actors: dict[str, Actor], a: int, b: int) -> str | None:
        """The speaking actor among the mentions of a subject: a person, else
        the longest body ("a spokesperson for Russia's foreign ministry")."""
        if not inside:
            return None
        people = [m for m in inside if actors[m.actor_id].actor_type == "person"]
        if people:
            return people[0].actor_id
        return max(inside, key=lambda m: (m.end - m.start, -m.start)).actor_id

    @staticmethod
    def _pronoun(word: str, a: int, b: int, mentions: list[ActorMention], actors: dict[str, Actor],
                 previous: list[Statement]) -> _Speaker | None:
        """A pronoun subject: the last speaker of that kind, else the last
        actor of that kind mentioned before it."""
        want = PRONOUNS[word]

        def fits(actor_id: str | None) -> bool:
            if actor_id is None or actor_id not in actors:
                return False
            person = actors[actor_id].actor_type == "person"
            return want == "any" or (want == "person") == person

        for s in reversed(previous):
            human = s.speaker_role is not None and want in ("person", "any")
            if s.start < a and (fits(s.speaker_actor_id) or human):
                return _Speaker(s.speaker, s.speaker_actor_id, s.speaker_role, a, b)
        earlier = [m for m in mentions if m.end <= a and fits(m.actor_id)]
        if earlier:
            m = earlier[-1]
            return _Speaker(actors[m.actor_id].name, m.actor_id, None, a, b)
        return None

    def _stated_on(self, dates: list[DateMention], sent: tuple[int, int], verb: int,
                   skip: tuple[int, int] | None = None) -> DateMention | None:
        """A date before the verb in its sentence (or right after it: "said on
        3 May that"), not inside the reported words, not "since"/"until"."""
        if dates is self._dates and not self._stating.scan:
            # the loop below returns the first date of the second kind in the
            # list, if any, else the last of the first kind: the two kinds are
            # picked by where they start
            for d in self._stating.starting(max(verb + 1, sent[0]), min(verb + 25, sent[1])):
                if not (skip and skip[0] <= d.start < skip[1]):
                    return d
            return next((d for d in reversed(self._stating.within(sent[0], verb))
                         if not (skip and skip[0] <= d.start < skip[1])), None)
        best = None
        for d in dates:
            if d.value is None or d.cue in NOT_STATING:
                continue
            if skip and skip[0] <= d.start < skip[1]:
                continue
            if sent[0] <= d.start and d.end <= verb:
                best = d
            elif verb < d.start < verb + 25 and sent[0] <= d.start < sent[1]:
                return d
        return best

    # ------------------------------------------------------------ main

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
    def _carried(body: str, sent: tuple[int, int], verb: int,
                 previous: list[Statement]) -> _Speaker | None:
        """A verb whose subject is the previous statement's ("... and said",
        ", adding"), in the same sentence."""
        gap = body[sent[0]:verb].rstrip().lower()
        if not (gap.endswith((" and", ",")) or gap == ""):
            return None
        for s in reversed(previous):
            if sent[0] <= s.start < verb or (s.verb_start is not None and sent[0] <= s.verb_start < verb):
                return _Speaker(s.speaker, s.speaker_actor_id, s.speaker_role, verb, verb)
        return None

    def _inverted(self, body, a, b, mentions, actors, previous) -> _Speaker | None:
        """"..., said the army's spokesperson, X." : the subject after the verb."""
        end = self._np_end(body, a, b)
        if end <= a:
            return None
        return self._speaker(body, a, end, mentions, actors, previous)

    @staticmethod
    def _np_end(body: str, a: int, b: int) -> int:
        m = NP_END.search(body[a:b])
        return a + m.start() if m else b

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

    # ------------------------------------------------------------ indirect

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

    def _complement(self, body: str, hit: Hit, limit: int, sent_end: int,
                    quotes: list[Quote]) -> tuple[int, int] | None:
        """The reported clause after a verb, or None when the verb reports
        no clause here (a quotation follows, or the verb needs "that")."""
        a = hit.end
        end = sent_end
        stop = COMPLEMENT_STOP.search(body[a:end])
        if stop:
            end = a + stop.start()
        appositive = APPOSITIVE.search(body[a:end])
        if appositive and appositive.start() > 0:
            end = a + appositive.start() + (len(appositive.group(0)) if appositive.group(0).startswith("(") else 0)
        new_clause = NEW_CLAUSE.search(body[a:end])
        if new_clause:
            end = a + new_clause.start()
        for h in self._verbs(body, a, end, quotes):
            if h.form not in ("past", "s"):
                continue
            pre = body[a:h.start].rstrip()
            joint = max(pre.rfind(" and "), pre.rfind(","))
            if pre.endswith((" and", ",")) or (joint >= 0 and len(pre) - joint < 40):
                end = min(end, a + (joint if joint >= 0 else len(pre) - 4))
                break
        if any(a <= q.open < end for q in quotes):
            return None            # the quotation is the statement
        text = body[a:end]
        that = THAT.match(text)
        has_that = that is not None and not THAT_WAS.match(text)
        if has_that:
            a += that.end()
        elif hit.base in self.lex.needs_that:
            return None
        elif hit.base not in self.lex.takes_object and hit.label == "":
            if not CLAUSE.match(text.strip()):
                return None
        a, end = a + len(body[a:end]) - len(body[a:end].lstrip(" ,")), end
        end = a + len(body[a:end].rstrip(" ,.!?"))
        if len(body[a:end].split()) < 2 or end <= a:
            return None
        if not has_that and PREPOSITION.match(body[a:end]) \
                and hit.base not in ("call on", "call for", "appeal", "refer"):
            return None
        return a, end
