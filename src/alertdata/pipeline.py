"""The orchestrator. `build()` runs the stages in order:

1. discover  - input files under the given folders (ingest.discover)
2. read      - bytes, with the size cap (ingest.read_bytes)
3. ingest    - decode and normalise into lines (ingest.ingest)
4. segment   - header, stories, sections, points (segment.segment)
5. extract   - facts per story (extract/*)
6. tables    - records -> keyed DataFrames, duplicates resolved (tables.assemble)
7. validate  - pandera models, keys and spans (validate.validate_tables)
8. export    - Parquet, CSV, DuckDB, data package, codebook, checksums,
               swapped in atomically (export)

Steps 3-5 are one pure function of (path, bytes, reference data):
`process()`; only 1-2 and 8 touch files. It runs in parallel processes or on
a Dask cluster (`workers`), and its results are cached by file hash and
generation (`cache`), so a rebuild re-reads only new or changed documents; a
release already built from the same inputs is not rebuilt at all.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache, workers
from .cache import ExtractionCache, entry_key, generation
from .document import Reject
from .extract.story import actor_rows, extractors, event_rows, location_rows, statement_rows, story_facts
from .fsutil import pause_point
from .ingest import Source, discover, ingest, read_bytes, sha256
from .records import Extracted, Rejected, alert_id, doc_key, document_id, unpack
from .reference import Reference, etl_dir, load_reference
from .segment import Segmented, check_complete, check_limits, segment

if TYPE_CHECKING:
    from .tables import FreshRows

# pandas, pyarrow, pandera and duckdb (tables, validate, export) are imported
# only once a build has work for them: a rebuild with nothing to do skips them.


PARTITIONS = ("year",)   # --partition-by choices (export.write_release)
# Fresh results are written to the cache this many at a time, as they arrive.
CACHE_BATCH = 500


class BuildError(Exception):
    """The build could not publish; the message says why and what to do."""


@dataclass
class BuildReport:
    out: Path
    documents: int = 0
    stories: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    rejects: list[Rejected] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)   # (source_path, warning)
    published: bool = False
    extracted: int = 0          # documents read by the extractors in this build
    cached: int = 0             # documents whose result came from the cache
    up_to_date: bool = False    # the release was already built from these inputs
    seconds: dict[str, float] = field(default_factory=dict)   # stage -> wall-clock seconds
    database_updated: bool = False   # the previous release's database was updated, not rewritten

    def summary(self) -> str:
        """One screen: what was read, what came out, what was rejected."""
        how = ("release already up to date, nothing rebuilt" if self.up_to_date
               else f"{self.extracted} extracted, {self.cached} from cache")
        lines = [f"documents read: {self.documents} ({how})", f"stories:        {self.stories}", "rows:"]
        lines += [f"  {name:<18} {n:>8,}" for name, n in self.rows.items()]
        if self.warnings:
            lines.append(f"warnings: {len(self.warnings)}")
            lines += [f"  {path}: {w}" for path, w in self.warnings]
        lines.append(f"rejects: {len(self.rejects)}")
        lines += [f"  {r.source_path} [{r.stage}]: {r.reason}" for r in self.rejects]
        lines.append(f"published: {self.out}" if self.published else "nothing published")
        if self.published and not self.up_to_date:
            lines.append("database: " + ("the previous release's, updated with the changed rows"
                                         if self.database_updated else "written afresh"))
        if self.seconds:
            lines.append("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in self.seconds.items()))
        return "\n".join(lines)

    def to_record(self) -> dict:
        """The report as JSON-ready data, kept with the build record."""
        return {"documents": self.documents, "stories": self.stories, "rows": self.rows,
                "rejects": [asdict(r) for r in self.rejects],
                "warnings": [list(w) for w in self.warnings]}

    @classmethod
    def from_record(cls, out: Path, record: dict) -> "BuildReport":
        """The report of an earlier build of the same release, for a rebuild
        that found nothing to do."""
        return cls(out=out, documents=record["documents"], stories=record["stories"],
                   rows=dict(record["rows"]), rejects=[Rejected(**r) for r in record["rejects"]],
                   warnings=[tuple(w) for w in record["warnings"]], published=True,
                   cached=record["documents"], up_to_date=True)


# ---------------------------------------------------------------- per document

def extract_document(seg: Segmented, ref: Reference) -> Extracted:
    """Records of every table for one segmented document."""
    doc, h = seg.document, seg.header
    doc_id = document_id(h, doc.source_sha256)
    ex = extractors(ref)
    alerts, sections = [], []
    actors, actor_mentions, locations, location_mentions = [], [], [], []
    statements, events = [], []
    warnings = list(seg.warnings)
    for story in seg.stories:
        aid = alert_id(doc_id, story.story_index)
        found = story_facts(story.title, story.body, h.published_on, ex)
        warnings += [f"story {story.story_index}: {w}" for w in found.warnings]
        statements += statement_rows(aid, found.statements)
        events += event_rows(aid, found.events)
        actors += actor_rows(found.actors)
        actor_mentions += [{"alert_id": aid, "actor_id": m.actor_id, "surface": m.surface,
                            "char_start": m.start, "char_end": m.end} for m in found.actor_mentions]
        fallbacks = [p for p in (found.country_place, found.capital_place)
                     if p is not None and any(e.location_id == p.location_id for e in found.events)]
        locations += location_rows(found.place_mentions, fallbacks)
        location_mentions += [{"alert_id": aid, "location_id": m.place.location_id, "surface": m.surface,
                               "char_start": m.start, "char_end": m.end} for m in found.place_mentions]
        alerts.append({
            "alert_id": aid, "document_id": doc_id, "source_path": doc.source_path,
            "source_sha256": doc.source_sha256, "source_format": doc.source_format,
            "series": h.series, "series_as_printed": h.series_as_printed,
            "issue_number": h.issue_number, "issue_number_end": h.issue_number_end,
            "volume": h.volume, "volume_issue": h.volume_issue, "published_on": h.published_on,
            "story_index": story.story_index, "title": story.title, "issue_title": seg.issue_title,
            "authors": list(story.authors),
            "country_iso3": found.main_iso3,
            "body": story.body, "n_words": story.n_words})
        for k, s in enumerate(story.sections, 1):
            sections.append({"alert_id": aid, "section_index": k, "section": s.section,
                             "point_index": s.point_index, "heading": s.heading,
                             "char_start": s.char_start, "char_end": s.char_end})
    return Extracted(document_id=doc_id, source_path=doc.source_path,
                     source_sha256=doc.source_sha256,
                     n_words=sum(s.n_words for s in seg.stories),
                     rows={"alerts": alerts, "sections": sections, "actors": actors,
                           "actor_mentions": actor_mentions, "locations": locations,
                           "location_mentions": location_mentions, "statements": statements, "events": events},
                     warnings=tuple(warnings))


def process(source_path: str, raw: bytes, ref: Reference) -> Extracted | Rejected:
    """One input's bytes -> its records, or the reason it was rejected.
    Pure: the same arguments always give the same result."""
    digest = sha256(raw)
    try:
        doc = ingest(Source(Path(source_path), source_path), raw)
        seg = segment(doc, ref)
        check_limits(seg)
        check_complete(seg)
        return extract_document(seg, ref)
    except Reject as e:
        return Rejected(source_path, digest, e.stage, e.reason)
    except Exception as e:  # a bug must cost one document, never the build
        return Rejected(source_path, digest, "extract",
                        f"internal error ({type(e).__name__}: {e}); please report this file")


def _unreadable_sha(source: Source) -> str | None:
    """Hash a file that was not read into memory (over the size cap)."""
    try:
        with source.path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class Input:
    """One discovered file: its hash and bytes, or why it could not be read.
    The bytes of a file whose hash came from `FileHashes` are read only if it
    must be extracted (`with_bytes`)."""
    source_path: str
    sha256: str | None
    raw: bytes | None = None
    unreadable: Rejected | None = None
    source: Source | None = None

    def with_bytes(self) -> Input:
        """This input with its bytes, read now if they were not (and hashed
        again: a file changed since its status was taken is read as it is now)."""
        if self.raw is not None or self.unreadable is not None or self.source is None:
            return self
        return read_inputs([self.source])[0]


def read_inputs(sources: list[Source], hashes: cache.FileHashes | None = None) -> list[Input]:
    """Each source's hash and bytes; with `hashes`, the files whose status is
    as recorded are not read (their hash is the recorded one), and the others
    are recorded."""
    out = []
    for src in sources:
        st = None
        if hashes is not None:
            where = os.path.abspath(src.path)
            try:
                st = os.stat(where)
            except OSError:          # read_bytes says why
                pass
            else:
                known = hashes.get(where, st)
                if known is not None:
                    out.append(Input(src.source_path, known, source=src))
                    continue
        read_at = time.time_ns()
        try:
            raw = read_bytes(src)
        except Reject as e:
            sha = _unreadable_sha(src)
            out.append(Input(src.source_path, sha, unreadable=Rejected(src.source_path, sha, e.stage, e.reason)))
            continue
        digest = sha256(raw)
        if st is not None:
            hashes.put(where, st, digest, read_at)
        out.append(Input(src.source_path, digest, raw, source=src))
    return out


def read_all(sources: list[Source], ref: Reference) -> list[Extracted | Rejected]:
    """Every input's result, in this process (for tests and small jobs)."""
    return [i.unreadable or process(i.source_path, i.raw, ref) for i in read_inputs(sources)]


def _state_key(i: Input) -> str:
    return f"{i.source_path}\0{i.sha256}"        # = tables.doc_key of its result


class Extraction:
    """The documents a build must extract, sent to the workers as soon as
    they are known: those neither in the last build's state (`known`, whose
    rows the state holds) nor in the cache for this generation. They are
    read (in `jobs` local processes, or on the Dask cluster at `scheduler`)
    while the build imports its writers; `results` gathers everything."""

    def __init__(self, inputs: list[Input], etl_folder: Path, gen: str, *, jobs: int,
                 scheduler: str | None, store: ExtractionCache | None, known: dict | None = None):
        self.inputs, self.etl_folder, self.gen = inputs, etl_folder, gen
        self.jobs, self.scheduler, self.store, self.known = jobs, scheduler, store, known or {}
        readable = [i for i in inputs if i.unreadable is None and _state_key(i) not in self.known]
        self.keys = {i.source_path: entry_key(gen, i.source_path, i.sha256) for i in readable}
        stored = store.has_many(list(self.keys.values())) if store else set()
        self.cached = [i for i in readable if self.keys[i.source_path] in stored]
        self.todo = self._read(i for i in readable if self.keys[i.source_path] not in stored)
        self._run = self._start(self.todo)

    def _read(self, todo) -> list[Input]:
        """The inputs to extract, with their bytes. A file changed since its
        status was taken is extracted as it is now, and one that can no longer
        be read is listed as unreadable instead."""
        out, changed = [], {}
        for i in todo:
            read = i.with_bytes()
            if read.unreadable is not None or read.sha256 != i.sha256:
                changed[i.source_path] = replace(read, raw=None)
                if read.unreadable is not None:
                    continue
                self.keys[read.source_path] = entry_key(self.gen, read.source_path, read.sha256)
            out.append(read)
        if changed:
            self.inputs = [changed.get(x.source_path, x) for x in self.inputs]
        return out

    def _start(self, todo: list[Input]):
        items = [(i.source_path, i.raw) for i in todo]
        if self.scheduler:
            return workers.run_dask(items, self.etl_folder, self.scheduler, self.gen)
        return workers.run_local(items, self.etl_folder, self.jobs, self.gen)

    def close(self) -> None:
        """Stop the workers (when the build fails before taking their results)."""
        self._run.close()

    def results(self, report: BuildReport, fresh: FreshRows) -> list[Extracted | Rejected]:
        """Each input's result without its rows, in input order: from
        `known`, from the cache, or extracted (and then cached). The rows of
        every document not in `known` go into `fresh` as its result arrives
        (the workers hand them over as Arrow tables; cached ones are
        converted here), so no more than a batch of them is held as Python
        objects."""
        done: dict[str, Extracted | Rejected] = {}

        def take(path: str, blob: bytes | None) -> bool:
            if blob is None:                  # pruned by another build meanwhile
                return False
            try:
                result = unpack(blob)
            except ValueError:      # a damaged cache entry costs a re-extraction, nothing else
                return False
            if isinstance(result, Extracted):
                fresh.add(result)
                result = result.without_rows()
            done[path] = result
            return True

        blobs = self.store.get_many([self.keys[i.source_path] for i in self.cached]) if self.store else {}
        again = self._read(i for i in self.cached if not take(i.source_path, blobs.get(self.keys[i.source_path])))
        del blobs
        self._gather(self._run, self.todo, done, fresh)
        if again:
            self._gather(self._start(again), again, done, fresh)
        report.extracted = len(self.todo) + len(again)
        report.cached = sum(i.unreadable is None for i in self.inputs) - report.extracted
        self.todo = self.cached = []           # (their bytes are no longer needed)
        return [i.unreadable or self.known.get(_state_key(i)) or done[i.source_path] for i in self.inputs]

    def _gather(self, run, todo: list[Input], done: dict, fresh: FreshRows) -> None:
        paths = iter(i.source_path for i in todo)
        unsaved: list[tuple[str, bytes]] = []
        try:
            for batch in run:
                batch_paths = [next(paths) for _ in batch.results]
                done.update(zip(batch_paths, batch.results))
                if batch.rows is None:            # left in the packed results by the worker
                    for result, blob in zip(batch.results, batch.packed):
                        if isinstance(result, Extracted):
                            fresh.add(unpack(blob))
                else:
                    fresh.add_converted([doc_key(r) for r in batch.results if isinstance(r, Extracted)],
                                        batch.rows)
                if self.store:
                    unsaved += [(self.keys[p], blob) for p, blob in zip(batch_paths, batch.packed)]
                    if len(unsaved) >= CACHE_BATCH:
                        self.store.put_many(unsaved)
                        unsaved = []
        except workers.WorkerError as e:
            raise BuildError(str(e)) from e
        if self.store and unsaved:
            self.store.put_many(unsaved)


def _fingerprint(gen: str, inputs: list[Input], settings: dict) -> str:
    h = hashlib.sha256(gen.encode() + json.dumps(settings, sort_keys=True).encode())
    for i in inputs:
        h.update(f"\0{i.source_path}\0{i.sha256}\0{i.unreadable.reason if i.unreadable else ''}".encode())
    return h.hexdigest()


# ---------------------------------------------------------------- build

class _Clock:
    """Wall-clock seconds per stage, for the report."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._last
        self._last = now


def build(inputs, out="output", *, strict: bool = False, jobs: int | None = None,
          scheduler: str | None = None, use_cache: bool = True,
          partition_by: str | None = None) -> BuildReport:
    """Build a release from input files/folders into `out` (see module doc).

    Rejected inputs are reported in the `rejects` table and the report
    (a build whose every input is rejected still publishes them); with
    `strict`, any reject stops the build before publishing. Raises
    BuildError when nothing can be published; `out` is then untouched.

    `jobs` processes extract documents (default: the machine's cores), or a
    Dask cluster does at `scheduler`; only documents not in the cache are
    extracted (`use_cache=False` re-reads all and leaves the cache alone),
    and a release already built from the same inputs is left as it is.
    `partition_by="year"` also writes Parquet partitioned by publication year."""
    inputs = [Path(p) for p in (inputs or ["seeds"])]
    out = Path(out)
    if partition_by not in (None, *PARTITIONS):
        raise BuildError(f"unknown partitioning {partition_by!r}; choose one of {', '.join(PARTITIONS)}")
    etl_folder = etl_dir().resolve()
    # Broken reference data stops the build before any input is read: a
    # ReferenceError names the file, line and entry. About 0.1 s cold, paid by
    # an up-to-date rebuild too (it must read every input to know it is one).
    load_reference(etl_folder)
    try:
        sources = discover(inputs)
    except FileNotFoundError as e:
        raise BuildError(f"{e}; give files or folders of alerts") from e
    if not sources:
        raise BuildError(f"no input files under {', '.join(map(str, inputs))}")
    clock = _Clock()
    hashes = cache.FileHashes() if use_cache else None
    read = read_inputs(sources, hashes)
    if hashes:
        hashes.save()
    clock.lap("read")
    gen = generation(etl_folder)
    fingerprint = _fingerprint(gen, read, {"strict": strict, "partition_by": partition_by})
    if use_cache:
        cache.clean_state_leftovers()
        if (recorded := cache.recorded_build(out, fingerprint)) is not None:
            return BuildReport.from_record(out, recorded)
    report = BuildReport(out=out, documents=len(sources), seconds=clock.seconds)
    state = cache.load_state(out, gen) if use_cache else None
    known, state_tables = (state.results, state.tables) if state else ({}, None)
    workbook_chunks = state.workbook if state else {}
    del state
    store = cache.ExtractionCache(gen) if use_cache else None
    extraction = db_copy = None
    try:
        extraction = Extraction(read, etl_folder, gen, jobs=jobs or workers.default_jobs(),
                                scheduler=scheduler, store=store, known=known)
        from . import export      # (its imports take a second, while the workers read)

        # the previous release's database, copied in the background while the
        # build reads, to be updated with the changed rows
        previous_db = cache.reusable_database(out, gen, export.DB_NAME) if use_cache else None
        db_copy = export.DatabaseCopy(previous_db, out) if previous_db else None
        return _read_check_publish(read, out, gen, extraction, fingerprint, report, clock,
                                   known, state_tables, workbook_chunks, db_copy, strict=strict,
                                   use_cache=use_cache, partition_by=partition_by, n_sources=len(sources))
    finally:
        if extraction:
            extraction.close()
        if store:
            store.close()
        if db_copy:
            db_copy.discard()


def _read_check_publish(read: list[Input], out: Path, gen: str, extraction: Extraction, fingerprint: str,
                        report: BuildReport, clock: _Clock, known: dict, state_tables: dict | None,
                        workbook_chunks: dict, db_copy, *, strict: bool, use_cache: bool,
                        partition_by: str | None, n_sources: int) -> BuildReport:
    """The rest of `build` once the inputs are read and the last build's
    state is loaded: extract, assemble, validate, publish, keep the state."""
    from .tables import FreshRows, assemble

    fresh = FreshRows()
    results = extraction.results(report, fresh)
    if extraction.store:
        extraction.store.touch_and_prune()
    read[:] = []                # the inputs' bytes are no longer needed (the caller shares this list)
    clock.lap("extract")
    from_state = frozenset(k for k, r in known.items() if isinstance(r, Extracted))
    assembled = assemble(results, state_tables, from_state, fresh)
    rejected_read = [r for r in results if isinstance(r, Rejected)]
    del results, fresh
    state_tables = None
    clock.lap("tables")
    report.rejects = assembled.rejected
    report.warnings = [(d.source_path, w) for d in assembled.kept for w in d.warnings]
    if strict and assembled.rejected:
        raise BuildError(f"--strict: {len(assembled.rejected)} input(s) rejected, nothing published:\n"
                         + "\n".join(f"  {r.source_path} [{r.stage}]: {r.reason}"
                                     for r in assembled.rejected))
    if not assembled.kept:   # still published: the rejects table accounts for every input
        report.warnings.append(("*", f"no alerts: all {n_sources} input(s) were rejected"))
    # the rows are kept for the next build while this one validates and writes
    state = cache.StateWriter(out, gen, assembled.state) if use_cache else None
    try:
        return _validate_and_publish(assembled, rejected_read, out, gen, fingerprint, report, clock,
                                     workbook_chunks, db_copy, partition_by=partition_by, state=state)
    finally:
        if state:
            state.discard()


def _validate_and_publish(assembled, rejected_read: list[Rejected], out: Path, gen: str, fingerprint: str,
                          report: BuildReport, clock: _Clock, workbook_chunks: dict, db_copy, *,
                          partition_by: str | None, state: cache.StateWriter | None) -> BuildReport:
    """Validate and write the assembled tables, swap the release in, record
    the build and keep its state."""
    from . import export
    from .validate import ValidationFailed, validate_tables

    # Validation runs beside the writing of the release (both mostly outside
    # the GIL, in Arrow, pandas, DuckDB and zlib); the release is swapped in
    # only when the tables passed. Should invalid rows also make a writer
    # fail (a key DuckDB refuses), the validation report is what is raised.
    tables = assembled.tables
    with ThreadPoolExecutor(1) as checker:
        checked = checker.submit(validate_tables, tables, assembled.fresh)
        try:
            with export.staging(out) as tmp:     # holds the lock on `out`
                try:
                    written = export.write_release(tables, tmp, partition_by=partition_by,
                                                   previous_db=db_copy, workbook_chunks=workbook_chunks,
                                                   changed_alerts=assembled.changed_alerts)
                except Exception:
                    checked.result()             # a validation failure explains it better
                    raise
                checked.result()
                clock.lap("validate and export")
                report.database_updated = written.database_updated
                cache.forget_build(out)
                pause_point("swap")
                export.swap_in(tmp, out)
        except ValidationFailed as e:
            report_path = out.parent / f"{out.name}-validation-report.md"
            report_path.parent.mkdir(parents=True, exist_ok=True)
            report_path.write_text(e.report, encoding="utf-8")
            raise BuildError(f"validation failed ({e.n_failures} failure(s)); nothing published, "
                             f"{out} is unchanged. Details: {report_path}") from e
        except export.PublishError as e:
            raise BuildError(str(e)) from e
    clock.lap("publish")
    report.rows = {name: t.num_rows for name, t in tables.items()}
    report.stories = tables["alerts"].num_rows
    report.published = True
    if state:
        cache.record_build(out, fingerprint, gen, report.to_record())
        state.finish({doc_key(r): r for r in assembled.kept + rejected_read}, written.workbook_chunks)
    return report


def inspect_file(path) -> tuple[Segmented | None, Extracted | Rejected]:
    """How one file is read: its segmentation and its records (or reject)."""
    path = Path(path)
    ref = load_reference()
    raw = path.read_bytes()
    result = process(path.name, raw, ref)
    seg = None
    if isinstance(result, Extracted):
        seg = segment(ingest(Source(path, path.name), raw), ref)
    return seg, result


__all__ = ["build", "process", "inspect_file", "BuildReport", "BuildError"]
