"""Words, sentences and name keys shared by the extractors.

Every extractor works on the story body as one string and reports half-open
character spans into it, so tokens keep their offsets.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# A word: letters (any script) with inner apostrophes, hyphens or dots
# ("al-Shabaab", "Ta'ang", "U.N."), or a number.
_WORD = re.compile(r"[^\W\d_](?:[\w’'.\-]*[^\W_])?|\d+(?:[.,]\d+)*")
_SEPARATORS = re.compile(r"[\s\-‐‑–—_/]+")
_APOSTROPHES = str.maketrans({"’": "", "'": "", "ʼ": "", "‘": "", "`": "", "ʻ": ""})


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The words of text[start:end] with their offsets in text; a trailing
    abbreviation dot is kept only for dotted acronyms ("U.S.")."""
    out = []
    for m in _WORD.finditer(text, start, len(text) if end is None else end):
        w = m.group(0)
        e = m.end()
        if w.endswith(".") and w.count(".") == 1:
            w, e = w[:-1], e - 1
        out.append(Token(w, m.start(), e))
    return out


def words(text: str) -> tuple[Token, ...]:
    """Tokens with a possessive "'s" as a token of its own ("Mali's" -> "Mali", "'s").
    Cached: the place and actor finders read the same story body, often twice."""
    return _words(text)


@lru_cache(maxsize=8)
def _words(text: str) -> tuple[Token, ...]:
    out = []
    for t in tokens(text):
        w = t.text
        if len(w) > 2 and w[-1] == "s" and w[-2] in "’'":
            cut = t.end - 2
            out.append(Token(w[:-2], t.start, cut))
            out.append(Token("'s", cut, t.end))
        else:
            out.append(t)
    return tuple(out)


@lru_cache(maxsize=8)
def folded_words(text: str) -> tuple[str, ...]:
    """`fold` of each of `words(text)`."""
    return tuple(fold(t.text) for t in words(text))


def outside(items: list, spans, span) -> list:
    """The items that overlap none of the spans (half-open (start, end)
    pairs). `span(item)` gives an item's (start, end); items come in text
    order, their ends never decreasing. The spans starting before an item's
    end then only grow from one item to the next, and the item overlaps one of
    them exactly when the furthest end among them lies past its start."""
    spans = sorted(spans)
    out, k, reach = [], 0, None
    for item in items:
        start, end = span(item)
        while k < len(spans) and spans[k][0] < end:
            reach = spans[k][1] if reach is None else max(reach, spans[k][1])
            k += 1
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
    letters = [c for c in word if c.isalpha()]
    return 2 <= len(letters) and word.upper() == word and len(word.replace(".", "")) <= 8


# Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset("""mr mrs ms dr prof gen lt col maj capt cpt sgt cpl adm brig gov sen rep
st no nos vol vols jr sr rev fr hon amb dept gen. e.g i.e etc vs approx est fig inc ltd co corp
jan feb mar apr jun jul aug sep sept oct nov dec u.s u.n u.k e.u""".split())
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-Z0-9À-Ý])|\n")


def sentences(text: str) -> list[tuple[int, int]]:
    """Half-open spans of the sentences of text. A paragraph break always ends
    one; a full stop ends one unless it closes an abbreviation ("Dr.",
    "Gen.") or an initial ("A. Hamdok")."""
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.group(0) != "\n" and m.group(0)[0] == ".":
            before = re.search(r"([\w.]+)$", text[start:m.start()])
            word = before.group(1).lower() if before else ""
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        end = m.end() if m.group(0) != "\n" else m.start()
        if text[start:end].strip():
            lead = len(text[start:end]) - len(text[start:end].lstrip())
            spans.append((start + lead, end))
        start = m.end()
    if text[start:].strip():
        lead = len(text[start:]) - len(text[start:].lstrip())
        spans.append((start + lead, len(text.rstrip())))
    return spans
