"""Date expressions of the alerts' prose, resolved against the issue date.

Alerts date their events in a handful of ways ("On 3 May", "on 3 June 2021",
"Last Thursday (28 May 2020)", "in mid-April", "since 2011", "the same day",
"two days later"). Plain rules cover them better than a general date parser:
they know the precision of what was written (a month named alone is a month,
not the issue's day of that month) and they never guess a date from a number.

A date without a year takes the issue's year, unless that puts it more than
`FUTURE_DAYS` after the issue: then it is the year before (a January issue's
"On 28 December"). Relative days ("the same day", "two days later") count
from the last day-precise date written before them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..config import FUTURE_DAYS
from .text import find_all, outside


MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
          "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
          "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
          "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
            "saturday": 5, "sunday": 6}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                "fifteen": 15, "twenty": 20, "thirty": 30}

# Month names are capitalised in prose ("May" is otherwise a modal verb);
# upper case is accepted for headings written in capitals.
_MONTH = (r"(?P<{g}>(?:January|February|March|April|May|June|July|August|September|October|"
          r"November|December|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|"
          r"OCTOBER|NOVEMBER|DECEMBER)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
          r"\b\.?)")
# A lead word ("on", "in", "since") starts a word: "on" inside "Lebanon" is none.
_WORD_START = r"(?<![\w’'\-])"
_DAY = r"(?P<{g}>(?:[12]\d|3[01]|0?[1-9]))(?:st|nd|rd|th)?"
_YEAR = r"(?P<{g}>(?:1[89]|20)\d\d)"
_RANGE = r"(?:\s*(?:-|–|—|/|to|and|&)\s*" + _DAY.format(g="d2") + ")?"
_LEAD = (r"(?P<lead>" + _WORD_START + r"(?i:(?:(?:earlier|later|previously|also|then|and|but)\s*,?\s+)?"
         r"(?:on|in|since|from|until|till|to|by|during|between|before|after|of|through|"
         r"throughout|as of|at the end of|at the start of|at the beginning of|"
         r"by the end of|on the night of|the night of|the weekend of|the)\s+))?")
_PART = r"(?:(?P<part>(?i:early|mid|late|the end of|the start of|the beginning of))[\s-]+)?"
# "3 May, 2021" takes the year; "3 May, 2000 people" does not.
_YEAR_TAIL = (r"(?:(?:\s+|,\s*(?=\d{4}(?!\s+[a-z])))" + _YEAR.format(g="y")
              + r"(?!\d|,\d))?")

_DAY_MONTH = re.compile(_LEAD + r"(?<![\d,.])" + _DAY.format(g="d") + _RANGE + r"\s+(?:of\s+)?"
                        + _MONTH.format(g="m") + _YEAR_TAIL)
_MONTH_DAY = re.compile(_LEAD + _MONTH.format(g="m") + r"\s+" + _DAY.format(g="d")
                        + r"\b(?![,.]?\d)" + _RANGE + _YEAR_TAIL)
_MONTH_YEAR = re.compile(_LEAD + _PART + _MONTH.format(g="m") + r",?\s+"
                         + _YEAR.format(g="y") + r"(?!\d|,\d)")
_MONTH_ALONE = re.compile(
    r"(?P<lead>" + _WORD_START + r"(?i:(?:earlier|later)\s+)?(?i:in|since|during|by|until|till|from|to|of|before|"
    r"after|through|throughout|between|and|or|last|this|next|early|mid|late|the end of|"
    r"the start of|the beginning of)[\s-]+)" + _PART + _MONTH.format(g="m")
    + r"(?!\s*\d)")
_YEAR_ALONE = re.compile(
    r"(?P<lead>" + _WORD_START + r"(?i:in|since|from|until|till|to|by|during|of|before|after|between|and|through|"
    r"throughout|early|late|mid|the end of|the start of|the beginning of|the)[\s-]+)"
    r"(?<![\d,.])" + _YEAR.format(g="y") + r"\b(?!\s*(?:-|–)\s*\d|s\b|’s|'s)")
_WEEKDAY = re.compile(
    r"(?P<lead>" + _WORD_START + r"(?i:(?:earlier|later)\s*,?\s+)?(?i:on|last|this|next|since|by|until|from)\s+)?"
    r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"(?:\s+(?:night|morning|evening|afternoon))?(?P<tail>\s*,?\s*\(?)")
_RELATIVE = re.compile(
    r"(?i:(?P<same>(?:(?:on|earlier|later)\s+)?(?:the\s+same|that)\s+(?:day|night|morning|"
    r"evening|afternoon))|(?P<next>(?:on\s+)?the\s+(?:next|following)\s+(?:day|morning|night)|"
    r"the\s+day\s+after|a\s+day\s+later)|(?P<prev>(?:on\s+)?the\s+(?:previous|preceding)\s+day|"
    r"the\s+day\s+before|a\s+day\s+earlier)|(?P<n>\d+|one|two|three|four|five|six|seven|eight|"
    r"nine|ten|eleven|twelve|fifteen|twenty|thirty)\s+(?P<unit>days?|weeks?)\s+(?P<dir>later|"
    r"after|earlier|before)\b(?!\s+(?:the|a|an|his|her|its|their)\b)|(?P<today>today|yesterday)"
    r"|(?P<cal>(?:earlier\s+|later\s+)?(?:this|last|next)\s+(?:week|month|year)))\b")

PRECISIONS = ("day", "month", "year")


@dataclass(frozen=True)
class DateMention:
    """A date expression: its span, value and precision (value None: a time
    the text names but does not fix, such as "earlier this week")."""
    start: int
    end: int
    text: str
    value: date | None
    precision: str | None
    cue: str            # the leading word, lower case ("on", "since", "" if none;
                        # "relative" for "the same day", "two days later", "last month")
    explicit_year: bool = False


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _with_year(month: int, day: int | None, published_on: date) -> date | None:
    """The date in the issue's year, or the year before when that would put it
    more than FUTURE_DAYS after the issue."""
    first = _safe_date(published_on.year, month, day or 1)
    if first is None:
        return None
    if (first - published_on).days > FUTURE_DAYS:      # (no date arithmetic past 9999)
        return _safe_date(published_on.year - 1, month, day or 1)
    return first


def _cue(m: re.Match) -> str:
    lead = (m.groupdict().get("lead") or "").strip().lower().replace(",", "")
    return lead.split()[-1] if lead else ""


def _absolute(text: str, published_on: date,
              matches: dict[re.Pattern, list[re.Match]]) -> list[DateMention]:
    """Calendar dates: day-month, month-day, month-year, month and year alone."""
    found = []
    for rx, kind in ((_DAY_MONTH, "day"), (_MONTH_DAY, "day"), (_MONTH_YEAR, "month"),
                     (_MONTH_ALONE, "month"), (_YEAR_ALONE, "year")):
        for m in matches[rx]:
            g = m.groupdict()
            year = int(g["y"]) if g.get("y") else None
            if kind == "year":
                value = date(year, 1, 1)
            else:
                month = _month(g["m"])
                day = int(g["d"]) if kind == "day" else None
                value = (_safe_date(year, month, day or 1) if year
                         else _with_year(month, day, published_on))
            if value is None:
                continue
            precision = "day" if kind == "day" else kind
            cue = _cue(m)
            if g.get("lead") and cue not in ("and", "or", "to", "the"):
                start = m.start("lead")
            elif g.get("part"):
                start = m.start("part")
            else:
                start = m.start("y" if kind == "year" else "d" if rx is _DAY_MONTH else "m")
            found.append(DateMention(start, m.end(), text[start:m.end()], value, precision,
                                     cue, year is not None))
    return found


def _weekdays(text: str, published_on: date, dates: list[DateMention],
              matches: list[re.Match]) -> tuple[list[DateMention], list[DateMention]]:
    """"on Monday", "last Thursday": the latest such day up to the issue date
    (the next one after "next"). A weekday followed by a written date
    ("Last Thursday (28 May 2020)") is only the start of that date's text: the
    written date wins, even when the weekday does not match it.
    Returns (the dates, some extended to their weekday; the weekday mentions)."""
    dates = list(dates)
    found = []
    for m in matches:
        start = m.start("lead") if m.group("lead") else m.start("wd")
        lead = (m.group("lead") or "").strip().lower()
        written = next((i for i, d in enumerate(dates) if d.start == m.end("tail")), None)
        if written is not None:
            d = dates[written]
            end = d.end + 1 if "(" in m.group("tail") and text[d.end:d.end + 1] == ")" else d.end
            dates[written] = DateMention(start, end, text[start:end], d.value, d.precision,
                                         lead.split()[-1] if lead else d.cue, d.explicit_year)
            continue
        if any(d.start <= m.start("wd") < d.end for d in dates):
            continue
        target = WEEKDAYS[m.group("wd").lower()]
        try:
            if lead.endswith("next"):
                value = published_on + timedelta(days=(target - published_on.weekday()) % 7 or 7)
            else:
                value = published_on - timedelta(days=(published_on.weekday() - target) % 7)
        except OverflowError:       # before 1 January of year 1 or after 9999: unresolved
            value = None
        found.append(DateMention(start, m.end("wd"), text[start:m.end("wd")], value, "day",
                                 lead.split()[-1] if lead else ""))
    return dates, found


def _relative(m: re.Match, anchor: date | None, published_on: date) -> tuple[date | None, str | None]:
    g = m.groupdict()
    if g["today"]:
        return published_on - timedelta(days=int(g["today"].lower() == "yesterday")), "day"
    if g["cal"]:
        words = g["cal"].lower().split()
        which, unit = words[-2], words[-1]
        if unit == "week":
            return None, None
        shift = {"this": 0, "last": -1, "next": 1}[which]
        if unit == "year":
            return date(published_on.year + shift, 1, 1), "year"
        month = published_on.month - 1 + shift
        return date(published_on.year + month // 12, month % 12 + 1, 1), "month"
    if anchor is None:
        return None, None
    if g["same"]:
        return anchor, "day"
    if g["next"]:
        return anchor + timedelta(days=1), "day"
    if g["prev"]:
        return anchor - timedelta(days=1), "day"
    n = g["n"].lower()
    count = int(n) if n.isdigit() else NUMBER_WORDS[n]
    days = count * (7 if g["unit"].lower().startswith("week") else 1)
    sign = 1 if g["dir"].lower() in ("later", "after") else -1
    return anchor + timedelta(days=sign * days), "day"


def _inherit_years(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """"between 28 April and 1 May 2021", "3 and 5 June 2020": a yearless
    date joined to a dated one takes that date's year."""
    out = list(mentions)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        gap = text[a.end:b.start].strip().lower()
        if not a.explicit_year and b.explicit_year and a.precision in ("day", "month") \
                and gap in ("and", "to", "-", "–", "until", "till", "or", ""):
            value = _safe_date(b.value.year, a.value.month, a.value.day)
            if value and value <= b.value:
                out[i] = DateMention(a.start, a.end, a.text, value, a.precision, a.cue, True)
    return out


def find_dates(text: str, published_on: date | None) -> list[DateMention]:
    """Every date expression in text, in order, resolved against published_on
    (without an issue date, only expressions that carry their year resolve)."""
    base = published_on or date(1, 1, 1)
    matches = _matches(text)
    candidates = _absolute(text, base, matches)
    # the longest expression wins where two overlap ("3 May 2021" over "May 2021")
    candidates.sort(key=lambda d: (d.start, -(d.end - d.start)))
    chosen: list[DateMention] = []
    for d in candidates:   # the chosen do not overlap, so the last one reaches furthest
        if not chosen or d.start >= chosen[-1].end:
            chosen.append(d)
    chosen, weekdays = _weekdays(text, base, chosen, matches[_WEEKDAY])
    chosen += outside(weekdays, [(c.start, c.end) for c in chosen], lambda w: (w.start, w.end))
    chosen.sort(key=lambda d: d.start)
    chosen = _inherit_years(text, chosen)
    if published_on is None:
        chosen = [d for d in chosen if d.explicit_year or d.precision == "year"]
    # relative expressions, in reading order, count from the last day-precise date
    out: list[DateMention] = []
    relatives = outside(matches[_RELATIVE], [(c.start, c.end) for c in chosen],
                        lambda m: m.span())
    events = sorted([(d.start, 0, d) for d in chosen] + [(m.start(), 1, m) for m in relatives],
                    key=lambda x: (x[0], x[1]))
    anchor = None
    for _, is_relative, item in events:
        if is_relative:
            if published_on is None and (item.group("today") or item.group("cal")):
                value, precision = None, None
            else:
                try:
                    value, precision = _relative(item, anchor, base)
                except (OverflowError, ValueError):    # beyond the years a date can hold
                    value, precision = None, None
            out.append(DateMention(item.start(), item.end(), item.group(0), value, precision,
                                   "relative"))
            if value is not None and precision == "day":
                anchor = value
        else:
            out.append(item)
            if item.precision == "day":
                anchor = item.value
    return out


# The patterns' matches, found fast. `re` tries a pattern at every position
# unless it starts with a literal or a set of characters; these start with an
# optional, case-insensitive lead, and plain finditer cost ~7 ms of CPU a story.
# Each has a mandatory part, its anchor, that a quick scan finds: a month, a
# weekday, a year, a word of time ("day", "week", "today"...). A match starts at
# most a few of its source's words (and separators) before its anchor, and after
# the anchor before (no such word holds one). So for each anchor in turn, a
# pattern over the reversed text walks back over those words to the previous
# anchor at most, and `rx.match` is tried where a match can start in that
# stretch: where a word or number begins, at the anchor, and where a pattern's
# first word need not begin a word, at its words' first letters. Tried in order,
# each time from the end of the last match, these give exactly finditer's matches
# (`match(text, pos)` sees the text before pos, as search does): see
# tests/test_dates_scan.py, which compares the two on generated text.
_LETTER = r"[^\W\d_]"
_TOKEN_START = rf"(?<!{_LETTER}){_LETTER}|(?<!\d)\d"


def _source_words(source: str) -> set[str]:
    """The words of a pattern's source, lower case (escapes, flags and group names aside)."""
    source = re.sub(r"\\[A-Za-z]|\(\?P<\w+>|\(\?[a-z]+[:)]", "", source)
    return {w.lower() for w in re.findall(r"[A-Za-z]+", source)}


class _Scanner:
    r"""rx.finditer, from the starts of rx's anchors (`anchor`: its source in
    rx's; None: a word of time, inside every alternative). Between a match's
    start and its anchor lie words of the source before the anchor and the
    characters `sep` (a set, with digits if it holds r"\d"); `loose`: the first
    word may end a longer one."""

    def __init__(self, rx: re.Pattern, anchor: str | None, sep: str, loose: bool = False):
        prefix, *suffix = rx.pattern.split(anchor) if anchor else (rx.pattern,)
        assert len(suffix) <= 1, "the anchor is written once in the pattern"
        self.rx, self.words = rx, _source_words(prefix)
        words = "|".join(sorted({w[::-1] for w in self.words}, key=lambda w: (-len(w), w)))
        # a word, a few glued ("3rdto 4 May" reads "3rd to 4 May"), or a digit
        token = rf"(?:{words}){{1,3}}(?!{_LETTER})" + (r"|\d" if r"\d" in sep else "")
        sep = sep.replace(r"\d", "")
        # read in the lower-case text (quick case-sensitive alternatives), reversed
        back = rf"(?:[{sep}]*(?:{token}))*" + (rf"(?:[{sep}]*(?:{words}))?" if loose else "")
        starts = _TOKEN_START
        if loose:
            starts += "|(?i:[" + "".join(sorted({w[0] for w in self.words})) + r"\d])"
        self._back = re.compile(back).match
        self._starts = re.compile(starts).finditer
        self._after = re.compile(anchor + suffix[0]).match if anchor else None
        self._at_anchor = loose or re.compile(prefix).fullmatch("") is not None   # lead optional

    def matches(self, text: str, reverse: str, anchors: list[int]) -> list[re.Match]:
        """rx.finditer(text), given its anchors' starts in order and the lower-case text reversed."""
        back, starts, after, match = self._back, self._starts, self._after, self.rx.match
        n, floor, pos, found = len(text), 0, 0, []
        for a in anchors:
            if a >= pos and (after is None or after(text, a)):
                lo = n - back(reverse, n - a, n - max(floor, pos)).end()
                if lo < a:
                    if m := match(text, lo):        # mostly the match, when there is one
                        found.append(m)
                        pos = m.end()
                    for s in starts(text, max(lo + 1, pos), a) if pos <= a else ():
                        if s.start() >= pos and (m := match(text, s.start())):
                            found.append(m)
                            pos = m.end()
                if self._at_anchor and a >= pos and (m := match(text, a)):
                    found.append(m)
                    pos = m.end()
            floor = a + 1
        return found


_MONTH_NAMES = re.findall(r"[A-Z][A-Za-z]+", _MONTH)           # January... DECEMBER, Jan... Dec
_MONTH_ANCHOR = re.compile("(?:" + "|".join(_MONTH_NAMES) + r")\b")    # first letters: a quick scan
_YEAR_ANCHORS = (re.compile(r"20\d\d"), re.compile(r"1[89]\d\d"))      # literal first characters
_WEEKDAY_GROUP = re.search(r"\(\?P<wd>[^()]*\)", _WEEKDAY.pattern).group(0)
_WEEKDAY_NAMES = _WEEKDAY_GROUP[7:-1].split("|")                       # each ends in "day"
# every _RELATIVE match holds one ("day" aside), no word before it does
_TIME_WORDS = ("night", "morning", "evening", "afternoon", "week", "month", "year", "today", "yesterday")
# İ, dotless ı, long ſ, Kelvin sign: case-insensitive patterns match them to ASCII
# letters, lower() does not (or makes two characters): such texts are scanned plainly
_ODD_CASE = "\u0130\u0131\u017f\u212a"
_SCANNERS = (
    (_DAY_MONTH, "months", _Scanner(_DAY_MONTH, _MONTH.format(g="m"), r"\s,\d\-–—/&")),
    (_MONTH_DAY, "months", _Scanner(_MONTH_DAY, _MONTH.format(g="m"), r"\s,")),
    (_MONTH_YEAR, "months", _Scanner(_MONTH_YEAR, _MONTH.format(g="m"), r"\s,\-", loose=True)),
    (_MONTH_ALONE, "months", _Scanner(_MONTH_ALONE, _MONTH.format(g="m"), r"\s\-")),
    (_YEAR_ALONE, "years", _Scanner(_YEAR_ALONE, _YEAR.format(g="y"), r"\s\-")),
    (_WEEKDAY, "weekdays", _Scanner(_WEEKDAY, _WEEKDAY_GROUP, r"\s,")),
    (_RELATIVE, "times", _Scanner(_RELATIVE, None, r"\s\d", loose=True)),
)


def _matches(text: str) -> dict[re.Pattern, list[re.Match]]:
    """Every pattern's matches in text, as its finditer gives them."""
    low = text.lower()
    if len(low) != len(text) or any(c in text for c in _ODD_CASE):
        return {rx: list(rx.finditer(text)) for rx, _, _ in _SCANNERS}
    days = find_all(low, ("day",))
    anchors = {"months": [m.start() for m in _MONTH_ANCHOR.finditer(text)],
               "years": sorted(m.start() for rx in _YEAR_ANCHORS for m in rx.finditer(text)),
               "weekdays": [p + 3 - len(w) for p in days for w in _WEEKDAY_NAMES
                            if p + 3 >= len(w) and text.startswith(w, p + 3 - len(w))],
               "times": sorted(set(days + find_all(low, _TIME_WORDS)))}
    reverse = low[::-1]
    return {rx: scanner.matches(text, reverse, anchors[kind]) for rx, kind, scanner in _SCANNERS}
