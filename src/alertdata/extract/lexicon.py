"""Word lists from `etl/` turned into matchers that find every inflected form.

The reference files list verbs in their base form ("attack", "call for")
and nouns in the singular; this module generates the forms prose uses
("attacked", "calls for", "air strikes") so that reviewers edit one word,
not five.
"""
from __future__ import annotations

import re
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

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Hit]:
        if self._rx is None:
            return []
        out = []
        for m in self._rx.finditer(text, start, len(text) if end is None else end):
            base, pos, label, kind = self.forms[_key(m.group(0))]
            out.append(Hit(m.start(), m.end(), m.group(0), base, pos, label, kind))
        return out


def phrase_regex(phrases, flags: int = re.IGNORECASE) -> re.Pattern | None:
    """One regex matching any of the phrases as whole words, longest first."""
    phrases = {_key(p) for p in phrases}
    if not phrases:
        return None
    return re.compile(r"(?<![\w\-])(?:" + _alternation(phrases, bool(flags & re.IGNORECASE)) + r")(?![\w\-])",
                      flags)
