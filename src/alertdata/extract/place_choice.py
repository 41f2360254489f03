"""Which place a name read by `PlaceFinder` is, among the gazetteer's
candidates for it, or none: the story decides (step 3 of `places`). A place
in a country the story names beats a bigger one elsewhere; a place outside
them must be a capital or a large city. A plain function of the finder,
whose context readers it calls only where they decide.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from ..config import FOREIGN_MIN_POPULATION, LOCAL_MIN_POPULATION, OTHER_MIN_POPULATION
from ..gazetteer import _keys
from .place_scan import PlaceMention

if TYPE_CHECKING:
    from .places import PlaceFinder


# Context read around a candidate, compiled once (see places.py for how its
# patterns are applied).
_SENTENCE_START = re.compile(r"(^|[.!?\"“”]\s*|\n\s*)$")
_ACRONYM_AFTER = re.compile(r"\s*\([A-Z]{2,}\)")


@lru_cache(maxsize=65_536)
def _name_keys(name: str) -> frozenset[str]:
    """`_keys` of a place name: the keys by which it is its primary name."""
    return frozenset(_keys(name))


def _choose(finder: PlaceFinder, body, s, e, cands, partial, tokens, key, natural, lenient, context,
            main_iso3) -> PlaceMention | None:
    kind = finder._kind_after(body, e) if body[e + 1:e + 1 + finder._kind_head_len] in finder._kind_heads else None
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
            or finder._locative_before(body, s)
    elif local:
        if best.population >= OTHER_MIN_POPULATION or best.capital:
            ok = True
            if best.population < 20_000 and tokens == 1:
                # a capitalised first word is weak evidence
                ok = not (_sentence_start(body, s) and not finder._locative_before(body, s))
        else:
            # (then the first-word rule never applies: it needs no locative)
            ok = best.population >= LOCAL_MIN_POPULATION and finder._locative_before(body, s)
    else:
        ok = best.capital or best.population >= FOREIGN_MIN_POPULATION
    if not ok:
        return None
    written = body[s:e]
    if kind is not None:
        e = e + 1 + len(kind[0])
    return PlaceMention(best, body[s:e], s, e, written)


def _sentence_start(body: str, s: int) -> bool:
    return _SENTENCE_START.search(body[max(0, s - 3):s]) is not None
