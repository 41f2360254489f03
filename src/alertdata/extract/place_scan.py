"""Scanning a text for where place names can be, before any lookup: the runs
of capitalised words (with the connectors inside a name) that `PlaceFinder`
looks up in the gazetteer, other usual spellings of a name it lacks
(`spellings`), and patterns tried only at the offsets where they can match.
Also `PlaceMention`, what the finder returns (here, below the modules that
make mentions, so that they import it without a cycle).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import compress
from operator import attrgetter, itemgetter

from ..gazetteer import Place
from .text import Token

# Lower-case words allowed inside a place name ("Bab el-Mandeb", "Valle del Cauca").
CONNECTORS = {"al", "el", "ad", "ash", "as", "an", "ar", "de", "du", "des", "la", "le", "les", "di",
              "da", "do", "dos", "del", "of", "and", "wa", "sur", "en", "i", "e", "y"}

# What may stand between two words of one name: a space or a hyphen.
_NAME_GAPS = frozenset((" ", "-", "- ", " -"))
# A word that is a connector joined by a hyphen to a capitalised word
# ("el-Mandeb", "al-Fashir"): one token in lower case, yet a word of the name.
_HYPHENED = re.compile(r"\b(?:" + "|".join(sorted(CONNECTORS, key=len, reverse=True)) + r")-[A-Z]")


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    surface: str
    start: int
    end: int
    written: str = ""      # the name as written, without qualifier or kind word


def _capitalised(t: Token) -> bool:
    """A word that can begin or end a name: capitalised, or a connector
    hyphened to a capitalised word (`_HYPHENED`)."""
    return t.text[:1].isupper() or _HYPHENED.match(t.text) is not None


_TEXT, _FIRST = attrgetter("text"), itemgetter(0)


def _runs(body: str, toks: tuple[Token, ...], taken: list[tuple[int, int]]) -> list[list[Token]]:
    """Maximal runs of capitalised words (with inner connectors) among the
    tokens that overlap no `taken` span.

    The words of a run are neighbours among all tokens too: a gap holding a
    (taken) token is never a space or hyphen. So the runs are found among the
    capitalised tokens and the single connectors between two of them, and then
    cut at taken tokens; a piece never starts or ends on a connector, as a run
    among the untaken tokens does not (nothing before a connector joins it, and
    nothing after it but an untaken capitalised word)."""
    runs: list[list[Token]] = []
    cur: list[Token] | None = None
    last, prev = -2, None
    # the capitalised tokens (a token is never empty; a first letter in upper
    # case is no digit, so this is `capitalised and not isdigit()`), in C
    starts = compress(range(len(toks)), map(str.isupper, map(_FIRST, map(_TEXT, toks))))
    hyphened = [m.start() for m in _HYPHENED.finditer(body)]
    if hyphened:                     # and the words like "el-Mandeb", in order
        at = {t.start: i for i, t in enumerate(toks)}
        starts = sorted({*starts, *(at[p] for p in hyphened if p in at)})
    for i in starts:
        t = toks[i]
        if cur is not None:
            if i == last + 1:
                if body[prev.end:t.start] in _NAME_GAPS:
                    cur.append(t)
                    last, prev = i, t
                    continue
            elif i == last + 2:
                c = toks[i - 1]     # lower case: joins only when a capitalised word follows
                if c.text.casefold() in CONNECTORS and body[prev.end:c.start] in _NAME_GAPS \
                        and body[c.end:t.start] in _NAME_GAPS:
                    cur.append(c)
                    cur.append(t)
                    last, prev = i, t
                    continue
            runs.append(cur)
        cur = [t]
        last, prev = i, t
    if cur is not None:
        runs.append(cur)
    return _cut(runs, taken) if taken else runs


def _cut(runs: list[list[Token]], taken: list[tuple[int, int]]) -> list[list[Token]]:
    """The runs without their tokens that overlap a taken span (the rule of
    `text.outside`), split there and stripped of end connectors."""
    spans = sorted(taken)
    out: list[list[Token]] = []
    k, n, reach = 0, len(spans), None

    def keep(piece: list[Token]) -> None:
        s, e = 0, len(piece)
        while s < e and not _capitalised(piece[s]):
            s += 1
        while e > s and not _capitalised(piece[e - 1]):
            e -= 1
        if s < e:
            out.append(piece[s:e] if e - s < len(piece) else piece)

    for run in runs:
        first = run[0]
        while k < n and spans[k][0] < first.end:
            reach = spans[k][1] if reach is None else max(reach, spans[k][1])
            k += 1
        if (reach is None or reach <= first.start) and (k == n or spans[k][0] >= run[-1].end):
            # no span starting before the first token overlaps it, so none
            # overlaps a later one, and no other span starts inside the run
            out.append(run)
            continue
        piece: list[Token] = []
        for t in run:
            while k < n and spans[k][0] < t.end:
                reach = spans[k][1] if reach is None else max(reach, spans[k][1])
                k += 1
            if reach is not None and reach > t.start:
                keep(piece)
                piece = []
            else:
                piece.append(t)
        keep(piece)
    return out


def _finditer_at(pattern: re.Pattern, text: str, literals: tuple[str, ...]) -> list[re.Match]:
    """`pattern.finditer(text)` for a pattern that only matches where one of
    `literals` is written: tried at those offsets only, in order from the end of
    the last match, as finditer does (the look-behind reads before `pos`)."""
    if not all(literals):
        return list(pattern.finditer(text))
    starts = set()
    for w in literals:
        at = text.find(w)
        while at >= 0:
            starts.add(at)
            at = text.find(w, at + 1)
    return _matches_at(pattern, text, starts)


def _matches_at(pattern: re.Pattern, text: str, starts) -> list[re.Match]:
    """`pattern.finditer(text)` where the pattern can only match at `starts`."""
    out, done = [], 0
    for pos in sorted(starts):
        if pos >= done:
            m = pattern.match(text, pos)
            if m is not None:
                out.append(m)
                done = m.end()
    return out


# What a key that `spellings` can respell ends or starts with.
_RESPELT_ENDS, _RESPELT_STARTS = ("a", "ah"), ("al ", "el ")


def spellings(key: str) -> list[str]:
    """Other usual romanisations of a folded place name, for a name the
    gazetteer lacks as written: Arabic names are written with or without
    the final "h" of the feminine ending ("Hodeidah" and "Hodeida", "Jeddah"
    and "Jedda") and with "al" or "el" for the article ("El Fasher", "al
    Fasher")."""
    out = []
    if len(key) > 4 and key.endswith("ah"):
        out.append(key[:-1])
    elif len(key) > 3 and key.endswith("a") and key[-2] not in "aeiou ":
        out.append(key + "h")
    if key.startswith(("al ", "el ")):
        out += [("el " if key[0] == "a" else "al ") + v[3:] for v in (key, *out)]
    return out
