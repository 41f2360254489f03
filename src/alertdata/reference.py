"""Reference data from `etl/*.yaml`, loaded once and checked before any work.

World knowledge lives in YAML beside the code so that it can be reviewed
without reading Python; this module is the only place that reads it.

Every problem is reported as `<file>, line N: <entry>: <what is wrong; what
to do>`, so that whoever edits a dictionary can fix it without reading
Python: the files are composed into YAML nodes (which know their lines) and
built into plain data here, and every shape the extractors rely on is
checked at load time, so that a bad entry never surfaces later as a Python
exception in the middle of a build.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn

import yaml

from .vocab import ACTOR_TYPES, EVENT_TYPES, FEATURE_TYPES

SECTION_KINDS = ("in_the_news", "issues_at_large", "in_perspective")
NATIONAL_BODIES = ("government", "military", "police")
# The files read, in order; their sizes and times key the per-process cache.
FILES = ("series.yaml", "sections.yaml", "layout.yaml", "countries.yaml", "demonyms.yaml", "actors.yaml",
         "actor_forms.yaml", "places.yaml", "place_rules.yaml", "reporting.yaml", "events.yaml",
         "event_cues.yaml")
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


# ---------------------------------------------------------------- YAML nodes -> data

_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP, _MERGE = _TAG + "str", _TAG + "seq", _TAG + "map", _TAG + "merge"
# plain scalars safe_load would build; other tags (!!binary, !!set, !foo) are refused
_SCALARS = {tag: f for tag, f in yaml.constructor.SafeConstructor.yaml_constructors.items()
            if tag in {_TAG + t for t in ("null", "bool", "int", "float", "timestamp")}}
_SAFE = yaml.constructor.SafeConstructor()


def _line(node) -> int:
    return node.start_mark.line + 1


def _sketch(node, depth: int = 2) -> str:
    """A short rendering of a node for a message: ['NER', 'NGA'], {'a': ...}."""
    if node.id == "scalar":
        return repr(node.value)
    if depth == 0:
        return "[...]" if node.id == "sequence" else "{...}"
    if node.id == "sequence":
        items = [_sketch(n, depth - 1) for n in node.value[:4]]
        return "[" + ", ".join(items + ["..."] * (len(node.value) > 4)) + "]"
    items = [f"{_sketch(k, depth - 1)}: {_sketch(v, depth - 1)}" for k, v in node.value[:2]]
    return "{" + ", ".join(items + ["..."] * (len(node.value) > 2)) + "}"


def _scalar(node) -> Any:
    """A scalar node's value as safe_load gives it (raises on a bad tag or value)."""
    if node.tag == _STR:
        return node.value
    return _SCALARS[node.tag](_SAFE, node)


class _Builder:
    """Plain data from a composed node tree, as yaml.safe_load builds it, but
    refusing what safe_load lets through or turns into a Python exception: a
    key given twice (safe_load silently keeps the last), a list or mapping as a
    key, merge keys, explicit tags and aliases that contain themselves."""

    def __init__(self, path: Path):
        self.path = path
        self.open: set[int] = set()

    def fail(self, node, message: str) -> NoReturn:
        raise ReferenceError(f"{self.path}, line {_line(node)}: {message}")

    def scalar(self, node) -> Any:
        if node.tag not in _SCALARS:
            self.fail(node, f"explicit tag {node.tag!r} is not used in reference files; remove it")
        try:
            return _SCALARS[node.tag](_SAFE, node)
        except (yaml.YAMLError, ValueError, OverflowError) as e:
            self.fail(node, f"{node.value!r} cannot be read as a {node.tag[len(_TAG):]} ({e}); "
                            "quote it if it is meant as text")

    def build(self, node) -> Any:
        if node.id == "scalar":
            return node.value if node.tag == _STR else self.scalar(node)
        key = id(node)
        if key in self.open:
            self.fail(node, "an alias (*name) refers to the entry that contains it; write the entry out")
        self.open.add(key)
        if node.id == "sequence" and node.tag == _SEQ:
            value = [n.value if n.id == "scalar" and n.tag == _STR else self.build(n) for n in node.value]
        elif node.id == "mapping" and node.tag == _MAP:
            value = self.mapping(node)
        else:
            self.fail(node, f"explicit tag {node.tag!r} is not used in reference files; remove it")
        self.open.discard(key)
        return value

    def mapping(self, node) -> dict:
        out: dict = {}
        for k, v in node.value:
            if k.id != "scalar":
                self.fail(k, f"key {_sketch(k)} must be a single word or name, not a list or mapping; "
                             "check the indentation and the brackets")
            if k.tag == _STR:
                key = k.value
            elif k.tag == _MERGE:
                self.fail(k, "merge keys ('<<') are not used in reference files; write the entries out")
            else:
                key = self.scalar(k)
            if key in out:
                self.duplicate(node, k, key)
            out[key] = v.value if v.id == "scalar" and v.tag == _STR else self.build(v)
        return out

    def duplicate(self, node, second, key) -> NoReturn:
        first = next(k for k, _ in node.value if k.id == "scalar" and _scalar(k) == key)
        entry = ""
        for k, v in node.value:         # name the entry by its id or name when it has one
            if k.value in ("id", "name") and v.id == "scalar" and v.tag == _STR:
                entry = f"entry {v.value!r}: "
                break
        self.fail(second, f"{entry}key {key!r} is given twice in the same mapping (first on line "
                          f"{_line(first)}); YAML would silently keep only the last, so keep one")


def _compose(path: Path):
    """The node tree of one file (None when empty); syntax errors named by line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as e:
        raise ReferenceError(f"{path}: reference file missing; restore it from the source checkout") from e
    except OSError as e:
        raise ReferenceError(f"{path}: reference file cannot be read ({e.strerror or e})") from e
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise ReferenceError(f"{path}, line {line}: not UTF-8 text ({e.reason} at byte {e.start}); "
                             "save the file as UTF-8") from e
    try:
        return yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        problem = getattr(e, "problem", None) or str(e)
        context = getattr(e, "context", None)
        message = f"not valid YAML: {problem}{f' ({context})' if context else ''}"
        lines = text.splitlines()
        if mark is None:
            raise ReferenceError(f"{path}: {message}; fix the syntax") from e
        if mark.line < len(lines) and lines[mark.line].strip():    # the entry, as written
            message += f" in {lines[mark.line].strip()[:80]!r}"
        tabs = "\t" in lines[mark.line][:mark.column + 1] if mark.line < len(lines) else False
        hint = "indent with spaces, not tabs" if tabs else "fix the syntax"
        raise ReferenceError(f"{path}, line {mark.line + 1}: {message}; {hint}") from e


class _Doc:
    """One reference file: its data, and for messages the line of any entry
    in it, found from the data path (mapping keys and list indexes) only
    when a message needs it, so that a clean load pays nothing for lines."""

    def __init__(self, path: Path):
        self.path = path
        self.node = _compose(path)
        self.data = None if self.node is None else _Builder(path).build(self.node)

    def line(self, keys: tuple = ()) -> int:
        """The line of the entry at `keys` (of its key, inside a mapping), or
        of the nearest enclosing entry that exists."""
        node = self.node
        if node is None:
            return 1
        line = _line(node)
        for key in keys:
            if node.id == "mapping":
                for k, v in node.value:
                    try:
                        same = k.id == "scalar" and type(_scalar(k)) is type(key) and _scalar(k) == key
                    except Exception:   # a value the builder refused before this could be asked
                        same = False
                    if same:
                        line, node = _line(k), v
                        break
                else:
                    return line
            elif node.id == "sequence" and isinstance(key, int) and 0 <= key < len(node.value):
                node = node.value[key]
                line = _line(node)
            else:
                return line
        return line

    def fail(self, keys: tuple, message: str) -> NoReturn:
        raise ReferenceError(f"{self.path}, line {self.line(keys)}: {message}")

    # -- shapes: each returns the value when it has the shape, else fails naming the entry

    def root(self, needs: str) -> dict:
        if self.data is None:
            self.fail((), f"the file is empty; it needs {needs}")
        if not isinstance(self.data, dict):
            self.fail((), f"the file must be a mapping with {needs}, not {_describe(self.data)}")
        return self.data

    def has(self, value: dict, keys: tuple, what: str, needed) -> None:
        missing = [k for k in needed if k not in value]
        if missing:
            self.fail(keys, f"{what} needs {_and(missing)}; add {'it' if len(missing) == 1 else 'them'}")

    def only(self, value: dict, keys: tuple, what: str, allowed) -> None:
        """Catches misspelt field names, which would otherwise be ignored."""
        for k in value:
            if k not in allowed:
                self.fail((*keys, k), f"{what}: unknown field {k!r}; the fields are {_and(allowed)}")

    def mapping(self, value, keys: tuple, what: str, *, optional: bool = False) -> dict:
        if value is None and optional:
            return {}
        if not isinstance(value, dict):
            self.fail(keys, f"{what} must be a mapping ('key: value' lines or {{key: value, ...}}), "
                            f"not {_describe(value)}")
        return value

    def listing(self, value, keys: tuple, what: str) -> list:
        if not isinstance(value, list):
            self.fail(keys, f"{what} must be a list ('- ' lines or [a, b]), not {_describe(value)}")
        return value

    def text(self, value, keys: tuple, what: str) -> str:
        if not (isinstance(value, str) and value.strip()):
            self.fail(keys, f"{what} must be text, not {_describe(value)}{_quote_hint(value)}")
        return value

    def words(self, value, keys: tuple, what: str, *, lower: bool = False) -> list[str]:
        """A list of words or names; absent or empty is none."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(keys, f"{what} must be a list of words or names ([a, b] or '- ' lines), "
                            f"not {_describe(value)}")
        for n, v in enumerate(value):
            if not (isinstance(v, str) and v.strip()):
                self.fail((*keys, n), f"{what}: item {n + 1} must be a word or name, not "
                                      f"{_describe(v)}{_quote_hint(v)}")
            if lower and v != v.lower():
                self.fail((*keys, n), f"{what}: {v!r} must be lower case; write {v.lower()!r}")
        return value

    def words_in(self, parent: dict, key, keys: tuple, what: str, *, lower: bool = False) -> list[str]:
        """`words` of parent[key]; a key written with nothing after it is
        stored as an empty list, which the extractors can iterate."""
        words = self.words(parent.get(key), keys, what, lower=lower)
        if key in parent and parent[key] is None:
            parent[key] = words
        return words

    def mapping_in(self, parent: dict, key, keys: tuple, what: str) -> dict:
        """An optional mapping, stored as {} when written with nothing after it."""
        value = self.mapping(parent.get(key), keys, what, optional=True)
        if key in parent and parent[key] is None:
            parent[key] = value
        return value

    def pairs(self, value, keys: tuple, what: str, *, optional: bool = False):
        """(key, value, path) of a mapping whose keys are words or names."""
        for k, v in self.mapping(value, keys, what, optional=optional).items():
            if not (isinstance(k, str) and k.strip()):
                self.fail((*keys, k), f"{what}: key {k!r} must be a word or name, not "
                                      f"{_describe(k)}{_quote_hint(k)}")
            yield k, v, (*keys, k)


def _describe(value: Any) -> str:
    """A value as the maintainer wrote it in the file."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads a bare yes/no/on/off/true/false as true or false)"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}" if value.strip() else "empty text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{value} (read by YAML as a {type(value).__name__})"


def _quote_hint(value: Any) -> str:
    scalar = value is not None and not isinstance(value, (str, list, dict))
    return "; quote it ('...') to keep it as text" if scalar else ""


def _and(items) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _choice(value, choices) -> str:
    return f"{value!r} is not one of ({', '.join(map(str, choices))}); use one of them"


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


def _entry_name(entry, key: str, label: str, n: int) -> str:
    """How messages name a list entry: by its id (or name), else by position."""
    if isinstance(entry, dict):
        ident = entry.get(key)
        if isinstance(ident, str) and ident.strip():
            return f"{label} {ident!r}"
        name = entry.get("name")
        if isinstance(name, str) and name.strip():
            return f"{label} entry {n} ({name!r})"
    return f"{label} entry {n}"


_ISO3 = re.compile(r"[A-Z]{3}")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NUMBER = (int, float)


def _is_iso3(value) -> bool:
    return isinstance(value, str) and _ISO3.fullmatch(value) is not None


def _number(value) -> bool:
    return isinstance(value, _NUMBER) and not isinstance(value, bool)


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


def _iso3_codes(extra: set[str]) -> set[str]:
    import pycountry
    return {c.alpha_3 for c in pycountry.countries} | set(extra)


def _claim(d: _Doc, seen: dict, name: str, owner: str, keys: tuple, what: str) -> None:
    """No name may point at two entries: that would make matching a coin toss."""
    key = " ".join(name.casefold().split())
    first = seen.get(key)
    if first is None:
        seen[key] = (owner, keys)
    elif first[0] != owner:
        d.fail(keys, f"{what}: name {name!r} is also given for {first[0]!r} (line {d.line(first[1])}); "
                     "keep it on one")


_ACTOR_FIELDS = ("id", "name", "type", "country", "parent", "aliases")
_PLACE_FIELDS = ("id", "name", "feature_type", "country", "latitude", "longitude", "aliases", "source")


def parse_world(folder: Path, extra_codes: set[str]) -> dict:
    """Demonyms, actors, actor forms, places and place rules, checked."""
    codes = _iso3_codes(extra_codes)

    d = _Doc(folder / "demonyms.yaml")
    raw = d.root("a mapping of ISO3 -> {adjectives: [...], people: [...]}")
    demonyms, seen = {}, {}
    for iso3, entry in raw.items():
        keys = (iso3,)
        if iso3 not in codes:
            d.fail(keys, f"{iso3!r} is not an ISO 3166-1 alpha-3 code")
        entry = d.mapping(entry, keys, iso3, optional=True)
        d.only(entry, keys, iso3, ("adjectives", "people"))
        adjs = tuple(d.words(entry.get("adjectives"), (*keys, "adjectives"), f"{iso3}: adjectives"))
        people = tuple(d.words(entry.get("people"), (*keys, "people"), f"{iso3}: people"))
        for field, names in (("adjectives", adjs), ("people", people)):
            for j, name in enumerate(names):
                _claim(d, seen, name, iso3, (*keys, field, j), iso3)
        demonyms[iso3] = (adjs, people)

    d = _Doc(folder / "actors.yaml")
    raw = d.root("a top-level 'actors:' list")
    actors, ids, seen = [], set(), {}
    for a, keys, what, ident, name in _keyed_entries(d, raw, "actors", ("type", ACTOR_TYPES),
                                                     _ACTOR_FIELDS, codes, ids):
        parent = a.get("parent")
        if parent is not None and not isinstance(parent, str):
            d.fail((*keys, "parent"), f"{what}: parent must be an actor id, not {_describe(parent)}")
        aliases = tuple(d.words(a.get("aliases"), (*keys, "aliases"), f"{what}: aliases"))
        _claim(d, seen, name, ident, (*keys, "name"), what)
        for j, alias in enumerate(aliases):
            _claim(d, seen, alias, ident, (*keys, "aliases", j), what)
        actors.append({"id": ident, "name": name, "type": a["type"], "country": a.get("country"),
                       "parent": parent, "aliases": aliases})
    for i, a in enumerate(actors):
        if a["parent"] is not None and a["parent"] not in ids:
            d.fail(("actors", i, "parent"), f"actor {a['id']!r}: parent {a['parent']!r} is not an actor id")
    national = {}
    for iso3, bodies, keys in d.pairs(raw.get("national"), ("national",), "national", optional=True):
        if iso3 not in codes:
            d.fail(keys, f"national: {iso3!r} is not an ISO3 code")
        national[iso3] = {}
        for kind, names, kkeys in d.pairs(bodies, keys, f"national {iso3}", optional=True):
            if kind not in NATIONAL_BODIES:
                d.fail(kkeys, f"national {iso3}: body {_choice(kind, NATIONAL_BODIES)}")
            names = d.words(names, kkeys, f"national {iso3} {kind}")
            for j, name in enumerate(names):
                _claim(d, seen, name, f"{kind}-{iso3.lower()}", (*kkeys, j), f"national {iso3} {kind}")
            national[iso3][kind] = tuple(names)

    forms = _actor_forms(_Doc(folder / "actor_forms.yaml"))
    places = _places(_Doc(folder / "places.yaml"), codes)
    rules = _place_rules(_Doc(folder / "place_rules.yaml"))
    return {"demonyms": demonyms, "actors": tuple(actors), "national": national, "actor_forms": forms,
            "places": places, "place_rules": rules, **parse_speech_and_events(folder)}


def _actor_forms(d: _Doc) -> dict:
    """The shapes the actor finder (extract/actors.py and its actor_*.py modules) reads from actor_forms.yaml."""
    forms = d.root("national_bodies, ministries, titles and references")
    d.has(forms, (), "the file", ("national_bodies", "ministries", "titles", "references"))
    bodies = d.mapping(forms["national_bodies"], ("national_bodies",), "national_bodies")
    d.has(bodies, ("national_bodies",), "national_bodies", NATIONAL_BODIES)
    for kind, body, keys in d.pairs(bodies, ("national_bodies",), "national_bodies"):
        what = f"national body {kind!r}"
        if kind not in NATIONAL_BODIES:
            d.fail(keys, f"national body {_choice(kind, NATIONAL_BODIES)}")
        d.mapping(body, keys, what)
        d.has(body, keys, what, ("name", "type", "nouns"))
        name = d.text(body["name"], (*keys, "name"), f"{what}: name")
        try:
            name.format(country="Mali")
        except (KeyError, IndexError, ValueError) as e:
            d.fail((*keys, "name"), f"{what}: name {name!r} may only contain {{country}} ({e!r})")
        if body["type"] not in ACTOR_TYPES:
            d.fail((*keys, "type"), f"{what}: type {_choice(body['type'], ACTOR_TYPES)}")
        d.words_in(body, "nouns", (*keys, "nouns"), f"{what}: nouns")
    d.words_in(forms, "standalone", ("standalone",), "standalone")
    for portfolio, m, keys in d.pairs(forms["ministries"], ("ministries",), "ministries"):
        what = f"ministry {portfolio!r}"
        d.mapping(m, keys, what)
        d.has(m, keys, what, ("name", "forms"))
        d.text(m["name"], (*keys, "name"), f"{what}: name")
        d.words_in(m, "forms", (*keys, "forms"), f"{what}: forms")
    for title, body, keys in d.pairs(forms["titles"], ("titles",), "titles"):
        if body is not None and body not in NATIONAL_BODIES:
            d.fail(keys, f"title {title!r}: body {_choice(body, NATIONAL_BODIES)} (or null for none)")
    heads = d.mapping_in(forms, "organisation_heads", ("organisation_heads",), "organisation_heads")
    for kind, _, keys in d.pairs(heads, ("organisation_heads",), "organisation_heads"):
        if kind not in ACTOR_TYPES:
            d.fail(keys, f"organisation_heads: type {_choice(kind, ACTOR_TYPES)}")
        d.words_in(heads, kind, keys, f"organisation_heads {kind}")
    for ref_form, types, keys in d.pairs(forms["references"], ("references",), "references"):
        for j, t in enumerate(d.listing(types, keys, f"reference {ref_form!r}")):
            if t not in ACTOR_TYPES:
                d.fail((*keys, j), f"reference {ref_form!r}: type {_choice(t, ACTOR_TYPES)}")
    pronouns = d.mapping_in(forms, "pronouns", ("pronouns",), "pronouns")
    d.words_in(pronouns, "person", ("pronouns", "person"), "pronouns person")
    return forms


def _keyed_entries(d: "_Doc", raw: dict, list_key: str, kind: tuple[str, tuple], allowed,
                   codes: set[str], ids: set):
    """(entry, keys, label, id, name) for each entry of an actor or place list,
    after checking its shape and fields, that its id is a slug not used
    before, its kind (`type`, `feature_type`) one of the allowed, and its
    country an ISO3 code."""
    noun = list_key[:-1]
    field, values = kind
    for i, entry in enumerate(d.listing(raw.get(list_key), (list_key,), f"'{list_key}:'")):
        keys = (list_key, i)
        what = _entry_name(entry, "id", noun, i + 1)
        d.mapping(entry, keys, what)
        d.has(entry, keys, what, ("id", "name", field))
        d.only(entry, keys, what, allowed)
        ident = entry["id"]
        if not (isinstance(ident, str) and _ID.fullmatch(ident)):
            d.fail((*keys, "id"), f"{what}: id {ident!r} is not a slug (lower-case words joined by '-')")
        if ident in ids:
            d.fail((*keys, "id"), f"{what}: id used twice; give each {noun} its own id")
        ids.add(ident)
        if entry[field] not in values:
            d.fail((*keys, field), f"{what}: {field} {_choice(entry[field], values)}")
        country = entry.get("country")
        if country is not None and country not in codes:
            d.fail((*keys, "country"), f"{what}: country {country!r} is not an ISO3 code (or null)")
        yield entry, keys, what, ident, d.text(entry["name"], (*keys, "name"), f"{what}: name")


def _places(d: _Doc, codes: set[str]) -> tuple[dict, ...]:
    raw = d.root("a top-level 'places:' list")
    places, ids, seen = [], set(), {}
    for p, keys, what, ident, name in _keyed_entries(d, raw, "places", ("feature_type", FEATURE_TYPES),
                                                     _PLACE_FIELDS, codes, ids):
        for c, limit in (("latitude", 90), ("longitude", 180)):
            v = p.get(c)
            if v is not None and not _number(v):
                d.fail((*keys, c), f"{what}: {c} must be a number in degrees, not {_describe(v)}")
            if v is not None and not -limit <= v <= limit:
                d.fail((*keys, c), f"{what}: {c} {v} out of range (-{limit} to {limit})")
        source = p.get("source")
        if source is not None:
            d.text(source, (*keys, "source"), f"{what}: source")
        aliases = list(d.words(p.get("aliases"), (*keys, "aliases"), f"{what}: aliases"))
        _claim(d, seen, name, ident, (*keys, "name"), what)
        for j, alias in enumerate(aliases):
            _claim(d, seen, alias, ident, (*keys, "aliases", j), what)
        places.append({"id": ident, "name": name, "feature_type": p["feature_type"],
                       "country": p.get("country"), "latitude": p.get("latitude"),
                       "longitude": p.get("longitude"), "aliases": aliases, "source": source})
    return tuple(places)


def _place_rules(d: _Doc) -> dict:
    """The shapes the place and actor finders (extract/place*.py, extract/actor*.py) read from place_rules.yaml."""
    rules = d.root("qualifiers, kind_words and stop_words")
    d.has(rules, (), "the file", ("qualifiers", "kind_words", "stop_words"))
    for key in ("qualifiers", "stop_words", "locative", "natural_words", "cue_before", "site_heads"):
        d.words_in(rules, key, (key,), key)
    for word, kind, keys in d.pairs(rules["kind_words"], ("kind_words",), "kind_words"):
        what = f"kind word {word!r}"
        d.mapping(kind, keys, what)
        d.has(kind, keys, what, ("feature",))
        if kind["feature"] not in FEATURE_TYPES:
            d.fail((*keys, "feature"), f"{what}: feature {_choice(kind['feature'], FEATURE_TYPES)}")
        if not isinstance(kind.get("admin", False), bool):
            d.fail((*keys, "admin"), f"{what}: admin must be true or false, not {_describe(kind['admin'])}")
    return rules


def _forms_of(d: _Doc, value, keys: tuple, what: str) -> None:
    """`irregular:` base -> [past forms]: a list, never a bare word, which
    the extractors would read letter by letter."""
    for base, _, fkeys in d.pairs(value, keys, what, optional=True):
        d.words_in(value, base, fkeys, f"{what} {base!r}", lower=True)


def parse_speech_and_events(folder: Path) -> dict:
    """Reporting verbs, event triggers and event cues, checked."""
    d = _Doc(folder / "reporting.yaml")
    reporting = d.root("a 'verbs:' mapping of base form -> {event: TYPE or null}")
    d.has(reporting, (), "the file", ("verbs",))
    for verb, spec, keys in d.pairs(reporting["verbs"], ("verbs",), "verbs"):
        if verb != verb.lower():
            d.fail(keys, f"verb {verb!r} must be lower case; write {verb.lower()!r}")
        spec = d.mapping(spec, keys, f"verb {verb!r}", optional=True)
        d.only(spec, keys, f"verb {verb!r}", ("event",))
        event = spec.get("event")
        if event is not None and event not in EVENT_TYPES:
            d.fail((*keys, "event"), f"verb {verb!r}: event {event!r} is not a PLOVER type "
                                     f"({', '.join(EVENT_TYPES)}) or null; use one of them")
    for key in ("takes_object", "needs_that", "nouns", "speaker_roles"):
        d.words_in(reporting, key, (key,), key, lower=True)
    for key in ("takes_object", "needs_that"):
        for j, v in enumerate(reporting.get(key) or []):
            if v not in reporting["verbs"]:
                d.fail((key, j), f"{key}: {v!r} is not listed under verbs; add it there or drop it here")
    _forms_of(d, reporting.get("irregular"), ("irregular",), "irregular")

    d = _Doc(folder / "events.yaml")
    events = d.root("a 'types:' mapping of PLOVER type -> verbs, nouns")
    d.has(events, (), "the file", ("types",))
    owner: dict[tuple[str, str], str] = {}
    for etype, lists, keys in d.pairs(events["types"], ("types",), "types"):
        if etype not in EVENT_TYPES:
            d.fail(keys, f"{etype!r} is not a PLOVER type ({', '.join(EVENT_TYPES)}); use one of them")
        lists = d.mapping(lists, keys, etype, optional=True)
        d.only(lists, keys, etype, ("verbs", "nouns"))
        for pos in ("verbs", "nouns"):
            for j, word in enumerate(d.words_in(lists, pos, (*keys, pos), f"{etype} {pos}", lower=True)):
                key = (pos, word)
                if owner.get(key, etype) != etype:
                    d.fail((*keys, pos, j), f"{etype} {pos}: {pos[:-1]} {word!r} is under both "
                                            f"{owner[key]} and {etype}; keep it under one type")
                owner[key] = etype
    _forms_of(d, events.get("irregular"), ("irregular",), "irregular")
    for noun, plural, keys in d.pairs(events.get("plural"), ("plural",), "plural", optional=True):
        if isinstance(plural, str):
            d.text(plural, keys, f"plural {noun!r}")
        elif not d.words(plural, keys, f"plural {noun!r}"):
            d.fail(keys, f"plural {noun!r} needs at least one plural form")

    return {"reporting": reporting, "events": events, "event_cues": _event_cues(_Doc(folder / "event_cues.yaml"))}


def _event_cues(d: _Doc) -> dict:
    """The shapes extract/events.py reads from event_cues.yaml (every list is required there)."""
    cues = d.root("certainty, negations and fatalities")
    d.has(cues, (), "the file", ("certainty", "negations", "fatalities"))
    certainty = d.mapping(cues["certainty"], ("certainty",), "certainty")
    d.has(certainty, ("certainty",), "certainty", ("alleged", "planned"))
    for key in ("alleged", "planned"):
        d.words_in(certainty, key, ("certainty", key), f"certainty.{key}", lower=True)
    d.words_in(cues, "negations", ("negations",), "negations", lower=True)
    fat = d.mapping(cues["fatalities"], ("fatalities",), "fatalities")
    lists = ("death_words", "victims", "at_least", "at_most", "about")
    d.has(fat, ("fatalities",), "fatalities", (*lists, "numbers", "multipliers", "vague"))
    for key in lists:
        d.words_in(fat, key, ("fatalities", key), f"fatalities.{key}", lower=True)
    for key in ("numbers", "multipliers"):
        for word, n, keys in d.pairs(fat[key], ("fatalities", key), f"fatalities.{key}"):
            if not (isinstance(n, int) and not isinstance(n, bool)):
                d.fail(keys, f"fatalities.{key} {word!r}: must be a whole number, not {_describe(n)}")
    for word, bounds, keys in d.pairs(fat["vague"], ("fatalities", "vague"), "fatalities.vague"):
        ok = isinstance(bounds, list) and len(bounds) == 2 and all(
            b is None or (isinstance(b, int) and not isinstance(b, bool)) for b in bounds)
        if not ok:
            d.fail(keys, f"fatalities.vague {word!r}: must be [low, high], each a whole number or null, "
                         f"not {_describe(bounds)}")
    return cues


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
