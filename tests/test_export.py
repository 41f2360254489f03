"""What users open: Parquet, CSV, DuckDB, the data package, schemas/."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from alertdata.export import codebook, write_schemas
from alertdata.pipeline import build
from alertdata.schemas import TABLES

ROOT = Path(__file__).parents[1]
ALERTS = Path(__file__).parent / "data" / "corpus" / "alerts"


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "output"
    build([ALERTS], out)
    return out


def test_parquet_reads_back_with_pandas_pyarrow_and_duckdb(release):
    path = release / "parquet" / "alerts.parquet"
    df = pd.read_parquet(path)
    assert len(df) == 23 and list(df["authors"].iloc[-1])          # a list column reads as a list
    assert pq.read_table(path).schema.field("published_on").type == "date32[day]"
    assert pq.read_table(path).schema.metadata is None               # no pandas metadata
    n = duckdb.connect().execute(f"select count(*) from '{path}'").fetchone()[0]
    assert n == 23


def test_csv_is_rfc4180_and_matches_parquet(release):
    with (release / "csv" / "alerts.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    parquet = pd.read_parquet(release / "parquet" / "alerts.parquet")
    assert [r["alert_id"] for r in rows] == list(parquet["alert_id"])
    assert [r["body"] for r in rows] == list(parquet["body"])       # embedded newlines survive
    seed = next(r for r in rows if r["alert_id"].startswith("ca-508-"))
    assert seed["title"] == "" and seed["volume"] == ""               # nulls are empty
    weekly = next(r for r in rows if r["alert_id"] == "cw-145-20221013-1")
    assert weekly["authors"] == "Ananya Rao; Farhan Qureshi; Tsion Alemu"
    assert (release / "csv" / "alerts.csv").read_bytes().count(b"\r\n") >= 24


def test_duckdb_has_every_table_and_enforces_keys(release, tmp_path):
    db = tmp_path / "copy.duckdb"
    db.write_bytes((release / "alertdata.duckdb").read_bytes())
    con = duckdb.connect(str(db))
    assert con.execute("select count(*) from alerts").fetchone()[0] == 23
    assert con.execute("select count(*) from sections").fetchone()[0] == len(
        pd.read_parquet(release / "parquet" / "sections.parquet"))
    with pytest.raises(duckdb.ConstraintException):
        con.execute("insert into alerts select * from alerts limit 1")
    with pytest.raises(duckdb.ConstraintException):
        con.execute("insert into sections values ('no-such-alert', 1, 'other', null, null, 0, 1)")
    comment = con.execute("select comment from duckdb_columns() where table_name='alerts' "
                      "and column_name='body'").fetchone()[0]
    assert "offsets" in comment or "char_start" in comment


def test_duckdb_views_join_names_and_places(release):
    con = duckdb.connect(str(release / "alertdata.duckdb"), read_only=True)
    events = pd.read_parquet(release / "parquet" / "events.parquet")
    assert con.execute("select count(*) from events_full").fetchone()[0] == len(events)
    named, located = con.execute(
        "select count(actor1_name), count(latitude) from events_full").fetchone()
    assert named == events.actor1_id.notna().sum() and located > 0
    statements = con.execute("select count(*), count(speaker_name) from statements_full").fetchone()
    assert statements[0] == len(pd.read_parquet(release / "parquet" / "statements.parquet"))
    assert statements[1] > 0
    assert con.execute("select comment from duckdb_views() where view_name = 'events_full'"
                       ).fetchone()[0]


def test_data_package_validates_with_frictionless(release):
    from frictionless import validate

    report = validate(str(release / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((release / "datapackage.json").read_text())
    assert [r["name"] for r in package["resources"]] == [t.name for t in TABLES]
    alerts = package["resources"][0]
    assert alerts["schema"]["primaryKey"] == ["alert_id"] and alerts["hash"].startswith("sha256:")


def test_checksums_cover_every_file_but_the_database(release):
    listed = {line.split("  ", 1)[1] for line in (release / "SHA256SUMS").read_text().splitlines()}
    files = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()}
    assert listed == files - {"SHA256SUMS", "alertdata.duckdb"}


def test_codebook_documents_every_column():
    text = codebook()
    for spec in TABLES:
        assert f"## {spec.name}" in text
        for column in spec.columns():
            assert f"`{column}`" in text


def test_published_schemas_are_current(tmp_path):
    """schemas/ is generated: run `alertdata schemas` after changing a model."""
    for path in write_schemas(tmp_path):
        committed = ROOT / "schemas" / path.name
        assert committed.exists(), f"{committed} missing: run `alertdata schemas`"
        assert committed.read_text() == path.read_text(), f"{committed} is stale: run `alertdata schemas`"


def test_parquet_bytes_do_not_depend_on_how_the_rows_are_chunked(tmp_path):
    """A rebuild's tables are slices of the last build's rows with the new
    ones between them; Arrow's writer closes pages where chunks end, so the
    same rows in other chunks gave other Parquet bytes at archive scale."""
    import pyarrow as pa

    from alertdata.export import write_parquet

    n = 200_000
    table = pa.table({"alert_id": [f"cw-{k // 7}-20240501-1" for k in range(n)],
                      "summary": [f"On {k % 28 + 1} May, something happened ({k})." for k in range(n)]})
    write_parquet(table, tmp_path / "whole.parquet")
    for cut in (1_001, 5_000, 20_000, 30_001, 50_001):  # (where the text dictionary fills up)
        pieces = pa.concat_tables([table.slice(0, cut), table.slice(cut, 3), table.slice(cut + 3)])
        write_parquet(pieces, tmp_path / "pieces.parquet")
        assert (tmp_path / "whole.parquet").read_bytes() == (tmp_path / "pieces.parquet").read_bytes(), cut
