"""Where the per-document step runs: in this process, in a pool of local
processes (`--jobs`), or on a Dask distributed cluster (`--scheduler`).

The step, `pipeline.process`, is a pure function of (path, bytes, reference
data), so where it runs cannot change a result; results always come back in
input order, which keeps the published output byte-identical whatever the
number of processes or machines. They come back packed (`records.pack`):
compact bytes that the build stores in its cache as they are and reads
several times faster than the records themselves.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .fsutil import pause_point

# A process pool pays off only when each worker gets a few documents.
DOCS_PER_WORKER = 8
# Documents per task sent to a worker: large enough to amortise the round
# trip, small enough to balance the load at the end of a build.
BATCH = 16
# How long to keep trying to reach a Dask scheduler before giving up.
CONNECT_TIMEOUT = "30s"
# A worker's young-generation collection threshold (Python's default is 700).
# Extracting a document allocates and frees tens of thousands of objects,
# nearly all freed by reference counting, yet at 700 the collector ran a
# young collection every three or four documents: ~2% of a worker's time,
# finding next to no cycles. At this threshold it runs every few hundred
# documents, and the few cycles wait that long (well under a MB).
WORKER_GC_THRESHOLD = 50_000


class WorkerError(Exception):
    """A worker cannot produce results that match this build."""


def default_jobs() -> int:
    """The cores this process may use (the CPU affinity mask where known)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:   # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Batch:
    """What a worker hands back for a batch of documents: each result
    without its rows (in input order), each result packed for the cache
    (`records.pack`), and all their rows already as Arrow tables, tagged
    with their document (`tables.FreshRows`): the build process stores the
    bytes and appends the tables without turning a row into Python objects.
    `rows` is None when the worker left the rows in the packed results (a
    lone worker reading a few documents: the build converts them, and the
    worker starts sooner without importing the table schemas)."""
    results: list
    packed: list[bytes]
    rows: dict | None


def extract_batch(items: list[tuple[str, bytes]], ref, convert: bool = True) -> Batch:
    """`pipeline.process` for each (source_path, bytes), as a Batch (with
    `convert`, its rows as Arrow tables too)."""
    from .pipeline import process
    from .records import Extracted, pack

    results, packed = [], []
    if convert:
        from .tables import FreshRows
        rows = FreshRows(batch_rows=1 << 60)
    for path, raw in items:
        result = process(path, raw, ref)
        if isinstance(result, Extracted):
            columns = result.by_column()         # (turned by column once, for both)
            if convert:
                rows.add(result, columns)
            packed.append(pack(result, columns))
            result = result.without_rows()
        else:
            packed.append(pack(result))
        results.append(result)
    return Batch(results, packed, rows.tables() if convert else None)


# ---------------------------------------------------------------- local

_POOL_ETL: Path | None = None
_POOL_GENERATION: str | None = None
_POOL_CONVERT = True


def _pool_init(etl_folder: str, generation: str | None, convert: bool, parent: int) -> None:
    global _POOL_ETL, _POOL_GENERATION, _POOL_CONVERT
    _POOL_ETL, _POOL_GENERATION, _POOL_CONVERT = Path(etl_folder), generation, convert
    _die_with(parent)
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


def _die_with(parent: int) -> None:
    """Have the kernel stop this worker when the build that started it dies
    (killed, say, by the OOM killer): a worker left writing to a pipe whose
    reader is gone would wait forever (Linux only)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:        # died before the request was made
        os._exit(1)


def _extract_batch_local(batch: list[tuple[str, bytes]]) -> Batch:
    from .extract.story import extractors
    from .reference import load_reference

    ref = load_reference(_POOL_ETL)
    extractors(ref, _POOL_GENERATION)      # inherited from the parent, or loaded or built here
    return extract_batch(batch, ref, _POOL_CONVERT)


def _batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


class LocalRun:
    """The batches of a `run_local`, in order, as they come; `close` stops
    the workers (and is called when the last batch has been taken)."""

    def __init__(self, batches: Iterator[Batch], pool: ProcessPoolExecutor | None = None):
        self._batches, self._pool = batches, pool

    def __iter__(self) -> Iterator[Batch]:
        try:
            for batch in self._batches:
                yield batch
                pause_point("extract")
        finally:
            self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            gc.unfreeze()


_RUNS: dict[str | None, int] = {}     # local runs this process has started, by generation


def run_local(items: list[tuple[str, bytes]], etl_folder: Path, jobs: int,
              generation: str | None = None) -> LocalRun:
    """The results of `process` for the (source_path, bytes) items, in
    batches, using up to `jobs` processes, started at once: the workers are
    at it while the caller goes on (a rebuild imports its writers meanwhile).

    Where processes fork (Linux), even a few documents go to a worker, and
    the extractors are loaded there (from the pickle the last build of this
    `generation` kept, `story.extractors`) while this process does the rest
    of the build's work; several workers inherit the extractors built here
    once, before they are forked, instead of each building their own. Where
    they do not, or where this process builds again (a notebook calling
    `build` in a loop: from its second build on it keeps the extractors
    itself rather than have a new worker load them each time), a few
    documents are read in this process when iterated."""
    from .extract.story import extractors
    from .reference import load_reference

    if not items:
        return LocalRun(iter(()))
    ref = load_reference(etl_folder)
    workers = min(jobs, len(items) // DOCS_PER_WORKER)
    fork = "fork" in multiprocessing.get_all_start_methods()
    _RUNS[generation] = again = _RUNS.get(generation, 0) + 1
    if workers <= 1 and (not fork or again > 1):
        extractors(ref, generation)
        return LocalRun(extract_batch(batch, ref) for batch in _batches(items, BATCH))
    workers = max(1, workers)
    if workers > 1 and fork:
        extractors(ref, generation)      # built once, before the workers are forked
    # The reference data and extractors live as long as the process: out of
    # the collector's sight, its full collections no longer walk them (a few
    # percent of the extraction time), and forked workers keep sharing their
    # memory pages instead of copying them as the collector touches them.
    gc.freeze()
    context = multiprocessing.get_context("fork" if fork else None)
    size = max(1, min(BATCH, len(items) // (workers * 4)))
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_pool_init,
                               initargs=(str(etl_folder), generation, workers > 1, os.getpid()))
    try:
        batches = pool.map(_extract_batch_local, _batches(items, size))   # submitted now
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        gc.unfreeze()
        raise
    return LocalRun(batches, pool)


# ---------------------------------------------------------------- Dask

def reference_files(etl_folder: Path) -> dict[str, bytes]:
    """The reference data as bytes, to ship to workers."""
    folder = Path(etl_folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@lru_cache(maxsize=4)
def _materialise(ref_hash: str, files: tuple[tuple[str, bytes], ...]) -> Path:
    """Write shipped reference data to a folder on the worker (once)."""
    from .gazetteer import cache_dir

    target = cache_dir() / f"etl-{ref_hash[:16]}"
    if not target.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".etl-", dir=target.parent))
        for name, data in files:
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        try:
            os.rename(tmp, target)
        except OSError:          # another worker got there first
            shutil.rmtree(tmp, ignore_errors=True)
    return target


@lru_cache(maxsize=4)
def _generation(folder: str) -> str:
    from .cache import generation
    return generation(Path(folder))


def extract_batch_remote(batch: list[tuple[str, bytes]], ref_hash: str,
                         ref_files: tuple[tuple[str, bytes], ...]) -> tuple[str, Batch]:
    """Run on a Dask worker: one Batch with the client's reference data, and
    the worker's generation (code, data and library versions), which the
    client checks against its own."""
    from .reference import load_reference

    folder = _materialise(ref_hash, ref_files)
    ref = load_reference(folder)
    return _generation(str(folder)), extract_batch(batch, ref)


def run_dask(items: list[tuple[str, bytes]], etl_folder: Path, address: str,
             expected: str) -> Iterator[Batch]:
    """Batches of results of `process` on a Dask distributed cluster, in
    input order. The workers need the same alertdata version installed; the
    reference data is shipped to them with the work."""
    try:
        from dask.distributed import Client
    except ImportError as e:
        raise WorkerError("--scheduler needs Dask: pip install 'alertdata[dask]'") from e
    from .cache import reference_hash

    if not items:
        return
    ref_hash = reference_hash(etl_folder)
    files = tuple(reference_files(etl_folder).items())
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except OSError as e:
        raise WorkerError(f"cannot reach the Dask scheduler at {address} ({e}); "
                          "start one (`dask scheduler`) or check the address") from e
    with client:
        [shipped] = client.scatter([files], broadcast=True)   # one object, on every worker
        futures = [client.submit(extract_batch_remote, batch, ref_hash, shipped, pure=False)
                   for batch in _batches(items, BATCH)]
        for future in futures:          # in input order, each as soon as it is done
            worker_generation, batch = future.result()
            if worker_generation != expected:
                raise WorkerError("a Dask worker runs different alertdata code or library versions "
                                  f"(generation {worker_generation}, this build {expected}); install "
                                  "the same alertdata version on every worker")
            yield batch
            pause_point("extract")
