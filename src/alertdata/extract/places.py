"""Place mentions of a story: names found in the gazetteer, chosen by context.

1. Country names (ISO names plus `etl/countries.yaml`) are found first.
2. Every run of capitalised words is looked up in the gazetteer, longest
   sub-span first; a qualifier before ("northern Mali") and a kind word after
   ("Tigray region") join the mention's surface.
3. Among homonyms the story decides: a place in a country the story names
   beats a bigger one elsewhere ("Gao" in a Mali story is Gao, Mali); a place
   outside the story's countries must be a capital or a large city.
4. A capitalised name after "the village of" or before "district" that the
   gazetteer lacks becomes a new place of the story's country, without
   coordinates (unknown is null, never a guess).
Stop words keep "Police" or "Union" from becoming towns.

A story has a few hundred words and a few dozen capitalised ones: the finder
visits only the capitalised words (and the connectors between two of them),
asks the gazetteer for all sub-spans of all runs at once, and reads the
context of a candidate (kind word, locative, cue) only where it decides.

Here: `PlaceFinder`, which finds the countries, reads the runs of
capitalised words (`place_scan`) and looks their sub-spans up, has
`place_choice` choose among each name's places, then runs the passes of
`place_passes` (a town placed by its context, step 4, adjectives,
qualifiers).
"""
from __future__ import annotations

import re
from itertools import product

from ..config import MAX_NAME_WORDS
from ..gazetteer import Gazetteer, Place
from .countries import CountryIndex
from .phrases import trie_alternation
from .place_choice import _choose
from .place_passes import _adjectival, _qualify, _relocate, _unknown
from .place_scan import (_RESPELT_ENDS, _RESPELT_STARTS, CONNECTORS, PlaceMention, _matches_at, _runs,
                         spellings)
from .text import fold, is_acronym, words

# Capitalised only because they open a sentence: never part of a place name.
LEADING_FUNCTION_WORDS = set("""the a an in on at by for from to with of as after before during since until
while when where but and or if then also however meanwhile although despite according over under against
between among amid following last next this that these those its his her their our""".split())


# The context read around a candidate, compiled once (here, in place_choice
# and in place_passes). Those applied as pattern.match/search(body, pos,
# endpos) find what they found in body[pos:endpos]: endpos ends the string
# for `$` and `\b` alike, and none of them looks behind its first character.
# The two that do (`^`, and the cue's leading `\b`) are still applied to a
# slice.
_KIND_AFTER = re.compile(r"[ \-]([A-Za-z]+)\b")
_WORD_AFTER = re.compile(r"[ \-]([A-Za-z]+)")
_LOCATIVE_BEFORE = re.compile(r"([A-Za-z]+)\s+(?:the\s+)?$")


class _Anything:
    """A container of everything (no test to make)."""

    def __contains__(self, item) -> bool:
        return True


class PlaceFinder:
    """Finds place mentions; built once per reference data and gazetteer."""

    def __init__(self, gazetteer: Gazetteer, rules: dict, countries: CountryIndex, demonyms: dict):
        self.gaz = gazetteer
        self._last_read: dict[tuple, tuple[list[tuple], list[tuple]]] = {}
        self.countries = countries
        self.qualifiers = {q.casefold() for q in rules["qualifiers"]}
        # the qualifiers' last two letters, in lower case (None: no such test)
        self._qualifier_tails = {q[-2:] for q in self.qualifiers} \
            if self.qualifiers and all(len(q) >= 2 and q.isascii() for q in self.qualifiers) else None
        self.kind_words = {k.casefold(): v for k, v in rules["kind_words"].items()}
        # a kind word's first letters (up to 4) as ASCII text can write them
        # (the pattern's letters are ASCII ones whose casefold() is the word),
        # for a cheap test before the pattern
        self._kind_head_len = min(4, *map(len, self.kind_words)) if self.kind_words else 0
        self._kind_heads = {"".join(chars) for w in self.kind_words if w.isascii()
                            for chars in product(*({c.lower(), c.upper()} for c in w[:self._kind_head_len]))} \
            if self._kind_head_len else _Anything()
        self.stop = {fold(w) for w in rules["stop_words"]}
        self.locative = {w.casefold() for w in rules.get("locative", [])}
        self.natural = {w.casefold() for w in rules.get("natural_words", [])}
        cues = sorted((c.casefold() for c in rules.get("cue_before", [])), key=len, reverse=True)
        self.cue = re.compile(r"\b(?:" + "|".join(map(re.escape, cues)) + r")\s+$", re.I) if cues else None
        # A cue's \s+$ leaves white space at the end of the text read, and
        # before it the cue: the ASCII characters that match a cue's last one
        # (in the cue's case rules), and the cues, which ASCII text before the
        # white space ends with in lower case, for cheap tests before the
        # search. None when a cue ends in white space itself.
        self._cue_texts = tuple(cues) if all(c.isascii() for c in cues) else None
        ends = {c[-1:] for c in cues}
        self._cue_ends = frozenset(
            a for a in map(chr, range(128))
            if re.fullmatch("|".join(map(re.escape, sorted(ends))), a, re.I)) \
            if cues and all(e and not e.isspace() for e in ends) else None
        # two ASCII characters before a name that rule a cue out: one that ends
        # no cue and is no white space, then white space
        self._no_cue_before = frozenset(
            a + w for a in map(chr, range(128)) if not a.isspace() and a not in self._cue_ends
            for w in map(chr, range(128)) if w.isspace()) if self._cue_ends is not None else frozenset()
        self.demonyms = {fold(a) for adjs, people in demonyms.values() for a in (*adjs, *people)}
        self.adjectives = {iso3: adjs for iso3, (adjs, _) in demonyms.items()}
        # each country's adjectives as a regex (acronyms aside), with the words
        # that must occur in a text for it to match
        self._adjective_rx: dict[str, tuple[tuple[str, ...], re.Pattern]] = {}
        for iso3, adjs in self.adjectives.items():
            adjs = [a for a in adjs if not is_acronym(a)]
            if adjs:
                self._adjective_rx[iso3] = (tuple(adjs), re.compile(
                    r"(?<![\w-])(?:" + "|".join(map(re.escape, adjs)) + r")(?![\w-])"))
        # Where any country's adjective is written after a character that is
        # no ASCII word character or hyphen (a superset of where a pattern's
        # look-behind lets it match): one scan for `demonym_counts`, then the
        # adjectives starting there, by first character.
        every_adjective = {a for adjs, _ in self._adjective_rx.values() for a in adjs}
        self._adjective_scan = re.compile(rf"[^0-9A-Za-z_\-](?={trie_alternation(every_adjective)})") \
            if every_adjective and all(every_adjective) else None
        self._adjectives_by_first: dict[str, list[tuple[str, str]]] = {}
        for iso3, (adjs, _) in self._adjective_rx.items():
            for a in adjs:
                self._adjectives_by_first.setdefault(a[:1], []).append((a, iso3))

    # ------------------------------------------------------------ candidates

    def _country_mentions(self, body: str, context: set[str] = frozenset()) -> list[PlaceMention]:
        out = []
        resolve, country = self.countries.resolve, self.gaz.country
        for iso3, s, e in self.countries.mentions(body):
            name = body[s:e]
            iso3 = resolve(name, context) or iso3
            place = country(iso3)
            kind = self._kind_after(body, e)
            if kind is not None and kind[1].get("admin"):
                # "Niger State" is a Nigerian state, not the country Niger
                divisions = [p for p in self.gaz.lookup(name) if p.feature_type == "admin1"]
                if divisions:
                    place, e = divisions[0], e + 1 + len(kind[0])
                    name = body[s:e]
            if place is not None:
                out.append(PlaceMention(place, name, s, e, name))
        return out

    def find(self, body: str, main_iso3: str | None = None,
             blocked: list[tuple[int, int]] = (), lenient: bool = False) -> list[PlaceMention]:
        """Every place mention in body, in text order. `blocked` spans (actor
        names such as "Arakan Army") hold no places. `lenient` accepts
        divisions without a country in context (for titles, which name few)."""
        countries = self._country_mentions(body, {main_iso3})
        found = [m for m in countries
                 if not any(s <= m.start and m.end <= e and (s, e) != (m.start, m.end) for s, e in blocked)] \
            if blocked else list(countries)
        taken = [(m.start, m.end) for m in countries] + list(blocked)
        context = {m.place.country_iso3 for m in found} | ({main_iso3} if main_iso3 else set())

        chosen, cued = self._read(body, taken)

        options = {}
        for s, e, cands, partial, tokens, key, natural in chosen:
            m = _choose(self, body, s, e, cands, partial, tokens, key, natural, lenient, context, main_iso3)
            if m is not None:
                found.append(m)
                options[m.start] = cands
        found = _relocate(self, body, found, options, main_iso3, context)
        found += _unknown(self, body, cued, found, taken, main_iso3)
        found += _adjectival(self, body, main_iso3, found)
        return _qualify(self, body, sorted(found, key=lambda m: (m.start, m.end)))

    def _read(self, body: str, taken: list[tuple[int, int]]) -> tuple[list[tuple], list[tuple]]:
        """What find() reads from a text whatever the story's countries: the
        names found in the gazetteer, as (start, end, places, partial, words,
        key, natural) in the order _choose takes them, and the runs of
        capitalised words with a kind word after or a cue before them, as
        (first token, last token, kind, cue). Kept for the last texts read,
        as story.py reads a body again when its main country changes."""
        memo = (body, tuple(taken))
        hit = self._last_read.get(memo)
        if hit is not None:
            return hit
        runs = _runs(body, words(body), taken)
        # Every sub-span of up to MAX_NAME_WORDS words of every run (after its
        # function words), with the kind word after it when there is one:
        # spans[(i, j)] = (key, key with the kind word, end with it). And the
        # runs with a kind word after or a cue before them, for _unknown (the
        # cue is read only without a kind word: then it decides). The
        # kind-word and cue tests before the calls are the methods' own.
        #
        # Keys: a token's text is body[start:end] (all but the "'s" that
        # words() splits off, which is in no run). In ASCII, fold() of words
        # joined by a space or hyphen is their folds joined by a space: fold
        # drops apostrophes and dots, lower-cases, and makes each run of
        # separators one space, and a word starts with a letter and ends
        # with a letter or digit, so its fold neither is empty nor starts or
        # ends with a separator. (A kind word is ASCII letters.) Other text
        # is folded as written.
        kind_after, kind_heads, kl, keys = self._kind_after, self._kind_heads, self._kind_head_len + 1, set()
        stop, demonyms = self.stop, self.demonyms
        cue_before, no_cue_before = (self._cue_before if self.cue is not None else None), self._no_cue_before
        names: list[tuple] = []
        cued: list[tuple] = []
        for run in runs:
            first, last = run[0], run[-1]
            k = 0
            while (key := fold(run[k].text)) in LEADING_FUNCTION_WORDS:      # "In Gao", "The army"
                k += 1
                if k == len(run):
                    break
            if k == len(run):
                end = last.end
                kind = kind_after(body, end) if body[end + 1:end + kl] in kind_heads else None
            else:
                if k:
                    run = run[k:]
                n = len(run)
                if n == 1:      # most runs: one name, no table
                    end = last.end
                    kind = kind_after(body, end) if body[end + 1:end + kl] in kind_heads else None
                    if kind:
                        keys.add(key)
                        kind_end = end + 1 + len(kind[0])
                        kind_key = key + " " + kind[0].lower() if last.text.isascii() \
                            else fold(body[last.start:kind_end])
                        keys.add(kind_key)
                        names.append((run, None, key, kind_key, kind_end))
                    elif key not in stop and key not in demonyms:     # else never a name
                        keys.add(key)
                        names.append((run, None, key, None, end))
                else:
                    kinds = [kind_after(body, t.end) if body[t.end + 1:t.end + kl] in kind_heads else None
                             for t in run]
                    spans = {}
                    if body[run[0].start:last.end].isascii():
                        folds = [key, *[fold(t.text) for t in run[1:]]]
                        for i in range(n):
                            key = folds[i]
                            for j in range(i + 1, (i + MAX_NAME_WORDS if i + MAX_NAME_WORDS < n else n) + 1):
                                if j > i + 1:
                                    key = key + " " + folds[j - 1]
                                keys.add(key)
                                kind = kinds[j - 1]
                                b_end = run[j - 1].end
                                if kind:
                                    kind_key = key + " " + kind[0].lower()
                                    keys.add(kind_key)
                                    spans[i, j] = (key, kind_key, b_end + 1 + len(kind[0]))
                                else:
                                    spans[i, j] = (key, None, b_end)
                    else:
                        for i in range(n):
                            a = run[i].start
                            for j in range(i + 1, (i + MAX_NAME_WORDS if i + MAX_NAME_WORDS < n else n) + 1):
                                b_end = run[j - 1].end
                                key = fold(body[a:b_end])
                                keys.add(key)
                                kind = kinds[j - 1]
                                if kind:
                                    kind_end = b_end + 1 + len(kind[0])
                                    kind_key = fold(body[a:kind_end])
                                    keys.add(kind_key)
                                    spans[i, j] = (key, kind_key, kind_end)
                                else:
                                    spans[i, j] = (key, None, b_end)
                    names.append((run, spans, None, None, None))
                    kind = kinds[-1]
            # (kind is now the kind word after the run's last word)
            if kind is not None:
                cued.append((first, last, kind, None))
            elif cue_before is not None and body[first.start - 2:first.start] not in no_cue_before:
                # (_cue_before reads the white space before the run, then the
                # character before it; those two rule most runs out)
                cue = cue_before(body, first.start)
                if cue is not None:
                    cued.append((first, last, None, cue))
        hits = self.gaz.places_named(keys)
        # a name written in another usual romanisation of the same sounds
        # ("Hodeidah" for GeoNames' "Hodeida"), looked up when it names nothing
        other = {v: key for key in keys
                 if key not in hits and (key.endswith(_RESPELT_ENDS) or key.startswith(_RESPELT_STARTS))
                 for v in spellings(key)}
        if other:
            for v, places in self.gaz.places_named(other).items():
                hits.setdefault(other[v], places)

        # in each run, the longest name from its first word on, then from the
        # word after it (or after the first word, when none is a name)
        chosen: list[tuple[int, int, tuple[Place, ...], bool, int, str, bool]] = []
        for run, spans, key, kind_key, end in names:
            if spans is None:       # one word, no neighbours: never partial
                if kind_key is not None:
                    if kind_key in hits:
                        key = kind_key
                    else:
                        end = run[0].end
                if key in hits and key not in stop and key not in demonyms and not is_acronym(run[0].text):
                    natural = _WORD_AFTER.match(body, end, end + 20)
                    natural = bool(natural and natural.group(1).casefold() in self.natural)
                    chosen.append((run[0].start, end, hits[key], False, 1, key, natural))
                continue
            n = len(run)
            i = 0
            while i < n:
                for j in range(i + MAX_NAME_WORDS if i + MAX_NAME_WORDS < n else n, i, -1):
                    key, kind_key, end = spans[i, j]
                    if kind_key is not None:
                        if kind_key in hits:
                            key = kind_key
                        else:
                            end = run[j - 1].end
                    if key in hits and key not in stop and key not in demonyms \
                            and not (j - i == 1 and is_acronym(run[i].text)):
                        # inside a longer name: a capitalised neighbour that is not a kind word
                        near = run[i - 1:i] + run[j:j + 1]
                        partial = any(t.text.casefold() not in self.kind_words and t.text.casefold() not in CONNECTORS
                                      for t in near)
                        natural = _WORD_AFTER.match(body, end, end + 20)
                        natural = bool(natural and natural.group(1).casefold() in self.natural)
                        chosen.append((run[i].start, end, hits[key], partial, j - i, key, natural))
                        i = j
                        break
                else:
                    i += 1

        if len(self._last_read) >= 2:
            self._last_read.clear()
        self._last_read[memo] = chosen, cued
        return chosen, cued

    # ------------------------------------------------------------ context

    def _kind_after(self, body: str, end: int) -> tuple[str, dict] | None:
        if body[end + 1:end + 1 + self._kind_head_len] not in self._kind_heads:
            return None
        m = _KIND_AFTER.match(body, end, end + 20)
        if m and m.group(1).casefold() in self.kind_words:
            return m.group(1), self.kind_words[m.group(1).casefold()]
        return None

    def _cue_before(self, body: str, start: int) -> re.Match | None:
        """The cue ("the village of") that ends just before `start`, if any."""
        if self.cue is None:
            return None
        lo = max(0, start - 40)
        if self._cue_ends is not None:
            j = start - 1
            if j < lo or not body[j].isspace():
                return None
            while j >= lo and body[j].isspace():
                j -= 1
            if j < lo or (body[j].isascii() and body[j] not in self._cue_ends):
                return None
            if self._cue_texts is not None:
                text = body[lo:j + 1]
                if text.isascii() and not text.lower().endswith(self._cue_texts):
                    return None
        return self.cue.search(body[lo:start])

    def _locative_before(self, body: str, start: int) -> bool:
        if not body[start - 1:start].isspace():
            return False    # both patterns end in \s+$
        m = _LOCATIVE_BEFORE.search(body, max(0, start - 25), start)
        return bool(m and m.group(1).casefold() in self.locative) or self._cue_before(body, start) is not None



    def demonym_counts(self, body: str) -> dict[str, list[int]]:
        """Start offsets of each country's adjectives ("Kyrgyz", "Tajik")."""
        out: dict[str, list[int]] = {}
        if self._adjective_scan is None:
            for iso3, (adjs, pattern) in self._adjective_rx.items():
                if any(a in body for a in adjs):
                    hits = [m.start() for m in pattern.finditer(body)]
                    if hits:
                        out[iso3] = hits
            return out
        # each country's pattern, tried where one of its adjectives starts
        starts: dict[str, set[int]] = {}
        for pos in [0, *(m.end() for m in self._adjective_scan.finditer(body))]:
            for adj, iso3 in self._adjectives_by_first.get(body[pos:pos + 1], ()):
                if body.startswith(adj, pos):
                    starts.setdefault(iso3, set()).add(pos)
        for iso3, (adjs, pattern) in self._adjective_rx.items():
            if iso3 in starts:
                hits = [m.start() for m in _matches_at(pattern, body, starts[iso3])]
                if hits:
                    out[iso3] = hits
        return out
