"""What actor extraction knows before it reads a story, and what it yields.

The records `ActorFinder` (`actors`) returns (`Actor`, `ActorMention`); the
targets phrases resolve to (`_Target`); the phrase dictionary (`Lexicon`,
keyed by tokens as `_phrase_words` cuts them); and `_world`,
which builds from reference data the dictionary of `etl/actors.yaml`, the
generated national-body and ministry phrases of every country ("the Malian
army", "Russia's foreign ministry") and the other word lists the finder's
mechanisms look up. Also what the actor modules share: `_prefixes` and the
bound of their per-word memos (`_MEMO_LIMIT`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

from ..reference import Reference
from .countries import CountryIndex
from .text import Token, fold, is_acronym


@dataclass
class Actor:
    actor_id: str
    name: str
    actor_type: str
    country_iso3: str | None
    affiliation_actor_id: str | None = None
    aliases: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class ActorMention:
    actor_id: str
    surface: str
    start: int
    end: int
    how: str


@dataclass(frozen=True)
class _Target:
    """What a phrase resolves to: a fixed actor id, or a national body /
    ministry of a country."""
    kind: str            # "actor" | "body" | "ministry" | "state"
    key: str             # actor id | body kind | portfolio | ""
    iso3: str | None


# ---------------------------------------------------------------- phrases

def _phrase_words(phrase: str) -> tuple[str, ...]:
    """The token keys of a dictionary phrase, as `_split` would cut the text.
    Those of "X Y" are those of X and then those of Y (white space only
    separates chunks), which `_world` uses to build generated phrases'."""
    keys = tuple(chain.from_iterable(map(_chunk_words, phrase.replace("’", "'").split())))
    return keys if all(keys) else tuple(w for w in keys if w)


@lru_cache(maxsize=None)
def _chunk_words(chunk: str) -> tuple[str, ...]:
    """The keys of one white-space separated chunk of a phrase (cached: the
    generated national phrases repeat the same country names and nouns)."""
    if chunk.endswith("'s") and len(chunk) > 2:
        return fold(chunk[:-2]), "'s"
    return (fold(chunk.strip("(),;:")),)


@dataclass
class Lexicon:
    """Phrase -> target, with the case rule of each phrase."""
    phrases: dict[tuple[str, ...], tuple[_Target, str]] = field(default_factory=dict)
    longest: int = 1
    # first word -> the lengths of the phrases it starts, longest first: most
    # tokens start no phrase, and those that do are tried only at real lengths
    lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # first two words -> the lengths (2 or more) of the phrases they start,
    # longest first: "the" starts phrases of up to nine words, but "the
    # Malian" only a few
    pairs: dict[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)

    def add(self, phrase: str, target: _Target, words: tuple[str, ...] | None = None) -> None:
        """Add a phrase unless its keys are there already. `words`, if
        given, are its keys (`_phrase_words(phrase)`)."""
        if words is None:
            words = _phrase_words(phrase)
        if not words or words in self.phrases:
            return
        n = len(words)
        case = "exact" if n == 1 and is_acronym(phrase) else ("cap" if not phrase.islower() else "any")
        self.phrases[words] = (target, phrase if case == "exact" else case)
        if n > self.longest:
            self.longest = n
        known = self.lengths.get(words[0], ())
        if n not in known:
            self.lengths[words[0]] = tuple(sorted((*known, n), reverse=True))
        if n >= 2:
            known = self.pairs.get(words[:2], ())
            if n not in known:
                self.pairs[words[:2]] = tuple(sorted((*known, n), reverse=True))

    def match(self, toks: list[Token], i: int, keys: list[str]) -> tuple[int, _Target] | None:
        """Longest phrase starting at token i: (end index, target). `keys`
        are the tokens' lookup keys (`actors._Tokens.keys`: the folded
        text, and "'s" for a possessive)."""
        lengths = self.lengths.get(keys[i])
        if lengths is None:
            return None
        # A phrase of two or more words starts with the first two keys, so
        # only the lengths `pairs` gives them can match; a one-word phrase
        # comes last, as it does in `lengths`.
        phrases = self.phrases
        left = len(toks) - i
        if lengths[0] >= 2 and left >= 2:
            for n in self.pairs.get((keys[i], keys[i + 1]), ()):
                if n <= left:
                    hit = phrases.get(tuple(keys[i:i + n]))
                    if hit is not None and self._accept(toks, i, n, hit[1]):
                        return i + n, hit[0]
        if lengths[-1] == 1:
            hit = phrases.get((keys[i],))
            if hit is not None and self._accept(toks, i, 1, hit[1]):
                return i + 1, hit[0]
        return None

    @staticmethod
    def _accept(toks: list[Token], i: int, n: int, case: str) -> bool:
        """Whether tokens i..i+n-1, whose keys are a phrase with this case
        rule, obey it."""
        if case == "any":
            return True
        if case == "cap":        # a capital anywhere in a word: "al-Shabaab" is a name
            return any(t.text[:1].isupper() or any(map(str.isupper, t.text)) for t in toks[i:i + n])
        return " ".join(t.text for t in toks[i:i + n]).replace(".", "") == case.replace(".", "")


def _world(ref: Reference, countries: CountryIndex):
    """The lexicons built from reference data (once per process)."""
    forms = ref.actor_forms
    bodies = forms["national_bodies"]
    standalone = {fold(n) for n in forms.get("standalone", [])}
    dictionary = Lexicon()
    actors = {a["id"]: a for a in ref.actors}
    for a in ref.actors:
        for name in (a["name"], *a["aliases"]):
            dictionary.add(name, _Target("actor", a["id"], a["country"]))

    national = Lexicon()
    country_names: dict[str, list[str]] = {}
    for name, iso3 in countries.names.items():
        country_names.setdefault(iso3, []).append(name)
    adjectives = {iso3: adjs for iso3, (adjs, _) in ref.demonyms.items()}
    for iso3, kinds in ref.national.items():
        for kind, names in kinds.items():
            for n in names:
                national.add(n, _Target("body", kind, iso3))
    # The generated phrases' keys are joined from their parts' (`_phrase_words`),
    # each part's keys found once.
    part_keys: dict[str, tuple[str, ...]] = {}

    def keys(part: str) -> tuple[str, ...]:
        hit = part_keys.get(part)
        if hit is None:
            hit = part_keys[part] = _phrase_words(part)
        return hit

    of, of_the = keys("of"), keys("of the")
    add = national.add
    for iso3 in sorted(set(country_names) | set(adjectives)):
        names = country_names.get(iso3, [])
        adjs = adjectives.get(iso3, ())
        for kind, body in bodies.items():
            for noun in body["nouns"]:
                t = _Target("body", kind, iso3)
                k_noun = keys(noun)
                for a in adjs:
                    add(f"{a} {noun}", t, keys(a) + k_noun)
                for n in names:
                    k_n = keys(n)
                    add(f"{n} {noun}", t, k_n + k_noun)
                    add(f"{n}'s {noun}", t, keys(f"{n}'s") + k_noun)
                    add(f"{noun} of {n}", t, k_noun + of + k_n)
                    add(f"{noun} of the {n}", t, k_noun + of_the + k_n)
        for portfolio, m in forms["ministries"].items():
            t = _Target("ministry", portfolio, iso3)
            for form in m["forms"]:
                k_form = keys(form)
                for a in adjs:
                    add(f"{a} {form}", t, keys(a) + k_form)
                for n in names:
                    k_n = keys(n)
                    add(f"{n}'s {form}", t, keys(f"{n}'s") + k_form)
                    add(f"{n} {form}", t, k_n + k_form)
                    add(f"{form} of {n}", t, k_form + of + k_n)
    generic = Lexicon()
    for kind, body in bodies.items():
        for noun in body["nouns"]:
            if fold(noun) in standalone:
                generic.add(noun, _Target("body", kind, None))
    for portfolio, m in forms["ministries"].items():
        for form in m["forms"]:
            generic.add(form, _Target("ministry", portfolio, None))
    titles = sorted(((fold(t), body) for t, body in forms["titles"].items()), key=lambda tb: -len(tb[0]))
    titles_by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for title, body in titles:             # each first word's titles, still longest first
        title_words = tuple(title.split())
        titles_by_first.setdefault(title_words[0] if title_words else "", []).append((title_words, body))
    refs = {fold(k): tuple(v) for k, v in forms["references"].items()}
    pronouns = {fold(p) for p in forms.get("pronouns", {}).get("person", [])}
    heads = {}
    for kind, head_words in forms.get("organisation_heads", {}).items():
        for w in head_words:
            heads[fold(w)] = kind
    demonym_of = {fold(a): iso3 for iso3, adjs in adjectives.items() for a in adjs}
    return (dictionary, national, generic, actors, titles_by_first, refs, pronouns, heads, demonym_of,
            country_names)


def _prefixes(names) -> frozenset[str]:
    """Every prefix (the empty one included) of every name."""
    return frozenset(n[:k] for n in names for k in range(len(n) + 1))


# Small per-word memos: bounded, keyed by a word, never by a story.
_MEMO_LIMIT = 50_000
