"""Read-only SQL over a published release (`alertdata query`).

The release's DuckDB database is opened read-only and then locked down, so
that no query can change the release or anything else on disk:

* `read_only=True`: no statement can write the database (CREATE, INSERT,
  UPDATE, DELETE, DROP, ALTER fail);
* `enable_external_access=false` (from start-up): no COPY TO/FROM, no
  ATTACH of other files, no reading other files (read_csv, read_parquet...),
  no INSTALL or LOAD of extensions that are not built in;
* no extension is installed or loaded automatically, nor community ones;
* `temp_directory=''`: nothing is spilled to disk (DuckDB's default would
  put `alertdata.duckdb.tmp/` inside the release, and allow writing there);
* `disabled_filesystems='LocalFileSystem'` once the database is open: no
  file can be opened at all, not even the database file again (ATTACH);
* `lock_configuration=true` last, so no query can SET any of this back.

The lock-down is checked after it is applied (`connect` fails otherwise).
Several processes can query the same release at once (DuckDB shares a
read-only file). Results are written as an aligned text table, RFC 4180 CSV
or a JSON array, deterministically for a deterministic query.
"""
from __future__ import annotations

import base64
import contextlib
import csv
import datetime as dt
import decimal
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

# The same as export.DB_NAME and export.LIST_SEPARATOR (a test checks):
# importing the exporter would cost each query a second.
DB_NAME = "alertdata.duckdb"
LIST_SEPARATOR = "; "

FORMATS = ("table", "csv", "json")
MAX_ROWS = 40          # rows a table shows by default
MAX_CELL = 60          # characters a table cell shows
FETCH = 4096           # rows fetched from DuckDB at a time

READ_ONLY = "the release is opened read-only; queries cannot change it"

# Settings given when the database is opened (see the module doc).
STARTUP_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "temp_directory": "",
}


class QueryError(Exception):
    """A query that cannot run, with a message that says what to do."""


@dataclass
class Result:
    """The columns of a query's result, and its rows as they are fetched."""
    columns: list[str]
    types: list[str]
    rows: Iterator[tuple]


def database_path(build: Path | str) -> Path:
    return Path(build) / DB_NAME


def connect(build: Path | str):
    """A read-only, locked-down DuckDB connection to the release in `build`
    (close it when done). Raises QueryError if there is no database or it
    cannot be opened."""
    import duckdb

    path = database_path(build)
    if not path.is_file():
        raise QueryError(f"no database at {path}; run `alertdata build` first or pass --build")
    try:
        con = duckdb.connect(str(path), read_only=True, config=STARTUP_CONFIG)
    except duckdb.Error as e:
        text = _first_line(e)
        if "could not set lock" in text.lower() or "conflicting lock" in text.lower():
            raise QueryError(f"cannot open {path}: another process is writing it ({text}); "
                             "wait for it to finish") from e
        if "different configuration" in text:
            raise QueryError(f"cannot open {path}: this process already has it open with other "
                             f"settings ({text}); close that connection first") from e
        raise QueryError(f"cannot open {path}: {text}; is it a release made by `alertdata build`?") from e
    try:
        _lock_down(con, path)
    except BaseException:
        con.close()
        raise
    return con


def _lock_down(con, path: Path) -> None:
    """Close every way out of the database, then lock the settings; check."""
    import duckdb

    # A connection sharing this process's database instance with an earlier,
    # still open one finds it already locked down (the checks below apply).
    if not _setting(con, "lock_configuration"):
        con.execute("SET enable_progress_bar = false")
        con.execute("SET disabled_filesystems = 'LocalFileSystem'")
        con.execute("SET lock_configuration = true")
    if _setting(con, "enable_external_access") or not _setting(con, "lock_configuration"):
        raise QueryError(f"cannot open {path} safely: DuckDB did not accept the read-only settings")
    try:
        con.execute("SELECT count(*) FROM glob(?)", [str(path)]).fetchall()
    except duckdb.PermissionException:
        return                  # files cannot be opened: as it should be
    raise QueryError(f"cannot open {path} safely: DuckDB still lets queries open files")


def _setting(con, name: str) -> bool:
    value = con.execute("SELECT value FROM duckdb_settings() WHERE name = ?", [name]).fetchone()
    return value is not None and str(value[0]).lower() == "true"


def table_names(con) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name").fetchall()]


@contextlib.contextmanager
def execute(build: Path | str, sql: str) -> Iterator[Result]:
    """Run `sql` (one or more statements; the last one's result is given) on
    the release in `build`, read-only. Yields a Result whose rows are read
    while the context is open. Raises QueryError with DuckDB's message and
    what to do about it."""
    import duckdb

    if not sql.strip():
        raise QueryError('no SQL given; e.g. alertdata query "SELECT count(*) FROM alerts"')
    con = connect(build)
    try:
        try:
            cursor = con.execute(sql)
        except duckdb.Error as e:
            raise QueryError(explain(e, con)) from e
        description = cursor.description or []
        yield Result(columns=[d[0] for d in description], types=[str(d[1]) for d in description],
                     rows=_fetch(cursor, con) if description else iter(()))
    finally:
        con.close()


def _fetch(cursor, con) -> Iterator[tuple]:
    import duckdb

    while True:
        try:
            batch = cursor.fetchmany(FETCH)
        except duckdb.Error as e:
            raise QueryError(explain(e, con)) from e
        if not batch:
            return
        yield from batch


def run_query(build: Path | str, sql: str) -> tuple[list[str], list[tuple]]:
    """The column names and all rows of `sql` run read-only on the release
    in `build` (see `execute`)."""
    with execute(build, sql) as result:
        return result.columns, list(result.rows)


def _first_line(e: BaseException) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


def explain(e: BaseException, con=None) -> str:
    """DuckDB's error turned into a message that says what to do."""
    import duckdb

    text = str(e).strip()
    lower = text.lower()
    detail = f"\n(DuckDB: {_first_line(e)})"
    if "configuration has been locked" in lower:
        return f"{READ_ONLY}, nor change its settings{detail}"
    if isinstance(e, duckdb.PermissionException) or "disabled by configuration" in lower \
            or "belongs to an attached database" in lower or "file handle conflict" in lower:
        return (f"{READ_ONLY}, nor read, write or attach files, nor install or load "
                f"extensions; query the release's tables{detail}")
    if "read-only mode" in lower:
        return f"{READ_ONLY}{detail}"
    if isinstance(e, (duckdb.ParserException, duckdb.CatalogException, duckdb.BinderException)):
        hint = ""
        try:
            if con is not None:
                hint = (f"\nhint: the tables are {', '.join(table_names(con))}; "
                        "`DESCRIBE <table>` lists a table's columns")
        except duckdb.Error:
            pass
        return text + hint
    return f"query failed: {text}"


# ---------------------------------------------------------------- values

def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.timezone.utc) if value.tzinfo is not None else value


def _duration(value: dt.timedelta) -> str:
    """ISO 8601 duration, e.g. P3DT4H5M6.5S (negative: -P...)."""
    sign, value = ("-", -value) if value < dt.timedelta(0) else ("", value)
    minutes, seconds = divmod(value.seconds, 60)
    hours, minutes = divmod(minutes, 60)
    secs = f"{seconds}.{value.microseconds:06d}".rstrip("0").rstrip(".") if value.microseconds \
        else str(seconds)
    return f"{sign}P{value.days}DT{hours}H{minutes}M{secs}S"


def _scalar_text(value: Any) -> str | None:
    """The text of a value that is not a list or struct, or None if it is."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, float):     # shortest round-trip form, 14.0 as 14 (like the CSV files)
        r = repr(value)
        return r[:-2] if r.endswith(".0") else r
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return _utc(value).isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _duration(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (list, tuple, dict)):
        return None
    return str(value)


def text(value: Any) -> str | None:
    """A value as text for a table or CSV cell: None for NULL, lists of
    texts joined by '; ' as in the release's CSV files, other lists and
    structs as JSON."""
    if value is None:
        return None
    plain = _scalar_text(value)
    if plain is not None:
        return plain
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return LIST_SEPARATOR.join(value)
    return json_value(value)


def json_value(value: Any) -> str:
    """A value as JSON text: integers and decimals exact, NaN and infinities
    null, dates and times ISO 8601 (with a time zone: in UTC), BLOBs base64,
    non-ASCII characters as they are."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "null"
    if isinstance(value, decimal.Decimal):
        return format(value, "f") if value.is_finite() else "null"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(json_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {json_value(v)}"
                               for k, v in value.items()) + "}"
    return json.dumps(_scalar_text(value), ensure_ascii=False)


# ---------------------------------------------------------------- formats

def format_table(columns: list[str], rows: Iterable[tuple], max_rows: int = MAX_ROWS,
                 max_cell: int = MAX_CELL) -> Iterator[str]:
    """Lines (with their newline) of an aligned text table of at most
    `max_rows` rows (0: all), numbers right-aligned, NULL shown as NULL,
    long cells cut to `max_cell` characters; then how many rows were not
    shown, if any, and `(N rows)`."""
    shown: list[tuple] = []
    total = 0
    for row in rows:
        if not max_rows or total < max_rows:
            shown.append(row)
        total += 1
    if not columns:
        yield "(no result)\n"
        return

    def cell(value: Any) -> str:
        s = "NULL" if value is None else " ".join(text(value).split())
        return s if len(s) <= max_cell else s[:max_cell - 1] + "…"

    cells = [[cell(v) for v in row] for row in shown]
    heads = [cell(c) for c in columns]
    widths = [max([len(heads[i])] + [len(r[i]) for r in cells]) for i in range(len(columns))]
    def numeric(i: int) -> bool:
        values = [r[i] for r in shown if r[i] is not None]
        return bool(values) and all(isinstance(v, (int, float, decimal.Decimal))
                                    and not isinstance(v, bool) for v in values)

    right = [numeric(i) for i in range(len(columns))]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if r else v.ljust(w)
                         for v, w, r in zip(values, widths, right)).rstrip() + "\n"

    yield line(heads)
    yield "  ".join("-" * w for w in widths) + "\n"
    for r in cells:
        yield line(r)
    if total > len(shown):
        hidden = total - len(shown)
        yield (f"… {hidden} more row{'s' if hidden != 1 else ''} not shown "
               "(--max-rows 0 shows all; --format csv or json gives all)\n")
    yield f"({total} row{'s' if total != 1 else ''})\n"


class _Bare:
    """A cell the csv module writes unquoted: with QUOTE_NONNUMERIC it
    quotes all but numbers, and anything with __float__ counts as one."""
    __slots__ = ("value",)

    def __init__(self, value: str):
        self.value = value

    def __str__(self) -> str:
        return self.value

    def __float__(self) -> float:      # only to be taken for a number
        return 0.0


_NULL = _Bare("")
_NEEDS_QUOTES = (",", '"', "\r", "\n")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return _NULL
    if isinstance(value, str):
        return value
    out = text(value)
    if isinstance(value, (bool, int, float, decimal.Decimal, dt.date, dt.time, dt.timedelta)):
        return _Bare(out)
    return out


def format_csv(columns: list[str], rows: Iterable[tuple]) -> Iterator[str]:
    """RFC 4180 CSV like the release's files: a header row, CRLF line ends,
    texts always quoted (so an empty text "" differs from a NULL, an empty
    cell), numbers, booleans and ISO 8601 dates bare, lists of texts joined
    by '; '. Yields a chunk of lines at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow([c if any(ch in c for ch in _NEEDS_QUOTES) or not c else _Bare(c)
                     for c in columns])
    n = 0
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
        n += 1
        if n % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _unique(columns: list[str]) -> list[str]:
    """Column names made unique for JSON keys: a second `n` becomes `n_2`."""
    seen: set[str] = set()
    out = []
    for name in columns:
        key, k = name, 1
        while key in seen:
            k += 1
            key = f"{name}_{k}"
        seen.add(key)
        out.append(key)
    return out


def format_json(columns: list[str], rows: Iterable[tuple]) -> Iterator[str]:
    """A JSON array of one object per row, keys in column order, one row
    per line (see `json_value` for the values)."""
    keys = [json.dumps(k, ensure_ascii=False) + ": " for k in _unique(columns)]
    first = True
    for row in rows:
        yield ("[\n" if first else ",\n") + "{" + ", ".join(
            k + json_value(v) for k, v in zip(keys, row)) + "}"
        first = False
    yield "[]\n" if first else "\n]\n"


def format_result(result: Result, fmt: str = "table", max_rows: int = MAX_ROWS) -> Iterator[str]:
    if fmt == "table":
        return format_table(result.columns, result.rows, max_rows)
    if fmt == "csv":
        return format_csv(result.columns, result.rows)
    if fmt == "json":
        return format_json(result.columns, result.rows)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
