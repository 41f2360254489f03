"""Word lists from `etl/` turned into matchers that find every inflected form.

The reference files list verbs in their base form ("attack", "call for")
and nouns in the singular; `phrases` generates the forms prose uses
("attacked", "calls for", "air strikes") so that reviewers edit one word,
not five, and `Lexicon` finds them in a text, telling each hit's entry,
label and form; `LexiconScan` finds them in many slices of one text.
"""
from __future__ import annotations

import re
import string
from bisect import bisect_left
from dataclasses import dataclass
from itertools import compress

from .phrases import _alternation, _key, lower_case_twin, lowered_text, noun_forms, verb_forms


@dataclass(frozen=True)
class Hit:
    """One lexicon word found in text: what it is and how it was written."""
    start: int
    end: int
    text: str
    base: str       # the entry as listed ("call for", "air strike")
    pos: str        # "verb" or "noun"
    label: str      # what the list maps it to (a PLOVER type, a reporting verb)
    form: str       # "base", "s", "past", "ing", "noun", "plural"


class Lexicon:
    """Finds the forms of listed verbs and nouns, longest match first."""

    def __init__(self, entries: list[tuple[str, str, str]],
                 irregular: dict[str, list[str]] | None = None,
                 plural: dict[str, str] | None = None):
        """entries: (base, "verb" | "noun", label)."""
        self.forms: dict[str, tuple[str, str, str, str]] = {}
        for base, pos, label in entries:
            base = _key(base)
            made = verb_forms(base, irregular) if pos == "verb" else noun_forms(base, plural)
            for form, kind in made.items():
                self.forms.setdefault(_key(form), (base, pos, label, kind))
        self._rx = re.compile(r"(?<![\w\-’'])(?:" + _alternation(self.forms, True) + r")(?![\w\-])",
                              re.IGNORECASE) if self.forms else None
        self._heads = _heads(self.forms)
        self._head_bytes = frozenset(h.encode() for h in self._heads) if self._heads else None
        _ALL_HEADS.update(self._head_bytes or ())
        # keys of one ASCII word, and those that no other key continues
        # ("said", not "call" of "call for"): see LexiconScan._whole_chain
        longer = {_WORD_PREFIX.match(k).group(0) for k in self.forms
                  if _WORD_PREFIX.match(k).group(0) != k}
        self._word_keys = frozenset(k.encode() for k in self.forms
                                    if k.isascii() and _WORD_PREFIX.fullmatch(k))
        self._single_words = frozenset(k for k in self._word_keys if k.decode() not in longer)
        self._lower_rx, self._partners = lower_case_twin(self._rx, self.forms)
        self._written: dict[str, tuple[str, str, str, str]] = {}

    def __setstate__(self, state: dict) -> None:
        """An unpickled lexicon (kept extractors, a worker's copy) registers
        its first words too: `_word_index` only looks for those registered."""
        self.__dict__.update(state)
        _ALL_HEADS.update(self._head_bytes or ())

    def _hit(self, m: re.Match) -> Hit:
        return self._hit_at(m.string, m.start(), m.end())

    def _hit_at(self, text: str, start: int, end: int) -> Hit:
        written = text[start:end]
        entry = self._written.get(written)
        if entry is None:
            entry = self.forms[_key(written)]
            if len(self._written) < 20_000:      # words as written: a bounded few
                self._written[written] = entry
        return Hit(start, end, written, *entry)

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Hit]:
        if self._rx is None:
            return []
        out = []
        for m in self._rx.finditer(text, start, len(text) if end is None else end):
            out.append(self._hit(m))
        return out

    def scan(self, text: str) -> LexiconScan:
        """A finder of this lexicon's hits in many slices of one text: the
        extractors ask for the hits of every clause and sentence of a story."""
        return LexiconScan(self, text)


# Where a lexicon match can start: after no word character, hyphen or
# apostrophe (the lexicon regex's lookbehind), at a word character (every key
# starts with one, see `_heads`); the group is the word run from there.
_WORD_START = re.compile(r"(?<![\w\-’'])\w+")
_WORD_CHAR = re.compile(r"\w")
_WORD_PREFIX = re.compile(r"\w*")
_WORD_RUN = re.compile(r"\w+")


def _heads(forms) -> frozenset | None:
    r"""The first words of the keys (their leading word characters), when
    every key starts with an ASCII word followed by its end, a space or an
    apostrophe; else None (then `LexiconScan` tries every word start).

    Why a match of a key at p needs the word run s = text[p:q] (q the first
    non-word character, or the end of the searched string) to equal the key's
    first word w, ignoring case, when s is ASCII: w's characters match only
    word characters (a character matching an ASCII word character ignoring
    case is one itself), so w cannot run past q; after w comes the key's end,
    whose lookahead (?![\w\-]) fails on a word character, or a space or
    apostrophe, whose pieces `[\s\-]+` and `['’]` match no word character,
    so w cannot stop before q either. ASCII word characters match, ignoring
    case, ASCII characters only of their own letter or non-ASCII ones (K, ſ,
    İ, ı), so for an ASCII s this is s.lower() == w. Checked by brute force
    over all code points when written."""
    heads = set()
    for key in forms:
        m = re.match(r"\w+", key)
        if m is None or not m.group(0).isascii() or key[m.end():m.end() + 1] not in ("", " ", "'"):
            return None
        heads.add(m.group(0))
    return frozenset(heads)


# ASCII word characters stay (in lower case), every other byte becomes a space.
_WORD_BYTES = bytes(ord(chr(c).lower()) if chr(c) in string.ascii_letters + string.digits + "_"
                    else 32 for c in range(256))
# The first words of every lexicon made in this process (they only grow): one
# pass over a story's words finds where any of them is written, for all.
_ALL_HEADS: set[bytes] = set()
_last_index: tuple | None = None         # (text, len(_ALL_HEADS), index): see `_word_index`


def _word_index(text: str) -> tuple[list[tuple[int, bytes]], list[int]]:
    """(start, word) of the runs of ASCII word characters of text that are,
    in lower case, a first word of some lexicon (`_ALL_HEADS`), in order;
    and the starts of the word runs of text with a non-ASCII word character
    where a lexicon match may start.

    Made with byte methods, which cost far less per character than a regex
    or a Python loop: encoding non-ASCII characters as "?" keeps one byte a
    character, every byte but an ASCII word character becomes a space, the
    split at spaces gives the runs. A run's start is where its word, between
    spaces, is next found after the run before: no run in between is that
    word, or it would be one of them too. Kept for the last text: the
    statement and event finders read each story in turn."""
    global _last_index
    last = _last_index
    if last is not None and last[1] == len(_ALL_HEADS) and (last[0] is text or last[0] == text):
        return last[2]
    encoded = text.encode("ascii", "replace")
    words = encoded.translate(_WORD_BYTES)
    spaced = b" " + words + b" "
    found = []
    at = 0
    runs = words.split(b" ")
    for word in compress(runs, map(_ALL_HEADS.__contains__, runs)):
        at = spaced.find(b" " + word + b" ", at)      # the word is at at + 1 in spaced
        found.append((at, word))
        at += len(word) + 1
    index = (found, [] if text.isascii() else _non_ascii_starts(text, encoded))
    _last_index = (text, len(_ALL_HEADS), index)
    return index


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"           # what \w is, checked over all code points


def _non_ascii_starts(text: str, encoded: bytes) -> list[int]:
    """The starts of the word runs with a non-ASCII character where a match
    may start (each run looked at once); `encoded` is text in ASCII with
    "?" for every other character."""
    out = []
    done = 0                                 # the end of the last run seen
    k = encoded.find(b"?")
    while k >= 0:
        if k >= done and not text[k].isascii() and _is_word_char(text[k]):
            p = k
            while p > 0 and _is_word_char(text[p - 1]):
                p -= 1
            done = _WORD_RUN.match(text, k).end()
            if _WORD_START.match(text, p):
                out.append(p)
        k = encoded.find(b"?", k + 1)
    return out


class LexiconScan:
    """`Lexicon.find(text, a, b)` for many slices [a, b) of one text, without
    running the lexicon regex over every position of each slice.

    A match can only start where `_WORD_START` matches, and (see `_heads`)
    only where the word run there is a first word of a key, or is not ASCII.
    Those starts are found once for the whole text; `find` tries the regex at
    the ones in [a, b) in order, with the same end bound, skipping starts
    inside the previous match: exactly what `finditer(text, a, b)` does, the
    positions it would try in between being ones where no match can start.
    The one start whose word run the end bound b cuts (the truncated run can
    be a first word when the whole run is not) is checked in `find`.

    The starts of ASCII runs are found in `_word_index`'s runs, where an
    ASCII word run of text is one, in lower case: the characters around it
    are no word characters, so separators there. (Runs
    after a hyphen or apostrophe, or inside a run with a non-ASCII letter,
    come too, where no match starts: the regex finds nothing there.) The
    starts of the runs with a non-ASCII word character come from
    `_non_ascii_starts`."""

    def __init__(self, lexicon: Lexicon, text: str):
        self.lex = lexicon
        self.text = text
        self._hits: dict[tuple[int, int], Hit] = {}
        self._whole: dict = {}                # start: end of the match there in the whole text
        self._chain: tuple | None = None      # see _whole_chain
        # the regex and the text it reads: the case-sensitive twin on lowered
        # text where that is exact (see `lower_case_twin`), the same spans
        self._rx, self._subject = lexicon._rx, text
        if lexicon._lower_rx is not None:
            lowered = lowered_text(text)
            if lowered is not None and not any(c in text for c in lexicon._partners):
                self._rx, self._subject = lexicon._lower_rx, lowered
        self.starts = None                    # None: ask `Lexicon.find`
        if lexicon._rx is None or lexicon._heads is None:
            return
        found, extra = _word_index(text)
        heads = lexicon._head_bytes
        self._word_at = {p: w for p, w in found if w in heads}
        starts = list(self._word_at)
        self.starts = sorted(set(starts).union(extra)) if extra else starts

    def _cut_start(self, a: int, b: int) -> int | None:
        """The start of the word run that b cuts, when a match can start
        there and it is in [a, b)."""
        text = self.text
        if not (a < b < len(text) and _WORD_CHAR.match(text, b) and _WORD_CHAR.match(text, b - 1)):
            return None
        p = b - 1
        while p > a and _WORD_CHAR.match(text, p - 1):
            p -= 1
        if p == a and p > 0 and _WORD_CHAR.match(text, p - 1):
            return None                        # the run starts before a
        m = _WORD_START.match(text, p, b)
        if m is None or not (not m.group(0).isascii() or m.group(0).lower() in self.lex._heads):
            return None
        return p

    def _whole_chain(self) -> tuple[list[int], list[int], list]:
        """Starts and ends of the matches of the whole text (finditer's), and
        room for their hits.

        `find` returns those in [a, b) when b is safe (see there), none of
        them runs across a, and none that starts in [a, b) ends past b: a
        search from a then meets the same starts, skips the same ones (none
        is inside a match before a) and finds at each the whole text's match,
        or none where the whole text has none."""
        whole = self._whole
        starts, ends = [], []
        done = 0
        for p in self.starts:
            if p < done:
                continue
            end = whole.get(p, -1)
            if end == -1:
                end = whole[p] = self._read(p)
            if end is None:
                continue
            starts.append(p)
            ends.append(end)
            done = end
        return starts, ends, [None] * len(starts)

    def _read(self, p: int) -> int | None:
        """The end of the lexicon regex's match at p in the whole text, or
        None; read without the regex where the word written at p settles it.

        When w, the ASCII word found at p, is the whole word run there (no
        word character follows), the regex tries the keys whose first word is
        w (see `_heads`), longest first. A longer key goes on with a space or
        an apostrophe, whose piece needs white space, a hyphen or an
        apostrophe next: with any other character after w, or when no key
        continues w ("single"), only the key w itself can match, and it does
        when w is a key and the lookahead lets it (no hyphen next). Nothing
        matches where the lookbehind fails."""
        w = self._word_at.get(p)
        if w is not None:
            text, lex = self.text, self.lex
            if p and (_is_word_char(text[p - 1]) or text[p - 1] in "-’'"):
                return None                    # the lookbehind fails
            e = p + len(w)
            c = text[e] if e < len(text) else ""
            if not (c and _is_word_char(c)):   # w is the whole word run (else a letter follows)
                if w in lex._single_words or not (c.isspace() or c in "-'’"):
                    return e if c != "-" and w in lex._word_keys else None
        m = self._rx.match(self._subject, p)
        return m.end() if m else None

    def _hit(self, p: int, end: int) -> Hit:
        hit = self._hits.get((p, end))
        if hit is None:
            hit = self._hits[p, end] = self.lex._hit_at(self.text, p, end)
        return hit

    def find(self, a: int, b: int) -> list[Hit]:
        r"""The hits of `Lexicon.find(text, a, b)`, in order.

        The hit at a start p is that of the whole text, found once, when it
        ends by b and text[b] is no word character or hyphen: the regex then
        reads nothing at or past b on its way to that hit, nor (but for the
        lookahead (?![\w\-]), which gives the same there) on any way tried
        before it, which failed, and would fail at b too (a way that reads
        text[b] as white space goes past b). Else it is asked with the end
        bound b."""
        if self.starts is None:
            return self.lex.find(self.text, a, b)
        starts, text = self.starts, self.text
        safe = b >= len(text) or not (text[b].isalnum() or text[b] in "_-")   # \w is isalnum or _
        if safe:
            if self._chain is None:
                self._chain = self._whole_chain()
            cs, ce, hits = self._chain
            k, j = bisect_left(cs, a), bisect_left(cs, b)
            if (k == 0 or ce[k - 1] <= a) and (j == k or ce[j - 1] <= b):
                out = hits[k:j]
                if None in out:                # made when first returned, in order
                    for i in range(k, j):
                        if hits[i] is None:
                            hits[i] = self._hit(cs[i], ce[i])
                    out = hits[k:j]
                return out
        tried = starts[bisect_left(starts, a):bisect_left(starts, b)]
        if not safe:
            cut = self._cut_start(a, b)
            if cut is not None and (not tried or tried[-1] != cut):
                # after any other start: those inside its word run (after a
                # non-ASCII letter) are where no match can start
                tried.append(cut)
        out = []
        done = a
        whole, rx, subject = self._whole, self._rx, self._subject
        for p in tried:
            if p < done:
                continue
            if safe:
                end = whole.get(p, -1)
                if end == -1:
                    m = rx.match(subject, p)
                    end = whole[p] = m.end() if m else None
                if end is None:
                    continue
            if not safe or end > b:
                m = rx.match(subject, p, b)
                if m is None:
                    continue
                end = m.end()
            done = end
            out.append(self._hit(p, end))      # made only for hits returned
        return out
