"""Reporting verbs and the clauses around them, for `statements`.

Which lexicon hits are reporting verbs (not passive, not a noun such as
"claims", not inside a quotation), where the clause holding a verb starts
(after a date, a semicolon or a quotation, at a subordinator), the reported
clause after it (`_complement`), and the date a statement was made
(`_stated_on`). `ClauseReading` is one of `StatementFinder`'s bases: its
methods read the per-story indexes `StatementFinder.find` sets up (the
verbs' hits and verdicts, the dates, quotation marks and sentences).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING

from .dates import DateMention
from .lexicon import Hit
from .quotes import Quote

if TYPE_CHECKING:
    from .statements import SpeechLexicon

PASSIVE = {"was", "were", "been", "being", "is", "are", "be"}
# Date cues that do not date a statement ("since 3 May").
NOT_STATING = ("since", "until", "till", "from", "to", "between", "by", "before", "after", "the")
# Where a subject cannot reach back past: subordinators and coordinated clauses.
SUBJECT_BOUNDARY = re.compile(
    r"\b(?:following|after|before|when|whereas|while|because|since|if|although|though|once|"
    r"until|unless)\s+|(?<!,)\s(?:that|which|who|where)\s+|,\s+(?:and|but|while|whereas)\s+"
    r"|\s+but\s+")
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
THAT_AFTER = re.compile(r"\s+that\b")
COMPLEMENT_STOP = re.compile(r";|\s[—–]\s|,\s+(?:adding|saying|while|but|although|though|as|"
                             r"according to)\b|\s+(?:and|but)\s+(?:also\s+)?(?=\w+\s+(?:said|says|"
                             r"added|warned|claimed))")
APPOSITIVE = re.compile(r"\([^)]*\)(?=,\s+an?\s)|,\s+an?\s+(?=[a-z])")
NEW_CLAUSE = re.compile(r",\s+(?:and|but|while|whereas)\s+(?=(?:the|a|an|[A-Z]))")
THAT = re.compile(r"\s*(?:(?!(?:had|has|have|was|were|is|are|would|will)\b)[^\s,.;]+\s+){0,4}?"
                  r"that\s+")
THAT_WAS = re.compile(r"\s*that\s+(?:the\s+)?(?:was|is|had|has)\b")
PREPOSITION = re.compile(r"(?:in|at|on|with|to|by|from|during|after|before|for|of)\s")


class ClauseReading:
    """Verbs and clauses of the story `find` is reading (see the module doc)."""

    lex: SpeechLexicon

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
