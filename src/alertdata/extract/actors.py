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

Mechanisms 1 and 2 are the finder's own (the phrase dictionary is built in
`actor_lexicon`, which also holds the records `Actor` and `ActorMention`);
3-6 and surnames are in `actor_names`, 7 and 8 in `actor_references`.
"""
from __future__ import annotations

from itertools import compress, count
from operator import attrgetter

from ..reference import Reference
from .actor_lexicon import _MEMO_LIMIT, Actor, ActorMention, _prefixes, _Target, _world
from .actor_names import _acronyms, _fuzzy, _named, _organisations, _surnames, _titled
from .actor_references import _references, _states
from .countries import CountryIndex
from .text import fold, folded_words, words

_UNKNOWN = object()         # not yet in a memo
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
        # lookup key differs from it.
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
        actors = s.actors
        self._places = [(start, end) for start, end, _ in place_spans]
        self._place_countries = {(start, end): iso3 for start, end, iso3 in place_spans}

        self._phrases(s)


        _titled(self, s, main_iso3)
        _organisations(self, s, main_iso3)
        _named(self, s, main_iso3)
        _acronyms(self, s)
        _fuzzy(self, s)
        _states(self, s, main_iso3)
        _surnames(self, s)
        _references(self, s, main_iso3)
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
        toks, place_countries = s.toks, self._place_countries
        for i, j, target in s.tokens.phrases:
            if target.kind != "actor" and place_countries:
                where = place_countries.get((toks[i].start, toks[j - 1].end), target.iso3)
                if where != target.iso3:
                    continue      # a place of another country: "Niger State" (Nigeria)
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
