"""Quotation marks of a story body, paired into quotations.

Pages use straight and curly double quotes, and single quotes for short
phrases; apostrophes look like closing single quotes. Quotes are paired
within a paragraph: a double quote left open at the paragraph's end runs to
that end (a source that never closed it), an unclosed single quote was an
apostrophe.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from ..config import MAX_SINGLE_QUOTE_WORDS
from .text import find_all

OPEN_DOUBLE, CLOSE_DOUBLE = "“„«", "”»"
MARKS = OPEN_DOUBLE + CLOSE_DOUBLE + "\"‘'’"
_MARKS = re.compile("[" + re.escape(MARKS) + "]")


@dataclass(frozen=True)
class Quote:
    """A quotation: marks at `open`/`close` (close is the paragraph end when
    never closed), words at [start, end)."""
    open: int
    close: int
    start: int
    end: int
    closed: bool
    double: bool


def _inner(body: str, a: int, b: int) -> tuple[int, int]:
    """[a, b) without surrounding white space."""
    while a < b and body[a].isspace():
        a += 1
    while b > a and body[b - 1].isspace():
        b -= 1
    return a, b


def _paragraphs(body: str):
    start = 0
    for line in body.split("\n"):
        yield start, start + len(line)
        start += len(line) + 1


def _opens_single(body: str, i: int, start: int) -> bool:
    before = body[i - 1] if i > start else " "
    after = body[i + 1] if i + 1 < len(body) else " "
    return (before.isspace() or before in "([{—–-/“\"") and after.isalnum()


def _closes_single(body: str, i: int, end: int) -> bool:
    after = body[i + 1] if i + 1 < end else " "
    return not after.isalnum()


def _mark_offsets(body: str) -> list[int]:
    """The offsets of the quotation marks of body, in order: `_MARKS`'s
    matches, found with str.find, which skips the other characters far
    faster than a regex tries them."""
    return sorted(find_all(body, MARKS))


_last: tuple | None = None       # (body, quotes) of the last call: see find_quotes


def find_quotes(body: str) -> list[Quote]:
    """Every quotation in reading order (single quotes inside a double
    quotation belong to it and are not listed). The answer for the last
    body is kept: the statement finder and the story's events ask in turn."""
    global _last
    if _last is not None and (_last[0] is body or _last[0] == body):
        return list(_last[1])
    out = _find_quotes(body)
    _last = (body, tuple(out))
    return out


def _find_quotes(body: str) -> list[Quote]:
    out: list[Quote] = []
    marks = _mark_offsets(body)
    for p_start, p_end in _paragraphs(body):
        double_at = single_at = None
        single_kind = None
        # other characters change nothing
        for i in marks[bisect_left(marks, p_start):bisect_left(marks, p_end)]:
            c = body[i]
            if double_at is None:
                if c in OPEN_DOUBLE or c == '"':
                    double_at, single_at = i, None
                    continue
                if single_at is None:
                    if c in "‘'" and _opens_single(body, i, p_start):
                        single_at, single_kind = i, c
                elif (c == "’" and single_kind == "‘" or c == "'" and single_kind == "'") \
                        and _closes_single(body, i, p_end):
                    s, e = _inner(body, single_at + 1, i)
                    if e > s and len(body[s:e].split()) <= MAX_SINGLE_QUOTE_WORDS:
                        out.append(Quote(single_at, i, s, e, True, False))
                    single_at = None
            elif c in CLOSE_DOUBLE or c == '"':
                s, e = _inner(body, double_at + 1, i)
                if e > s:
                    out.append(Quote(double_at, i, s, e, True, True))
                double_at = None
        if double_at is not None:
            s, e = _inner(body, double_at + 1, p_end)
            if len(body[s:e].split()) >= 4:
                out.append(Quote(double_at, p_end, s, e, False, True))
    return out
