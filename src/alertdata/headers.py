"""Issue header lines, series labels and bylines.

A header names the series and some of: issue number(s), date, volume and
number within the volume, in the many orders and spellings of FORMATS.md:
"Conflict Weekly #204 & 205, 7 December 2023, Vol.4, No.48 & 49",
"TWTW#12, 05 March 2021, Vol. 2, No. 09", "IPRI Conflict Weekly, 22 July 2020,
Vol.1, No. 27", "Africa Weekly #3&4 Vol. 1, No.3 & 4 2 June, 2021", ...
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .reference import Reference, Series

MONTHS = {m: i for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), 1) for m in names}
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
DATE_DMY = re.compile(rf"(?P<d>{_DAY})\s+(?P<m>{_MONTH})\.?,?\s+(?P<y>\d{{4}})\b", re.I)
DATE_MDY = re.compile(rf"(?P<m>{_MONTH})\.?\s+(?P<d>{_DAY}),?\s+(?P<y>\d{{4}})\b", re.I)
_JOIN = r"\s*(?:&|and|-|–|—)\s*"
_COMPONENTS = (
    ("issue", re.compile(rf"#\s*(\d+)(?:{_JOIN}#?\s*(\d+))?", re.I)),
    ("date", re.compile(rf"{DATE_DMY.pattern}|{DATE_MDY.pattern.replace('?P<', '?P<x')}", re.I)),
    ("volume", re.compile(r"Vol(?:ume)?\b\.?\s*(\d+)", re.I)),
    ("number", re.compile(rf"(?:Nos?|Issues?)\b\.?\s*(\d+)(?:{_JOIN}(\d+))?", re.I)),
)
_SEP = re.compile(r"[\s,;|.:()–—-]*")


class HeaderDateError(ValueError):
    """A header date that is not a calendar date ("31 February 2022")."""


@dataclass(frozen=True)
class Header:
    series: str | None = None
    series_code: str | None = None
    series_as_printed: str | None = None
    issue_number: int | None = None
    issue_number_end: int | None = None
    volume: int | None = None
    volume_issue: int | None = None
    published_on: date | None = None
    date_text: str | None = None
    bad_date: str | None = None     # a date that is not a calendar date, as printed

    @property
    def fields(self) -> int:
        """How much of an issue header this is (series excluded)."""
        return sum(x is not None for x in (self.issue_number, self.volume, self.volume_issue,
                                           self.published_on or self.bad_date))


def to_date(day: str, month: str, year: str) -> date:
    """A calendar date from printed parts; HeaderDateError if there is none."""
    d = int(re.match(r"\d+", day).group())
    try:
        return date(int(year), MONTHS[month.lower().rstrip(".")], d)
    except ValueError as e:
        raise HeaderDateError(f"{day} {month} {year}") from e


def find_date(text: str):
    """(date or None, printed text, bad printed text) of the first date in text."""
    for rx in (DATE_DMY, DATE_MDY):
        m = rx.search(text)
        if m:
            try:
                return to_date(m["d"], m["m"], m["y"]), m.group(0), None
            except HeaderDateError:
                return None, m.group(0), m.group(0)
    return None, None, None


def parse_components(rest: str) -> tuple[dict, int]:
    """Header components at the start of `rest`, in any order; stops at the
    first text that is none of them. Returns (components, end offset)."""
    found: dict = {}
    pos = 0
    while True:
        pos = _SEP.match(rest, pos).end()
        for name, rx in _COMPONENTS:
            m = rx.match(rest, pos)
            if m and name not in found:
                found[name] = m
                pos = m.end()
                break
        else:
            return found, pos


class _PrintedNames:
    """A reference's printed series names as `_series_prefix` tries them:
    longest first (`Reference.series_by_printed`), case-folded, grouped by
    their first character; a line can only start with a name that starts
    with the line's first character."""

    def __init__(self, ref: Reference):
        pairs = [(printed, printed.casefold(), series) for printed, series in ref.series_by_printed()]
        self.longest = max((len(folded) for _, folded, _ in pairs), default=0)
        self.by_first: dict[str, list] = {}
        for first in {folded[0] for _, folded, _ in pairs if folded}:
            self.by_first[first] = [p for p in pairs if p[1][:1] in ("", first)]
        self.empty = [p for p in pairs if not p[1]]   # lines starting otherwise


_PRINTED: dict[int, tuple[Reference, _PrintedNames]] = {}


def _printed_names(ref: Reference) -> _PrintedNames:
    """Made once per reference: headers and labels are looked for on every line."""
    hit = _PRINTED.get(id(ref))
    if hit is None or hit[0] is not ref:
        if len(_PRINTED) >= 8:
            _PRINTED.clear()
        hit = _PRINTED[id(ref)] = (ref, _PrintedNames(ref))
    return hit[1]


def _series_prefix(text: str, ref: Reference) -> tuple[str, Series] | None:
    names = _printed_names(ref)
    # Case folding goes character by character, so folding the line's first
    # `longest + 1` characters gives the start of the folded line, at least
    # one character longer than any name: enough to compare a name and test
    # the character after it (or the whole line, when it is that short).
    low = text[:names.longest + 1].casefold()
    for printed, p, series in names.by_first.get(low[:1], names.empty):
        if low.startswith(p) and (len(low) == len(p) or not low[len(p)].isalnum()):
            return text[:len(printed)], series
    return None


def parse_header(text: str, ref: Reference, default_series: Series | None = None) -> Header | None:
    """The header in one line, or None. A line with only components
    ("Vol 3, No. 5, 2 May 2021.") takes `default_series`."""
    prefix = _series_prefix(text, ref)
    if prefix is None and default_series is None:
        return None
    printed, series = prefix if prefix else (None, default_series)
    comps, end = parse_components(text[len(printed):] if printed else text)
    if not comps or (prefix is None and (len(comps) < 2 or text[end:].strip(" .,"))):
        return None
    values: dict = {}
    if "issue" in comps:
        values["issue_number"] = int(comps["issue"].group(1))
        if comps["issue"].group(2):
            values["issue_number_end"] = int(comps["issue"].group(2))
    if "volume" in comps:
        values["volume"] = int(comps["volume"].group(1))
    if "number" in comps:
        values["volume_issue"] = int(comps["number"].group(1))
    if "date" in comps:
        m = comps["date"]
        d, mo, y = (m["d"], m["m"], m["y"]) if m["d"] else (m["xd"], m["xm"], m["xy"])
        values["date_text"] = m.group(0)
        try:
            values["published_on"] = to_date(d, mo, y)
        except HeaderDateError:
            values["bad_date"] = m.group(0)
    return Header(series=series.name, series_code=series.code, series_as_printed=printed, **values)


def parse_label(text: str, ref: Reference) -> tuple[Series, int | None] | None:
    """A series label line ("Conflict Weekly", "Conflict Weekly 27",
    "NIAS AFRICA WEEKLY"): the series and the issue number it carries."""
    prefix = _series_prefix(text, ref)
    if prefix is None:
        return None
    rest = text[len(prefix[0]):].strip()
    m = re.fullmatch(r"(\d+)?\s*(?:cover story)?", rest, re.I)
    if m is None:
        return None
    return prefix[1], int(m.group(1)) if m.group(1) else None


def date_only(text: str) -> tuple[date | None, str | None, str | None] | None:
    """A line that is nothing but a date ("2 June 2021."), as find_date gives it."""
    d, printed, bad = find_date(text)
    if printed and text.strip(" .,").casefold() == printed.casefold():
        return d, printed, bad
    return None


# ---------------------------------------------------------------- bylines

_PARTICLES = {"al", "el", "de", "da", "del", "della", "der", "den", "van", "von", "bin", "binti",
              "ibn", "ul", "ud", "le", "la", "du", "dos", "das", "di", "y", "e", "ben", "abu"}
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"  # combining accents
_NAME_TOKEN = re.compile(rf"[^\W\d_][\w'’.\-{_MARKS}]*\.?", re.UNICODE)


def parse_byline(text: str, not_names: frozenset[str] = frozenset()) -> tuple[str, ...] | None:
    """Names of a byline ("A, B, and C", "By D. Name", "Name M"), or None
    when the line is not a list of personal names. `not_names` (case-folded
    place names such as "burkina faso") are never taken for a person."""
    t = re.sub(r"^(?:by|written by)\s+", "", text.strip(), flags=re.I).rstrip(" .")
    if not t or len(t) > 300 or re.search(r"[:;!?\"“”|#@/\d()]", t):
        return None
    parts = [p.strip() for p in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*", t)]
    if not all(parts) or len(parts) > 12:
        return None
    for name in parts:
        if name.casefold() in not_names:
            return None
        tokens = name.split()
        if not 1 <= len(tokens) <= 5:
            return None
        capitals = 0
        for tok in tokens:
            if tok.casefold() in _PARTICLES or tok.split("-")[0].casefold() in _PARTICLES:
                continue   # "de", "bin", "al-Rashid"
            if not _NAME_TOKEN.fullmatch(tok) or not tok[0].isupper():
                return None
            capitals += 1
        if capitals == 0 or (len(tokens) == 1 and len(parts) == 1):
            return None
    return tuple(parts)
