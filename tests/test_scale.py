"""Archive scale: parallel extraction, the incremental cache, up-to-date
releases, partitioned Parquet, Dask, and a start-up free of heavy imports."""
from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from alertdata import cache, workers
from alertdata.pipeline import build

DATA = Path(__file__).parent / "data" / "corpus"
ALERTS = DATA / "alerts"
ETL = Path(__file__).parents[1] / "etl"


def sums(out: Path) -> str:
    return (out / "SHA256SUMS").read_text()


@pytest.fixture(scope="module")
def reference_build(tmp_path_factory) -> Path:
    """The dev corpus built in this process, with no cache involved."""
    out = tmp_path_factory.mktemp("ref") / "output"
    build([ALERTS], out, jobs=1, use_cache=False)
    return out


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "alerts"
    shutil.copytree(ALERTS, folder)
    return folder


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    """An empty extraction cache for this test alone."""
    folder = tmp_path / "cache"
    monkeypatch.setattr(cache, "store_dir", lambda: folder)
    return folder


def test_output_is_byte_identical_whatever_the_number_of_processes(reference_build, tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "DOCS_PER_WORKER", 1)    # use the pool even for 14 documents
    for jobs in (2, 3):
        out = tmp_path / f"jobs{jobs}"
        report = build([ALERTS], out, jobs=jobs, use_cache=False)
        assert report.extracted == 14
        assert sums(out) == sums(reference_build)


def test_a_rebuild_extracts_only_the_changed_document(reference_build, corpus, tmp_path, own_cache):
    out = tmp_path / "out"
    first = build([corpus], out, jobs=1)
    assert (first.extracted, first.cached) == (14, 0)
    assert sums(out) == sums(reference_build)
    changed = corpus / "ca-0421-sudan.txt"
    changed.write_bytes(changed.read_bytes().replace(b"Khartoum", b"Omdurman", 1))
    second = build([corpus], out, jobs=1)
    assert (second.extracted, second.cached) == (1, 13)
    fresh = tmp_path / "fresh"
    build([corpus], fresh, jobs=1, use_cache=False)
    assert sums(out) == sums(fresh) != sums(reference_build)


def test_a_release_built_from_the_same_inputs_is_left_alone(corpus, tmp_path, own_cache):
    out = tmp_path / "out"
    build([corpus], out, jobs=1)
    again = build([corpus], out, jobs=1)
    assert again.up_to_date and again.published and again.rows["alerts"] == 23
    assert "up to date" in again.summary()
    # a release edited by hand is rebuilt, from the cache
    (out / "csv" / "alerts.csv").write_text("tampered")
    repaired = build([corpus], out, jobs=1)
    assert not repaired.up_to_date and (repaired.extracted, repaired.cached) == (0, 14)
    assert (out / "csv" / "alerts.csv").read_text() != "tampered"
    # so is one asked for with other settings
    assert not build([corpus], out, jobs=1, partition_by="year").up_to_date


def test_changing_the_reference_data_invalidates_every_cached_result(corpus, tmp_path, own_cache, monkeypatch):
    etl = tmp_path / "etl"
    shutil.copytree(ETL, etl)
    monkeypatch.setenv("ALERTDATA_ETL", str(etl))
    build([corpus], tmp_path / "out", jobs=1)
    with (etl / "actors.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n# a reviewer's comment changes no entry but is still a new version\n")
    report = build([corpus], tmp_path / "out", jobs=1)
    assert (report.extracted, report.cached) == (14, 0)


def test_a_damaged_cache_entry_is_extracted_again(reference_build, corpus, tmp_path, own_cache, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 0)     # the copied files' hashes are kept: not read again
    build([corpus], tmp_path / "a", jobs=1)
    db = next(own_cache.glob("extract-*.sqlite"))
    import sqlite3
    with sqlite3.connect(db) as con:
        con.execute("UPDATE entries SET result = x'00' WHERE rowid = (SELECT min(rowid) FROM entries)")
    report = build([corpus], tmp_path / "b", jobs=1)
    assert (report.extracted, report.cached) == (1, 13)
    assert sums(tmp_path / "b") == sums(reference_build)


def _count_reads(monkeypatch) -> list[str]:
    from alertdata import pipeline
    read, real = [], pipeline.read_bytes
    monkeypatch.setattr(pipeline, "read_bytes", lambda src: read.append(src.source_path) or real(src))
    return read


def test_a_rebuild_reads_only_the_files_whose_status_changed(reference_build, corpus, tmp_path, own_cache,
                                                           monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 0)     # the copies were just made
    out = tmp_path / "out"
    build([corpus], out, jobs=1)
    read = _count_reads(monkeypatch)
    assert build([corpus], out, jobs=1).up_to_date and read == []
    # a same-size edit with its modification time put back is still seen (the
    # status-change time moved), and only that file is read
    changed = corpus / "ca-0421-sudan.txt"
    before = changed.stat()
    changed.write_bytes(changed.read_bytes().replace(b"Khartoum", b"Kharteum", 1))
    os.utime(changed, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert changed.stat().st_size == before.st_size
    report = build([corpus], out, jobs=1)
    assert read == ["ca-0421-sudan.txt"] and (report.extracted, report.cached) == (1, 13)
    fresh = tmp_path / "fresh"
    build([corpus], fresh, jobs=1, use_cache=False)
    assert sums(out) == sums(fresh) != sums(reference_build)


def test_a_file_changed_after_its_status_was_taken_is_read_as_it_is(reference_build, corpus, tmp_path,
                                                                    own_cache, monkeypatch):
    """Where the recorded hash no longer holds when the file is read (a
    race with an editor), the file is extracted and listed as it is now."""
    stale = "0" * 64
    monkeypatch.setattr(cache.FileHashes, "get", lambda self, path, st: stale
                        if path.endswith("ca-0421-sudan.txt") else None)
    build([corpus], tmp_path / "out", jobs=1)
    assert sums(tmp_path / "out") == sums(reference_build)
    monkeypatch.undo()
    monkeypatch.setattr(cache, "store_dir", lambda: own_cache)
    again = build([corpus], tmp_path / "other", jobs=1)     # its result was cached under its true hash
    assert (again.extracted, again.cached) == (0, 14)


def test_a_file_hash_is_kept_only_for_a_file_not_changed_just_before_it_was_read(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("x")
    st = path.stat()
    hashes = cache.FileHashes(tmp_path / "hashes.pickle")
    hashes.put(str(path), st, "1" * 64, read_at_ns=st.st_ctime_ns + cache.RACY_NS // 2)
    hashes.save()
    assert cache.FileHashes(tmp_path / "hashes.pickle").get(str(path), st) is None
    hashes.put(str(path), st, "1" * 64, read_at_ns=st.st_ctime_ns + cache.RACY_NS + 1)
    hashes.save()
    kept = cache.FileHashes(tmp_path / "hashes.pickle")
    assert kept.get(str(path), st) == "1" * 64
    path.write_text("y")               # same size, new status
    assert kept.get(str(path), path.stat()) is None
    (tmp_path / "hashes.pickle").write_bytes(b"not a pickle")
    assert cache.FileHashes(tmp_path / "hashes.pickle").get(str(path), st) is None


def test_a_process_that_builds_again_keeps_the_extractors_instead_of_forking(reference_build, tmp_path,
                                                                            monkeypatch):
    """A notebook calling build() in a loop: the first build sends its few
    documents to a forked worker (which loads the extractors while this
    process imports its writers); later ones read them here, with the
    extractors loaded once, instead of paying a new worker each time."""
    pools = []

    class Counted(workers.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(workers, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr(workers, "_RUNS", {}, raising=False)
    for k in range(3):
        build([ALERTS], tmp_path / f"out{k}", jobs=1, use_cache=False)
        assert sums(tmp_path / f"out{k}") == sums(reference_build)
    assert len(pools) == 1


def test_old_generations_are_pruned(corpus, tmp_path, own_cache, monkeypatch):
    etl = tmp_path / "etl"
    shutil.copytree(ETL, etl)
    monkeypatch.setenv("ALERTDATA_ETL", str(etl))
    single = corpus / "ca-0421-sudan.txt"
    for k in range(cache.KEEP_GENERATIONS + 2):
        (etl / "actors.yaml").write_text((ETL / "actors.yaml").read_text() + f"\n# edit {k}\n")
        build([single], tmp_path / f"out{k}", jobs=1)
    import sqlite3
    with sqlite3.connect(next(own_cache.glob("extract-*.sqlite"))) as con:
        assert con.execute("SELECT count(DISTINCT generation) FROM entries").fetchone()[0] \
            == cache.KEEP_GENERATIONS


def test_partitioned_parquet_reads_back_as_the_whole_table(reference_build, tmp_path):
    out = tmp_path / "out"
    build([ALERTS], out, jobs=1, use_cache=False, partition_by="year")
    events = out / "parquet" / "events"
    assert sorted(p.name for p in events.iterdir()) == ["year=2020", "year=2021", "year=2022",
                                                        "year=2023", "year=2024"]
    assert (out / "parquet" / "actors.parquet").is_file()      # not keyed by alert: one file
    con = duckdb.connect()
    lazy = con.sql(f"SELECT * EXCLUDE (year) FROM read_parquet('{events}/*/*.parquet', "
                   "hive_partitioning = true) ORDER BY event_id").fetchall()
    whole = con.sql(f"SELECT * FROM '{reference_build}/parquet/events.parquet' ORDER BY event_id").fetchall()
    assert lazy == whole
    by_year = con.sql(f"SELECT DISTINCT year = year(a.published_on) FROM read_parquet("
                      f"'{events}/*/*.parquet', hive_partitioning = true) e JOIN "
                      f"'{reference_build}/parquet/alerts.parquet' a USING (alert_id)").fetchall()
    assert by_year == [(True,)]
    # the CSV files, the database and the checksums are those of an unpartitioned build
    assert (out / "csv" / "events.csv").read_bytes() == (reference_build / "csv" / "events.csv").read_bytes()
    for line in sums(out).splitlines():
        assert line.split("  ", 1)[1] in {p.relative_to(out).as_posix() for p in out.rglob("*")}


def test_a_dask_cluster_gives_the_same_release(reference_build, tmp_path):
    from dask import distributed
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                                  dashboard_address=None) as cluster:
        report = build([ALERTS], tmp_path / "out", scheduler=cluster.scheduler_address, use_cache=False)
    assert report.extracted == 14
    assert sums(tmp_path / "out") == sums(reference_build)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "CONNECT_TIMEOUT", "1s")
    from alertdata.pipeline import BuildError
    with pytest.raises(BuildError, match="cannot reach the Dask scheduler"):
        build([ALERTS / "ca-0421-sudan.txt"], tmp_path / "out", scheduler="tcp://127.0.0.1:9",
              use_cache=False)


def _modules_after(code: str, env_cache: Path) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "ALERTDATA_CACHE": str(env_cache)})
    return set(out.stdout.split())


def test_help_and_a_rebuild_with_nothing_to_do_skip_the_heavy_libraries(corpus, tmp_path):
    heavy = {"pandas", "pyarrow", "pandera", "duckdb", "dask"}
    run_cli = ("from alertdata.cli import main\ntry:\n    main([{args}])\n"
               "except SystemExit as e:\n    assert not e.code, e.code\n")
    loaded = _modules_after(run_cli.format(args="'--help'"), tmp_path / "c")
    assert not heavy & loaded
    gaz = sorted(Path(__import__("alertdata.gazetteer").gazetteer.cache_dir()).glob("gazetteer-*.sqlite"))
    (tmp_path / "c").mkdir()
    for g in gaz:         # share the compiled gazetteer; compiling it is slow
        (tmp_path / "c" / g.name).symlink_to(g)
    build_args = f"'build', '{corpus}', '-o', '{tmp_path / 'out'}', '-j', '1'"
    assert "pandas" in _modules_after(run_cli.format(args=build_args), tmp_path / "c")
    assert not heavy & _modules_after(run_cli.format(args=build_args), tmp_path / "c")


def _database(path: Path) -> dict[str, list]:
    from alertdata.schemas import TABLES
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {s.name: con.sql(f"SELECT * FROM {s.name} ORDER BY ALL").fetchall() for s in TABLES}
    finally:
        con.close()


def test_the_database_is_updated_to_what_a_fresh_build_writes(corpus, tmp_path, own_cache):
    out = tmp_path / "out"
    assert not build([corpus], out, jobs=1).database_updated        # nothing to update yet
    before = _database(out / "alertdata.duckdb")
    sudan = corpus / "ca-0421-sudan.txt"
    sudan.write_bytes(sudan.read_bytes().replace(b"Khartoum", b"Omdurman"))   # places come and go
    (corpus / "ca-0105-ukraine.txt").unlink()                                  # a story goes
    shutil.copy(corpus / "ca-0315-haiti.txt", corpus / "haiti-copy.txt")       # a duplicate comes
    report = build([corpus], out, jobs=1)
    assert report.database_updated and "updated with the changed rows" in report.summary()
    fresh = tmp_path / "fresh"
    build([corpus], fresh, jobs=1, use_cache=False)
    after = _database(out / "alertdata.duckdb")
    assert after == _database(fresh / "alertdata.duckdb")
    for table in ("alerts", "locations", "location_mentions", "actor_mentions", "rejects"):
        assert after[table] != before[table], table
    assert (out / "SHA256SUMS").read_text() == (fresh / "SHA256SUMS").read_text()


def test_a_database_changed_by_hand_is_written_afresh(corpus, tmp_path, own_cache):
    out = tmp_path / "out"
    build([corpus], out, jobs=1)
    con = duckdb.connect(str(out / "alertdata.duckdb"))
    con.execute("DELETE FROM sections WHERE section_index = 1")
    con.close()
    sudan = corpus / "ca-0421-sudan.txt"
    sudan.write_bytes(sudan.read_bytes().replace(b"Khartoum", b"Omdurman"))
    assert not build([corpus], out, jobs=1).database_updated


def test_rows_kept_from_the_last_build_give_what_a_fresh_build_gives(corpus, tmp_path, own_cache):
    """Documents come back in between others: merged actors and places must
    still take their first row in document order, as a fresh build does."""
    aside = tmp_path / "aside"
    aside.mkdir()
    for name in ("ca-0105-ukraine.txt", "cw-145-burkina-ethiopia-iran.txt", "ca-1109-myanmar.html"):
        (corpus / name).rename(aside / name)
    out = tmp_path / "out"
    build([corpus], out, jobs=1)
    for p in aside.iterdir():
        p.rename(corpus / p.name)
    again = build([corpus], out, jobs=1)
    assert (again.extracted, again.cached) == (3, 11)       # the eleven rows come from the state
    fresh = tmp_path / "fresh"
    build([corpus], fresh, jobs=1, use_cache=False)
    assert sums(out) == sums(fresh)


def test_a_damaged_state_is_ignored(reference_build, corpus, tmp_path, own_cache):
    out = tmp_path / "out"
    build([corpus], out, jobs=1)
    for path in (own_cache / "state").rglob("*.arrow"):
        path.write_bytes(b"not arrow")
    sudan = corpus / "ca-0421-sudan.txt"
    sudan.write_bytes(sudan.read_bytes() + b"\n")          # a change, so the release is rebuilt
    report = build([corpus], out, jobs=1)
    assert report.published and (report.extracted, report.cached) == (1, 13)
    fresh = tmp_path / "fresh"
    build([corpus], fresh, jobs=1, use_cache=False)
    assert sums(out) == sums(fresh)


def test_a_merged_actor_takes_its_first_row_in_document_order_with_or_without_state():
    from alertdata.records import Extracted
    from alertdata.tables import assemble, doc_key

    def doc(number: int, name: str, alias: str) -> Extracted:
        doc_id = f"ca-{number}-20220506"
        rows = {"alerts": [{"alert_id": f"{doc_id}-1", "document_id": doc_id}],
                "actors": [{"actor_id": "person-x", "name": name, "actor_type": "person",
                            "aliases": [alias]}]}
        return Extracted(doc_id, f"{number}.txt", str(number) * 64, 10, rows)

    first, second = doc(1, "X One", "x1"), doc(2, "X Two", "x2")
    fresh = assemble([first, second]).tables["actors"].to_pylist()
    state = assemble([second]).state
    light = Extracted(second.document_id, second.source_path, second.source_sha256, 10, {})
    reused = assemble([first, light], state, frozenset({doc_key(second)})).tables["actors"].to_pylist()
    assert fresh == reused
    assert (fresh[0]["name"], fresh[0]["aliases"]) == ("X One", ["x1", "x2"])


def test_extractors_kept_for_the_next_build_read_as_built_ones(tmp_path, monkeypatch):
    """A one-file rebuild loads the extractors the last build pickled, instead
    of building them: they must read a document exactly as built ones do."""
    from alertdata import gazetteer
    from alertdata.extract import story
    from alertdata.pipeline import process
    from alertdata.reference import load_reference

    for compiled in gazetteer.cache_dir().glob("gazetteer-*.sqlite"):   # compiled once, shared
        (tmp_path / compiled.name).symlink_to(compiled)
    monkeypatch.setenv("ALERTDATA_CACHE", str(tmp_path))
    raw = (ALERTS / "ca-0421-sudan.txt").read_bytes()
    ref = load_reference(ETL)
    monkeypatch.setattr(story, "_BUILT", {})           # as in a new process
    story.extractors(ref, "test-generation")
    assert (tmp_path / "extractors-test-generation.pickle").exists()
    read_by_built = process("sudan.txt", raw, ref)
    # a new process: none of this one's module state (lexicons made here) helps it
    script = textwrap.dedent(f"""
        import pickle, sys
        from pathlib import Path
        from alertdata.extract import story
        from alertdata.pipeline import process
        from alertdata.reference import load_reference
        def not_built(ref):
            raise SystemExit("built again, not loaded")
        story._extractors = not_built
        ref = load_reference(Path({str(ETL)!r}))
        story.extractors(ref, "test-generation")
        raw = Path({str(ALERTS / "ca-0421-sudan.txt")!r}).read_bytes()
        sys.stdout.buffer.write(pickle.dumps(process("sudan.txt", raw, ref)))
        """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True,
                         env={**os.environ, "ALERTDATA_CACHE": str(tmp_path)})
    assert run.returncode == 0, run.stderr.decode()
    read_by_loaded = pickle.loads(run.stdout)
    assert read_by_loaded.rows["statements"] and read_by_loaded.rows["events"]
    assert read_by_loaded == read_by_built
