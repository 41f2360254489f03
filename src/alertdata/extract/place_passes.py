"""The passes of `PlaceFinder.find` after it has chosen among the gazetteer's
candidates, in its order: a town moves to the country its context names
(`_relocate`), a name the gazetteer lacks becomes a place by a cue word
(`_unknown`), adjectives name the story's own country (`_adjectival`), and a
qualifier joins the area after it (`_qualify`). Plain functions of the
finder, whose rules and context readers they use.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..gazetteer import Place
from .place_scan import PlaceMention, _finditer_at
from .text import fold, outside, slug

if TYPE_CHECKING:
    from .places import PlaceFinder

_SETTLEMENTS = ("city", "town", "village")
_AREAS = ("country", "admin1", "admin2", "region", "other")

# Context read around a mention, compiled once (see places.py for how its
# patterns are applied).
_QUALIFIER_BEFORE = re.compile(r"([A-Za-z\-]+)\s+$")
_WHERE_AFTER = re.compile(r"(?:,| in| in the| near)\s*(?:northern |southern |eastern |western |central )?")


def _relocate(finder: PlaceFinder, body: str, found: list[PlaceMention], options: dict, main_iso3,
              context) -> list[PlaceMention]:
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
        elif p.country_iso3 not in context and finder._cue_before(body, m.start) is not None:
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


def _adjectival(finder: PlaceFinder, body: str, main_iso3: str | None,
                found: list[PlaceMention]) -> list[PlaceMention]:
    """"Ethiopian" in a story about Ethiopia names the country, as GDELT's
    geocoder reads adjectival forms; only for the story's own country,
    where the reading is safe."""
    place = finder.gaz.country(main_iso3) if main_iso3 else None
    if place is None or main_iso3 not in finder._adjective_rx:
        return []
    adjs, pattern = finder._adjective_rx[main_iso3]
    out = []
    for m in _finditer_at(pattern, body, adjs):
        if not any(f.start < m.end() and m.start() < f.end for f in found):
            out.append(PlaceMention(place, m.group(0), m.start(), m.end(), ""))
    return out


def _unknown(finder: PlaceFinder, body, cued, found, taken, main_iso3) -> list[PlaceMention]:
    """Names the gazetteer lacks, made places by a cue word around them
    (`cued`: the runs with a kind word after or a cue before, see _read)."""
    if main_iso3 is None or not cued:
        return []
    covered = [(m.start, m.end) for m in found] + list(taken)
    out = []
    for a, b, kind, cue in outside(cued, covered, lambda c: (c[0].start, c[1].end)):
        name = body[a.start:b.end]
        if fold(name) in finder.stop or fold(name) in finder.demonyms:
            continue
        if kind is not None:
            feature = kind[1]["feature"]
        else:
            word = cue.group(0).split()[-2].rstrip("s")
            feature = finder.kind_words.get(word, {}).get("feature", "town")
        end = b.end + (1 + len(kind[0]) if kind else 0)
        place = Place(location_id=f"place-{main_iso3.lower()}-{slug(name)}", name=name,
                      feature_type=feature, country_iso3=main_iso3, admin1=None, latitude=None,
                      longitude=None, geonames_id=None, population=0, capital=False)
        out.append(PlaceMention(place, body[a.start:end], a.start, end, name))
    return out


def _qualify(finder: PlaceFinder, body: str, found: list[PlaceMention]) -> list[PlaceMention]:
    """Join a qualifier before an area ("northern Mali") to its mention."""
    out, tails = [], finder._qualifier_tails
    for m in found:
        # The pattern ends in \s+$: white space before the mention. After
        # one space, its letters end two characters before the mention, and
        # their last two, in lower case, are a qualifier's when it is one.
        s = m.start
        q = _QUALIFIER_BEFORE.search(body, max(0, s - 20), s) \
            if m.place.feature_type in _AREAS and body[s - 1:s].isspace() and (
                tails is None or s < 3 or body[s - 2].isspace() or body[s - 3:s - 1].lower() in tails) \
            else None
        if q and q.group(1).casefold() in finder.qualifiers:
            s = m.start - len(q.group(0))
            out.append(PlaceMention(m.place, body[s:m.end], s, m.end, m.written))
        else:
            out.append(m)
    return out
