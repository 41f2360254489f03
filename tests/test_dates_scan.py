"""The date patterns' fast scan (`dates._matches`) finds exactly what their
plain `finditer` finds: the same spans and groups. Checked on strings shaped as
the patterns themselves (every word, separator and repeat their sources allow,
in any case where they ignore it) among other pieces, on text made of their
words, numbers and separators, and on the real alerts: an edit of a pattern that
the scan does not follow fails here.

The hypothesis tests run 15 and 5 times the profile's examples: the same ones
each time in CI (a few seconds in all), fresh ones with HYPOTHESIS_PROFILE=long.
"""
from __future__ import annotations

import random
import re
from pathlib import Path
from re import _constants as C
from re._parser import parse

from hypothesis import given, settings, strategies as st

from alertdata.extract import dates
from alertdata.extract.dates import _MONTH_ANCHOR, _ODD_CASE, _SCANNERS, _WEEKDAY_NAMES, _matches

PATTERNS = [rx for rx, _, _ in _SCANNERS]
SOURCES = "\n".join(rx.pattern for rx in PATTERNS)
PHRASES = set(re.findall(r"[a-z]+(?: [a-z]+)+", SOURCES))                    # "at the end of"
CASED = sorted({v for w in dates._source_words(SOURCES) | PHRASES
                for v in (w, w.capitalize(), w.upper(),
                          "".join(c.upper() if k % 2 else c for k, c in enumerate(w)))})
NUMBERS = ["1", "3", "03", "9", "12", "29", "31", "32", "0", "00", "100", "2,000", "1.5", "1999",
           "2021", "1850", "2000", "2099", "1799", "20211", "3rd", "1st", "22nd", "4th", "21st"]
SEPARATORS = [" ", " ", " ", "  ", "\n", "\n\n", "\t", ",", ", ", "-", "–", "—", "/", "&", ".",
              "'", "’", "(", ")", "\u00a0", ";"]
OTHER = ["x", "Xy", "ab", "Lebanon", "Berlin", "s", "'s", "’s"]
PIECES = CASED + 15 * NUMBERS + 30 * SEPARATORS + 15 * OTHER      # weighted by repetition
PARSED = [(parse(rx.pattern, rx.flags), bool(rx.flags & re.I)) for rx in PATTERNS]
# characters to fill a pattern's sets ([\s-], \d...) with
POOL = " \t\n\xa0\u2003\u2028,.;-–—/&'’()0123456789\u0665abcdhstxyzADMSXY"
MEMBERS: dict[int, list[str]] = {}                          # the pool's characters in each set


def spans(matches) -> list:
    """What each match is: its span and every group's."""
    return [tuple(m.span(g) for g in range(m.re.groups + 1)) for m in matches]


def assert_same(text: str) -> None:
    fast = _matches(text)
    for rx in PATTERNS:
        assert spans(fast[rx]) == spans(rx.finditer(text)), (rx.pattern[:50], text)


def shaped(items, rnd: random.Random, icase: bool = False) -> str:
    """A string shaped as a parsed pattern (lookarounds and word bounds aside)."""
    out = []
    for op, av in items:
        if op is C.LITERAL:
            out.append(rnd.choice((chr(av).lower(), chr(av).upper())) if icase else chr(av))
        elif op is C.NOT_LITERAL or op is C.ANY:
            out.append(rnd.choice([c for c in POOL if op is C.ANY or ord(c) != av]))
        elif op is C.IN:
            if id(av) not in MEMBERS:
                MEMBERS[id(av)] = [c for c in POOL if in_set(c, av)] or [" "]
            out.append(rnd.choice(MEMBERS[id(av)]))
        elif op is C.BRANCH:
            out.append(shaped(rnd.choice(av[1]), rnd, icase))
        elif op is C.SUBPATTERN:
            _, add, remove, items = av
            out.append(shaped(items, rnd, (icase or bool(add & re.I)) and not remove & re.I))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, high, items = av
            out.extend(shaped(items, rnd, icase) for _ in range(rnd.randint(low, min(high, low + 2))))
    return "".join(out)


def in_set(c: str, items) -> bool:
    hit = False
    for op, av in items:
        if op is C.LITERAL:
            hit |= c == chr(av)
        elif op is C.RANGE:
            hit |= av[0] <= ord(c) <= av[1]
        elif op is C.CATEGORY:
            category = {C.CATEGORY_SPACE: r"\s", C.CATEGORY_DIGIT: r"\d", C.CATEGORY_WORD: r"\w"}
            hit |= bool(re.fullmatch(category.get(av, "(?!)"), c))
    return hit != (items[0][0] is C.NEGATE)


def mixed(rnd: random.Random) -> str:
    """Strings shaped as the patterns, with other pieces between them."""
    out = []
    for _ in range(rnd.randint(1, 6)):
        items, icase = rnd.choice(PARSED)
        out.append(shaped(items, rnd, icase))
        out.append(rnd.choice(PIECES) if rnd.random() < 0.8 else "")
    return "".join(out)


def swarm(rnd: random.Random, size: int) -> str:
    """Text from a few pieces drawn for it, which then recur together."""
    words = rnd.sample(PIECES, rnd.randint(2, 12))
    return "".join(rnd.choice(words) for _ in range(size))


@settings(max_examples=15 * settings.default.max_examples)
@given(st.integers(0, 2**32))
def test_text_shaped_as_the_patterns(seed):
    assert_same(mixed(random.Random(seed)))


@settings(max_examples=5 * settings.default.max_examples)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_text_of_their_words_numbers_and_separators(text):
    assert_same(text)


def test_longer_texts():
    rnd = random.Random(20240105)
    for _ in range(40):
        assert_same("".join(mixed(rnd) for _ in range(20)))
        assert_same(swarm(rnd, 300))


def test_real_alerts():
    for path in sorted((Path(__file__).parent / "data" / "corpus" / "alerts").iterdir())[::3]:
        assert_same(path.read_text(encoding="utf-8", errors="replace"))


def test_odd_input():
    for text in ["", " " * 2000 + "on" + " " * 2000 + "3" + "\n" * 1000 + "May 2021",
                 "on\n3\nMay,\n2021 and the\nnext\n\nday", "On 3 May" * 200, "1" * 2000 + " May",
                 "the " * 500 + "May", "day" * 500, "TWO  DAYS LATER, in MAY  2020 x",
                 "xthe same day, xlate May 2021, Mondays, today", "3rdto 4 May", "no date here."]:
        assert_same(text)


def test_text_whose_case_folding_is_odd_is_scanned_plainly():
    """Case-insensitive patterns read "ſince" as "since" and "WEE\u212a" as "week",
    which lower() does not make them; it makes two characters of "İ"."""
    for odd in _ODD_CASE:
        for word in ("since", "week", "in", "this", "during"):
            for i, c in enumerate(word):
                if re.fullmatch(c, odd, re.I):
                    assert_same(f"{word[:i]}{odd}{word[i + 1:]} 3 May 2021, the same day, last {word}")


def test_lower_case_keeps_what_the_walk_back_reads():
    """The walk back from an anchor reads the lower-case text: lower() must keep
    spaces, digits, letters and separators what they are, one for one."""
    for c in map(chr, range(0x110000)):
        low = c.lower()
        if low == c or c.isascii() or c in _ODD_CASE:
            continue
        assert len(low) == 1 and not low.isascii(), c
        for cls in (r"\s", r"\d", r"[^\W\d_]", r"[,\-–—/&]"):
            assert bool(re.fullmatch(cls, c)) == bool(re.fullmatch(cls, low)), (c, cls)


def test_no_word_before_an_anchor_holds_one():
    """A match starts after the anchor before its own, while no word written
    before an anchor holds one, in any case."""
    for _, kind, scanner in _SCANNERS:
        for word in scanner.words:
            for cased in (word, word.capitalize(), word.upper()):
                assert not (kind == "months" and _MONTH_ANCHOR.search(cased)), cased
                assert not (kind == "weekdays" and any(w in cased for w in _WEEKDAY_NAMES)), cased
