"""`alertdata query`: read-only SQL over a release, as a table, CSV or JSON;
no query can change the release, touch other files or unlock the settings."""
from __future__ import annotations

import csv
import decimal
import hashlib
import io
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from alertdata import export, query
from alertdata.cli import main
from alertdata.pipeline import build
from alertdata.query import DB_NAME, READ_ONLY, QueryError, connect, run_query

DATA = Path(__file__).parent / "data" / "corpus"
INPUTS = [DATA / "alerts" / "cw-145-burkina-ethiopia-iran.txt",
          DATA / "alerts" / "ca-0402-mozambique.md",
          DATA / "bad" / "empty.txt"]
TABLES = ["actor_mentions", "actors", "alerts", "events", "location_mentions", "locations",
          "rejects", "sections", "statements"]


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder`, the database included."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def sums_verify(out: Path) -> bool:
    lines = (out / "SHA256SUMS").read_text().splitlines()
    assert lines
    for line in lines:
        digest, rel = line.split("  ", 1)
        if hashlib.sha256((out / rel).read_bytes()).hexdigest() != digest:
            return False
    return True


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    out = tmp_path_factory.mktemp("query") / "out"
    build(INPUTS, out, jobs=1)
    return out, snapshot(out)


@pytest.fixture
def out(release) -> Path:
    return release[0]


def direct(out: Path, sql: str) -> tuple[list[str], list[tuple]]:
    """The same query through a plain read-only DuckDB connection."""
    con = duckdb.connect(str(out / DB_NAME), read_only=True)
    try:
        cursor = con.execute(sql)
        return [d[0] for d in cursor.description], cursor.fetchall()
    finally:
        con.close()


def cli(*args: str, input: str | None = None):
    return CliRunner().invoke(main, ["query", *args], input=input)


def ok(*args: str, input: str | None = None) -> str:
    result = cli(*args, input=input)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode("utf-8")      # .output would turn CRLF into LF


def failed(*args: str) -> str:
    """The message of a query that must fail cleanly: exit 1, `Error: ...`."""
    result = cli(*args)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.output.startswith("Error: ") and "Traceback" not in result.output
    return result.output


def test_constants_agree_with_the_exporter():
    assert query.DB_NAME == export.DB_NAME
    assert query.LIST_SEPARATOR == export.LIST_SEPARATOR


def test_the_cli_does_not_import_duckdb_until_a_query_runs():
    code = "import sys, alertdata.cli; print('duckdb' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "False", proc.stderr


# ---------------------------------------------------------------- table

def test_table_is_aligned_with_a_row_count(out):
    sql = "SELECT series, count(*) AS n FROM alerts GROUP BY 1 ORDER BY 1"
    lines = ok(sql, "--build", str(out)).splitlines()
    _, rows = direct(out, sql)
    assert lines[0].split() == ["series", "n"]
    assert set(lines[1]) == {"-", " "}
    assert lines[-1] == f"({len(rows)} rows)" and len(lines) == 2 + len(rows) + 1
    width = max(len(r[0]) for r in rows + [("series",)])
    for line, (series, n) in zip(lines[2:], rows):
        assert line[:width].rstrip() == series                # text left-aligned
        assert line.endswith(f"  {n}") and len(line) == len(lines[1])   # numbers right-aligned


def test_table_shows_at_most_max_rows_and_counts_the_rest(out):
    sql = "SELECT * FROM sections ORDER BY alert_id, section_index"
    _, rows = direct(out, sql)
    assert len(rows) > 6
    lines = ok(sql, "-b", str(out), "--max-rows", "5").splitlines()
    assert len(lines) == 2 + 5 + 2
    assert lines[2].split()[0] == rows[0][0] and lines[6].split()[1] == str(rows[4][1])
    assert lines[-2].startswith(f"… {len(rows) - 5} more rows not shown")
    assert lines[-1] == f"({len(rows)} rows)"
    everything = ok(sql, "-b", str(out), "--max-rows", "0").splitlines()
    assert len(everything) == 2 + len(rows) + 1 and "not shown" not in "\n".join(everything)


def test_table_shows_40_rows_by_default(out):
    lines = ok("SELECT range AS i FROM range(100)", "-b", str(out)).splitlines()
    assert [line.strip() for line in lines[2:42]] == [str(i) for i in range(40)]
    assert lines[42] == "… 60 more rows not shown (--max-rows 0 shows all; --format csv or json gives all)"
    assert lines[43] == "(100 rows)"


def test_table_cells_are_one_line_and_cut(out):
    _, rows = direct(out, "SELECT body FROM alerts ORDER BY alert_id")
    lines = ok("SELECT body FROM alerts ORDER BY alert_id", "-b", str(out)).splitlines()
    assert len(lines) == 2 + len(rows) + 1                    # no line breaks inside cells
    for line, (body,) in zip(lines[2:], rows):
        assert len(line) == query.MAX_CELL and line.endswith("…")
        assert line[:-1] == " ".join(body.split())[:query.MAX_CELL - 1]


def test_table_shows_null_and_no_rows(out):
    lines = ok("SELECT NULL AS nothing, 1 AS one", "-b", str(out)).splitlines()
    assert lines[2].split() == ["NULL", "1"] and lines[-1] == "(1 row)"
    empty = ok("SELECT alert_id FROM alerts WHERE false", "-b", str(out)).splitlines()
    assert empty == ["alert_id", "--------", "(0 rows)"]


# ---------------------------------------------------------------- CSV

@pytest.mark.parametrize("table", TABLES)
def test_csv_of_a_table_is_the_release_csv_byte_for_byte(out, table):
    result = cli(f"SELECT * FROM {table}", "-b", str(out), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == (out / "csv" / f"{table}.csv").read_bytes()


def test_csv_parses_back_to_the_query_result(out):
    sql = "SELECT * FROM alerts ORDER BY alert_id"
    columns, rows = direct(out, sql)
    text = ok(sql, "-b", str(out), "-f", "csv")
    parsed = list(csv.reader(io.StringIO(text, newline="")))

    def cell(v):
        if v is None:
            return ""
        if isinstance(v, list):
            return "; ".join(v)
        return v.isoformat() if hasattr(v, "isoformat") else str(v)

    assert parsed[0] == columns
    assert parsed[1:] == [[cell(v) for v in row] for row in rows]
    assert len(parsed) == len(rows) + 1 and len(rows) > 1


def test_csv_quotes_texts_so_null_and_empty_text_differ(out):
    sql = """SELECT NULL::VARCHAR AS "null", '' AS empty, 'a,"b"' || chr(10) || 'c' AS tricky,
                    -1.5 AS x, 2::DOUBLE AS y, DATE '2024-02-29' AS d, true AS t, 'Côte d’Ivoire' AS s"""
    text = ok(sql, "-b", str(out), "-f", "csv")
    assert text == ('null,empty,tricky,x,y,d,t,s\r\n'
                    ',"","a,""b""\nc",-1.5,2,2024-02-29,true,"Côte d’Ivoire"\r\n')
    assert list(csv.reader(io.StringIO(text, newline="")))[1][2] == 'a,"b"\nc'


def test_csv_header_names_with_commas_are_quoted(out):
    assert ok('SELECT 1 AS "a,b", 2 AS c', "-b", str(out), "-f", "csv") == '"a,b",c\r\n1,2\r\n'


# ---------------------------------------------------------------- JSON

def test_json_is_an_array_of_objects_equal_to_the_query(out):
    sql = "SELECT * FROM events ORDER BY event_id"
    columns, rows = direct(out, sql)
    data = json.loads(ok(sql, "-b", str(out), "-f", "json"))

    def plain(v):
        if isinstance(v, float) and not math.isfinite(v):
            return None
        return v.isoformat() if hasattr(v, "isoformat") else v

    assert data == [{c: plain(v) for c, v in zip(columns, row)} for row in rows]
    assert len(data) == len(rows) > 1 and list(data[0]) == columns


def test_json_values_are_exact_and_iso(out):
    sql = """SELECT DATE '2024-01-02' AS d, TIMESTAMP '2024-01-02 03:04:05.5' AS ts,
                    TIMESTAMPTZ '2024-01-01 10:00:00+02' AS tz, TIME '10:11:12' AS t,
                    9007199254740993::BIGINT AS big, 170141183460469231731687303715884105727::HUGEINT AS huge,
                    1.50::DECIMAL(10, 2) AS dec, 0.1::DOUBLE AS f, 'nan'::DOUBLE AS nan,
                    'inf'::DOUBLE AS inf, NULL AS n, 'Côte d’Ivoire' AS s, ['a', NULL] AS l,
                    {'k': 1.25::DECIMAL(5, 2)} AS st, INTERVAL 90 MINUTE AS iv, 1 AS d"""
    text = ok(sql, "-b", str(out), "-f", "json")
    assert "Côte d’Ivoire" in text and "\\u" not in text
    assert '"dec": 1.50' in text and '"big": 9007199254740993' in text
    [row] = json.loads(text, parse_float=decimal.Decimal)
    assert row == {"d": "2024-01-02", "ts": "2024-01-02T03:04:05.500000", "tz": "2024-01-01T08:00:00+00:00",
                   "t": "10:11:12", "big": 9007199254740993,
                   "huge": 170141183460469231731687303715884105727,
                   "dec": decimal.Decimal("1.50"), "f": decimal.Decimal("0.1"), "nan": None, "inf": None,
                   "n": None, "s": "Côte d’Ivoire", "l": ["a", None], "st": {"k": decimal.Decimal("1.25")},
                   "iv": "P0DT1H30M0S", "d_2": 1}


def test_empty_results_in_every_format(out):
    sql = "SELECT alert_id, n_words FROM alerts WHERE false"
    assert json.loads(ok(sql, "-b", str(out), "-f", "json")) == []
    assert ok(sql, "-b", str(out), "-f", "csv") == "alert_id,n_words\r\n"


def test_sql_can_come_from_stdin(out):
    _, [(n,)] = direct(out, "SELECT count(*) FROM alerts")
    assert ok("-", "-b", str(out), "-f", "csv", input="SELECT count(*) AS n\nFROM alerts;\n") == f"n\r\n{n}\r\n"


def test_run_query_returns_columns_and_rows(out):
    sql = "SELECT alert_id, published_on, authors FROM alerts ORDER BY 1"
    assert run_query(out, sql) == direct(out, sql)


def test_several_statements_give_the_last_result_and_temp_tables_stay_in_memory(out, release):
    sql = "CREATE TEMP TABLE t AS SELECT * FROM alerts; SELECT count(*) AS n FROM t"
    assert run_query(out, sql) == (["n"], direct(out, "SELECT count(*) FROM alerts")[1])
    assert snapshot(out) == release[1]


# ---------------------------------------------------------------- errors

def test_a_missing_build_says_to_build_first(tmp_path):
    for folder in (tmp_path / "nothing-here", tmp_path):
        message = failed("SELECT 1", "--build", str(folder))
        assert message == (f"Error: no database at {folder / DB_NAME}; run `alertdata build` first "
                           "or pass --build\n")


def test_a_file_that_is_not_a_database_is_a_clean_error(tmp_path):
    (tmp_path / DB_NAME).write_text("not a database")
    message = failed("SELECT 1", "-b", str(tmp_path))
    assert f"cannot open {tmp_path / DB_NAME}" in message


def test_a_syntax_error_shows_duckdb_and_lists_the_tables(out):
    message = failed("SELEC alert_id FROM alerts", "-b", str(out))
    assert "syntax error" in message and "SELEC" in message
    assert f"the tables are {', '.join(TABLES)}" in message


def test_an_unknown_table_or_column_lists_the_tables(out):
    assert "nosuch" in (message := failed("SELECT * FROM nosuch", "-b", str(out)))
    assert f"the tables are {', '.join(TABLES)}" in message
    assert "nocolumn" in (message := failed("SELECT nocolumn FROM alerts", "-b", str(out)))
    assert "the tables are" in message


def test_runtime_errors_and_empty_sql_are_clean(out):
    assert failed("SELECT 'x'::INTEGER", "-b", str(out)).startswith("Error: query failed: Conversion Error")
    assert "no SQL given" in failed("  ", "-b", str(out))


def test_a_database_being_written_is_a_clean_error(out, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    code = ("import sys, duckdb; con = duckdb.connect(sys.argv[1]); print('open', flush=True); "
            "sys.stdin.read(); con.close()")
    writer = subprocess.Popen([sys.executable, "-c", code, str(copy / DB_NAME)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "open"
        message = failed("SELECT 1", "-b", str(copy))
        assert "another process is writing it" in message
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)


def test_query_error_is_raised_by_the_library(tmp_path):
    with pytest.raises(QueryError, match="run `alertdata build` first"):
        run_query(tmp_path, "SELECT 1")


# ---------------------------------------------------------------- read-only

ESCAPES = {
    # writes to the database
    "create table": "CREATE TABLE t (x INTEGER)",
    "create view": "CREATE VIEW v AS SELECT 1",
    "create schema": "CREATE SCHEMA s",
    "insert": "INSERT INTO alerts SELECT * FROM alerts",
    "update": "UPDATE alerts SET title = 'x'",
    "delete": "DELETE FROM alerts",
    "truncate": "TRUNCATE alerts",
    "drop": "DROP TABLE alerts",
    "alter": "ALTER TABLE alerts RENAME TO gone",
    "comment": "COMMENT ON TABLE alerts IS 'x'",
    "after a select": "SELECT 1; DROP TABLE rejects",
    # files, in the release and elsewhere
    "copy over a release csv": "COPY alerts TO '{out}/csv/alerts.csv'",
    "copy into the release": "COPY (SELECT 1) TO '{out}/extra.csv'",
    "copy over the database": "COPY (SELECT 1) TO '{db}' (FORMAT csv)",
    "copy to the wal": "COPY (SELECT 1) TO '{db}.wal' (FORMAT csv)",
    "copy to the spill folder": "COPY (SELECT 1 AS a) TO '{db}.tmp' (FORMAT csv, PARTITION_BY a)",
    "copy elsewhere": "COPY (SELECT 1) TO '{tmp}/elsewhere.csv'",
    "export database": "EXPORT DATABASE '{tmp}/export'",
    "read a system file": "SELECT * FROM read_csv('/etc/passwd')",
    "read a release file": "SELECT * FROM read_parquet('{out}/parquet/alerts.parquet')",
    "glob": "SELECT * FROM glob('{out}/*')",
    # second handles on the database, other databases
    "attach the database": "ATTACH '{db}' AS w",
    "attach it read-write": "ATTACH '{db}' AS w (READ_WRITE)",
    "attach a new database": "ATTACH '{tmp}/other.duckdb' AS o",
    "attach memory": "ATTACH ':memory:' AS m",
    # extensions
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    # undoing the lock-down
    "enable external access": "SET enable_external_access = true",
    "reset external access": "RESET enable_external_access",
    "unlock": "SET lock_configuration = false",
    "enable the file system": "SET disabled_filesystems = ''",
    "spill into the release": "SET temp_directory = '{out}'",
    "autoload": "SET autoload_known_extensions = true",
    "log to a file": "CALL enable_logging(storage = 'file', storage_path = '{out}/logs')",
    "profile to a file": "SET profiling_output = '{out}/profile.json'",
}


@pytest.mark.parametrize("sql", list(ESCAPES.values()), ids=list(ESCAPES))
def test_no_query_can_change_the_release_or_touch_files(release, tmp_path, sql):
    out, before = release
    sql = sql.format(out=out, db=out / DB_NAME, tmp=tmp_path)
    message = failed(sql, "-b", str(out))
    assert message.startswith(f"Error: {READ_ONLY}"), message
    assert snapshot(out) == before                      # every file, the database too
    assert list(tmp_path.iterdir()) == []               # nothing written elsewhere either
    assert not (out.parent / "elsewhere.csv").exists()


def test_a_connection_is_locked_down(out):
    con = connect(out)
    try:
        settings = dict(con.execute("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                    "('enable_external_access', 'lock_configuration', "
                                    "'autoinstall_known_extensions', 'autoload_known_extensions', "
                                    "'temp_directory')").fetchall())
        assert settings == {"enable_external_access": "false", "lock_configuration": "true",
                            "autoinstall_known_extensions": "false",
                            "autoload_known_extensions": "false", "temp_directory": ""}
        assert con.execute("SELECT count(*) FROM alerts").fetchone()[0] > 0
        with pytest.raises(duckdb.PermissionException):
            con.execute(f"ATTACH '{out / DB_NAME}' AS w")
        again = connect(out)            # shares the locked instance: still checked, still works
        try:
            assert again.execute("SELECT count(*) FROM alerts").fetchone() == \
                con.execute("SELECT count(*) FROM alerts").fetchone()
            with pytest.raises(duckdb.Error):
                again.execute("SET enable_external_access = true")
        finally:
            again.close()
    finally:
        con.close()


def test_two_processes_query_the_release_at_once(out):
    _, [(n,)] = direct(out, "SELECT count(*) FROM alerts")
    code = ("import sys; from alertdata.query import connect; con = connect(sys.argv[1]); "
            "print(con.execute('SELECT count(*) FROM alerts').fetchone()[0], flush=True); "
            "sys.stdin.read(); con.close()")
    holder = subprocess.Popen([sys.executable, "-c", code, str(out)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == str(n)     # holds the database open
        other = subprocess.run([sys.executable, "-m", "alertdata", "query",
                                "SELECT count(*) AS n FROM alerts", "-b", str(out), "-f", "json"],
                               capture_output=True, text=True, timeout=120)
        assert other.returncode == 0, other.stderr
        assert json.loads(other.stdout) == [{"n": n}]
        assert holder.poll() is None                          # the first is still reading
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert holder.returncode == 0


def test_the_release_is_byte_identical_after_all_queries(release):
    out, before = release
    assert snapshot(out) == before
    assert sums_verify(out)
