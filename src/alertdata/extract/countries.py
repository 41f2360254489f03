"""Country names -> ISO 3166-1 alpha-3, and a story's main country.

Names come from pycountry (ISO names, common and official names) plus the
usual short forms in `etl/countries.yaml` ("DR Congo", "Russia", "Gaza").

The pattern of all names starts with a look-behind, so a regex search tries
it at every character; `mentions` first finds the few places where a name can
start (see `_Starts`) and tries it only there.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ..config import LEAD_WEIGHT
from ..reference import Reference
from .phrases import same_ignoring_case, trie_alternation

_THE = re.compile(r"^the\s+", re.I)
# Characters a name can follow: the pattern's (?<![\w-]) in ASCII, any
# character beyond it (a superset, which is all a candidate needs).
_BEFORE_NAME = "[^0-9A-Za-z_\\-]"
# Leading characters of a name that select the places to try it.
HEAD_CHARS = 8
# Any non-ASCII character, written as the complement of ASCII: a class with a
# range up to U+10FFFF takes the regex compiler seconds per copy.
_NON_ASCII = "[^\\x00-\\x7f]"


@dataclass(frozen=True)
class _Starts:
    """Finds a superset of the offsets where some country name can start,
    with one search of the lower-cased text that the regex engine runs in C
    (it starts with one character class, which the engine scans for).

    `scan` finds each character after which a name can follow, followed by
    the first HEAD_CHARS characters of a name lower-cased; where a non-ASCII
    character is among the next HEAD_CHARS, it also lets any non-ASCII
    character stand for a letter. On the lower-cased text this finds every
    offset where the pattern can match:
    - The text must keep its offsets when lower-cased (no character becomes
      two), else `find` gives up.
    - A name follows no word character or hyphen; `_BEFORE_NAME` is every
      other character, and lower-casing maps no other character into it (only
      the Kelvin sign lower-cases to ASCII, to "k", a word character).
    - An acronym matches as written: its text lower-cases as it does.
      Any other name matches in any case. A text character that matches a
      letter of it lower-cases to that letter or to a non-ASCII character:
      the regex engine compares lower cases, its few extra equivalents (as
      "ſ" for "s") are non-ASCII, and `_starts` refuses a name with a
      non-ASCII character that an ASCII one matches. A character that matches
      any other character is that character.
    """
    scan: re.Pattern

    def find(self, text: str) -> list[int] | None:
        low = text.lower()
        if len(low) != len(text):
            return None
        found = {0}
        found.update(m.end() for m in self.scan.finditer(low))
        return sorted(found)


@dataclass(frozen=True)
class CountryIndex:
    names: dict[str, str]        # name as matched -> ISO3
    pattern: re.Pattern          # any name, longest first, on word boundaries
    ambiguous: dict = None       # folded name -> ISO3 options, usual first
    # the last texts `mentions` read: a story's body is read for its main
    # country and then for its places
    _seen: dict = field(default_factory=dict, compare=False, repr=False)
    _starts: _Starts | None = field(default=None, compare=False, repr=False)
    # answers of `lookup` and `resolve`'s options per text: the actor finder
    # asks about every capitalised word, and the same words recur
    _looked_up: dict = field(default_factory=dict, compare=False, repr=False)
    _options: dict = field(default_factory=dict, compare=False, repr=False)

    def resolve(self, text: str, context: set[str]) -> str | None:
        """The country a name denotes in a story about `context` countries:
        "Congo" in a story about the Republic of the Congo is COG."""
        options = self._options.get(text, _UNSEEN)
        if options is _UNSEEN:
            options = (self.ambiguous or {}).get(" ".join(text.casefold().split()))
            _remember(self._options, text, options)
        if options:
            return next((o for o in options if o in context), options[0])
        return self.lookup(text)

    def lookup(self, text: str) -> str | None:
        """The country a whole name denotes ("The US" -> USA), or None."""
        iso3 = self._looked_up.get(text, _UNSEEN)
        if iso3 is _UNSEEN:
            t = _THE.sub("", text.strip())
            iso3 = self.names.get(t) or self.names.get(t.casefold())
            _remember(self._looked_up, text, iso3)
        return iso3

    def mentions(self, text: str) -> list[tuple[str, int, int]]:
        """(ISO3, start, end) of every country name in text."""
        hit = self._seen.get(text)
        if hit is not None:
            return list(hit)
        out = []
        for m in self._matches(text):
            iso3 = self.lookup(m.group(0))
            if iso3:
                out.append((iso3, m.start(), m.end()))
        if len(self._seen) >= 8:
            self._seen.clear()
        self._seen[text] = tuple(out)
        return out

    def _matches(self, text: str) -> list[re.Match]:
        """`pattern.finditer(text)`, trying the pattern only where a name can
        start: finditer tries every offset from the end of its last match on,
        and the pattern matches at an offset exactly as there (its
        look-behind reads the text before `pos`)."""
        starts = self._starts.find(text) if self._starts is not None else None
        if starts is None:
            return list(self.pattern.finditer(text))
        out, done, match = [], 0, self.pattern.match
        for pos in starts:
            if pos >= done:
                m = match(text, pos)
                if m is not None:
                    out.append(m)
                    done = m.end()
        return out

    def folded_names(self) -> frozenset[str]:
        return frozenset(n.casefold() for n in self.names)


_UNSEEN = object()
MAX_REMEMBERED = 20_000     # texts per memo; it starts over when full


def _remember(memo: dict, text: str, answer) -> None:
    if len(memo) >= MAX_REMEMBERED:
        memo.clear()
    memo[text] = answer


def _is_acronym(name: str) -> bool:
    """Short upper-case names ("US", "UK", "DRC") match only in that case,
    so the pronoun "us" is never the United States."""
    return len(name.replace(".", "")) <= 4 and name.upper() == name


@lru_cache(maxsize=4)
def _build(aliases: tuple, extra: tuple, ambiguous: tuple = ()) -> CountryIndex:
    import pycountry

    names: dict[str, str] = {}

    def add(name: str, iso3: str) -> None:
        if _is_acronym(name):
            names.setdefault(name, iso3)
        else:
            names.setdefault(name.casefold(), iso3)

    for iso3, items in aliases:           # curated short forms win over ISO names
        for name in items:
            add(name, iso3)
    for c in pycountry.countries:
        for attr in ("common_name", "name", "official_name"):
            value = getattr(c, attr, None)
            if value and "," not in value:   # "Iran, Islamic Republic of" is no running-text form
                add(value, c.alpha_3)
    for iso3, name in extra:
        add(name, iso3)
    for name, options in ambiguous:
        names[name.casefold()] = options[0]
    pattern = re.compile(rf"(?<![\w-])(?:{_alternation(names)})(?![\w-])")
    return CountryIndex(names=names, pattern=pattern,
                        ambiguous={n.casefold(): tuple(o) for n, o in ambiguous}, _starts=_starts(names))


def _starts(names) -> _Starts | None:
    """The start finder for these names, or None where its rules do not hold."""
    for char in {c for n in names for c in n[:HEAD_CHARS] if not c.isascii()}:
        # a non-ASCII letter that some ASCII character matches when case is
        # ignored (as "ı" matches "i") would be missed
        if any(same_ignoring_case(char, chr(a)) for a in range(128)):
            return None
    if any(len(n[:HEAD_CHARS].lower()) != len(n[:HEAD_CHARS]) for n in names):
        return None
    heads = {n[:HEAD_CHARS].lower() for n in names}
    if not heads or not all(heads):
        return None

    def loose(char: str) -> str:
        """A head character, or any non-ASCII one for a letter: for an ASCII
        letter, the complement of the other ASCII characters."""
        if not char.isascii():
            return _NON_ASCII
        if not char.isalpha():
            return re.escape(char)
        return f"[^\\x00-\\x{ord(char) - 1:02x}\\x{ord(char) + 1:02x}-\\x7f]"

    # the heads as written (quick: the engine skips branches by their first
    # character), or, where a non-ASCII character is near, loosely
    return _Starts(re.compile(
        rf"{_BEFORE_NAME}(?=(?:{trie_alternation(heads)})"
        rf"|(?=[\x00-\x7f]{{0,{HEAD_CHARS - 1}}}+{_NON_ASCII})(?:{trie_alternation(heads, loose)}))"))


def _alternation(names) -> str:
    """Any of the names, longest first; acronyms in their case, other names in
    any case. Written as two tries (see `trie_alternation`) when no text can
    match an acronym and another name at one position with both followed by
    a word boundary (then the longest-first choice never arises between them)."""
    acronyms = [n for n in names if _is_acronym(n)]
    others = [n for n in names if not _is_acronym(n)]
    exact, folded = trie_alternation(acronyms), trie_alternation(others, ignorecase=True)
    if exact is not None and folded is not None and not any(
            _both_fit(a, n) for a in acronyms for n in others):
        return f"(?i:{folded})|{exact}"
    parts = sorted(names, key=len, reverse=True)
    return "|".join(re.escape(p) if _is_acronym(p) else "(?i:" + re.escape(p) + ")" for p in parts)


def _both_fit(acronym: str, name: str) -> bool:
    """Whether some text matches `acronym` (in its case) and a different-length
    `name` (in any case) at one position, both ending at a word boundary: the
    shorter is a prefix of the longer, which goes on with no word character."""
    k = min(len(acronym), len(name))
    if len(acronym) == len(name) or not same_ignoring_case(name[:k], acronym[:k]):
        return False
    longer = acronym if len(acronym) > k else name
    return re.match(r"[\w-]", longer[k]) is None


def country_index(ref: Reference) -> CountryIndex:
    return _build(tuple(sorted(ref.country_aliases.items())), tuple(sorted(ref.extra_countries.items())),
                  tuple(sorted((ref.ambiguous_countries or {}).items())))


def main_country(title: str | None, body: str, index: CountryIndex) -> str | None:
    """The story's main country: the country its title is about (the prefix of
    "Sudan: ...", else the first country the title names), else the country
    the body names most often, its lead paragraph counting double (ties:
    the one named first)."""
    if title:
        prefix, colon, _ = title.partition(":")
        if colon:
            iso3 = index.lookup(prefix)
            if iso3:
                return iso3
            found = index.mentions(prefix)
            if found:
                return found[0][0]
        found = index.mentions(title)
        if found:
            return found[0][0]
    found = index.mentions(body)
    if not found:
        return None
    lead_end = _lead_end(body)
    counts: Counter = Counter()
    first: dict[str, int] = {}
    for iso3, start, _ in found:    # the lead paragraph says what the story is about
        counts[iso3] += LEAD_WEIGHT if start < lead_end else 1
        first.setdefault(iso3, start)
    return max(counts, key=lambda c: (counts[c], -first[c]))




def _lead_end(body: str) -> int:
    """End of the first paragraph that is not a section heading."""
    for m in re.finditer(r"[^\n]+", body):
        if len(m.group(0).split()) > 6:
            return m.end()
    return len(body)
