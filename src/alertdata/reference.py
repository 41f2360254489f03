"""Reference data from `etl/*.yaml`, loaded once and checked before any work.

World knowledge lives in YAML beside the code so that it can be reviewed
without reading Python; this module, with the two split out of it (below),
is the only place that reads it, and the one to import from.

Every problem is reported as `<file>, line N: <entry>: <what is wrong; what
to do>`, so that whoever edits a dictionary can fix it without reading
Python: the files are composed into YAML nodes (which know their lines) and
built into plain data, and every shape the extractors rely on is checked at
load time, so that a bad entry never surfaces later as a Python exception
in the middle of a build.

The work is split in three modules, each under ~400 lines (STYLE):

- `reference.py` (this one): `Reference` and `Series`, the series, sections,
  layout and countries files (`parse_reference`), and the per-process cache
  (`load_reference`, keyed by the files' sizes and times);
- `reference_world.py`: demonyms, actors, actor forms, places, place rules,
  reporting verbs, event triggers and event cues (`parse_world`,
  `parse_speech_and_events`);
- `yaml_nodes.py`: YAML nodes -> plain data with the line of every entry,
  the message helpers, and `ReferenceError`.

Names defined in the other two that callers use are re-exported here.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .reference_world import NATIONAL_BODIES, parse_speech_and_events, parse_world
from .yaml_nodes import SAFE_LOADER, ReferenceError, _choice, _Doc, _entry_name

SECTION_KINDS = ("in_the_news", "issues_at_large", "in_perspective")
# The files read, in order; their sizes and times key the per-process cache.
FILES = ("series.yaml", "sections.yaml", "layout.yaml", "countries.yaml", "demonyms.yaml", "actors.yaml",
         "actor_forms.yaml", "places.yaml", "place_rules.yaml", "reporting.yaml", "events.yaml",
         "event_cues.yaml")


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
    """Parse one reference file, naming the file and line of a syntax error,
    a key given twice or a value YAML cannot read."""
    return _Doc((folder or etl_dir()) / name).data


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


def _regex(d: _Doc, pattern, keys: tuple, what: str) -> re.Pattern:
    d.text(pattern, keys, what)
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as e:
        d.fail(keys, f"{what}: bad regular expression {pattern!r} ({e}); fix the pattern "
                     "(write it in single quotes so that backslashes stay as they are)")


_ISO3 = re.compile(r"[A-Z]{3}")


def _is_iso3(value) -> bool:
    return isinstance(value, str) and _ISO3.fullmatch(value) is not None


def parse_reference(folder: Path) -> Reference:
    """Load and check every reference file in `folder`."""
    d = _Doc(folder / "series.yaml")
    raw = d.root("a top-level 'series:' list")
    series, codes, printed_seen = [], set(), {}
    for i, entry in enumerate(d.listing(raw.get("series"), ("series",), "'series:'")):
        keys = ("series", i)
        what = _entry_name(entry, "name", "series", i + 1)
        d.mapping(entry, keys, what)
        d.has(entry, keys, what, ("name", "code", "printed"))
        d.only(entry, keys, what, ("name", "code", "printed"))
        name = d.text(entry["name"], (*keys, "name"), f"{what}: name")
        code = entry["code"]
        if not (isinstance(code, str) and re.fullmatch(r"[a-z0-9]+", code)):
            d.fail((*keys, "code"), f"{what}: code {code!r} must be lower-case letters/digits")
        if code in codes:
            d.fail((*keys, "code"), f"{what}: code {code!r} used twice; give each series its own code")
        codes.add(code)
        printed = d.words(entry["printed"], (*keys, "printed"), f"{what}: printed")
        for j, p in enumerate(printed):
            key = p.casefold()
            if key in printed_seen:
                other = "this series" if printed_seen[key] == name else f"series {printed_seen[key]!r}"
                d.fail((*keys, "printed", j), f"{what}: printed name {p!r} is also given for {other}; "
                                              "keep it once")
            printed_seen[key] = name
        series.append(Series(name=name, code=code, printed=tuple(printed)))

    d = _Doc(folder / "sections.yaml")
    raw = d.root("a mapping of section -> headings")
    section_names: dict[str, str] = {}
    for kind, headings in raw.items():
        if kind not in SECTION_KINDS:
            d.fail((kind,), f"section {_choice(kind, SECTION_KINDS)}")
        for j, h in enumerate(d.words(headings, (kind,), f"section {kind}")):
            key = fold_heading(h)
            if key in section_names:
                d.fail((kind, j), f"section {kind}: heading {h!r} listed twice; keep one")
            section_names[key] = kind
            section_names.setdefault(key.rstrip("?"), kind)

    d = _Doc(folder / "layout.yaml")
    layout = d.root("front_matter, team, footer and ordinals")
    d.has(layout, (), "the file", ("front_matter", "team", "footer", "ordinals"))
    patterns = {}
    for key in ("front_matter", "footer"):
        patterns[key] = tuple(_regex(d, p, (key, j), f"{key} pattern {j + 1}")
                              for j, p in enumerate(d.listing(layout[key], (key,), key)))
    team = _regex(d, layout["team"], ("team",), "team")
    ordinals = tuple(o.casefold() for o in d.words(layout["ordinals"], ("ordinals",), "ordinals"))

    d = _Doc(folder / "countries.yaml")
    countries = d.root("an 'aliases:' mapping of ISO3 -> names")
    d.has(countries, (), "the file", ("aliases",))
    extra = {}
    for iso3, name, keys in d.pairs(countries.get("extra_countries"), ("extra_countries",),
                                    "extra_countries", optional=True):
        if not _is_iso3(iso3):
            d.fail(keys, f"extra_countries: {iso3!r} is not an ISO3 code (three capital letters)")
        extra[iso3] = d.text(name, keys, f"extra_countries {iso3}")
    aliases = {}
    for iso3, names, keys in d.pairs(countries["aliases"], ("aliases",), "aliases"):
        if not _is_iso3(iso3):
            d.fail(keys, f"aliases: {iso3!r} is not an ISO3 code (three capital letters)")
        aliases[iso3] = tuple(d.words(names, keys, f"aliases {iso3}"))
    ambiguous = {}
    for name, options, keys in d.pairs(countries.get("ambiguous"), ("ambiguous",), "ambiguous",
                                       optional=True):
        d.listing(options, keys, f"ambiguous {name!r}")
        for j, o in enumerate(options):
            if not _is_iso3(o):
                d.fail((*keys, j), f"ambiguous {name!r}: {o!r} is not an ISO3 code (three capital letters)")
        if not options:
            d.fail(keys, f"ambiguous {name!r} needs a list of ISO3 codes, the usual one first")
        ambiguous[name] = tuple(options)
    world = parse_world(folder, set(aliases) | set(extra))
    return Reference(
        **world,
        series=tuple(series),
        section_names=section_names,
        front_matter=patterns["front_matter"],
        team=team,
        footer=patterns["footer"],
        ordinals=ordinals,
        country_aliases=aliases,
        ambiguous_countries=ambiguous,
        extra_countries=extra,
    )


# ---------------------------------------------------------------- loading, once per process

def _signature(folder: Path) -> tuple:
    """Size and time of each file: an edited file is read again, not served stale."""
    out = []
    for name in FILES:
        try:
            st = (folder / name).stat()
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


@lru_cache(maxsize=4)
def _cached(folder: str, signature: tuple) -> Reference:
    return parse_reference(Path(folder))


def load_reference(folder: Path | None = None) -> Reference:
    """The reference data of `folder` (default: etl_dir()), parsed once per
    process and again only when one of its files changes."""
    folder = (folder or etl_dir()).resolve()
    return _cached(str(folder), _signature(folder))


__all__ = ["SECTION_KINDS", "NATIONAL_BODIES", "FILES", "SAFE_LOADER", "ReferenceError", "Series",
           "Reference", "etl_dir", "load_yaml", "fold_heading", "parse_reference", "parse_world",
           "parse_speech_and_events", "load_reference"]
