"""Word lists turned into their forms and regexes: the verbs' and nouns'
inflections (`verb_forms`, `noun_forms`), and regexes that match any of a
list's phrases as whole words (`phrase_regex`, `trie_alternation`), with
case-sensitive twins for text in lower case (`lower_case_twin`). `Lexicon`
(`lexicon`) and the finders that match fixed lists build on them.
"""
from __future__ import annotations

import re
try:
    from re._casefix import _EXTRA_CASES       # the regex engine's extra case pairs
except ImportError:                            # another Python: no case-sensitive twins
    _EXTRA_CASES = None

_VOWELS = "aeiou"


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


def lower_case_twin(rx: re.Pattern | None, words) -> tuple[re.Pattern | None, str]:
    """A case-sensitive twin of a regex that ignores case and is written
    with `words` in lower case, for lowered text (`lowered_text`), and the
    characters that the text must not have for the twin to match the same
    spans there as rx on the text; (None, "") where no twin is exact.

    A text character x matches a word character c ignoring case exactly
    when x.lower() == c, or x is one of c's extra partners in the regex
    engine's case table ("ı" for "i", "ſ" for "s"), x being any character but
    "İ" (which lowers to two and so is never in lowered text of the same
    length): checked over all code points for every character of the
    reference word lists when written. The sigma, whose lower case depends
    on the letters around it, must not be in the words. The regex's classes
    and other pieces hold no letters."""
    if rx is None or not rx.flags & re.IGNORECASE or _EXTRA_CASES is None:
        return None, ""
    chars = {c for w in words for c in w}
    if any(c != c.lower() or c in "σς" for c in chars):
        return None, ""
    partners = "".join(sorted({chr(v) for c in chars for v in _EXTRA_CASES.get(ord(c), ())}))
    return re.compile(rx.pattern, rx.flags & ~re.IGNORECASE), partners


_last_lowered: tuple | None = None       # (text, lowered) of the last call


def lowered_text(text: str) -> str | None:
    """text.lower() when it keeps the offsets (same length), else None. Kept
    for the last text: the finders of a story ask in turn."""
    global _last_lowered
    last = _last_lowered
    if last is not None and (last[0] is text or last[0] == text):
        return last[1]
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = None
    _last_lowered = (text, lowered)
    return lowered


def phrase_twin(phrases, rx: re.Pattern | None) -> tuple[re.Pattern | None, str]:
    """`lower_case_twin` of rx = phrase_regex(phrases)."""
    return lower_case_twin(rx, {_key(p) for p in phrases})


def phrase_regex(phrases, flags: int = re.IGNORECASE) -> re.Pattern | None:
    """One regex matching any of the phrases as whole words, longest first."""
    phrases = {_key(p) for p in phrases}
    if not phrases:
        return None
    return re.compile(r"(?<![\w\-])(?:" + _alternation(phrases, bool(flags & re.IGNORECASE)) + r")(?![\w\-])",
                      flags)
