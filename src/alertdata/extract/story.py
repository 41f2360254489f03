"""Actors and places of one story, and its main country.

The finders are built once per process from the reference data and the
compiled gazetteer (`extractors`); `story_entities` is then a pure function
of a story's title and body.
"""
from __future__ import annotations

import os
import pickle
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .. import config
from ..gazetteer import Gazetteer, Place, load_gazetteer
from ..reference import Reference
from .actors import Actor, ActorFinder, ActorMention
from .countries import CountryIndex, _lead_end, country_index, main_country
from .dates import DateMention, find_dates
from .events import Event, EventFinder
from .places import PlaceFinder, PlaceMention
from .quotes import find_quotes
from .statements import Statement, StatementFinder, speech_lexicon
from .text import fold, sentences

# Actor mentions whose words are a name, not a place, even when a place has
# that name ("Tigray People's Liberation Front", "Colonel Gao").
NAMING = {"dictionary", "titled", "person", "surname", "organisation", "fuzzy", "acronym"}




@dataclass
class StoryEntities:
    main_iso3: str | None
    actors: dict[str, Actor]
    actor_mentions: list[ActorMention]
    place_mentions: list[PlaceMention]
    sentences: list[tuple[int, int]] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    country_place: Place | None = None      # the main country, where events fall back to
    capital_place: Place | None = None      # its capital, for events "in the capital"
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Extractors:
    countries: CountryIndex
    gazetteer: Gazetteer
    places: PlaceFinder
    actors: ActorFinder
    statements: StatementFinder
    events: EventFinder


_BUILT: dict[int, tuple[Reference, Extractors]] = {}


def _extractors(ref: Reference) -> Extractors:
    countries = country_index(ref)
    gaz = load_gazetteer(ref.places)
    names = {}
    for iso3 in set(countries.names.values()):
        place = gaz.country(iso3)
        names[iso3] = place.name if place else iso3
    return Extractors(countries, gaz, PlaceFinder(gaz, ref.place_rules, countries, ref.demonyms),
                      ActorFinder(ref, countries, names, gaz.capitals()),
                      StatementFinder(speech_lexicon(ref.reporting)),
                      EventFinder(ref.events, ref.reporting, ref.event_cues))


def extractors(ref: Reference, keep_as: str | None = None) -> Extractors:
    """The finders for this reference data, built once per process. With
    `keep_as` (a build's generation: a hash of the code, the reference data
    and the libraries' versions), they are also kept pickled in the cache
    folder, and the next process with that generation loads them (~0.5 s)
    instead of building them (~1 s): a one-file rebuild's fixed cost."""
    hit = _BUILT.get(id(ref))
    if hit is None or hit[0] is not ref:
        built = _load_kept(keep_as) if keep_as else None
        if built is None:
            built = _extractors(ref)
            if keep_as:
                _keep(built, keep_as)
        hit = _BUILT[id(ref)] = (ref, built)
    return hit[1]


KEEP_EXTRACTORS = 3        # generations whose pickled extractors are kept


def _kept_path(key: str):
    from ..gazetteer import cache_dir
    return cache_dir() / f"extractors-{key[:24]}.pickle"


def _load_kept(key: str) -> Extractors | None:
    try:
        with _kept_path(key).open("rb") as fh:
            built = pickle.load(fh)
        return built if isinstance(built, Extractors) else None
    except Exception:          # absent or unreadable: build them
        return None


def _keep(built: Extractors, key: str) -> None:
    path = _kept_path(key)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            pickle.dump(built, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in sorted(path.parent.glob("extractors-*.pickle"), key=lambda p: p.stat().st_mtime,
                          reverse=True)[KEEP_EXTRACTORS:]:
            old.unlink(missing_ok=True)
    except OSError:            # a read-only cache folder: built again next time
        pass
    finally:
        tmp.unlink(missing_ok=True)


def _main_from_mentions(body: str, places: list[PlaceMention], demonyms: dict[str, list[int]]) -> str | None:
    """The country the story is about: the one its places name most (towns
    and divisions count twice a country name, a demonym such as "Kyrgyz"
    half, the lead paragraph double). Alerts open with the main event, so the
    country the lead names first wins when it comes close to the top."""
    lead = _lead_end(body)
    counts: Counter = Counter()
    first: dict[str, int] = {}
    items = [(m.place.country_iso3, m.start, 1.0 if m.place.feature_type == "country" else 2.0)
             for m in places if m.written] + \
        [(iso3, start, 0.5) for iso3, starts in demonyms.items() for start in starts]
    for iso3, start, weight in items:
        if iso3:
            counts[iso3] += weight * (config.LEAD_WEIGHT if start < lead else 1)
            first[iso3] = min(first.get(iso3, start), start)
    if not counts:
        return None
    ranked = sorted(counts, key=lambda c: (-counts[c], first[c]))
    opener = min(first, key=first.get)
    close = counts[opener] >= config.OPENER_SHARE * counts[ranked[0]]
    return opener if first[opener] < lead and close else ranked[0]


def _title_country(title: str | None, ex: Extractors) -> str | None:
    """The country a title names, or the country of the place it names
    ("... in northern Shan" is Myanmar)."""
    if not title:
        return None
    iso3 = main_country(title, "", ex.countries)
    if iso3:
        return iso3
    countries = {m.place.country_iso3 for m in ex.places.find(title, None, lenient=True)
                 if m.place.country_iso3}
    return countries.pop() if len(countries) == 1 else None


def story_entities(title: str | None, body: str, ex: Extractors) -> StoryEntities:
    """Places, actors and main country of a story."""
    titled = _title_country(title, ex)
    main = titled or main_country(None, body, ex.countries)

    def run(main):
        places = ex.places.find(body, main)
        spans = [(m.start, m.end, m.place.country_iso3) for m in places]
        actors, mentions = ex.actors.find(body, main, spans)
        named = [(m.start, m.end) for m in mentions if m.how in NAMING]
        places = [p for p in places if p.place.feature_type == "country"
                  or not any(s <= p.start and p.end <= e for s, e in named)]
        return places, actors, mentions

    places, actors, mentions = run(main)
    if not titled:
        better = _main_from_mentions(body, places, ex.places.demonym_counts(body))
        if better is not None and better != main:
            main = better
            places, actors, mentions = run(main)
    return StoryEntities(main, actors, mentions, places)


def story_facts(title: str | None, body: str, published_on: date | None,
                ex: Extractors) -> StoryEntities:
    """Everything one story states: its entities, dates, statements and events."""
    found = story_entities(title, body, ex)
    found.sentences = sentences(body)
    found.dates = find_dates(body, published_on)
    found.statements, speakers, spoken = ex.statements.find(
        body, found.sentences, found.actor_mentions, found.actors, found.dates, found.main_iso3)
    found.actors.update(speakers)
    found.actor_mentions = sorted(found.actor_mentions + spoken, key=lambda m: (m.start, m.end))
    found.country_place = ex.gazetteer.country(found.main_iso3) if found.main_iso3 else None
    found.capital_place = ex.gazetteer.capital(found.main_iso3) if found.main_iso3 else None
    quotes = find_quotes(body)
    found.warnings = [f"a quotation of {q.end - q.start:,} characters at offset {q.open} is longer than "
                      f"{config.MAX_QUOTE_CHARS:,}: taken for a quote mark left open, not a statement"
                      for q in quotes if q.end - q.start > config.MAX_QUOTE_CHARS]
    found.events = ex.events.find(body, found.sentences, found.dates, quotes,
                                  found.actor_mentions, found.actors, found.place_mentions,
                                  found.country_place.location_id if found.country_place else None,
                                  found.statements,
                                  found.capital_place.location_id if found.capital_place else None)
    return found


def event_rows(alert_id: str, events: list[Event]) -> list[dict]:
    return [{"event_id": f"{alert_id}-e{n}", "alert_id": alert_id, "event_date": e.event_date,
             "date_precision": e.precision, "date_text": e.date_text, "event_type": e.event_type,
             "actor1_id": e.actor1_id, "actor2_id": e.actor2_id, "location_id": e.location_id,
             "fatalities": e.fatalities, "fatalities_low": e.fatalities_low,
             "fatalities_high": e.fatalities_high, "certainty": e.certainty, "summary": e.summary,
             "char_start": e.start, "char_end": e.end}
            for n, e in enumerate(events, 1)]


def statement_rows(alert_id: str, statements: list[Statement]) -> list[dict]:
    return [{"statement_id": f"{alert_id}-q{n}", "alert_id": alert_id, "kind": s.kind,
             "speaker": s.speaker, "speaker_actor_id": s.speaker_actor_id,
             "speaker_role": s.speaker_role, "verb": s.verb, "quote": s.quote,
             "stated_on": s.stated_on, "date_precision": s.precision,
             "char_start": s.start, "char_end": s.end}
            for n, s in enumerate(statements, 1)]


def actor_rows(actors: dict[str, Actor]) -> list[dict]:
    return [{"actor_id": a.actor_id, "name": a.name, "actor_type": a.actor_type,
             "country_iso3": a.country_iso3, "affiliation_actor_id": a.affiliation_actor_id,
             "aliases": sorted({x for x in a.aliases if fold(x) != fold(a.name)})}
            for a in sorted(actors.values(), key=lambda a: a.actor_id)]


def location_rows(mentions: list[PlaceMention], extra: list[Place] = ()) -> list[dict]:
    """One row per place the story mentions, plus `extra` places its events
    fall back to (the main country when the story never names it)."""
    rows: dict[str, dict] = {}
    for m in [*mentions, *(PlaceMention(p, p.name, 0, 0, None) for p in extra)]:
        p = m.place
        row = rows.setdefault(p.location_id, {
            "location_id": p.location_id, "name": p.name, "feature_type": p.feature_type,
            "country_iso3": p.country_iso3,
            "admin1": p.name if p.feature_type == "admin1" else None,
            "latitude": p.latitude, "longitude": p.longitude, "geonames_id": p.geonames_id,
            "aliases": set()})
        if m.written and fold(m.written) != fold(p.name):
            row["aliases"].add(m.written)
    return [dict(r, aliases=sorted(r["aliases"])) for _, r in sorted(rows.items())]
