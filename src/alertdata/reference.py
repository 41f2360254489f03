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

SECTION_KINDS = ("in_the_news", "issues_at_large", "in_perspective")


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
            return yaml.safe_load(fh)
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

    return Reference(
        series=tuple(series),
        section_names=section_names,
        front_matter=tuple(_regex(p, f"{folder / 'layout.yaml'} front_matter") for p in layout["front_matter"]),
        team=_regex(layout["team"], f"{folder / 'layout.yaml'} team"),
        footer=tuple(_regex(p, f"{folder / 'layout.yaml'} footer") for p in layout["footer"]),
        ordinals=tuple(str(o).casefold() for o in layout["ordinals"]),
        country_aliases=aliases,
        extra_countries=extra,
    )


@lru_cache(maxsize=4)
def _cached(folder: str) -> Reference:
    return parse_reference(Path(folder))


def load_reference(folder: Path | None = None) -> Reference:
    """The reference data of `folder` (default: etl_dir()), parsed once per process."""
    return _cached(str((folder or etl_dir()).resolve()))
