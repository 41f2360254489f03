"""The world files, checked: demonyms, actors, actor forms, places and
place rules, then reporting verbs, event triggers and event cues.

Split out of `reference.py` (STYLE: split a module before ~400 lines): each
function here checks the shapes the extractors rely on in one or two
`etl/*.yaml` files and returns plain data; `reference.parse_reference`
calls `parse_world`, which folds in `parse_speech_and_events`. The YAML
reading and the message helpers are in `yaml_nodes.py`.
"""
from __future__ import annotations

import re
from pathlib import Path

from .vocab import ACTOR_TYPES, EVENT_TYPES, FEATURE_TYPES
from .yaml_nodes import _choice, _describe, _Doc, _entry_name

NATIONAL_BODIES = ("government", "military", "police")

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NUMBER = (int, float)


def _number(value) -> bool:
    return isinstance(value, _NUMBER) and not isinstance(value, bool)


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

