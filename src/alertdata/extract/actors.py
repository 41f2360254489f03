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
from dataclasses import dataclass, field
from functools import lru_cache

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
    """The token keys of a dictionary phrase, as `_split` would cut the text."""
    out: list[str] = []
    for chunk in phrase.replace("’", "'").split():
        out += _chunk_words(chunk)
    return tuple(w for w in out if w)


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

    def add(self, phrase: str, target: _Target) -> None:
        words = _phrase_words(phrase)
        if not words or words in self.phrases:
            return
        case = "exact" if len(words) == 1 and is_acronym(phrase) else (
            "cap" if not phrase.islower() else "any")
        self.phrases[words] = (target, phrase if case == "exact" else case)
        self.longest = max(self.longest, len(words))
        known = self.lengths.get(words[0], ())
        if len(words) not in known:
            self.lengths[words[0]] = tuple(sorted((*known, len(words)), reverse=True))

    def match(self, toks: list[Token], i: int, keys: list[str]) -> tuple[int, _Target] | None:
        """Longest phrase starting at token i: (end index, target). `keys`
        are the tokens' lookup keys (`token_keys`)."""
        lengths = self.lengths.get(keys[i])
        if lengths is None:
            return None
        left = len(toks) - i
        for n in lengths:
            if n > left:
                continue
            hit = self.phrases.get(tuple(keys[i:i + n]))
            if hit is None:
                continue
            target, case = hit
            if case == "cap" and not any(t.text[:1].isupper() for t in toks[i:i + n]):
                continue
            if case not in ("cap", "any") and " ".join(t.text for t in toks[i:i + n]).replace(".", "") \
                    != case.replace(".", ""):
                continue
            return i + n, target
        return None


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
    for iso3 in sorted(set(country_names) | set(adjectives)):
        names = country_names.get(iso3, [])
        adjs = adjectives.get(iso3, ())
        for kind, body in bodies.items():
            for noun in body["nouns"]:
                t = _Target("body", kind, iso3)
                for a in adjs:
                    national.add(f"{a} {noun}", t)
                for n in names:
                    national.add(f"{n} {noun}", t)
                    national.add(f"{n}'s {noun}", t)
                    national.add(f"{noun} of {n}", t)
                    national.add(f"{noun} of the {n}", t)
        for portfolio, m in forms["ministries"].items():
            t = _Target("ministry", portfolio, iso3)
            for form in m["forms"]:
                for a in adjs:
                    national.add(f"{a} {form}", t)
                for n in names:
                    national.add(f"{n}'s {form}", t)
                    national.add(f"{n} {form}", t)
                    national.add(f"{form} of {n}", t)
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

    # ------------------------------------------------------------ records

    def _record(self, target: _Target, actors: dict[str, Actor]) -> str | None:
        """The actor id a target denotes, adding its record when new."""
        if target.kind == "actor":
            e = self.entries[target.key]
            if target.key not in actors:
                actors[target.key] = Actor(target.key, e["name"], e["type"], e["country"],
                                           e.get("parent"), set(e["aliases"]))
                if e.get("parent"):
                    self._record(_Target("actor", e["parent"], None), actors)
            return target.key
        iso3 = target.iso3
        if iso3 is None:
            return None
        country = self.country_name.get(iso3, iso3)
        if target.kind == "state":
            ident = f"state-{iso3.lower()}"
            actors.setdefault(ident, Actor(ident, country, "state", iso3))
            return ident
        if target.kind == "body":
            body = self.forms["national_bodies"][target.key]
            ident = f"{target.key}-{iso3.lower()}"
            actors.setdefault(ident, Actor(ident, body["name"].format(country=country), body["type"], iso3))
            return ident
        m = self.forms["ministries"][target.key]
        ident = f"ministry-{target.key}-{iso3.lower()}"
        adj = self.adjective.get(iso3)
        name = f"{adj} {m['name']}" if adj else f"{m['name']} of {country}"
        gov = self._record(_Target("body", "government", iso3), actors)
        actors.setdefault(ident, Actor(ident, name, "government", iso3, gov))
        return ident

    # ------------------------------------------------------------ find

    def find(self, body: str, main_iso3: str | None, place_spans: list[tuple[int, int, str | None]] = ()
             ) -> tuple[dict[str, Actor], list[ActorMention]]:
        """Actors and mentions of one story. `place_spans` are (start, end,
        ISO3) of its place mentions, used to tell places from people."""
        toks = words(body)
        folded = folded_words(body)
        keys = token_keys(toks, folded)
        self._body = body
        actors: dict[str, Actor] = {}
        mentions: list[ActorMention] = []
        claimed = [False] * len(toks)

        def claim(i: int, j: int, actor_id: str | None, how: str) -> None:
            if actor_id is None or any(claimed[i:j]):
                return
            s, e = toks[i].start, toks[j - 1].end
            mentions.append(ActorMention(actor_id, body[s:e], s, e, how))
            for k in range(i, j):
                claimed[k] = True

        # 1-2 dictionary and national phrases, longest first at each position
        i = 0
        while i < len(toks):
            hit = self.dictionary.match(toks, i, keys) or self.national.match(toks, i, keys)
            if hit:
                j, target = hit
                claim(i, j, self._record(target, actors), "dictionary" if target.kind == "actor" else "national")
                i = j
            else:
                i += 1

        place_at = {}
        for s, e, iso3 in place_spans:
            place_at[s] = (e, iso3)
        self._places = [(s, e) for s, e, _ in place_spans]
        self._place_runs = set()

        self._titled(body, toks, folded, claimed, claim, actors, main_iso3)
        self._organisations(body, toks, claimed, claim, actors, main_iso3, place_at)
        self._named(body, toks, folded, claimed, claim, actors, main_iso3)
        self._acronyms(body, toks, claimed, claim, actors, mentions)
        self._fuzzy(body, toks, claimed, claim, actors)
        self._states(body, toks, claimed, claim, actors, main_iso3)
        self._surnames(body, toks, claimed, claim, actors)
        self._references(body, toks, keys, claimed, claim, actors, mentions, main_iso3)
        mentions.sort(key=lambda m: (m.start, m.end))
        for m in mentions:
            a = actors[m.actor_id]
            if fold(m.surface) != fold(a.name) and m.how not in ("pronoun",):
                a.aliases.add(m.surface)
        return actors, mentions

    # ------------------------------------------------------------ people

    def _name_at(self, toks: list[Token], i: int, claimed) -> int:
        """End index of a personal name starting at token i (0 tokens: i)."""
        j = i
        while j < len(toks) and not claimed[j]:
            t = toks[j].text
            if j > i and self._body[toks[j - 1].end:toks[j].start] not in (" ", "-"):
                break                                   # a name never spans punctuation
            if t[:1].isupper() and not is_acronym(t) and (fold(t) not in self._stop or
                                                         (j > i and fold(t) in NAME_WORDS)):
                j += 1
            elif t.casefold() in NAME_PARTICLES and j + 1 < len(toks) and toks[j + 1].text[:1].isupper() \
                    and j > i:
                j += 1
            elif "-" in t and t.split("-")[-1][:1].isupper() and t.split("-")[0].casefold() in NAME_PARTICLES:
                j += 1                                  # "al-Burhan"
            else:
                break
            if j - i >= 5:
                break
        return j

    def _country_before(self, toks: list[Token], i: int) -> str | None:
        """ISO3 of a demonym or "Country's" just before token i."""
        if i >= 1 and fold(toks[i - 1].text) in self.demonym_of:
            return self.demonym_of[fold(toks[i - 1].text)]
        if i >= 2 and toks[i - 1].text == "'s":
            return self.countries.lookup(toks[i - 2].text)
        return None

    def _person(self, actors, name: str, iso3: str | None, body_kind: str | None) -> str:
        ident = f"person-{slug(name)}"
        if ident not in actors:
            aff = None
            if body_kind and iso3:
                aff = self._record(_Target("body", body_kind, iso3), actors)
            actors[ident] = Actor(ident, name, "person", iso3, aff)
        return ident

    def _titled(self, body, toks, folded, claimed, claim, actors, main_iso3) -> None:
        for i in range(len(toks)):
            if claimed[i]:
                continue
            for title_words, body_kind in self.titles_by_first.get(folded[i], ()):
                n = len(title_words)
                if folded[i:i + n] != title_words:
                    continue
                j = i + n
                # "President of Kenya William Ruto" is rare; "Kenyan President William Ruto" is usual
                end = self._name_at(toks, j, claimed)
                if end == j or end - j > 4:
                    break
                iso3 = self._country_before(toks, i) or main_iso3
                name = " ".join(t.text for t in toks[j:end]).replace(" - ", "-")
                name = body[toks[j].start:toks[end - 1].end]
                ident = self._person(actors, name, iso3, body_kind)
                s = i if toks[i].text[:1].isupper() else j
                claim(s, end, ident, "titled")
                break
    def _named(self, body, toks, folded, claimed, claim, actors, main_iso3) -> None:
        """People named without a title: "X Y said", "according to X Y",
        "X Y, a nurse", names with particles ("al-Bashir"), and other
        unknown two- or three-word names."""
        for i in range(len(toks)):
            if claimed[i] or not toks[i].text[:1].isupper() or (i > 0 and toks[i - 1].text[:1].isupper()
                                                                 and not claimed[i - 1]):
                continue
            end = self._name_at(toks, i, claimed)
            if end - i < 2:
                continue
            after = folded[end] if end < len(toks) else ""
            before = " ".join(folded[max(0, i - 2):i])
            role = end + 1 < len(toks) and body[toks[end - 1].end:toks[end].start].strip() == "," and \
                folded[end] in ("a", "an", "the") and not toks[end + 1].text[:1].isupper()
            particle = any(t.text.casefold().split("-")[0] in NAME_PARTICLES for t in toks[i + 1:end])
            if after in REPORTING or before.endswith("according to") or role or particle or \
                    self._unknown_name(toks, i, end):
                name = body[toks[i].start:toks[end - 1].end]
                if self.countries.lookup(name) or fold(name) in self.capitals or any(
                        self.countries.lookup(t.text) or fold(t.text) in self.demonym_of
                        or fold(t.text) in self.heads for t in toks[i:end]):
                    continue
                claim(i, end, self._person(actors, name, main_iso3, None), "person")

    def _unknown_name(self, toks: list[Token], i: int, end: int) -> bool:
        """Two or three capitalised words that are nothing else the story
        knows (no place, country, demonym, month or stop word) and do not open
        a sentence are taken for a person's name."""
        if not 2 <= end - i <= 3:
            return False
        if i == 0 or self._body[toks[i - 1].end:toks[i].start].strip() in (".", "!", "?", '"', "“", "”") \
                or "\n" in self._body[toks[i - 1].end:toks[i].start]:
            return False
        if fold(self._body[toks[i].start:toks[end - 1].end]) in self.demonym_of:
            return False                                # "Sri Lankan"
        before = fold(toks[i - 1].text)
        if before in LOCATIVE:
            return False                                # "near Mung Lai Hkyet" is a place
        for t in toks[i:end]:
            k = fold(t.text)
            if k in self._stop or k in self.demonym_of or self.countries.lookup(t.text) or k in self.heads \
                    or k in self._site_heads or re.search(r"-[a-z]", t.text) and not \
                    t.text.split("-")[0].casefold() in NAME_PARTICLES:
                return False
        return not any(s < toks[end - 1].end and toks[i].start < e for s, e in self._places)

    def _surnames(self, body, toks, claimed, claim, actors) -> None:
        """A person's last name alone ("Maiga said") is that person."""
        last = {}
        for a in actors.values():
            if a.actor_type == "person":
                parts = a.name.split()
                if len(parts) >= 2:
                    last.setdefault(fold(parts[-1]), a.actor_id)
                    if len(parts) >= 3:
                        last.setdefault(fold(" ".join(parts[-2:])), a.actor_id)
        for i, t in enumerate(toks):
            if claimed[i] or not t.text[:1].isupper():
                continue
            if i + 1 < len(toks) and fold(f"{t.text} {toks[i + 1].text}") in last and not claimed[i + 1]:
                claim(i, i + 2, last[fold(f"{t.text} {toks[i + 1].text}")], "surname")
            elif fold(t.text) in last:
                claim(i, i + 1, last[fold(t.text)], "surname")

    # ------------------------------------------------------------ organisations

    def _organisations(self, body, toks, claimed, claim, actors, main_iso3, place_at) -> None:
        """Capitalised names with an organisation head word."""
        i = 0
        while i < len(toks):
            if claimed[i] or not toks[i].text[:1].isupper():
                i += 1
                continue
            j = i
            while j < len(toks) and not claimed[j] and (j == i or body[toks[j - 1].end:toks[j].start]
                                                        in (" ", "-", "")) and (
                    toks[j].text[:1].isupper() or (toks[j].text.casefold() in ("of", "for", "and", "the", "'s")
                                                  and j + 1 < len(toks) and toks[j + 1].text[:1].isupper())):
                j += 1
            words = [fold(t.text) for t in toks[i:j]]
            kind = None
            if words and words[0] in ("ministry", "council", "committee", "commission") and len(words) >= 3:
                kind = "government"
            for k in range(len(words), 0, -1):
                if kind:
                    break
                for n in (2, 1):
                    if k - n >= 1 and " ".join(words[k - n:k]) in self.heads:
                        kind = self.heads[" ".join(words[k - n:k])]
                        # "Committee of Sudan Doctors": the head's complement belongs to the name
                        j = i + (len(words) if k < len(words) and words[k] in ("of", "for") else k)
                        break
            while i < j and fold(toks[i].text) in ("the", "a", "an", "in", "on", "at", "by", "for", "and"):
                i += 1
            if kind and j - i >= 2:
                name = body[toks[i].start:toks[j - 1].end]
                iso3 = None
                for t in toks[i:j]:
                    iso3 = iso3 or self.demonym_of.get(fold(t.text)) or self.countries.lookup(t.text)
                if iso3 is None and kind in ("government", "political_party", "rebel_group"):
                    iso3 = main_iso3
                ident = f"org-{slug(name)}"
                actors.setdefault(ident, Actor(ident, name, kind, iso3))
                claim(i, j, ident, "organisation")
            i = max(j, i + 1)

    def _acronyms(self, body, toks, claimed, claim, actors, mentions) -> None:
        """"Name (ACR)": the acronym names the same actor from then on."""
        learnt = {}
        for m in mentions:
            after = body[m.end:m.end + 14]
            a = re.match(r"\s*\(([A-Z][A-Za-z0-9\-]{1,9})\)", after)
            if a and is_acronym(a.group(1)):
                learnt[a.group(1)] = m.actor_id
        for i, t in enumerate(toks):
            if not claimed[i] and t.text in learnt:
                claim(i, i + 1, learnt[t.text], "acronym")

    def _fuzzy(self, body, toks, claimed, claim, actors) -> None:
        """A capitalised word one or two edits from a dictionary alias of at
        least six letters, with the same first letter ("Wagnor")."""
        from rapidfuzz.distance import Levenshtein
        from rapidfuzz import process

        names, choices = self._fuzzy_names, self._fuzzy_choices
        for i, t in enumerate(toks):
            k = fold(t.text)
            if claimed[i] or not t.text[:1].isupper() or len(k) < 6 or k in names or k in self._stop \
                    or self.countries.lookup(t.text) or k in self.demonym_of:
                continue
            limit = 1 if len(k) < 9 else 2
            best = process.extractOne(k, choices, scorer=Levenshtein.distance, score_cutoff=limit)
            if best and best[0][0] == k[0]:
                claim(i, i + 1, self._record(names[best[0]], actors), "fuzzy")

    # ------------------------------------------------------------ states

    def _states(self, body, toks, claimed, claim, actors, main_iso3) -> None:
        """Countries and capitals that act: followed by a verb, or after "by"/"with".
        The story's own country acting is its government ("Mali accused ...")."""
        i = 0
        while i < len(toks):
            if claimed[i] or not toks[i].text[:1].isupper():
                i += 1
                continue
            iso3, j = None, i
            for n in (4, 3, 2, 1):
                if i + n > len(toks) or any(claimed[i:i + n]):
                    continue
                phrase = body[toks[i].start:toks[i + n - 1].end]
                iso3 = self.countries.lookup(phrase) or self.capitals.get(fold(phrase))
                if iso3:
                    j = i + n
                    break
            if not iso3:
                i += 1
                continue
            after = fold(toks[j].text) if j < len(toks) else ""
            before = fold(toks[i - 1].text) if i else ""
            if i >= 1 and toks[i - 1].text.casefold() == "the" and fold(toks[i].text) not in ("us", "uae", "uk"):
                before = fold(toks[i - 2].text) if i >= 2 else ""
            nxt = toks[j].text if j < len(toks) else ""
            acting = after in ACTING or before in BEFORE_ACTING or (
                re.fullmatch(r"[a-z]{3,}ed", nxt) is not None and body[toks[j - 1].end:toks[j].start] == " ") or (
                body[toks[j - 1].end:toks[j - 1].end + 1] == "-" and re.match(r"-(backed|led|brokered|sponsored)\b",
                                                                             body[toks[j - 1].end:])) or (
                after == "and" and j + 1 < len(toks) and self.countries.lookup(toks[j + 1].text)
                and j + 2 < len(toks) and fold(toks[j + 2].text) in ACTING)
            if acting:
                target = _Target("body", "government", iso3) if iso3 == main_iso3 else _Target("state", "", iso3)
                claim(i, j, self._record(target, actors), "state")
            i = j

    # ------------------------------------------------------------ references

    def _references(self, body, toks, keys, claimed, claim, actors, mentions, main_iso3) -> None:
        """Generic bodies, short references and pronouns, resolved backwards."""
        def earlier(pos: int, ok) -> str | None:
            best = None
            for m in mentions:
                if m.start < pos and ok(actors[m.actor_id]) and (best is None or m.start > best.start):
                    best = m
            return best.actor_id if best else None

        for i in range(len(toks)):
            if claimed[i]:
                continue
            hit = self.generic.match(toks, i, keys)
            if hit:
                j, target = hit
                if toks[j - 1].text[:1].isupper() and i > 0 and toks[i - 1].text[:1].isupper():
                    continue            # part of a longer name
                # the story's own country's body, unless the story has no country
                kind = "body" if target.kind == "body" else "ministry"
                prefix = f"{target.key}-" if kind == "body" else f"ministry-{target.key}-"
                ident = self._record(_Target(kind, target.key, main_iso3), actors) if main_iso3 else \
                    earlier(toks[i].start, lambda a: a.actor_id.startswith(prefix))
                if ident:
                    claim(i, j, ident, "reference")
                continue
            two = " ".join(fold(t.text) for t in toks[i:i + 2])
            if two in self.refs and i + 1 < len(toks):
                types = self.refs[two]
                noun = two.split()[1]
                ident = earlier(toks[i].start, lambda a: a.actor_type in types and noun in fold(a.name)) or \
                    earlier(toks[i].start, lambda a: a.actor_type in types and noun in ("group", "militants",
                            "jihadists", "insurgents", "rebels", "militia", "mercenaries", "company", "party"))
                if ident:
                    claim(i, i + 2, ident, "reference")
                continue
            if fold(toks[i].text) in self.pronouns:
                ident = earlier(toks[i].start, lambda a: a.actor_type == "person")
                if ident and self._near(body, mentions, ident, toks[i].start):
                    claim(i, i + 1, ident, "pronoun")

    @staticmethod
    def _near(body: str, mentions: list[ActorMention], ident: str, pos: int) -> bool:
        """A pronoun refers back at most to the previous paragraph's people."""
        last = max((m.start for m in mentions if m.actor_id == ident and m.start < pos), default=-1)
        return last >= 0 and body.count("\n", last, pos) <= 1
