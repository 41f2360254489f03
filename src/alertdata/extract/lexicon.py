"""Word lists from `etl/` turned into matchers that find every inflected form.

The reference files list verbs in their base form ("attack", "call for")
and nouns in the singular; this module generates the forms prose uses
("attacked", "calls for", "air strikes") so that reviewers edit one word,
not five.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

_VOWELS = "aeiou"


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


def verb_forms(base: str, irregular: dict[str, list[str]] | None = None) -> dict[str, str]:
    """{written form: form kind} of a (possibly multi-word) verb; only the
    first word inflects ("call for" -> "called for"). Regular rules may
    over-generate ("banned" and "baned"): unused forms never match."""
    head, _, rest = base.partition(" ")
    tail = f" {rest}" if rest else ""
    forms = {head: "base"}
    if head.endswith(("s", "x", "z", "ch", "sh", "o")):
        forms[head + "es"] = "s"
    elif head.endswith("y") and head[-2:-1] not in _VOWELS:
        forms[head[:-1] + "ies"] = "s"
    else:
        forms[head + "s"] = "s"
    stems = [head[:-1]] if head.endswith("e") and not head.endswith(("ee", "ye", "oe")) else [head]
    if head.endswith("y") and head[-2:-1] not in _VOWELS:
        forms[head[:-1] + "ied"] = "past"
    else:
        forms[(head + "d") if head.endswith("e") else head + "ed"] = "past"
    if len(head) >= 3 and head[-1] not in _VOWELS + "wxy" and head[-2] in _VOWELS \
            and head[-3] not in _VOWELS:
        forms[head + head[-1] + "ed"] = "past"           # "ban" -> "banned"
        stems.append(head + head[-1])                    # "banning"
    if head.endswith("ie"):
        stems = [head[:-2] + "y"]                        # "die" -> "dying"
    if head.endswith("c"):
        forms[head + "ked"] = "past"                     # "panic" -> "panicked"
    for stem in stems:
        forms[stem + "ing"] = "ing"
    for past in (irregular or {}).get(head, []):
        forms[past] = "past"
    return {f + tail: kind for f, kind in forms.items()}


def noun_forms(base: str, plural: dict[str, str] | None = None) -> dict[str, str]:
    """{written form: "noun" | "plural"}; the last word takes the plural."""
    head, _, last = base.rpartition(" ")
    lead = f"{head} " if head else ""
    if plural and last in plural:
        many = plural[last]
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        many = last + "es"
    elif last.endswith("y") and last[-2:-1] not in _VOWELS:
        many = last[:-1] + "ies"
    else:
        many = last + "s"
    return {base: "noun", lead + many: "plural"}


def _pattern(phrase: str) -> str:
    """A phrase as a regex: words joined by spaces or hyphens, apostrophes
    straight or curly."""
    parts = [re.escape(w).replace("'", "['’]") for w in phrase.split()]
    return r"[\s\-]+".join(parts)


def _piece(char: str) -> str:
    """One character of a phrase key as a regex, as `_pattern` writes it."""
    return r"[\s\-]+" if char == " " else "['’]" if char == "'" else re.escape(char)


def same_ignoring_case(literal: str, text: str) -> bool:
    """Whether `text` matches `literal` as a case-insensitive regex does."""
    if literal.isascii() and text.isascii():
        return literal.lower() == text.lower()
    return re.fullmatch(f"(?i:{re.escape(literal)})", text) is not None


def _same_char(a: str, b: str, ignorecase: bool) -> bool:
    """Whether one character of text can match both literal characters."""
    return same_ignoring_case(a, b) if ignorecase else a == b


def trie_alternation(keys, piece=re.escape, ignorecase: bool = False) -> str | None:
    """A regex matching any of the keys, written as a trie, or None where
    that would not be exact.

    Alternatives tried longest first match, at a given position, the longest
    key that fits the text and the context after it (a lookahead that
    follows). A trie finds the same key: the text follows one path through
    it, because the branches of a node start with characters that no text
    character matches both of (checked here), and a node tries its longer
    continuations before stopping. The regex engine then tries a few branches
    per position instead of every key, which is what makes large word lists
    cheap to search."""
    trie: dict = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}                       # a key ends here

    def render(node: dict) -> str | None:
        chars = sorted(c for c in node if c)
        if any(_same_char(a, b, ignorecase) for k, a in enumerate(chars) for b in chars[k + 1:]):
            return None
        branches = []
        for c in chars:
            rest = render(node[c])
            if rest is None:
                return None
            branches.append(piece(c) + rest)
        if not branches:
            return ""
        rx = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{rx})?" if "" in node else rx

    return render(trie) if trie else None


def _alternation(keys, ignorecase: bool) -> str:
    """Any of the phrase keys, longest first (as a trie when it is exact)."""
    trie = trie_alternation(keys, _piece, ignorecase)
    if trie is not None:
        return trie
    return "|".join(map(_pattern, sorted(keys, key=lambda k: (-len(k), k))))


def _key(written: str) -> str:
    return " ".join(written.lower().replace("’", "'").replace("-", " ").split())


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
        self._heads_rx = _heads_regex(self._heads)

    def _hit(self, m: re.Match) -> Hit:
        base, pos, label, kind = self.forms[_key(m.group(0))]
        return Hit(m.start(), m.end(), m.group(0), base, pos, label, kind)

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Hit]:
        if self._rx is None:
            return []
        out = []
        for m in self._rx.finditer(text, start, len(text) if end is None else end):
            out.append(self._hit(m))
        return out

    def scan(self, text: str, lowered: str | None = None) -> LexiconScan:
        """A finder of this lexicon's hits in many slices of one text: the
        extractors ask for the hits of every clause and sentence of a story.
        `lowered` is text.lower() when the caller has it."""
        return LexiconScan(self, text, lowered)


# Where a lexicon match can start: after no word character, hyphen or
# apostrophe (the lexicon regex's lookbehind), at a word character (every key
# starts with one, see `_heads`); the group is the word run from there.
_WORD_START = re.compile(r"(?<![\w\-’'])\w+")
_WORD_CHAR = re.compile(r"\w")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_WORD_RUN = re.compile(r"\w+")


def _heads(forms) -> frozenset | None:
    """The first words of the keys (their leading word characters), when
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


def _heads_regex(heads: frozenset | None) -> re.Pattern | None:
    """Whole words of lower-case text that are `heads`, case-sensitive: a
    trie of literals, which the regex engine tries quickly, unlike the
    case-insensitive lexicon regex."""
    if not heads:
        return None
    words = trie_alternation(heads) or "|".join(map(re.escape, sorted(heads, key=len, reverse=True)))
    return re.compile(r"(?<![\w\-’'])(?:" + words + r")(?!\w)")


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

    The starts of ASCII runs come from the heads regex over text.lower(),
    which keeps every offset when it keeps the length (only "İ" lowers to two
    characters), lowers ASCII letters as `s.lower()` does and keeps whether a
    character is a word character, a hyphen or an apostrophe (both checked
    over all code points when written); the starts of runs with a non-ASCII
    word character are added from `_NON_ASCII`."""

    def __init__(self, lexicon: Lexicon, text: str, lowered: str | None = None):
        self.lex = lexicon
        self.text = text
        self._hits: dict[tuple[int, int], Hit] = {}
        self.starts = None                    # None: ask `Lexicon.find`
        if lexicon._rx is None or lexicon._heads is None:
            return
        lowered = text.lower() if lowered is None else lowered
        if len(lowered) == len(text):
            starts = [m.start() for m in lexicon._heads_rx.finditer(lowered)]
            extra = [] if text.isascii() else self._non_ascii_starts()
            self.starts = sorted(set(starts).union(extra)) if extra else starts
        else:
            heads = lexicon._heads
            self.starts = [m.start() for m in _WORD_START.finditer(text)
                           if not m.group(0).isascii() or m.group(0).lower() in heads]

    def _non_ascii_starts(self) -> list[int]:
        """The starts of the word runs with a non-ASCII character where a
        match may start (each run looked at once)."""
        text = self.text
        out = []
        done = 0                                 # the end of the last run seen
        for m in _NON_ASCII.finditer(text):
            for k in range(max(m.start(), done), m.end()):
                if k < done or not _WORD_CHAR.match(text, k):
                    continue
                p = k
                while p > 0 and _WORD_CHAR.match(text, p - 1):
                    p -= 1
                done = _WORD_RUN.match(text, k).end()
                if _WORD_START.match(text, p):
                    out.append(p)
        return out

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

    def find(self, a: int, b: int) -> list[Hit]:
        """The hits of `Lexicon.find(text, a, b)`, in order."""
        if self.starts is None:
            return self.lex.find(self.text, a, b)
        starts = self.starts
        tried = starts[bisect_left(starts, a):bisect_left(starts, b)]
        cut = self._cut_start(a, b)
        if cut is not None and (not tried or tried[-1] != cut):
            tried.append(cut)                  # no start lies between it and b
        out = []
        done = a
        rx, text, hits = self.lex._rx, self.text, self._hits
        for p in tried:
            if p < done:
                continue
            m = rx.match(text, p, b)
            if m is None:
                continue
            done = m.end()
            hit = hits.get((p, done))
            if hit is None:
                hit = hits[p, done] = self.lex._hit(m)
            out.append(hit)
        return out


def phrase_regex(phrases, flags: int = re.IGNORECASE) -> re.Pattern | None:
    """One regex matching any of the phrases as whole words, longest first."""
    phrases = {_key(p) for p in phrases}
    if not phrases:
        return None
    return re.compile(r"(?<![\w\-])(?:" + _alternation(phrases, bool(flags & re.IGNORECASE)) + r")(?![\w\-])",
                      flags)
