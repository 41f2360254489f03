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
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..gazetteer import Gazetteer, Place, _keys
from .countries import CountryIndex
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


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    surface: str
    start: int
    end: int
    written: str = ""      # the name as written, without qualifier or kind word


def _gap_ok(body: str, a: Token, b: Token) -> bool:
    """Two words belong to one name only when separated by a space or a hyphen."""
    return body[a.end:b.start] in (" ", "-", "- ", " -")


def _runs(body: str, toks: list[Token]) -> list[list[int]]:
    """Index lists of maximal runs of capitalised words (with inner connectors)."""
    runs, cur = [], []
    for i, t in enumerate(toks):
        cap = t.capitalised and not t.text.isdigit()
        conn = t.text.casefold() in CONNECTORS and cur and i + 1 < len(toks) and toks[i + 1].capitalised
        if (cap or conn) and (not cur or _gap_ok(body, toks[cur[-1]], t)):
            cur.append(i)
        else:
            if cur:
                runs.append(cur)
            cur = [i] if cap else []
    if cur:
        runs.append(cur)
    # a run never ends on a connector
    return [r[:max(k for k, i in enumerate(r) if toks[i].capitalised) + 1] for r in runs]


class PlaceFinder:
    """Finds place mentions; built once per reference data and gazetteer."""

    def __init__(self, gazetteer: Gazetteer, rules: dict, countries: CountryIndex, demonyms: dict):
        self.gaz = gazetteer
        self.countries = countries
        self.qualifiers = {q.casefold() for q in rules["qualifiers"]}
        self.kind_words = {k.casefold(): v for k, v in rules["kind_words"].items()}
        self.stop = {fold(w) for w in rules["stop_words"]}
        self.locative = {w.casefold() for w in rules.get("locative", [])}
        self.natural = {w.casefold() for w in rules.get("natural_words", [])}
        cues = sorted((c.casefold() for c in rules.get("cue_before", [])), key=len, reverse=True)
        self.cue = re.compile(r"\b(?:" + "|".join(map(re.escape, cues)) + r")\s+$", re.I) if cues else None
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

    # ------------------------------------------------------------ candidates

    def _country_mentions(self, body: str, context: set[str] = frozenset()) -> list[PlaceMention]:
        out = []
        for iso3, s, e in self.countries.mentions(body):
            iso3 = self.countries.resolve(body[s:e], context) or iso3
            place = self.gaz.country(iso3)
            kind = self._kind_after(body, e)
            if kind is not None and kind[1].get("admin"):
                # "Niger State" is a Nigerian state, not the country Niger
                divisions = [p for p in self.gaz.lookup(body[s:e]) if p.feature_type == "admin1"]
                if divisions:
                    place, e = divisions[0], e + 1 + len(kind[0])
            if place is not None:
                out.append(PlaceMention(place, body[s:e], s, e, body[s:e]))
        return out

    def find(self, body: str, main_iso3: str | None = None,
             blocked: list[tuple[int, int]] = (), lenient: bool = False) -> list[PlaceMention]:
        """Every place mention in body, in text order. `blocked` spans (actor
        names such as "Arakan Army") hold no places. `lenient` accepts
        divisions without a country in context (for titles, which name few)."""
        countries = self._country_mentions(body, {main_iso3})
        found = [m for m in countries
                 if not any(s <= m.start and m.end <= e and (s, e) != (m.start, m.end) for s, e in blocked)]
        taken = [(m.start, m.end) for m in countries] + list(blocked)
        context = {m.place.country_iso3 for m in found} | ({main_iso3} if main_iso3 else set())

        toks = words(body)
        free = outside(toks, taken, lambda t: (t.start, t.end))
        runs = [self._trim(r, free) for r in _runs(body, free)]
        runs = [r for r in runs if r]
        keys = set()
        for run in runs:
            for i in range(len(run)):
                for j in range(i + 1, min(len(run), i + MAX_NAME_WORDS) + 1):
                    a, b = free[run[i]], free[run[j - 1]]
                    keys.add(fold(body[a.start:b.end]))
                    kind = self._kind_after(body, b.end)
                    if kind:
                        keys.add(fold(body[a.start:b.end + 1 + len(kind[0])]))
        hits = self.gaz.lookup_many(keys)

        chosen: list[tuple[int, int, list[Place], dict]] = []
        for run in runs:
            i = 0
            while i < len(run):
                for j in range(min(len(run), i + MAX_NAME_WORDS), i, -1):
                    a, b = free[run[i]], free[run[j - 1]]
                    key, end = fold(body[a.start:b.end]), b.end
                    kind = self._kind_after(body, b.end)
                    if kind and fold(body[a.start:b.end + 1 + len(kind[0])]) in hits:
                        key, end = fold(body[a.start:b.end + 1 + len(kind[0])]), b.end + 1 + len(kind[0])
                    if key in hits and key not in self.stop and key not in self.demonyms \
                            and not (j - i == 1 and is_acronym(a.text)):
                        # inside a longer name: a capitalised neighbour that is not a kind word
                        near = [free[k].text for k in (run[i - 1:i] + run[j:j + 1])]
                        partial = any(w.casefold() not in self.kind_words and w.casefold() not in CONNECTORS
                                      for w in near)
                        natural = re.match(r"[ \-]([A-Za-z]+)", body[end:end + 20])
                        natural = bool(natural and natural.group(1).casefold() in self.natural)
                        chosen.append((a.start, end, hits[key], {"partial": partial, "tokens": j - i,
                                                                 "key": key, "natural": natural}))
                        i = j
                        break
                else:
                    i += 1

        options = {}
        for s, e, cands, info in chosen:
            m = self._choose(body, s, e, cands, dict(info, lenient=lenient), context, main_iso3)
            if m is not None:
                found.append(m)
                options[m.start] = cands
        found = self._relocate(body, found, options, main_iso3, context)
        found += self._unknown(body, free, found, taken, main_iso3)
        found += self._adjectival(body, main_iso3, found)
        return self._qualify(body, sorted(found, key=lambda m: (m.start, m.end)))

    def _trim(self, run: list[int], toks: list[Token]) -> list[int]:
        """Drop function words that open a run ("In Gao", "The army")."""
        while run and fold(toks[run[0]].text) in LEADING_FUNCTION_WORDS:
            run = run[1:]
        return run

    # ------------------------------------------------------------ choice

    def _kind_after(self, body: str, end: int) -> tuple[str, dict] | None:
        m = re.match(r"[ \-]([A-Za-z]+)\b", body[end:end + 20])
        if m and m.group(1).casefold() in self.kind_words:
            return m.group(1), self.kind_words[m.group(1).casefold()]
        return None

    def _locative_before(self, body: str, start: int) -> bool:
        m = re.search(r"([A-Za-z]+)\s+(?:the\s+)?$", body[max(0, start - 25):start])
        return bool(m and m.group(1).casefold() in self.locative) or bool(
            self.cue and self.cue.search(body[max(0, start - 40):start]))

    def _choose(self, body, s, e, cands, info, context, main_iso3) -> PlaceMention | None:
        kind = self._kind_after(body, e)
        admin_hint = bool(kind and kind[1].get("admin"))
        locative = self._locative_before(body, s)
        sentence_start = re.search(r"(^|[.!?\"“”]\s*|\n\s*)$", body[max(0, s - 3):s]) is not None

        def primary(p: Place) -> bool:
            return info["key"] in _keys(p.name)

        if info["partial"] or info["natural"] or re.match(r"\s*\([A-Z]{2,}\)", body[e:e + 12]):
            # inside a longer name ("Khartoum International Airport", "Safeguard
            # of the Homeland (CNSP)") only a curated place counts
            cands = [p for p in cands if primary(p) and not p.location_id.startswith(("geonames:", "adm1-"))]
        if any(primary(p) for p in cands):
            cands = [p for p in cands if primary(p)]   # "Tovuz" is Tovuz, not a place that also goes by it
        elif info["tokens"] == 1:
            # a one-word alternate name ("Khalil" for Hebron) only in the story's own country
            cands = [p for p in cands if p.country_iso3 == main_iso3]
        if not cands:
            return None

        def score(p: Place) -> float:
            x = math.log10(p.population + 1)
            if p.country_iso3 == main_iso3:
                x += 10
            elif p.country_iso3 in context:
                x += 4
            if p.capital:
                x += 8
            if primary(p):
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
            return x

        best = max(cands, key=lambda p: (score(p), -len(p.location_id), p.location_id))
        local = best.country_iso3 in context or best.country_iso3 is None
        curated = not best.geonames_id and best.feature_type not in ("admin1",)
        if best.feature_type == "country" or curated:
            ok = True
        elif best.feature_type == "admin1":
            ok = local or admin_hint or info.get("lenient", False)
        elif best.country_iso3 == main_iso3:
            ok = best.population >= LOCAL_MIN_POPULATION or locative or kind is not None or best.capital
        elif local:
            ok = best.population >= OTHER_MIN_POPULATION or (locative and best.population >= LOCAL_MIN_POPULATION) \
                or best.capital
            if sentence_start and info["tokens"] == 1 and not locative and best.population < 20_000:
                ok = False      # a capitalised first word is weak evidence
        else:
            ok = best.capital or best.population >= FOREIGN_MIN_POPULATION
        if not ok:
            return None
        written = body[s:e]
        if kind is not None:
            e = e + 1 + len(kind[0])
        return PlaceMention(best, body[s:e], s, e, written)

    def _relocate(self, body: str, found: list[PlaceMention], options: dict, main_iso3, context) -> list[PlaceMention]:
        """"Palma in Cabo Delgado province": the place after "in" (or a comma)
        says which country a town is in; a foreign homonym yields to it, and
        a town the gazetteer lacks there becomes a new place of that country."""
        by_start = sorted(found, key=lambda m: m.start)
        out, moved = [], {}
        for k, m in enumerate(by_start):
            p = m.place
            nxt = by_start[k + 1] if k + 1 < len(by_start) else None
            cue = self.cue.search(body[max(0, m.start - 40):m.start]) if self.cue else None
            where = None
            if nxt and nxt.place.feature_type not in ("city", "town", "village") and re.fullmatch(
                    r"(?:,| in| in the| near)\s*(?:northern |southern |eastern |western |central )?",
                    body[m.end:nxt.start].rstrip() + " ") is not None:
                where = nxt.place.country_iso3
            elif cue and p.country_iso3 not in context:
                where = main_iso3
            if p.feature_type in ("city", "town", "village") and where and where != p.country_iso3 \
                    and m.start in options:
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
        # one sense per story: a name placed by its context is placed so everywhere
        return [PlaceMention(moved[fold(m.written)], m.surface, m.start, m.end, m.written)
                if m.written and fold(m.written) in moved and m.place.feature_type in ("city", "town", "village")
                else m for m in out]

    def demonym_counts(self, body: str) -> dict[str, list[int]]:
        """Start offsets of each country's adjectives ("Kyrgyz", "Tajik")."""
        out: dict[str, list[int]] = {}
        for iso3, (adjs, pattern) in self._adjective_rx.items():
            if any(a in body for a in adjs):
                hits = [m.start() for m in pattern.finditer(body)]
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
        pattern = self._adjective_rx[main_iso3][1]
        out = []
        for m in pattern.finditer(body):
            if not any(f.start < m.end() and m.start() < f.end for f in found):
                out.append(PlaceMention(place, m.group(0), m.start(), m.end(), ""))
        return out

    def _unknown(self, body, toks, found, taken, main_iso3) -> list[PlaceMention]:
        """Names the gazetteer lacks, made places by a cue word around them."""
        if main_iso3 is None:
            return []
        covered = [(m.start, m.end) for m in found] + list(taken)
        out = []
        for run in outside(_runs(body, toks), covered, lambda r: (toks[r[0]].start, toks[r[-1]].end)):
            a, b = toks[run[0]], toks[run[-1]]
            name = body[a.start:b.end]
            if fold(name) in self.stop or fold(name) in self.demonyms:
                continue
            kind = self._kind_after(body, b.end)
            cue = self.cue.search(body[max(0, a.start - 40):a.start]) if self.cue else None
            if kind is None and cue is None:
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
        out = []
        for m in found:
            q = re.search(r"([A-Za-z\-]+)\s+$", body[max(0, m.start - 20):m.start])
            if q and q.group(1).casefold() in self.qualifiers and \
                    m.place.feature_type in ("country", "admin1", "admin2", "region", "other"):
                s = m.start - len(q.group(0))
                out.append(PlaceMention(m.place, body[s:m.end], s, m.end, m.written))
            else:
                out.append(m)
        return out
