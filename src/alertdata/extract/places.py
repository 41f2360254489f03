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
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, product
from operator import attrgetter, itemgetter

from ..gazetteer import Gazetteer, Place, _keys
from .countries import CountryIndex
from .lexicon import trie_alternation
from .text import Token, fold, is_acronym, outside, slug, words

MAX_NAME_WORDS = 6
# Lower-case words allowed inside a place name ("Bab el-Mandeb", "Valle del Cauca").
CONNECTORS = {"al", "el", "ad", "ash", "as", "an", "ar", "de", "du", "des", "la", "le", "les", "di",
              "da", "do", "dos", "del", "of", "and", "wa", "sur", "en", "i", "e", "y"}
# A place outside the story's countries needs this many people, or to be a capital.
FOREIGN_MIN_POPULATION = 150_000
# A place inside them needs this many, unless a locative word or a kind word vouches for it.
LOCAL_MIN_POPULATION = 1_000
# A place in another country the story names needs this many, or a locative word.
OTHER_MIN_POPULATION = 20_000


# Capitalised only because they open a sentence: never part of a place name.
LEADING_FUNCTION_WORDS = set("""the a an in on at by for from to with of as after before during since until
while when where but and or if then also however meanwhile although despite according over under against
between among amid following last next this that these those its his her their our""".split())

# What may stand between two words of one name: a space or a hyphen.
_NAME_GAPS = frozenset((" ", "-", "- ", " -"))
_SETTLEMENTS = ("city", "town", "village")
_AREAS = ("country", "admin1", "admin2", "region", "other")

# The context read around a candidate, compiled once. Those applied as
# pattern.match/search(body, pos, endpos) find what they found in
# body[pos:endpos]: endpos ends the string for `$` and `\b` alike, and none of
# them looks behind its first character. The two that do (`^`, and the cue's
# leading `\b`) are still applied to a slice.
_KIND_AFTER = re.compile(r"[ \-]([A-Za-z]+)\b")
_WORD_AFTER = re.compile(r"[ \-]([A-Za-z]+)")
_LOCATIVE_BEFORE = re.compile(r"([A-Za-z]+)\s+(?:the\s+)?$")
_SENTENCE_START = re.compile(r"(^|[.!?\"“”]\s*|\n\s*)$")
_ACRONYM_AFTER = re.compile(r"\s*\([A-Z]{2,}\)")
_QUALIFIER_BEFORE = re.compile(r"([A-Za-z\-]+)\s+$")
_WHERE_AFTER = re.compile(r"(?:,| in| in the| near)\s*(?:northern |southern |eastern |western |central )?")


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    surface: str
    start: int
    end: int
    written: str = ""      # the name as written, without qualifier or kind word


@lru_cache(maxsize=65_536)
def _name_keys(name: str) -> frozenset[str]:
    """`_keys` of a place name: the keys by which it is its primary name."""
    return frozenset(_keys(name))


def _capitalised(t: Token) -> bool:
    return t.text[:1].isupper()


_TEXT, _FIRST = attrgetter("text"), itemgetter(0)


def _runs(body: str, toks: tuple[Token, ...], taken: list[tuple[int, int]]) -> list[list[Token]]:
    """Maximal runs of capitalised words (with inner connectors) among the
    tokens that overlap no `taken` span.

    The words of a run are neighbours among all tokens too: a gap holding a
    (taken) token is never a space or hyphen. So the runs are found among the
    capitalised tokens and the single connectors between two of them, and then
    cut at taken tokens; a piece never starts or ends on a connector, as a run
    among the untaken tokens does not (nothing before a connector joins it, and
    nothing after it but an untaken capitalised word)."""
    runs: list[list[Token]] = []
    cur: list[Token] | None = None
    last, prev = -2, None
    # the capitalised tokens (a token is never empty; a first letter in upper
    # case is no digit, so this is `capitalised and not isdigit()`), in C
    for i in compress(range(len(toks)), map(str.isupper, map(_FIRST, map(_TEXT, toks)))):
        t = toks[i]
        if cur is not None:
            if i == last + 1:
                if body[prev.end:t.start] in _NAME_GAPS:
                    cur.append(t)
                    last, prev = i, t
                    continue
            elif i == last + 2:
                c = toks[i - 1]     # lower case: joins only when a capitalised word follows
                if c.text.casefold() in CONNECTORS and body[prev.end:c.start] in _NAME_GAPS \
                        and body[c.end:t.start] in _NAME_GAPS:
                    cur.append(c)
                    cur.append(t)
                    last, prev = i, t
                    continue
            runs.append(cur)
        cur = [t]
        last, prev = i, t
    if cur is not None:
        runs.append(cur)
    return _cut(runs, taken) if taken else runs


def _cut(runs: list[list[Token]], taken: list[tuple[int, int]]) -> list[list[Token]]:
    """The runs without their tokens that overlap a taken span (the rule of
    `text.outside`), split there and stripped of end connectors."""
    spans = sorted(taken)
    out: list[list[Token]] = []
    k, n, reach = 0, len(spans), None

    def keep(piece: list[Token]) -> None:
        s, e = 0, len(piece)
        while s < e and not _capitalised(piece[s]):
            s += 1
        while e > s and not _capitalised(piece[e - 1]):
            e -= 1
        if s < e:
            out.append(piece[s:e] if e - s < len(piece) else piece)

    for run in runs:
        first = run[0]
        while k < n and spans[k][0] < first.end:
            reach = spans[k][1] if reach is None else max(reach, spans[k][1])
            k += 1
        if (reach is None or reach <= first.start) and (k == n or spans[k][0] >= run[-1].end):
            # no span starting before the first token overlaps it, so none
            # overlaps a later one, and no other span starts inside the run
            out.append(run)
            continue
        piece: list[Token] = []
        for t in run:
            while k < n and spans[k][0] < t.end:
                reach = spans[k][1] if reach is None else max(reach, spans[k][1])
                k += 1
            if reach is not None and reach > t.start:
                keep(piece)
                piece = []
            else:
                piece.append(t)
        keep(piece)
    return out


def _finditer_at(pattern: re.Pattern, text: str, literals: tuple[str, ...]) -> list[re.Match]:
    """`pattern.finditer(text)` for a pattern that only matches where one of
    `literals` is written: tried at those offsets only, in order from the end of
    the last match, as finditer does (the look-behind reads before `pos`)."""
    if not all(literals):
        return list(pattern.finditer(text))
    starts = set()
    for w in literals:
        at = text.find(w)
        while at >= 0:
            starts.add(at)
            at = text.find(w, at + 1)
    return _matches_at(pattern, text, starts)


def _matches_at(pattern: re.Pattern, text: str, starts) -> list[re.Match]:
    """`pattern.finditer(text)` where the pattern can only match at `starts`."""
    out, done = [], 0
    for pos in sorted(starts):
        if pos >= done:
            m = pattern.match(text, pos)
            if m is not None:
                out.append(m)
                done = m.end()
    return out


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
            m = self._choose(body, s, e, cands, partial, tokens, key, natural, lenient, context, main_iso3)
            if m is not None:
                found.append(m)
                options[m.start] = cands
        found = self._relocate(body, found, options, main_iso3, context)
        found += self._unknown(body, cued, found, taken, main_iso3)
        found += self._adjectival(body, main_iso3, found)
        return self._qualify(body, sorted(found, key=lambda m: (m.start, m.end)))

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

    # ------------------------------------------------------------ choice

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

    def _choose(self, body, s, e, cands, partial, tokens, key, natural, lenient, context,
                main_iso3) -> PlaceMention | None:
        kind = self._kind_after(body, e) if body[e + 1:e + 1 + self._kind_head_len] in self._kind_heads else None
        admin_hint = bool(kind and kind[1].get("admin"))
        # After these filters every candidate left has the key as its primary
        # name, or none has. (The acronym pattern needs a "(".)
        if partial or natural or (body.find("(", e, e + 12) >= 0 and _ACRONYM_AFTER.match(body, e, e + 12)):
            # inside a longer name ("Khartoum International Airport", "Safeguard
            # of the Homeland (CNSP)") only a curated place counts
            cands = [p for p in cands if key in _name_keys(p.name)
                     and not p.location_id.startswith(("geonames:", "adm1-"))]
            primary = True
        else:
            flags = [key in _name_keys(p.name) for p in cands]
            primary = True in flags
            if primary:
                # "Tovuz" is Tovuz, not a place that also goes by it
                cands = [p for p, flag in zip(cands, flags) if flag] if not all(flags) else cands
            elif tokens == 1:
                # a one-word alternate name ("Khalil" for Hebron) only in the story's own country
                cands = [p for p in cands if p.country_iso3 == main_iso3]
        if not cands:
            return None

        if len(cands) == 1:
            best = cands[0]
        else:
            # the first of the highest (score, -len(id), id), as max() takes
            best, best_key = None, None
            for p in cands:
                x = math.log10(p.population + 1)
                if p.country_iso3 == main_iso3:
                    x += 10
                elif p.country_iso3 in context:
                    x += 4
                if p.capital:
                    x += 8
                if primary:
                    x += 3
                if not p.location_id.startswith(("adm1-", "geonames:")) and \
                        p.feature_type in ("region", "other", "site"):
                    x += 15         # curated areas (etl/places.yaml) beat towns of the same name
                if admin_hint and p.feature_type in ("admin1", "admin2"):
                    x += 20
                elif p.feature_type == "admin1":
                    x -= 2          # "Tehran" alone is the city, not the province
                if p.feature_type == "country":
                    x += 30
                rank = (x, -len(p.location_id), p.location_id)
                if best is None or rank > best_key:
                    best, best_key = p, rank
        local = best.country_iso3 in context or best.country_iso3 is None
        curated = not best.geonames_id and best.feature_type not in ("admin1",)
        # the context before the name is read only where it decides
        if best.feature_type == "country" or curated:
            ok = True
        elif best.feature_type == "admin1":
            ok = local or admin_hint or lenient
        elif best.country_iso3 == main_iso3:
            ok = best.population >= LOCAL_MIN_POPULATION or kind is not None or best.capital \
                or self._locative_before(body, s)
        elif local:
            if best.population >= OTHER_MIN_POPULATION or best.capital:
                ok = True
                if best.population < 20_000 and tokens == 1:
                    # a capitalised first word is weak evidence
                    ok = not (self._sentence_start(body, s) and not self._locative_before(body, s))
            else:
                # (then the first-word rule never applies: it needs no locative)
                ok = best.population >= LOCAL_MIN_POPULATION and self._locative_before(body, s)
        else:
            ok = best.capital or best.population >= FOREIGN_MIN_POPULATION
        if not ok:
            return None
        written = body[s:e]
        if kind is not None:
            e = e + 1 + len(kind[0])
        return PlaceMention(best, body[s:e], s, e, written)

    @staticmethod
    def _sentence_start(body: str, s: int) -> bool:
        return _SENTENCE_START.search(body[max(0, s - 3):s]) is not None

    def _relocate(self, body: str, found: list[PlaceMention], options: dict, main_iso3, context) -> list[PlaceMention]:
        """"Palma in Cabo Delgado province": the place after "in" (or a comma)
        says which country a town is in; a foreign homonym yields to it, and
        a town the gazetteer lacks there becomes a new place of that country."""
        by_start = sorted(found, key=lambda m: m.start)
        out, moved = [], {}
        for k, m in enumerate(by_start):
            p = m.place
            if p.feature_type not in _SETTLEMENTS or m.start not in options:
                out.append(m)       # only a town found in the gazetteer moves
                continue
            nxt = by_start[k + 1] if k + 1 < len(by_start) else None
            where = None
            if nxt and nxt.place.feature_type not in _SETTLEMENTS and body.startswith((",", " in", " near"), m.end) \
                    and _WHERE_AFTER.fullmatch(body[m.end:nxt.start].rstrip() + " ") is not None:
                # (the text between starts as the pattern must: the " " added
                # after rstrip() alone never makes " in" or " near")
                where = nxt.place.country_iso3
            elif p.country_iso3 not in context and self._cue_before(body, m.start) is not None:
                where = main_iso3
            if where and where != p.country_iso3:
                there = [c for c in options[m.start] if c.country_iso3 == where]
                if there:
                    p = there[0]
                else:
                    name = m.written or m.surface
                    p = Place(f"place-{where.lower()}-{slug(name)}", name, "town", where, None, None, None,
                              None, 0, False)
                m = PlaceMention(p, m.surface, m.start, m.end, m.written)
                moved[fold(m.written or m.surface)] = p
            out.append(m)
        if not moved:
            return out
        # one sense per story: a name placed by its context is placed so everywhere
        return [PlaceMention(moved[fold(m.written)], m.surface, m.start, m.end, m.written)
                if m.written and fold(m.written) in moved and m.place.feature_type in _SETTLEMENTS
                else m for m in out]

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

    def _adjectival(self, body: str, main_iso3: str | None, found: list[PlaceMention]) -> list[PlaceMention]:
        """"Ethiopian" in a story about Ethiopia names the country, as GDELT's
        geocoder reads adjectival forms; only for the story's own country,
        where the reading is safe."""
        place = self.gaz.country(main_iso3) if main_iso3 else None
        if place is None or main_iso3 not in self._adjective_rx:
            return []
        adjs, pattern = self._adjective_rx[main_iso3]
        out = []
        for m in _finditer_at(pattern, body, adjs):
            if not any(f.start < m.end() and m.start() < f.end for f in found):
                out.append(PlaceMention(place, m.group(0), m.start(), m.end(), ""))
        return out

    def _unknown(self, body, cued, found, taken, main_iso3) -> list[PlaceMention]:
        """Names the gazetteer lacks, made places by a cue word around them
        (`cued`: the runs with a kind word after or a cue before, see _read)."""
        if main_iso3 is None or not cued:
            return []
        covered = [(m.start, m.end) for m in found] + list(taken)
        out = []
        for a, b, kind, cue in outside(cued, covered, lambda c: (c[0].start, c[1].end)):
            name = body[a.start:b.end]
            if fold(name) in self.stop or fold(name) in self.demonyms:
                continue
            if kind is not None:
                feature = kind[1]["feature"]
            else:
                word = cue.group(0).split()[-2].rstrip("s")
                feature = self.kind_words.get(word, {}).get("feature", "town")
            end = b.end + (1 + len(kind[0]) if kind else 0)
            place = Place(location_id=f"place-{main_iso3.lower()}-{slug(name)}", name=name,
                          feature_type=feature, country_iso3=main_iso3, admin1=None, latitude=None,
                          longitude=None, geonames_id=None, population=0, capital=False)
            out.append(PlaceMention(place, body[a.start:end], a.start, end, name))
        return out

    def _qualify(self, body: str, found: list[PlaceMention]) -> list[PlaceMention]:
        """Join a qualifier before an area ("northern Mali") to its mention."""
        out, tails = [], self._qualifier_tails
        for m in found:
            # The pattern ends in \s+$: white space before the mention. After
            # one space, its letters end two characters before the mention, and
            # their last two, in lower case, are a qualifier's when it is one.
            s = m.start
            q = _QUALIFIER_BEFORE.search(body, max(0, s - 20), s) \
                if m.place.feature_type in _AREAS and body[s - 1:s].isspace() and (
                    tails is None or s < 3 or body[s - 2].isspace() or body[s - 3:s - 1].lower() in tails) \
                else None
            if q and q.group(1).casefold() in self.qualifiers:
                s = m.start - len(q.group(0))
                out.append(PlaceMention(m.place, body[s:m.end], s, m.end, m.written))
            else:
                out.append(m)
        return out
