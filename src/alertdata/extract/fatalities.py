"""Death tolls in a clause, for `events`: "killing at least five people",
"more than 120 people were killed", "a student was shot dead", "dozens
died". A toll is a best figure and a range (`Toll`); the number words,
bounds ("at least"), vague counts ("dozens") and death words come from
`etl/event_cues.yaml`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .phrases import lowered_text, trie_alternation


@dataclass(frozen=True)
class Toll:
    best: int | None
    low: int | None
    high: int | None


class DeathCounter:
    """Death tolls in a clause: "killing at least five people", "more than 120
    people were killed", "a student was shot dead", "dozens died"."""

    def __init__(self, cues: dict):
        f = cues["fatalities"]
        self.numbers = {k.lower(): v for k, v in f["numbers"].items()}
        self.multipliers = {k.lower(): v for k, v in f["multipliers"].items()}
        self.vague = {k.lower(): v for k, v in f["vague"].items()}
        self.at_least = set(f["at_least"])
        self.at_most = set(f["at_most"])
        self.toll, self.before, self.after, self.single = self._regexes(f, lower=False)
        # Every match of a regex holds one of its words here, as written in
        # it ("kill" of killing/killed/kills, "murder" of "murder of", "shot"
        # of "was shot dead"): `count_in` runs a regex only on clauses with
        # one of its words.
        needs = {
            "toll": {"death"}, "before": {w.lower() for w in f["death_words"]},
            "after": {"kill", "massacred", "executed", "murdered", "leaving", "left"},
            "single": {"kill", "assassinat", "murder", "shot", "executed", "beheaded"}}
        needs["any"] = set().union(*needs.values())
        # and every match of toll, before and after holds a count: a digit (\d,
        # added below), a number word or a vague one ("dozens")
        needs["count"] = {*self.numbers, *self.vague}
        words = [*self.numbers, *self.multipliers, *self.vague, *f["at_least"], *f["at_most"],
                 *f["about"], *f["victims"], *f["death_words"]]
        self._need_rx = self._lower_rx = None
        if all(w.isascii() for w in words):
            self._need_rx = {name: re.compile((trie_alternation(ws)
                                               or "|".join(map(re.escape, sorted(ws))))
                                              + (r"|\d" if name == "count" else ""))
                             for name, ws in needs.items()}
            self._lower_rx = self._regexes(f, lower=True)

    def _regexes(self, f: dict, lower: bool) -> tuple[re.Pattern, ...]:
        """The toll, before, after and single regexes: ignoring case, or
        (lower) the same with every word in lower case and case-sensitive,
        for lower-case text (see `lowered`)."""
        def words(ws):
            return [w.lower() for w in ws] if lower else list(ws)
        flags = 0 if lower else re.I
        number_words = "|".join(sorted(map(re.escape, self.numbers), key=len, reverse=True))
        vague_words = "|".join(sorted(map(re.escape, self.vague), key=len, reverse=True))
        mult = "|".join(self.multipliers)
        bound = "|".join(re.escape(w) for w in sorted(
            words(f["at_least"] + f["at_most"] + f["about"]), key=len, reverse=True))
        count = (rf"(?P<bound>(?:{bound})\s+)?(?:(?P<between>between\s+)?(?P<num>\d{{1,3}}(?:,\d{{3}})+"
                 rf"|\d+|{number_words})(?:\s+(?P<mult>{mult}))?(?:\s*(?:and|to|-|–)\s*"
                 rf"(?P<num2>\d{{1,3}}(?:,\d{{3}})+|\d+|{number_words}))?|(?P<vague>{vague_words}))")
        victims = "|".join(sorted(map(re.escape, words(f["victims"])), key=len, reverse=True))
        deaths = "|".join(sorted(map(re.escape, words(f["death_words"])), key=len, reverse=True))
        adjectives = r"(?:[a-z\-]+\s+){0,3}?"
        before = re.compile(
            rf"(?<![\w,])(?:{count})\s+(?:of\s+(?:them|whom)\s+)?{adjectives}(?:(?:{victims})\s+)?"
            rf"(?:(?:who\s+)?(?:were|was|have\s+been|had\s+been|are|is|been)\s+)?"
            rf"(?:reportedly\s+|allegedly\s+)?(?:{deaths})\b", flags)
        after = re.compile(
            rf"\b(?:killing|killed|kills|kill|massacred|executed|murdered|leaving|left)\s+"
            rf"(?:{count})(?:\s+{adjectives}(?:{victims}))?", flags)
        single = re.compile(
            r"\b(?:killing|killed|assassinated|assassination of|murdered|murder of)\s+(?:a|an|the)\s+"
            r"(?!\d|two\b|three\b|several\b|many\b)(?:[a-z\-]+\s+){0,2}?(?:[a-z]+)\b"
            r"|\b(?:was|were)\s+(?:shot\s+dead|killed|assassinated|murdered|executed|beheaded)\b",
            flags)
        toll = re.compile(rf"death\s+toll\s+(?:rose\s+to|of|reached|stood\s+at|to)\s+{count}",
                          flags)
        return toll, before, after, single

    def _value(self, text: str | None) -> int | None:
        if not text:
            return None
        t = text.lower().replace(",", "")
        return int(t) if t.isdigit() else self.numbers.get(t)

    def _toll(self, m: re.Match) -> Toll | None:
        g = m.groupdict()
        if g.get("vague"):
            low, high = self.vague[g["vague"].lower()]
            return Toll(None, low, high)
        n = self._value(g.get("num"))
        if n is None:
            return None
        if g.get("mult"):
            n *= self.multipliers[g["mult"].lower()]
        n2 = self._value(g.get("num2"))
        if n2 is not None and n2 > n:
            return Toll(None, n, n2)
        bound = (g.get("bound") or "").strip().lower()
        if bound in self.at_least:
            return Toll(n, n, None)
        if bound in self.at_most:
            return Toll(n, None, n)
        return Toll(n, n, n)

    def lowered(self, text: str) -> str | None:
        """text.lower() when `count_in` can read it instead of text, else None.

        The lower-case regexes on lowered text match where the regexes
        ignoring case match on text, with the same groups but in lower case
        (which `_toll` reads in lower case anyway): lower() keeps offsets
        unless text has "İ" (the only character lowering to two); it keeps
        white space, digits, word characters and punctuation what they are
        (no character lowers to another class); ASCII letters match ignoring
        case only their other case and non-ASCII "K" (lowers to "k"), "ſ"
        and "ı" (stay as they are: then no lowered text). All checked over all
        code points when written."""
        if self._lower_rx is None or "ſ" in text or "ı" in text:
            return None
        return lowered_text(text)

    def count_in(self, text: str, a: int, b: int, lowered: str | None) -> Toll | None:
        """count(text[a:b]), read from `lowered` (see `lowered`) with the
        lower-case regexes, and without running those (and `single`) whose
        words the clause lacks: they find nothing there. The words have no
        lookarounds, so searching [a, b) of lowered is searching the slice."""
        if lowered is None:
            return self.count(text[a:b])
        need = self._need_rx
        if not need["any"].search(lowered, a, b):
            return None                          # no word of any regex: the common case
        toll, before, after, single = self._lower_rx
        run = [rx for name, rx in (("toll", toll), ("before", before), ("after", after))
               if need[name].search(lowered, a, b)]
        if run and not need["count"].search(lowered, a, b):
            run = []
        if not run and not need["single"].search(lowered, a, b):
            return None
        return self._count(lowered[a:b], run, single)

    def count(self, text: str) -> Toll | None:
        """The first death toll the clause gives, or None."""
        return self._count(text, (self.toll, self.before, self.after), self.single)

    def _count(self, text: str, regexes, single: re.Pattern) -> Toll | None:
        found = []
        for rx in regexes:
            for m in rx.finditer(text):
                toll = self._toll(m)
                if toll is not None:
                    found.append((m.start(), toll))
        if found:
            return min(found, key=lambda x: x[0])[1]
        m = single.search(text)
        if m:
            return Toll(1, 1, 1)
        return None
