"""Reference data from `etl/*.yaml`, loaded once and checked before any work.

World knowledge lives in YAML beside the code so that it can be reviewed
without reading Python; this module is the only place that reads it.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .vocab import ACTOR_TYPES, EVENT_TYPES, FEATURE_TYPES

SECTION_KINDS = ("in_the_news", "issues_at_large", "in_perspective")
# libyaml's safe loader parses the reference files ~10x faster than the pure
# Python one, with the same results and error marks; used where PyYAML has it.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ReferenceError(Exception):
    """A reference file is missing, malformed, or has a bad entry."""


def etl_dir() -> Path:
    """The folder of reference data: $ALERTDATA_ETL, the source checkout's
    `etl/`, or the copy shipped inside the installed package."""
    env = os.environ.get("ALERTDATA_ETL")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for candidate in (here.parents[1] / "etl", here / "_etl"):
        if candidate.is_dir():
            return candidate
    raise ReferenceError("reference data folder etl/ not found; set ALERTDATA_ETL to its path")


def load_yaml(name: str, folder: Path | None = None):
    """Parse one reference file, naming the file and line on a syntax error."""
    path = (folder or etl_dir()) / name
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=SAFE_LOADER)
    except FileNotFoundError as e:
        raise ReferenceError(f"{path}: reference file missing") from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ReferenceError(f"{path}{where}: not valid YAML ({getattr(e, 'problem', e)})") from e


@dataclass(frozen=True)
class Series:
    name: str
    code: str
    printed: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    """Everything the segmenter and extractors know about the world."""
    series: tuple[Series, ...]
    section_names: dict[str, str]          # folded heading -> section kind
    front_matter: tuple[re.Pattern, ...]
    team: re.Pattern
    footer: tuple[re.Pattern, ...]
    ordinals: tuple[str, ...]
    country_aliases: dict[str, tuple[str, ...]]   # ISO3 -> extra names
    extra_countries: dict[str, str]               # ISO3 -> name, outside ISO 3166
    ambiguous_countries: dict[str, tuple[str, ...]] = None   # name -> ISO3 options, usual first
    demonyms: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = None  # ISO3 -> (adjectives, people)
    actors: tuple[dict, ...] = ()                 # etl/actors.yaml entries
    national: dict[str, dict[str, tuple[str, ...]]] = None   # ISO3 -> body kind -> formal names
    actor_forms: dict = None                      # etl/actor_forms.yaml
    places: tuple[dict, ...] = ()                 # etl/places.yaml entries
    place_rules: dict = None                      # etl/place_rules.yaml
    reporting: dict = None                        # etl/reporting.yaml
    events: dict = None                           # etl/events.yaml
    event_cues: dict = None                       # etl/event_cues.yaml

    def series_by_printed(self) -> list[tuple[str, Series]]:
        """(printed name, series), longest printed name first."""
        pairs = [(p, s) for s in self.series for p in s.printed]
        return sorted(pairs, key=lambda ps: (-len(ps[0]), ps[0]))

    def series_named(self, name: str) -> Series | None:
        return next((s for s in self.series if s.name == name), None)


def fold_heading(text: str) -> str:
    """A heading as compared: case-folded, trailing ':' '.' and spaces dropped."""
    return " ".join(text.casefold().split()).rstrip(" :.")


def _regex(pattern: str, where: str) -> re.Pattern:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as e:
        raise ReferenceError(f"{where}: bad regular expression {pattern!r} ({e})") from e


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise ReferenceError(message)


def parse_reference(folder: Path) -> Reference:
    """Load and check every reference file in `folder`."""
    raw_series = load_yaml("series.yaml", folder)
    where = folder / "series.yaml"
    _require(isinstance(raw_series, dict) and isinstance(raw_series.get("series"), list),
             f"{where}: expected a top-level 'series:' list")
    series, codes, printed_seen = [], set(), {}
    for n, entry in enumerate(raw_series["series"], 1):
        _require(isinstance(entry, dict) and {"name", "code", "printed"} <= set(entry),
                 f"{where}: entry {n} needs name, code and printed")
        name, code, printed = entry["name"], entry["code"], entry["printed"]
        _require(re.fullmatch(r"[a-z0-9]+", str(code)) is not None,
                 f"{where}: series {name!r} code {code!r} must be lower-case letters/digits")
        _require(code not in codes, f"{where}: series code {code!r} used twice")
        codes.add(code)
        for p in printed:
            key = p.casefold()
            _require(key not in printed_seen,
                     f"{where}: printed name {p!r} given for both {printed_seen.get(key)!r} and {name!r}")
            printed_seen[key] = name
        series.append(Series(name=name, code=code, printed=tuple(printed)))

    raw_sections = load_yaml("sections.yaml", folder)
    where = folder / "sections.yaml"
    _require(isinstance(raw_sections, dict), f"{where}: expected a mapping of section -> headings")
    section_names: dict[str, str] = {}
    for kind, headings in raw_sections.items():
        _require(kind in SECTION_KINDS, f"{where}: unknown section {kind!r} (use {SECTION_KINDS})")
        for h in headings:
            key = fold_heading(h)
            _require(key not in section_names, f"{where}: heading {h!r} listed twice")
            section_names[key] = kind
            section_names.setdefault(key.rstrip("?"), kind)

    layout = load_yaml("layout.yaml", folder)
    where = folder / "layout.yaml"
    _require(isinstance(layout, dict), f"{where}: expected a mapping")
    for key in ("front_matter", "team", "footer", "ordinals"):
        _require(key in layout, f"{where}: missing key {key!r}")

    countries = load_yaml("countries.yaml", folder)
    where = folder / "countries.yaml"
    _require(isinstance(countries, dict) and isinstance(countries.get("aliases"), dict),
             f"{where}: expected an 'aliases:' mapping of ISO3 -> names")
    extra = {str(k): str(v) for k, v in (countries.get("extra_countries") or {}).items()}
    aliases = {}
    for iso3, names in countries["aliases"].items():
        _require(re.fullmatch(r"[A-Z]{3}", str(iso3)) is not None, f"{where}: {iso3!r} is not an ISO3 code")
        aliases[str(iso3)] = tuple(str(n) for n in names)

    ambiguous = {}
    for name, options in (countries.get("ambiguous") or {}).items():
        _require(isinstance(options, list) and all(re.fullmatch(r"[A-Z]{3}", str(o)) for o in options),
                 f"{where}: ambiguous {name!r} needs a list of ISO3 codes")
        ambiguous[str(name)] = tuple(options)
    world = parse_world(folder, set(aliases) | set(extra))
    return Reference(
        **world,
        series=tuple(series),
        section_names=section_names,
        front_matter=tuple(_regex(p, f"{folder / 'layout.yaml'} front_matter") for p in layout["front_matter"]),
        team=_regex(layout["team"], f"{folder / 'layout.yaml'} team"),
        footer=tuple(_regex(p, f"{folder / 'layout.yaml'} footer") for p in layout["footer"]),
        ordinals=tuple(str(o).casefold() for o in layout["ordinals"]),
        country_aliases=aliases,
        ambiguous_countries=ambiguous,
        extra_countries=extra,
    )


_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _iso3_codes(extra: set[str]) -> set[str]:
    import pycountry
    return {c.alpha_3 for c in pycountry.countries} | set(extra)


def _alias_owner(where: Path, seen: dict, name: str, owner: str) -> None:
    """No name may point at two entries: that would make matching a coin toss."""
    key = " ".join(name.casefold().split())
    _require(seen.get(key, owner) == owner,
             f"{where}: name {name!r} given for both {seen.get(key)!r} and {owner!r}; keep it on one")
    seen[key] = owner


def parse_world(folder: Path, extra_codes: set[str]) -> dict:
    """Demonyms, actors, actor forms, places and place rules, checked."""
    codes = _iso3_codes(extra_codes)

    where = folder / "demonyms.yaml"
    raw = load_yaml("demonyms.yaml", folder)
    _require(isinstance(raw, dict), f"{where}: expected a mapping of ISO3 -> adjectives, people")
    demonyms, seen = {}, {}
    for iso3, entry in raw.items():
        _require(iso3 in codes, f"{where}: {iso3!r} is not an ISO 3166-1 alpha-3 code")
        adjs = tuple(str(a) for a in (entry or {}).get("adjectives") or [])
        people = tuple(str(a) for a in (entry or {}).get("people") or [])
        for name in {*adjs, *people}:
            _alias_owner(where, seen, name, iso3)
        demonyms[iso3] = (adjs, people)

    where = folder / "actors.yaml"
    raw = load_yaml("actors.yaml", folder)
    _require(isinstance(raw, dict) and isinstance(raw.get("actors"), list),
             f"{where}: expected a top-level 'actors:' list")
    actors, ids, seen = [], set(), {}
    for n, a in enumerate(raw["actors"], 1):
        _require(isinstance(a, dict) and {"id", "name", "type"} <= set(a),
                 f"{where}: entry {n} needs id, name and type")
        ident = str(a["id"])
        _require(_ID.fullmatch(ident) is not None, f"{where}: id {ident!r} is not a slug")
        _require(ident not in ids, f"{where}: id {ident!r} used twice")
        ids.add(ident)
        _require(a["type"] in ACTOR_TYPES, f"{where}: {ident}: type {a['type']!r} not in {ACTOR_TYPES}")
        _require(a.get("country") is None or a["country"] in codes,
                 f"{where}: {ident}: country {a.get('country')!r} is not an ISO3 code")
        aliases = tuple(str(x) for x in a.get("aliases") or [])
        for name in (a["name"], *aliases):
            _alias_owner(where, seen, str(name), ident)
        actors.append({"id": ident, "name": str(a["name"]), "type": a["type"], "country": a.get("country"),
                       "parent": a.get("parent"), "aliases": aliases})
    for a in actors:
        _require(a["parent"] is None or a["parent"] in ids,
                 f"{where}: {a['id']}: parent {a['parent']!r} is not an actor id")
    national = {}
    for iso3, bodies in (raw.get("national") or {}).items():
        _require(iso3 in codes, f"{where}: national: {iso3!r} is not an ISO3 code")
        national[iso3] = {}
        for kind, names in (bodies or {}).items():
            _require(kind in ("government", "military", "police"),
                     f"{where}: national {iso3}: body {kind!r} must be government, military or police")
            for name in names:
                _alias_owner(where, seen, str(name), f"{kind}-{iso3.lower()}")
            national[iso3][kind] = tuple(str(x) for x in names)

    forms = load_yaml("actor_forms.yaml", folder)
    where = folder / "actor_forms.yaml"
    _require(isinstance(forms, dict) and {"national_bodies", "ministries", "titles", "references"} <= set(forms),
             f"{where}: needs national_bodies, ministries, titles and references")
    for kind, body in forms["national_bodies"].items():
        _require(body.get("type") in ACTOR_TYPES, f"{where}: national body {kind}: bad type")
    for ref_form, types in forms["references"].items():
        _require(all(t in ACTOR_TYPES for t in types), f"{where}: reference {ref_form!r}: bad type in {types}")

    where = folder / "places.yaml"
    raw = load_yaml("places.yaml", folder)
    _require(isinstance(raw, dict) and isinstance(raw.get("places"), list),
             f"{where}: expected a top-level 'places:' list")
    places, ids, seen = [], set(), {}
    for n, p in enumerate(raw["places"], 1):
        _require(isinstance(p, dict) and {"id", "name", "feature_type"} <= set(p),
                 f"{where}: entry {n} needs id, name and feature_type")
        ident = str(p["id"])
        _require(_ID.fullmatch(ident) is not None and ident not in ids,
                 f"{where}: id {ident!r} is not a slug or is used twice")
        ids.add(ident)
        _require(p["feature_type"] in FEATURE_TYPES, f"{where}: {ident}: bad feature_type {p['feature_type']!r}")
        _require(p.get("country") is None or p["country"] in codes, f"{where}: {ident}: bad country")
        for c in ("latitude", "longitude"):
            _require(p.get(c) is None or isinstance(p[c], (int, float)), f"{where}: {ident}: {c} not a number")
        _require(p.get("latitude") is None or -90 <= p["latitude"] <= 90, f"{where}: {ident}: latitude out of range")
        _require(p.get("longitude") is None or -180 <= p["longitude"] <= 180,
                 f"{where}: {ident}: longitude out of range")
        aliases = [str(x) for x in p.get("aliases") or []]
        for name in (p["name"], *aliases):
            _alias_owner(where, seen, str(name), ident)
        places.append({"id": ident, "name": str(p["name"]), "feature_type": p["feature_type"],
                       "country": p.get("country"), "latitude": p.get("latitude"),
                       "longitude": p.get("longitude"), "aliases": aliases, "source": p.get("source")})

    rules = load_yaml("place_rules.yaml", folder)
    where = folder / "place_rules.yaml"
    _require(isinstance(rules, dict) and {"qualifiers", "kind_words", "stop_words"} <= set(rules),
             f"{where}: needs qualifiers, kind_words and stop_words")
    for word, kind in rules["kind_words"].items():
        _require(kind.get("feature") in FEATURE_TYPES, f"{where}: kind word {word!r}: bad feature")

    return {"demonyms": demonyms, "actors": tuple(actors), "national": national, "actor_forms": forms,
            "places": tuple(places), "place_rules": rules, **parse_speech_and_events(folder)}


def _words(where: Path, key: str, values) -> list[str]:
    """A list of lower-case words (YAML turns a bare `no` or `on` into a boolean)."""
    _require(isinstance(values, list), f"{where}: {key} must be a list")
    for v in values:
        _require(isinstance(v, str) and v == v.lower(),
                 f"{where}: {key}: {v!r} must be a lower-case string (quote words like 'no')")
    return values


def parse_speech_and_events(folder: Path) -> dict:
    """Reporting verbs, event triggers and event cues, checked."""
    where = folder / "reporting.yaml"
    reporting = load_yaml("reporting.yaml", folder)
    _require(isinstance(reporting, dict) and isinstance(reporting.get("verbs"), dict),
             f"{where}: expected a 'verbs:' mapping of base form -> {{event: TYPE or null}}")
    for verb, spec in reporting["verbs"].items():
        event = (spec or {}).get("event")
        _require(event is None or event in EVENT_TYPES,
                 f"{where}: verb {verb!r}: event {event!r} is not a PLOVER type {EVENT_TYPES}")
    for key in ("takes_object", "needs_that", "nouns", "speaker_roles"):
        _words(where, key, reporting.get(key) or [])
    for key in ("takes_object", "needs_that"):
        unknown = [v for v in reporting.get(key) or [] if v not in reporting["verbs"]]
        _require(not unknown, f"{where}: {key}: {unknown} are not listed under verbs")

    where = folder / "events.yaml"
    events = load_yaml("events.yaml", folder)
    _require(isinstance(events, dict) and isinstance(events.get("types"), dict),
             f"{where}: expected a 'types:' mapping of PLOVER type -> verbs, nouns")
    owner: dict[tuple[str, str], str] = {}
    for etype, lists in events["types"].items():
        _require(etype in EVENT_TYPES, f"{where}: {etype!r} is not a PLOVER type {EVENT_TYPES}")
        for pos in ("verbs", "nouns"):
            for word in _words(where, f"{etype}.{pos}", (lists or {}).get(pos) or []):
                key = (pos, word)
                _require(owner.get(key, etype) == etype,
                         f"{where}: {pos[:-1]} {word!r} is under both {owner.get(key)} and {etype}; "
                         "keep it under one type")
                owner[key] = etype

    where = folder / "event_cues.yaml"
    cues = load_yaml("event_cues.yaml", folder)
    _require(isinstance(cues, dict) and {"certainty", "negations", "fatalities"} <= set(cues),
             f"{where}: needs certainty, negations and fatalities")
    for key in ("alleged", "planned"):
        _words(where, f"certainty.{key}", cues["certainty"].get(key) or [])
    _words(where, "negations", cues["negations"])
    fat = cues["fatalities"]
    for key in ("death_words", "victims", "at_least", "at_most", "about"):
        _words(where, f"fatalities.{key}", fat.get(key) or [])
    for key in ("numbers", "multipliers"):
        _require(all(isinstance(v, int) for v in (fat.get(key) or {}).values()),
                 f"{where}: fatalities.{key} values must be whole numbers")
    return {"reporting": reporting, "events": events, "event_cues": cues}


@lru_cache(maxsize=4)
def _cached(folder: str) -> Reference:
    return parse_reference(Path(folder))


def load_reference(folder: Path | None = None) -> Reference:
    """The reference data of `folder` (default: etl_dir()), parsed once per process."""
    return _cached(str((folder or etl_dir()).resolve()))
