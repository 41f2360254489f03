"""Actor mentions of a story, each resolved to a typed actor.

Mechanisms, in the order they claim text (an earlier one wins a span):
1. dictionary   - names and aliases of `etl/actors.yaml` ("JNIM", "Wagner Group");
2. national     - generated for every country from ISO names and demonyms:
                  "the Malian army", "Mali's army", "the government of Mali",
                  ministries ("Russia's foreign ministry");
3. titled       - people introduced by a title or role ("Colonel Abdoulaye
                  Maiga", "President Zelensky"), and people named as the
                  subject of a reporting verb ("Gulnara Saparova said");
4. organisation - capitalised names with an organisation head word
                  ("... Liberation Front", "Ministry of ..."), typed by it;
5. acronym      - "Name (ACR)" teaches the story an alias;
6. fuzzy        - a capitalised word within a small edit distance of a
                  dictionary alias ("Wagnor" -> Wagner Group);
7. states       - a country or its capital acting ("Russia said", "Paris
                  announced", "backed by Russia");
8. references   - "the army", "the junta" -> the story's country's body;
                  "the group", "the alliance", "he" -> the nearest earlier
                  compatible actor.
Later surname-only mentions ("Maiga said") join the person they name.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, compress, count
from operator import attrgetter

from ..reference import Reference
from .countries import CountryIndex
from .text import Token, fold, folded_words, is_acronym, slug, words

# Lower-case words that may sit inside a personal name ("Abdel Fattah al-Burhan").
# Capitalised words that are titles elsewhere but parts of names inside one
# ("Hassan Sheikh Mohamud").
NAME_WORDS = {"sheikh", "abdel", "abdul", "mohamed", "mohammed", "muhammad"}
NAME_PARTICLES = {"al", "el", "bin", "ibn", "bint", "abu", "de", "da", "dos", "van", "von", "der", "du", "la", "le"}
# Words after which a capitalised name reports speech ("X said", "according to X").
REPORTING = {"said", "says", "told", "added", "stated", "announced", "warned", "wrote", "explained", "noted",
             "argued", "claimed", "insisted", "declared", "stressed", "tweeted", "posted", "urged",
             "accused", "denied", "confirmed", "reported", "called", "asked", "replied", "responded"}
# A following word that shows a country or capital acting, not being a place.
ACTING = REPORTING | {
    "has", "have", "had", "is", "was", "will", "would", "could", "should", "may", "might", "must", "can",
    "did", "does", "wants", "sought", "seeks", "agreed", "signed", "sent", "sends", "deployed", "launched",
    "withdrew", "expelled", "suspended", "imposed", "supported", "supports", "backed", "backs", "welcomed",
    "threatened", "refused", "decided", "pledged", "offered", "promised", "provided", "granted", "recognised",
    "recognized", "hosted", "hosts", "joined", "rejected", "condemned", "demanded", "blamed", "attacked",
    "struck", "launched", "vetoed", "mediated", "brokered", "delivered", "supplied", "accused", "urged",
    "responded", "retaliated", "invaded", "annexed", "sanctioned", "recalled", "summoned", "closed",
    "opened", "ordered", "continues", "continued", "began", "started", "stopped", "ended", "plans",
    "planned", "intends", "aims", "hopes", "fears", "considers", "considered", "views", "maintains"}
BEFORE_ACTING = {"by", "with", "against"}
# Prepositions after which an unknown capitalised name is a place, not a person.
LOCATIVE = {"in", "at", "near", "from", "to", "towards", "toward", "into", "outside", "around", "across", "of"}


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
        are the tokens' lookup keys (`token_keys`)."""
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
        if case == "cap":
            return any(t.text[:1].isupper() for t in toks[i:i + n])
        return " ".join(t.text for t in toks[i:i + n]).replace(".", "") == case.replace(".", "")


def token_keys(toks: list[Token], folded: list[str]) -> list[str]:
    """The key each token is looked up by in a `Lexicon`: its folded text,
    and "'s" for a possessive (as `_phrase_words` cuts phrases)."""
    return ["'s" if t.text in ("'s", "’s") else f for t, f in zip(toks, folded)]


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
_UNKNOWN = object()         # not yet in a memo
_acronym_memo: dict[str, bool] = {}


def _is_acronym(word: str) -> bool:
    hit = _acronym_memo.get(word)
    if hit is None:
        if len(_acronym_memo) >= _MEMO_LIMIT:
            _acronym_memo.clear()
        hit = _acronym_memo[word] = is_acronym(word)
    return hit


_HYPHEN_LOWER = re.compile(r"-[a-z]")
_ACRONYM_AFTER = re.compile(r"\s*\(([A-Z][A-Za-z0-9\-]{1,9})\)")
_PAST_VERB = re.compile(r"[a-z]{3,}ed")
_COMPOUND_ACTING = re.compile(r"-(backed|led|brokered|sponsored)\b")
# `CountryIndex.lookup` drops a leading "the" and the white space after it
# (in any case) from a name: only a token that is such a "the" can lose it.
_THE_WORD = re.compile(r"the", re.I)
# Lower-case words inside an organisation's name, and words `_organisations`
# drops from the start of one.
_ORGANISATION_LINKS = ("of", "for", "and", "the", "'s")
_ORGANISATION_SKIP = ("the", "a", "an", "in", "on", "at", "by", "for", "and")
# Articles that open a role after a name and a comma ("X Y, a nurse": `_named`).
_ROLE_ARTICLES = ("a", "an", "the")


_TEXT = attrgetter("text")
_CAPITALISED = attrgetter("capitalised")
_SPAN = attrgetter("start", "end")


class _Tokens:
    """What a story's body alone decides: its tokens, and which of them the
    passes look at. Most passes look at few tokens: `caps` are the indices of
    the tokens that start with a capital (`cap[i]`); `phrase_at`, `title_at`
    and `reference_at` those whose key or folded text may start a phrase, a
    title or a reference. `phrases` are the dictionary and national phrases,
    once found."""
    __slots__ = ("body", "toks", "texts", "folded", "keys", "cap", "caps", "phrase_at", "title_at",
                 "reference_at", "phrases")

    def __init__(self, body: str, finder: ActorFinder):
        self.body = body
        self.toks = toks = words(body)
        self.folded = folded = folded_words(body)
        # (map and compress run these per-token loops in C)
        self.texts = texts = list(map(_TEXT, toks))
        self.cap = cap = list(map(_CAPITALISED, toks))
        self.caps = list(compress(count(), cap))
        # The tokens whose folded text some pass looks up (`_marks`); "s" is
        # the folded text of every possessive "'s", the one token whose
        # lookup key differs from it (`token_keys`).
        keys = list(folded)
        titles, references = finder.titles_by_first, finder._reference_words
        self.title_at, self.reference_at = title_at, reference_at = [], []
        marked = list(compress(count(), map(finder._marks.__contains__, folded)))
        for i in marked:
            f = folded[i]
            if f == "s" and texts[i] in ("'s", "’s"):
                keys[i] = "'s"
            if f in titles:
                title_at.append(i)
            if f in references:
                reference_at.append(i)
        self.keys = keys
        # A phrase starts only at a key that is a phrase by itself (and has
        # the acronym's case if that is its one phrase), or that starts a
        # longer one with the next key.
        following, exact = finder._phrase_next, finder._phrase_exact
        n = len(keys)
        self.phrase_at = phrase_at = []
        for i in marked:
            k = keys[i]
            if k in following:
                seconds = following[k]
                if seconds is None:
                    if k not in exact or texts[i].replace(".", "") == exact[k]:
                        phrase_at.append(i)
                elif i + 1 < n and keys[i + 1] in seconds:
                    phrase_at.append(i)
        self.phrases: list[tuple[int, int, _Target]] | None = None


class _Story:
    """One story's tokens (`_Tokens`) and the state the passes share."""
    __slots__ = ("tokens", "body", "toks", "texts", "folded", "keys", "cap", "caps", "claimed", "actors",
                 "mentions")

    def __init__(self, tokens: _Tokens):
        self.tokens = tokens
        self.body, self.toks, self.texts, self.folded = tokens.body, tokens.toks, tokens.texts, tokens.folded
        self.keys, self.cap, self.caps = tokens.keys, tokens.cap, tokens.caps
        self.claimed = [False] * len(self.toks)
        self.actors: dict[str, Actor] = {}
        self.mentions: list[ActorMention] = []

    def claim(self, i: int, j: int, actor_id: str | None, how: str) -> bool:
        """Tokens i..j-1 as a mention of actor_id, unless one is claimed already."""
        claimed = self.claimed
        if actor_id is None or True in claimed[i:j]:
            return False
        toks = self.toks
        s, e = toks[i].start, toks[j - 1].end
        self.mentions.append(ActorMention(actor_id, self.body[s:e], s, e, how))
        claimed[i:j] = [True] * (j - i)
        return True


class ActorFinder:
    """Finds and resolves actor mentions in a story body."""

    def __init__(self, ref: Reference, countries: CountryIndex, country_name: dict[str, str],
                 capitals: dict[str, str]):
        (self.dictionary, self.national, self.generic, self.entries, self.titles_by_first, self.refs,
         self.pronouns, self.heads, self.demonym_of, self.country_names) = _world(ref, countries)
        self.ref = ref
        self.countries = countries
        self.country_name = country_name       # ISO3 -> canonical country name
        self.capitals = capitals               # folded capital -> ISO3
        self.forms = ref.actor_forms
        self.adjective = {iso3: adjs[0] for iso3, (adjs, _) in ref.demonyms.items() if adjs}
        self._site_heads = {fold(w) for w in ref.place_rules.get("site_heads", [])}
        self._stop = {fold(w) for w in ref.place_rules["stop_words"]} - {"mr", "dr"}
        # one-word dictionary aliases a misspelling may stand for (`_fuzzy`)
        self._fuzzy_names = {}
        for phrase, (target, _) in self.dictionary.phrases.items():
            if len(phrase) == 1 and len(phrase[0]) >= 6 and target.kind == "actor":
                self._fuzzy_names[phrase[0]] = target
        self._fuzzy_choices = list(self._fuzzy_names)
        self._fuzzy_memo: dict[str, _Target | None] = {}     # folded word -> its fuzzy match
        self._last: _Tokens | None = None                    # the tokens of the last body read
        self._state_memo: dict[str, bool] = {}                # token -> may start a country (`_states`)
        # each dictionary actor's record fields
        self._actor_rows = {ident: (e["name"], e["type"], e["country"], e.get("parent"), tuple(e["aliases"]))
                            for ident, e in self.entries.items()}
        self._country_memo: dict[str, str | None] = {}      # token -> `countries.lookup` of it

        # Indexes that let a pass skip the tokens that cannot start what it
        # looks for (`_Tokens`). The first keys of dictionary and national
        # phrases:
        self._phrase_firsts = frozenset(self.dictionary.lengths) | frozenset(self.national.lengths)
        # first key -> the keys that may follow it in a phrase, or None when
        # it is a phrase of one word by itself (then any may follow)
        seconds: dict[str, set[str]] = {}
        for lex in (self.dictionary, self.national):
            for first, second in lex.pairs:
                seconds.setdefault(first, set()).add(second)
        self._phrase_next: dict[str, frozenset[str] | None] = {
            k: None if any(lex.lengths.get(k, (0,))[-1] == 1 for lex in (self.dictionary, self.national))
            else frozenset(seconds[k]) for k in self._phrase_firsts}
        # key -> its text (dots dropped) where its one phrase is a dictionary
        # acronym ("IS", "WHO"): "is" and "who" match nothing
        self._phrase_exact: dict[str, str] = {}
        for k, lengths in self.dictionary.lengths.items():
            case = self.dictionary.phrases[(k,)][1] if lengths == (1,) else None
            if case is not None and case not in ("cap", "any") and k not in self.national.lengths:
                self._phrase_exact[k] = case.replace(".", "")
        # Every prefix of a country name (as `CountryIndex.lookup` compares
        # it, as written or case-folded) and of a folded capital: a phrase
        # that is one starts with its first tokens, and `str.casefold` and
        # `fold` keep prefixes (`_states`).
        self._country_prefixes = _prefixes({v for n in countries.names for v in (n, n.casefold())})
        self._capital_prefixes = _prefixes(capitals)
        # Every prefix of a two-word reference ("the group" starts with the
        # key of "the": `_references`).
        self._ref_prefixes = _prefixes(self.refs)
        # What a one-word organisation head, or the last word of a two-word
        # one, can be (`_organisations`).
        self._head_tails = frozenset(h[p + 1:] for h in self.heads for p in range(-1, len(h))
                                     if p < 0 or h[p] == " ")
        # The folded words at which `_references` may find something: a
        # generic body's first key (a possessive's key "'s" folds to "s"), the
        # start of a two-word reference, a pronoun.
        self._reference_words = frozenset(self.generic.lengths) | self._ref_prefixes | frozenset(self.pronouns) \
            | ({"s"} if "'s" in self.generic.lengths else set())
        # What follows the first space of a two-word reference ("group").
        self._ref_seconds = frozenset(h[p + 1:] for h in self.refs for p in range(len(h)) if h[p] == " ")
        # The folded words that some pass looks up (`_Tokens`).
        self._marks = self._phrase_firsts | frozenset(self.titles_by_first) | frozenset(self.generic.lengths) \
            | self._ref_prefixes | frozenset(self.pronouns) | {"s"}

    # ------------------------------------------------------------ records

    def _record(self, target: _Target, actors: dict[str, Actor]) -> str | None:
        """The actor id a target denotes, adding its record when new."""
        if target.kind == "actor":
            ident = target.key
            if ident not in actors:
                name, kind, country, parent, aliases = self._actor_rows[ident]
                actors[ident] = Actor(ident, name, kind, country, parent, set(aliases))
                if parent:
                    self._record(_Target("actor", parent, None), actors)
            return ident
        iso3 = target.iso3
        if iso3 is None:
            return None
        # (each record is built only when missing, as `setdefault` would keep the first)
        if target.kind == "state":
            ident = f"state-{iso3.lower()}"
            if ident not in actors:
                actors[ident] = Actor(ident, self.country_name.get(iso3, iso3), "state", iso3)
            return ident
        if target.kind == "body":
            ident = f"{target.key}-{iso3.lower()}"
            if ident not in actors:
                body = self.forms["national_bodies"][target.key]
                actors[ident] = Actor(ident, body["name"].format(country=self.country_name.get(iso3, iso3)),
                                      body["type"], iso3)
            return ident
        ident = f"ministry-{target.key}-{iso3.lower()}"
        gov = self._record(_Target("body", "government", iso3), actors)
        if ident not in actors:
            m = self.forms["ministries"][target.key]
            adj = self.adjective.get(iso3)
            name = f"{adj} {m['name']}" if adj else f"{m['name']} of {self.country_name.get(iso3, iso3)}"
            actors[ident] = Actor(ident, name, "government", iso3, gov)
        return ident

    def _country(self, word: str) -> str | None:
        """`countries.lookup` of one token's text (memoised: a pure function of it)."""
        iso3 = self._country_memo.get(word, _UNKNOWN)
        if iso3 is _UNKNOWN:
            memo = self._country_memo
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            iso3 = memo[word] = self.countries.lookup(word)
        return iso3

    # ------------------------------------------------------------ find

    def find(self, body: str, main_iso3: str | None, place_spans: list[tuple[int, int, str | None]] = ()
             ) -> tuple[dict[str, Actor], list[ActorMention]]:
        """Actors and mentions of one story. `place_spans` are (start, end,
        ISO3) of its place mentions, used to tell places from people."""
        # A story whose main country changes is read again (`story_entities`):
        # the tokens of the last body read serve it again.
        tokens = self._last
        if tokens is None or (tokens.body is not body and tokens.body != body):
            tokens = self._last = _Tokens(body, self)
        s = _Story(tokens)
        self._body = body
        actors = s.actors

        self._phrases(s)

        place_at = {}
        for start, end, iso3 in place_spans:
            place_at[start] = (end, iso3)
        self._places = [(start, end) for start, end, _ in place_spans]
        self._place_runs = set()

        self._titled(s, main_iso3)
        self._organisations(s, main_iso3, place_at)
        self._named(s, main_iso3)
        self._acronyms(s)
        self._fuzzy(s)
        self._states(s, main_iso3)
        self._surnames(s)
        self._references(s, main_iso3)
        mentions = s.mentions
        mentions.sort(key=_SPAN)
        for m in mentions:
            if m.how != "pronoun":
                a = actors[m.actor_id]
                if fold(m.surface) != fold(a.name):
                    a.aliases.add(m.surface)
        return actors, mentions

    def _phrases(self, s: _Story) -> None:
        """Dictionary and national phrases, longest first at each position,
        the dictionary's first. They depend on the body alone, so a body read
        again claims the phrases found the first time."""
        if s.tokens.phrases is None:
            s.tokens.phrases = self._find_phrases(s)
        actors = s.actors
        for i, j, target in s.tokens.phrases:
            s.claim(i, j, self._record(target, actors), "dictionary" if target.kind == "actor" else "national")

    def _find_phrases(self, s: _Story) -> list[tuple[int, int, _Target]]:
        """(start, end, target) of each phrase, claimed from the left, from
        the tokens where one may start (`_Tokens.phrase_at`)."""
        toks, keys = s.toks, s.keys
        dictionary, national = self.dictionary, self.national
        found = []
        resume = 0
        for i in s.tokens.phrase_at:
            if i < resume:
                continue
            k = keys[i]
            hit = (k in dictionary.lengths and dictionary.match(toks, i, keys)) or national.match(toks, i, keys)
            if hit:
                j, target = hit
                found.append((i, j, target))
                resume = j
        return found

    # ------------------------------------------------------------ people

    def _name_at(self, s: _Story, i: int) -> int:
        """End index of a personal name starting at token i (0 tokens: i)."""
        toks, texts, folded, cap, claimed, body = s.toks, s.texts, s.folded, s.cap, s.claimed, s.body
        n = len(toks)
        j = i
        while j < n and not claimed[j]:
            t = texts[j]
            if j > i and body[toks[j - 1].end:toks[j].start] not in (" ", "-"):
                break                                   # a name never spans punctuation
            if cap[j] and not _is_acronym(t) and (folded[j] not in self._stop or
                                                  (j > i and folded[j] in NAME_WORDS)):
                j += 1
            elif t.casefold() in NAME_PARTICLES and j + 1 < n and cap[j + 1] and j > i:
                j += 1
            elif "-" in t and t.split("-")[-1][:1].isupper() and t.split("-")[0].casefold() in NAME_PARTICLES:
                j += 1                                  # "al-Burhan"
            else:
                break
            if j - i >= 5:
                break
        return j

    def _country_before(self, s: _Story, i: int) -> str | None:
        """ISO3 of a demonym or "Country's" just before token i."""
        if i >= 1 and s.folded[i - 1] in self.demonym_of:
            return self.demonym_of[s.folded[i - 1]]
        if i >= 2 and s.texts[i - 1] == "'s":
            return self._country(s.texts[i - 2])
        return None

    def _person(self, actors, name: str, iso3: str | None, body_kind: str | None) -> str:
        ident = f"person-{slug(name)}"
        if ident not in actors:
            aff = None
            if body_kind and iso3:
                aff = self._record(_Target("body", body_kind, iso3), actors)
            actors[ident] = Actor(ident, name, "person", iso3, aff)
        return ident

    def _titled(self, s: _Story, main_iso3) -> None:
        toks, folded, claimed, body = s.toks, s.folded, s.claimed, s.body
        titles = self.titles_by_first
        for i in s.tokens.title_at:
            if claimed[i]:
                continue
            for title_words, body_kind in titles[folded[i]]:
                n = len(title_words)
                if folded[i:i + n] != title_words:
                    continue
                j = i + n
                # "President of Kenya William Ruto" is rare; "Kenyan President William Ruto" is usual
                end = self._name_at(s, j)
                if end == j or end - j > 4:
                    break
                iso3 = self._country_before(s, i) or main_iso3
                name = body[toks[j].start:toks[end - 1].end]
                ident = self._person(s.actors, name, iso3, body_kind)
                start = i if s.cap[i] else j
                s.claim(start, end, ident, "titled")
                break

    def _named(self, s: _Story, main_iso3) -> None:
        """People named without a title: "X Y said", "according to X Y",
        "X Y, a nurse", names with particles ("al-Bashir"), and other
        unknown two- or three-word names."""
        toks, texts, folded, cap, claimed, body = s.toks, s.texts, s.folded, s.cap, s.claimed, s.body
        n = len(toks)
        for i in s.caps:
            if claimed[i] or (i > 0 and cap[i - 1] and not claimed[i - 1]):
                continue
            # `_name_at` goes past token i only to an unclaimed token after a
            # space or hyphen that is capitalised, a particle or hyphenated
            k = i + 1
            if k == n or not (cap[k] or "-" in texts[k] or texts[k].casefold() in NAME_PARTICLES) or claimed[k] \
                    or toks[k].start - toks[i].end != 1 or body[toks[i].end] not in " -":
                continue
            end = self._name_at(s, i)
            if end - i < 2:
                continue
            after = folded[end] if end < n else ""
            before = " ".join(folded[max(0, i - 2):i])
            role = end + 1 < n and body[toks[end - 1].end:toks[end].start].strip() == "," and \
                folded[end] in _ROLE_ARTICLES and not cap[end + 1]
            particle = any(t.casefold().split("-")[0] in NAME_PARTICLES for t in texts[i + 1:end])
            if after in REPORTING or before.endswith("according to") or role or particle or \
                    self._unknown_name(s, i, end):
                name = body[toks[i].start:toks[end - 1].end]
                if self.countries.lookup(name) or fold(name) in self.capitals or any(
                        self._country(texts[k]) or folded[k] in self.demonym_of
                        or folded[k] in self.heads for k in range(i, end)):
                    continue
                s.claim(i, end, self._person(s.actors, name, main_iso3, None), "person")

    def _unknown_name(self, s: _Story, i: int, end: int) -> bool:
        """Two or three capitalised words that are nothing else the story
        knows (no place, country, demonym, month or stop word) and do not open
        a sentence are taken for a person's name."""
        if not 2 <= end - i <= 3:
            return False
        toks, body = s.toks, s.body
        if i == 0 or body[toks[i - 1].end:toks[i].start].strip() in (".", "!", "?", '"', "“", "”") \
                or "\n" in body[toks[i - 1].end:toks[i].start]:
            return False
        if fold(body[toks[i].start:toks[end - 1].end]) in self.demonym_of:
            return False                                # "Sri Lankan"
        if s.folded[i - 1] in LOCATIVE:
            return False                                # "near Mung Lai Hkyet" is a place
        for k in range(i, end):
            t, f = s.texts[k], s.folded[k]
            if f in self._stop or f in self.demonym_of or self._country(t) or f in self.heads \
                    or f in self._site_heads or _HYPHEN_LOWER.search(t) and not \
                    t.split("-")[0].casefold() in NAME_PARTICLES:
                return False
        return not any(start < toks[end - 1].end and toks[i].start < e for start, e in self._places)

    def _surnames(self, s: _Story) -> None:
        """A person's last name alone ("Maiga said") is that person."""
        last = {}
        for a in s.actors.values():
            if a.actor_type == "person":
                parts = a.name.split()
                if len(parts) >= 2:
                    last.setdefault(fold(parts[-1]), a.actor_id)
                    if len(parts) >= 3:
                        last.setdefault(fold(" ".join(parts[-2:])), a.actor_id)
        if not last:
            return
        # `fold` of "X Y" starts with `fold` of X: a token whose folded text
        # begins no surname starts none
        begins = _prefixes(last)
        texts, folded, claimed = s.texts, s.folded, s.claimed
        n = len(texts)
        for i in s.caps:
            if claimed[i] or folded[i] not in begins:
                continue
            if i + 1 < n and fold(f"{texts[i]} {texts[i + 1]}") in last and not claimed[i + 1]:
                s.claim(i, i + 2, last[fold(f"{texts[i]} {texts[i + 1]}")], "surname")
            elif folded[i] in last:
                s.claim(i, i + 1, last[folded[i]], "surname")

    # ------------------------------------------------------------ organisations

    def _organisations(self, s: _Story, main_iso3, place_at) -> None:
        """Capitalised names with an organisation head word."""
        toks, texts, folded, cap, claimed, body = s.toks, s.texts, s.folded, s.cap, s.claimed, s.body
        heads, tails = self.heads, self._head_tails
        n = len(toks)
        resume = 0
        for i in s.caps:
            if i < resume or claimed[i]:
                continue
            # the run of capitalised words (and inner "of", "for", ...) from
            # token i, joined by a space, a hyphen or nothing
            j = i + 1
            while j < n and (cap[j] or (texts[j].casefold() in _ORGANISATION_LINKS and j + 1 < n and cap[j + 1])) \
                    and not claimed[j] and body[toks[j - 1].end:toks[j].start] in (" ", "-", ""):
                j += 1
            if j - i == 1:
                # one word: no organisation (a head needs a word before it),
                # and skipped as below
                resume = j + 1 if folded[i] in _ORGANISATION_SKIP else j
                continue
            words = folded[i:j]
            kind = None
            if words and words[0] in ("ministry", "council", "committee", "commission") and len(words) >= 3:
                kind = "government"
            for k in range(len(words), 0, -1):
                if kind:
                    break
                if words[k - 1] not in tails:       # no head ends with this word
                    continue
                for m in (2, 1):
                    if k - m >= 1 and " ".join(words[k - m:k]) in heads:
                        kind = heads[" ".join(words[k - m:k])]
                        # "Committee of Sudan Doctors": the head's complement belongs to the name
                        j = i + (len(words) if k < len(words) and words[k] in ("of", "for") else k)
                        break
            while i < j and folded[i] in _ORGANISATION_SKIP:
                i += 1
            if kind and j - i >= 2:
                name = body[toks[i].start:toks[j - 1].end]
                iso3 = None
                for k in range(i, j):
                    iso3 = iso3 or self.demonym_of.get(folded[k]) or self._country(texts[k])
                if iso3 is None and kind in ("government", "political_party", "rebel_group"):
                    iso3 = main_iso3
                ident = f"org-{slug(name)}"
                s.actors.setdefault(ident, Actor(ident, name, kind, iso3))
                s.claim(i, j, ident, "organisation")
            resume = max(j, i + 1)

    def _acronyms(self, s: _Story) -> None:
        """"Name (ACR)": the acronym names the same actor from then on."""
        learnt = {}
        body = s.body
        for m in s.mentions:
            a = _ACRONYM_AFTER.match(body, m.end, m.end + 14)
            if a and is_acronym(a.group(1)):
                learnt[a.group(1)] = m.actor_id
        if not learnt:
            return
        texts, claimed = s.texts, s.claimed
        for i in s.caps:                        # an acronym starts with a capital
            if not claimed[i] and texts[i] in learnt:
                s.claim(i, i + 1, learnt[texts[i]], "acronym")

    def _fuzzy(self, s: _Story) -> None:
        """A capitalised word one or two edits from a dictionary alias of at
        least six letters, with the same first letter ("Wagnor")."""
        texts, folded, claimed = s.texts, s.folded, s.claimed
        names, memo = self._fuzzy_names, self._fuzzy_memo
        for i in s.caps:
            k = folded[i]
            if claimed[i] or len(k) < 6 or k in names or k in self._stop or k in self.demonym_of \
                    or self._country(texts[i]):
                continue
            if k in memo:
                target = memo[k]
            else:
                if len(memo) >= _MEMO_LIMIT:
                    memo.clear()
                target = memo[k] = self._fuzzy_target(k)
            if target is not None:
                s.claim(i, i + 1, self._record(target, s.actors), "fuzzy")

    def _fuzzy_target(self, k: str) -> _Target | None:
        """The dictionary alias nearest to folded word k, if close enough and
        with k's first letter (a pure function of k, so memoised)."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        limit = 1 if len(k) < 9 else 2
        best = process.extractOne(k, self._fuzzy_choices, scorer=Levenshtein.distance, score_cutoff=limit)
        if best and best[0][0] == k[0]:
            return self._fuzzy_names[best[0]]
        return None

    # ------------------------------------------------------------ states

    def _states(self, s: _Story, main_iso3) -> None:
        """Countries and capitals that act: followed by a verb, or after "by"/"with".
        The story's own country acting is its government ("Mali accused ...")."""
        toks, texts, folded, claimed, body = s.toks, s.texts, s.folded, s.claimed, s.body
        countries, capitals = self.countries, self.capitals
        n = len(toks)
        memo = self._state_memo
        resume = 0                      # past a country found, acting or not
        for i in s.caps:
            if i < resume or claimed[i]:
                continue
            t = texts[i]
            may = memo.get(t)
            if not (self._may_start_country(t, folded[i]) if may is None else may):
                continue            # no phrase from here on is a country or a capital
            # the longest phrase of 4, 3, 2 or 1 unclaimed tokens that is one
            iso3 = None
            if i + 1 < n and not claimed[i + 1] and \
                    self._may_name_country(s, i, len(t) == 3 and _THE_WORD.fullmatch(t) is not None):
                for m in (4, 3, 2):
                    if i + m > n or True in claimed[i:i + m]:
                        continue
                    phrase = body[toks[i].start:toks[i + m - 1].end]
                    iso3 = countries.lookup(phrase) or capitals.get(fold(phrase))
                    if iso3:
                        j = i + m
                        break
            if not iso3:
                iso3 = self._country(t) or capitals.get(folded[i])      # token i alone
                if not iso3:
                    continue
                j = i + 1
            resume = j
            after = folded[j] if j < n else ""
            before = folded[i - 1] if i else ""
            if i >= 1 and texts[i - 1].casefold() == "the" and folded[i] not in ("us", "uae", "uk"):
                before = folded[i - 2] if i >= 2 else ""
            nxt = texts[j] if j < n else ""
            stop = toks[j - 1].end
            acting = after in ACTING or before in BEFORE_ACTING or (
                _PAST_VERB.fullmatch(nxt) is not None and body[stop:toks[j].start] == " ") or (
                body[stop:stop + 1] == "-" and _COMPOUND_ACTING.match(body, stop)) or (
                after == "and" and j + 1 < n and self._country(texts[j + 1])
                and j + 2 < n and folded[j + 2] in ACTING)
            if acting:
                target = _Target("body", "government", iso3) if iso3 == main_iso3 else _Target("state", "", iso3)
                s.claim(i, j, self._record(target, s.actors), "state")

    def _may_start_country(self, t: str, key: str) -> bool:
        """Whether a phrase starting with token text t (`fold`ed: key) may be
        a country name or a capital: only if t case-folded begins a name, or
        is a "the" that `lookup` drops, or key begins a capital (`fold` of the
        phrase starts with it). Memoised: a pure function of t."""
        memo = self._state_memo
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        may = memo[t] = (len(t) == 3 and _THE_WORD.fullmatch(t) is not None) or \
            t.casefold() in self._country_prefixes or key in self._capital_prefixes
        return may

    def _may_name_country(self, s: _Story, i: int, the: bool) -> bool:
        """Whether a phrase of two or more tokens from token i on may be a
        country name or a capital. Such a phrase starts with the text of
        tokens i and i+1 (and the gap between), so its case-folded text
        starts with theirs, and its `fold` with their `fold`; unless
        `lookup` drops a "the" and the white space after it, and then the
        name starts with token i+1."""
        toks, body, texts, folded = s.toks, s.body, s.texts, s.folded
        countries = self._country_prefixes
        gap = body[toks[i].end:toks[i + 1].start]
        if gap == " ":
            # The usual case, without slicing and folding a new string:
            # case folding goes character by character, and `fold` of "X Y"
            # is `fold` of X, a space, `fold` of Y when neither is empty (no
            # step of `fold` joins or drops anything across a single space).
            if f"{texts[i].casefold()} {texts[i + 1].casefold()}" in countries:
                return True
            if folded[i] and folded[i + 1]:
                if f"{folded[i]} {folded[i + 1]}" in self._capital_prefixes:
                    return True
            elif fold(f"{texts[i]} {texts[i + 1]}") in self._capital_prefixes:
                return True
            return the and texts[i + 1].casefold() in countries
        two = body[toks[i].start:toks[i + 1].end]
        if two.casefold() in countries or fold(two) in self._capital_prefixes:
            return True
        if the and gap[:1].isspace():
            return not gap.isspace() or texts[i + 1].casefold() in countries
        return False

    # ------------------------------------------------------------ references

    def _references(self, s: _Story, main_iso3) -> None:
        """Generic bodies, short references and pronouns, resolved backwards."""
        toks, keys, folded, cap, claimed, body, actors = s.toks, s.keys, s.folded, s.cap, s.claimed, s.body, \
            s.actors
        n = len(toks)
        generic, refs, pronouns = self.generic.lengths, self.refs, self.pronouns
        # The mentions so far by start (spans never overlap, so starts are
        # unique), and those of people: "earlier" is the latest one before a
        # position that fits.
        order = sorted((m.start, m.actor_id) for m in s.mentions)
        starts = [start for start, _ in order]
        ids = [ident for _, ident in order]
        people = [(start, ident) for start, ident in order if actors[ident].actor_type == "person"]
        person_starts = [start for start, _ in people]
        person_ids = [ident for _, ident in people]

        def earlier(pos: int, ok) -> str | None:
            k = bisect_left(starts, pos) - 1
            while k >= 0:
                if ok(actors[ids[k]]):
                    return ids[k]
                k -= 1
            return None

        def claim(i: int, j: int, ident: str, how: str) -> None:
            if s.claim(i, j, ident, how):
                start = toks[i].start
                k = bisect_left(starts, start)
                starts.insert(k, start)
                ids.insert(k, ident)
                if actors[ident].actor_type == "person":
                    k = bisect_left(person_starts, start)
                    person_starts.insert(k, start)
                    person_ids.insert(k, ident)

        # only tokens that may start a generic body, a two-word reference
        # ("the group" starts with the folded "the") or be a pronoun
        seconds = self._ref_seconds
        own: dict[tuple[str, str], str] = {}        # (kind, key) -> the main country's body
        for i in s.tokens.reference_at:
            if claimed[i]:
                continue
            hit = self.generic.match(toks, i, keys) if keys[i] in generic else None
            if hit:
                j, target = hit
                if cap[j - 1] and i > 0 and cap[i - 1]:
                    continue            # part of a longer name
                # the story's own country's body, unless the story has no country
                kind = "body" if target.kind == "body" else "ministry"
                if main_iso3:
                    # (recorded once: `_record` of a recorded body only names it)
                    ident = own.get((kind, target.key))
                    if ident is None:
                        ident = own[kind, target.key] = self._record(_Target(kind, target.key, main_iso3), actors)
                else:
                    prefix = f"{target.key}-" if kind == "body" else f"ministry-{target.key}-"
                    ident = earlier(toks[i].start, lambda a: a.actor_id.startswith(prefix))
                if ident:
                    claim(i, j, ident, "reference")
                continue
            # (a two-word reference ends with one of `seconds`)
            two = i + 1 < n and folded[i + 1] in seconds and f"{folded[i]} {folded[i + 1]}"
            if two in refs:
                types = refs[two]
                noun = two.split()[1]
                ident = earlier(toks[i].start, lambda a: a.actor_type in types and noun in fold(a.name)) or \
                    earlier(toks[i].start, lambda a: a.actor_type in types and noun in ("group", "militants",
                            "jihadists", "insurgents", "rebels", "militia", "mercenaries", "company", "party"))
                if ident:
                    claim(i, i + 2, ident, "reference")
                continue
            if folded[i] in pronouns:
                # the latest person before the pronoun, if mentioned at most
                # a paragraph back
                pos = toks[i].start
                k = bisect_left(person_starts, pos) - 1
                if k >= 0 and body.count("\n", person_starts[k], pos) <= 1:
                    claim(i, i + 1, person_ids[k], "pronoun")
