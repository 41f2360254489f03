"""Export: validated tables -> a release folder (Parquet, CSV, DuckDB, data
package, codebook, checksums), published atomically.

Everything is written into a staging folder beside the target and swapped
in only when complete, so a failed or killed build leaves the previous
release as it was. Parquet and CSV bytes depend only on the data.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from . import __version__
from .fsutil import pause_point, pid_alive, replace_dir
from .database import DB_NAME, DatabaseCopy, write_database
from .spreadsheet import write_xlsx
from .schemas import TABLES, TableSpec, arrow_schema, logical_type

FRICTIONLESS_TYPES = {"str": "string", "int": "integer", "date": "date", "float": "number",
                      "list[str]": "string"}
LIST_SEPARATOR = "; "
XLSX_NAME = "alertdata.xlsx"
MARKERS = ("SHA256SUMS", "datapackage.json")   # what makes a folder a release


class PublishError(Exception):
    """The release cannot be written where asked."""


def column_types(spec: TableSpec) -> dict[str, str]:
    return {name: logical_type(col.dtype) for name, col in spec.schema.columns.items()}


# ---------------------------------------------------------------- Parquet / CSV

def write_parquet(table: pa.Table, path: Path) -> None:
    """zstd-compressed Parquet whose bytes depend only on the rows: Arrow's
    writer checks a column's dictionary size where each chunk ends, so the
    same rows in other chunks (a rebuild's slices of the last build's rows)
    could fall back to plain encoding elsewhere; they are written as one."""
    if any(column.num_chunks > 1 for column in table.columns):
        table = table.combine_chunks()
    pq.write_table(table, path, compression="zstd", write_statistics=True)


NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"   # Hive's (and DuckDB's, Spark's) name for null


def write_parquet_by_year(table: pa.Table, years: dict[str, int | None], folder: Path) -> None:
    """Hive-style `folder/year=YYYY/part-0.parquet` by the publication year of
    each row's alert, rows in key order within each file; readers add the
    `year` column from the folder names and skip the years a query excludes."""
    row_years = [years.get(a) for a in table.column("alert_id").to_pylist()]
    for year in sorted(set(row_years), key=lambda y: (y is None, y or 0)):
        mask = pa.array([y == year for y in row_years])
        part = folder / f"year={NULL_PARTITION if year is None else year}"
        part.mkdir(parents=True, exist_ok=True)
        write_parquet(table.filter(mask), part / "part-0.parquet")


def csv_ready(spec: TableSpec, table: pa.Table) -> pa.Table:
    """The table with list items joined by '; ' (an empty list is an empty
    text, a null list an empty cell): Arrow's CSV writer takes no lists."""
    kinds = column_types(spec)
    columns = []
    for name in table.column_names:
        column = table.column(name)
        if kinds[name] == "list[str]":
            column = pc.binary_join(column, LIST_SEPARATOR)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def write_csv(spec: TableSpec, table: pa.Table, path: Path) -> None:
    """RFC 4180 CSV: UTF-8, header row, CRLF line ends; every text value in
    double quotes (so an empty text "" stays distinct from a null, which is
    an empty cell), numbers (shortest round-trip form) and ISO 8601 dates bare. Written by Arrow's C++
    writer: a million rows take well under a second."""
    with path.open("wb") as fh:
        fh.write((",".join(table.column_names) + "\r\n").encode("utf-8"))
        if table.num_rows:
            pa_csv.write_csv(csv_ready(spec, table), fh,
                             pa_csv.WriteOptions(include_header=False, quoting_style="needed",
                                                 eol="\r\n"))


# ---------------------------------------------------------------- metadata

def table_schema(spec: TableSpec) -> dict:
    """Frictionless Table Schema of the table's CSV file."""
    fields = []
    for name, col in spec.schema.columns.items():
        kind = logical_type(col.dtype)
        field = {"name": name, "type": FRICTIONLESS_TYPES[kind], "description": col.description}
        if kind == "list[str]":
            field["description"] += " (a list: items joined by '; ' in CSV, an Arrow list in Parquet)"
        constraints: dict = {}
        if not col.nullable and kind != "list[str]":   # an empty list is an empty CSV cell
            constraints["required"] = True
        if col.unique:
            constraints["unique"] = True
        for check in col.checks:
            stats = check.statistics
            if check.name == "isin":
                constraints["enum"] = list(stats["allowed_values"])
            elif check.name == "str_matches":
                constraints["pattern"] = str(getattr(stats["pattern"], "pattern", stats["pattern"])).strip("^$")
            elif check.name == "greater_than_or_equal_to":
                constraints["minimum"] = stats["min_value"]
            elif check.name == "in_range":
                constraints["minimum"], constraints["maximum"] = stats["min_value"], stats["max_value"]
            elif check.name == "str_length" and stats.get("min_value"):
                constraints["minLength"] = stats["min_value"]
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema: dict = {"fields": fields, "missingValues": [""]}
    if spec.primary_key:
        schema["primaryKey"] = list(spec.primary_key)
    if spec.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(cols), "reference": {"resource": "" if ref == spec.name else ref,
                                                 "fields": list(ref_cols)}}
            for cols, ref, ref_cols in spec.foreign_keys]
    return schema


def file_sha256(path: Path, known: dict[Path, str] | None = None) -> str:
    """SHA-256 of a file; `known` keeps digests already taken in this release
    (the data package and SHA256SUMS both list the CSV files)."""
    if known is not None and path in known:
        return known[path]
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    if known is not None:
        known[path] = h.hexdigest()
    return h.hexdigest()


def datapackage(folder: Path, known: dict[Path, str] | None = None) -> dict:
    """The Frictionless Data Package: one resource per CSV file, with its
    schema, keys, size and hash. No timestamps: the same data gives the same file."""
    resources = []
    for spec in TABLES:
        path = folder / "csv" / f"{spec.name}.csv"
        resources.append({
            "name": spec.name, "title": spec.title, "description": spec.description,
            "path": f"csv/{spec.name}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "bytes": path.stat().st_size,
            "hash": f"sha256:{file_sha256(path, known)}",
            "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True,
                        "lineTerminator": "\r\n", "header": True},
            "schema": table_schema(spec)})
    return {"profile": "tabular-data-package", "name": "alertdata", "title": "alertdata",
            "description": "Alerts, sections, statements, actors, events and locations extracted "
                           "from conflict-analysis briefs (alerts). Every fact carries a span into "
                           "its story's text. See CODEBOOK.md.",
            "version": __version__, "resources": resources}


def codebook() -> str:
    """CODEBOOK.md: every table, column, type, constraint and enumeration."""
    out = ["# alertdata codebook", "",
           "Generated from the pandera models in `src/alertdata/schemas.py`; do not edit by hand.", "",
           "Conventions: unknown values are null (empty in CSV), never \"\", 0 or a sentinel. "
           "List columns are Arrow lists in Parquet/DuckDB and '; '-joined strings in CSV. "
           "`char_start`/`char_end` are half-open offsets into `alerts.body` of the row's alert, so "
           "`body[char_start:char_end]` is the evidence. Dates carry a `date_precision` (`day`, "
           "`month` stored as the 1st, `year` stored as 1 January).", ""]
    for spec in TABLES:
        out += [f"## {spec.name}", "", spec.description, ""]
        if spec.primary_key:
            out.append(f"Primary key: `{', '.join(spec.primary_key)}`.  ")
        for cols, ref, ref_cols in spec.foreign_keys:
            out.append(f"Foreign key: `{', '.join(cols)}` -> `{ref}.{', '.join(ref_cols)}`.  ")
        out += ["", "| column | type | null | description | allowed values |", "|---|---|---|---|---|"]
        fields = {f["name"]: f for f in table_schema(spec)["fields"]}
        for name, col in spec.schema.columns.items():
            c = fields[name].get("constraints", {})
            allowed = (", ".join(f"`{v}`" for v in c["enum"]) if "enum" in c
                       else f"pattern `{c['pattern']}`" if "pattern" in c
                       else f"≥ {c['minimum']}" + (f", ≤ {c['maximum']}" if "maximum" in c else "")
                       if "minimum" in c else "")
            desc = (col.description or "").replace("|", "\\|")
            out.append(f"| `{name}` | {logical_type(col.dtype)} | {'yes' if col.nullable else 'no'} "
                       f"| {desc} | {allowed} |")
        out.append("")
    return "\n".join(out)


def write_checksums(folder: Path, known: dict[Path, str] | None = None) -> None:
    """SHA256SUMS in `sha256sum -c` format for every file of the release but
    the DuckDB database, whose bytes DuckDB does not make reproducible (its
    tables equal the Parquet files, which are listed)."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel not in ("SHA256SUMS", DB_NAME):
            lines.append(f"{file_sha256(path, known)}  {rel}")
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class Written:
    database_updated: bool      # the previous release's database was updated, not rewritten
    workbook_chunks: dict       # the workbook's compressed chunks, for the next build to reuse


def write_release(tables: dict[str, pa.Table], folder: Path, *, partition_by: str | None = None,
                  previous_db: Path | DatabaseCopy | None = None, workbook_chunks: dict | None = None,
                  changed_alerts: set[str] | None = None) -> Written:
    """Write every artefact of a release into `folder`. With `partition_by`
    "year", the Parquet files of tables keyed by alert are written as
    `parquet/<table>/year=YYYY/` folders instead of single files. With
    `previous_db` (the database of a release built by the same code), the
    database is that one brought up to date (only the rows of
    `changed_alerts`, when given, and of merged tables). `workbook_chunks`
    are those an earlier build returned: the workbook reuses the ones whose
    rows it has."""
    (folder / "parquet").mkdir(parents=True, exist_ok=True)
    (folder / "csv").mkdir(exist_ok=True)
    arrow = {spec.name: tables[spec.name].cast(arrow_schema(spec)) for spec in TABLES}
    alerts = arrow["alerts"]
    years = {a: (d.year if d is not None else None)
             for a, d in zip(alerts.column("alert_id").to_pylist(), alerts.column("published_on").to_pylist())}
    latest = pc.max(alerts.column("published_on")).as_py()
    # DuckDB loads the database, and the spreadsheet writer compresses its
    # sheets, in their own threads outside the GIL, while this thread writes
    # the Parquet and CSV files.
    with ThreadPoolExecutor(2) as background:
        database = background.submit(write_database, arrow, folder / DB_NAME, previous_db, changed_alerts)
        workbook = background.submit(write_xlsx, arrow, folder / XLSX_NAME, version=__version__,
                                     created=latest, reuse=workbook_chunks)
        for spec in TABLES:
            if partition_by == "year" and "alert_id" in arrow[spec.name].column_names:
                write_parquet_by_year(arrow[spec.name], years, folder / "parquet" / spec.name)
            else:
                write_parquet(arrow[spec.name], folder / "parquet" / f"{spec.name}.parquet")
            write_csv(spec, arrow[spec.name], folder / "csv" / f"{spec.name}.csv")
        pause_point("export")
        updated = database.result()
        chunks = workbook.result()
    (folder / "CODEBOOK.md").write_text(codebook(), encoding="utf-8")
    digests: dict[Path, str] = {}
    (folder / "datapackage.json").write_text(
        json.dumps(datapackage(folder, digests), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_checksums(folder, digests)
    return Written(updated, chunks)


# ---------------------------------------------------------------- publishing

def _is_release(folder: Path) -> bool:
    return any((folder / m).exists() for m in MARKERS) or not any(folder.iterdir())


def recover(out: Path) -> None:
    """Clean up after a killed build: remove half-written staging folders,
    and put back the previous release if a build died between moving it
    aside and moving the new one in."""
    parent = out.parent
    for tmp in parent.glob(f".{out.name}.tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    for copy in parent.glob(f".{out.name}.dbcopy-*"):
        pid = copy.name.rpartition("-")[2]
        if pid.isdigit() and not pid_alive(int(pid)):
            copy.unlink(missing_ok=True)
    olds = sorted(parent.glob(f".{out.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if not out.exists() and olds:
        os.replace(olds.pop(), out)
    for old in olds:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def staging(out: Path):
    """A locked staging folder beside `out`; yields it and removes it on error."""
    out = Path(out).absolute()
    if out.exists() and (not out.is_dir() or not _is_release(out)):
        raise PublishError(f"{out} exists and is not an alertdata release (no SHA256SUMS or "
                           "datapackage.json); choose another --out or empty it first")
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.lock"
    with lock_path.open("w") as lock:
        try:
            import fcntl
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:   # no advisory locks on this platform
            pass
        except OSError as e:
            raise PublishError(f"another build is writing to {out}; wait for it to finish") from e
        recover(out)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        try:
            yield tmp
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)


def swap_in(tmp: Path, out: Path) -> None:
    """Replace the release at `out` with the complete one at `tmp`."""
    out = Path(out).absolute()
    replace_dir(tmp, out, aside=out.parent / f".{out.name}.old-{os.getpid()}")


def write_schemas(folder: Path) -> list[Path]:
    """One Frictionless Table Schema JSON file per table, as published."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for spec in TABLES:
        doc = {"name": spec.name, "title": spec.title, "description": spec.description,
               **table_schema(spec)}
        path = folder / f"{spec.name}.json"
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
