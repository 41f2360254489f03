"""Validate: every table against its pandera model (lazily, all failures at
once), then the rules that span tables: primary keys, foreign keys, and
evidence spans that lie inside their story's body.

Row rules (the models, spans) are checked on the rows read in this build;
rows a rebuild takes from the previous one passed them then, with the same
code. Keys are checked on every row, in Arrow, because a new document can
clash with an old one."""
from __future__ import annotations

import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from .schemas import TABLE, TABLES, pandas_dtype

MAX_CASES_SHOWN = 20
# Tables merged across documents: always checked whole, they are rebuilt each time.
WHOLE = ("actors", "locations", "rejects")


class ValidationFailed(Exception):
    """The tables break the schema; `report` says where, row by row."""

    def __init__(self, report: str, n_failures: int):
        super().__init__(f"{n_failures} validation failure(s)")
        self.report = report
        self.n_failures = n_failures


def _schema_failures(name: str, table: pyarrow.Table) -> list[dict]:
    df = table.to_pandas(types_mapper=pandas_dtype)
    try:
        TABLE[name].schema.validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as e:
        cases = e.failure_cases
        return [{"table": name, "check": str(r["check"]), "column": str(r["column"]),
                 "row": r["index"], "value": r["failure_case"]}
                for r in cases.to_dict("records")]


def _key_failures(tables: dict[str, pyarrow.Table], fresh: dict[str, pyarrow.Table] | None = None) -> list[dict]:
    """Primary keys unique and foreign keys resolved, on every row. Given
    `fresh` (the rows read in this build; the others passed these checks
    when an earlier build kept them, so they do not clash among themselves),
    uniqueness is counted only among the rows that share a key's first column
    with a fresh row: any clash involves a fresh row, and both rows of a clash
    share that column."""
    out = []
    for spec in TABLES:
        table = tables[spec.name]
        if spec.primary_key and table.num_rows:
            keys = list(spec.primary_key)
            rows = table.select(keys)
            new = fresh.get(spec.name) if fresh is not None and spec.name not in WHOLE else None
            if new is not None and new.num_rows < rows.num_rows:
                rows = rows.filter(pc.is_in(rows.column(keys[0]), value_set=new.column(keys[0]).unique()))
            counts = rows.group_by(keys).aggregate([([], "count_all")])
            for row in counts.filter(pc.greater(counts.column("count_all"), 1)).to_pylist():
                out.append({"table": spec.name, "check": "primary key unique", "column": ",".join(keys),
                            "row": f"{row['count_all']} rows", "value": tuple(row[c] for c in keys)})
        for cols, ref_table, ref_cols in spec.foreign_keys:
            values = table.column(cols[0])
            known = tables[ref_table].column(ref_cols[0]).drop_null()
            bad = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=known.combine_chunks())))
            for idx in pc.indices_nonzero(bad).to_pylist():
                out.append({"table": spec.name, "check": f"foreign key -> {ref_table}.{ref_cols[0]}",
                            "column": cols[0], "row": idx, "value": values[idx].as_py()})
    return out


def _span_failures(tables: dict[str, pyarrow.Table]) -> list[dict]:
    """Spans inside the body; mention surfaces and direct/partial quotes
    equal to the text they point at. A plain loop over column lists: a
    million spans take about a second."""
    alerts = tables["alerts"]
    bodies = dict(zip(alerts.column("alert_id").to_pylist(), alerts.column("body").to_pylist()))
    out = []
    exact = {"actor_mentions": "surface", "location_mentions": "surface", "statements": "quote"}
    for name in ("sections", "actor_mentions", "location_mentions", "statements", "events"):
        table = tables[name]
        n = table.num_rows
        column = exact.get(name)
        texts = table.column(column).to_pylist() if column else [None] * n
        skip = ([k == "indirect" for k in table.column("kind").to_pylist()] if name == "statements"
                else [False] * n)
        rows = zip(range(n), table.column("alert_id").to_pylist(), table.column("char_start").to_pylist(),
                   table.column("char_end").to_pylist(), texts, skip)
        for idx, alert, start, end, text, indirect in rows:
            body = bodies.get(alert)
            if body is None:
                continue     # reported as a foreign-key failure
            if start is None or end is None or not 0 <= start < end <= len(body):
                out.append({"table": name, "check": "span inside body", "column": "char_start,char_end",
                            "row": idx, "value": (start, end, len(body))})
            elif column and not indirect and body[start:end] != text:
                out.append({"table": name, "check": f"body[char_start:char_end] == {column}",
                            "column": column, "row": idx, "value": (body[start:end], text)})
    return out


def format_report(failures: list[dict]) -> str:
    """A Markdown report a maintainer can read: one block per table and check."""
    lines = ["# Validation failures", "", f"{len(failures)} failure(s); nothing was published.", ""]
    groups: dict[tuple, list[dict]] = {}
    for f in failures:
        groups.setdefault((f["table"], f["check"], f["column"]), []).append(f)
    for (table, check, column), items in groups.items():
        lines.append(f"## {table}.{column}: {check} ({len(items)} row(s))")
        for f in items[:MAX_CASES_SHOWN]:
            lines.append(f"- row {f['row']}: {str(f['value'])[:200]!r}")
        if len(items) > MAX_CASES_SHOWN:
            lines.append(f"- ... and {len(items) - MAX_CASES_SHOWN} more")
        lines.append("")
    return "\n".join(lines)


def validate_tables(tables: dict[str, pyarrow.Table],
                    fresh: dict[str, pyarrow.Table] | None = None) -> dict[str, pyarrow.Table]:
    """The tables, checked, or ValidationFailed with a report. Row rules run
    on `fresh` (the rows read in this build; default: all) for the tables
    kept per document, on the whole of the others; keys on every row."""
    fresh = tables if fresh is None else {**fresh, **{name: tables[name] for name in WHOLE}}
    failures: list[dict] = []
    for spec in TABLES:
        failures += _schema_failures(spec.name, fresh[spec.name])
    if not failures:
        failures += _key_failures(tables, fresh) + _span_failures(fresh)
    if failures:
        raise ValidationFailed(format_report(failures), len(failures))
    return tables
