"""Words, sentences and name keys shared by the extractors.

Every extractor works on the story body as one string and reports half-open
character spans into it, so tokens keep their offsets.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import accumulate, islice
from operator import attrgetter, gt, le

# A word: letters (any script) with inner apostrophes, hyphens or dots
# ("al-Shabaab", "Ta'ang", "U.N."), or a number.
_WORD = re.compile(r"[^\W\d_](?:[\w’'.\-]*[^\W_])?|\d+(?:[.,]\d+)*")
# The same matches, as one group: split() then returns the text between words
# and the words in turn, all in C (finditer makes a match object per word).
# The possessive "?+", "++" and "*+" only stop the engine from keeping
# backtracking points it never uses: nothing follows them in the pattern (a
# number's digits are followed by [.,] or nothing, never by a digit), so the
# first match found at each position is the same (a third faster).
_WORD_SPLIT = re.compile(r"([^\W\d_](?:[\w’'.\-]*[^\W_])?+|\d++(?:[.,]\d++)*+)")
_SEPARATORS = re.compile(r"[\s\-‐‑–—_/]+")
_APOSTROPHES = str.maketrans({"’": "", "'": "", "ʼ": "", "‘": "", "`": "", "ʻ": ""})
_POSSESSIVE = re.compile("['’]s")


class Token:
    """A word and its half-open span in the text. A plain class with slots:
    the extractors read these attributes tens of thousands of times per
    document and a story makes hundreds of tokens, which a frozen dataclass
    (each field set through object.__setattr__) builds far more slowly.
    Treat tokens as read-only values (they are shared through the `words`
    cache); equality, hash and repr are the frozen dataclass's."""
    __slots__ = ("text", "start", "end", "capitalised")
    __match_args__ = ("text", "start", "end")

    def __init__(self, text: str, start: int, end: int):
        self.text = text
        self.start = start
        self.end = end
        self.capitalised = text[:1].isupper()   # read far more often than made

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.text, self.start, self.end) == (other.text, other.start, other.end)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.text, self.start, self.end))

    def __repr__(self) -> str:
        return f"Token(text={self.text!r}, start={self.start!r}, end={self.end!r})"

    def __reduce__(self):
        return Token, (self.text, self.start, self.end)


def _word_spans(text: str, start: int, end: int) -> tuple[list[str], list[int], list[int]]:
    """The _WORD matches in text[start:end] as (words, starts, ends). The
    pattern has no look-around or anchors, so matching the slice is matching
    text between `start` and `end`; split() finds the same non-overlapping
    matches as finditer() (the pattern never matches empty), and a word's
    offset is the summed length of the pieces before it."""
    parts = _WORD_SPLIT.split(text if start == 0 and end == len(text) else text[start:end])
    offsets = list(accumulate(map(len, parts), initial=start))
    n = len(parts) // 2        # [gap, word, gap, word, ..., gap]
    return parts[1::2], offsets[1:2 * n:2], offsets[2:2 * n + 1:2]


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The words of text[start:end] with their offsets in text. No word ends
    in a dot (the pattern ends a word on a letter or digit), so "U.S." gives
    "U.S"."""
    n = len(text)
    end = n if end is None else end
    # finditer(text, start, end) clamps both bounds into [0, len(text)]
    words, starts, ends = _word_spans(text, min(max(start, 0), n), min(max(end, 0), n))
    return list(map(Token, words, starts, ends))


def words(text: str) -> tuple[Token, ...]:
    """Tokens with a possessive "'s" as a token of its own ("Mali's" -> "Mali", "'s").
    Cached: the place and actor finders read the same story body, often twice."""
    return _words(text)


@lru_cache(maxsize=8)
def _words(text: str) -> tuple[Token, ...]:
    words, starts, ends = _word_spans(text, 0, len(text))
    # The words to split are those longer than two characters that end in
    # "'s" or "’s": found from the text's few apostrophe-s pairs, as the word
    # that ends with the pair and starts before it (ends only grow).
    possessive = []
    for m in _POSSESSIVE.finditer(text):
        i = bisect_left(ends, m.end())
        if i < len(ends) and ends[i] == m.end() and starts[i] < m.start():
            possessive.append(i)
    for i in reversed(possessive):
        cut = ends[i] - 2
        words[i:i + 1] = words[i][:-2], "'s"
        starts[i:i + 1] = starts[i], cut
        ends[i:i + 1] = cut, ends[i]
    return tuple(map(Token, words, starts, ends))


_TEXT = attrgetter("text")


@lru_cache(maxsize=8)
def folded_words(text: str) -> tuple[str, ...]:
    """`fold` of each of `words(text)`."""
    return tuple(map(fold, map(_TEXT, words(text))))


def outside(items: list, spans, span) -> list:
    """The items that overlap none of the spans (half-open (start, end)
    pairs). `span(item)` gives an item's (start, end); items come in text
    order, their ends never decreasing. The spans starting before an item's
    end then only grow from one item to the next, and the item overlaps one of
    them exactly when the furthest end among them lies past its start."""
    spans = sorted(spans)
    if not spans:
        return list(items)
    out, k, n, reach = [], 0, len(spans), None
    following = spans[0][0]     # start of spans[k], the first span not yet reached
    for item in items:
        start, end = span(item)
        if following < end:
            while k < n and spans[k][0] < end:
                far = spans[k][1]
                if reach is None or far > reach:
                    reach = far
                k += 1
            following = spans[k][0] if k < n else float("inf")
        if reach is None or reach <= start:
            out.append(item)
    return out


@lru_cache(maxsize=200_000)
def fold(name: str) -> str:
    """The key a name is looked up by: accents, apostrophes, dots and case
    dropped, hyphens and white space made one space ("Ta’ang" = "taang",
    "Kok-Tash" = "kok tash", "U.N." = "un")."""
    s = name
    if not s.isascii():         # ASCII has no accents to strip
        s = unicodedata.normalize("NFKD", s)
        s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.translate(_APOSTROPHES).replace(".", "").casefold()
    s = _SEPARATORS.sub(" ", s)
    return s.strip()


def slug(text: str) -> str:
    """A stable id fragment: folded, non-alphanumerics as '-'."""
    s = re.sub(r"[^a-z0-9]+", "-", fold(text))
    return s.strip("-") or "x"


def is_acronym(word: str) -> bool:
    """'UN', 'ECOWAS', 'U.S.', 'M23': short, upper case, at least two letters."""
    # the cheapest test first: most words are not upper case
    return word.upper() == word and len(word.replace(".", "")) <= 8 and \
        sum(map(str.isalpha, word)) >= 2


# Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset("""mr mrs ms dr prof gen lt col maj capt cpt sgt cpl adm brig gov sen rep
st no nos vol vols jr sr rev fr hon amb dept gen. e.g i.e etc vs approx est fig inc ltd co corp
jan feb mar apr jun jul aug sep sept oct nov dec u.s u.n u.k e.u""".split())
# A sentence end: stops and closing quotes before white space and a capital or
# digit (optionally after an opening quote), or a line break. Written as
# [.!?…]+...|\n it matches the same, but a pattern that opens with one
# character class lets the engine skip to the next such character in C
# instead of trying the pattern at every position (twice as fast): a line
# break matches alone (the look-behind sees it), a stop goes on as before.
_SENTENCE_END = re.compile(r"[.!?…\n](?:(?<=\n)|[.!?…]*[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-Z0-9À-Ý]))")


def _word_before(text: str, start: int, end: int) -> str:
    r"""The run of word characters and dots that ends at `end` and starts at
    or after `start`: what re.search(r"([\w.]+)$", text[start:end]) finds
    there (the slice never holds a line break, so "$" is its end; \w is
    str.isalnum() or "_", for every code point)."""
    i = end
    while i > start and (text[i - 1].isalnum() or text[i - 1] in "_."):
        i -= 1
    return text[i:end]


def sentences(text: str) -> list[tuple[int, int]]:
    """Half-open spans of the sentences of text. A paragraph break always ends
    one; a full stop ends one unless it closes an abbreviation ("Dr.",
    "Gen.") or an initial ("A. Hamdok")."""
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        mark = m.group()
        if mark == "\n":
            end = m.start()
        else:
            end = m.end()
            if mark[0] == ".":
                # no line break lies between start and the stop: each one
                # is a match of its own, which moves start past it
                word = _word_before(text, start, m.start()).lower()
                if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                    continue
        sentence = text[start:end]
        body = sentence.lstrip()
        if body:
            spans.append((start + len(sentence) - len(body), end))
        start = m.end()
    rest = text[start:]
    body = rest.lstrip()
    if body:
        spans.append((start + len(rest) - len(body), len(text.rstrip())))
    return spans


def find_all(text: str, needles) -> list[int]:
    """Where each of the needles starts in text, overlaps included, needle
    by needle (not in order): str.find skips the other characters far faster
    than a regex tries them."""
    found = []
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            found.append(at)
            at = text.find(needle, at + 1)
    return found


def span_union(spans) -> tuple[list[int], list[int]]:
    """The union of (start, end) spans, empty ones left out, as the starts
    and ends of its disjoint pieces in order (for bisection)."""
    pieces: list[list[int]] = []
    for start, end in sorted(spans):
        if start >= end:
            continue
        if pieces and start <= pieces[-1][1]:
            pieces[-1][1] = max(pieces[-1][1], end)
        else:
            pieces.append([start, end])
    return [a for a, _ in pieces], [b for _, b in pieces]


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

