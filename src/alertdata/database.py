"""The release's DuckDB database: every table with its keys, comments and
two convenience views; written afresh, or brought up to date from the
previous release's database by replacing only the rows that changed.
"""
from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa

from .schemas import TABLE as TABLE_SPECS, TABLES, TableSpec, logical_type

DUCKDB_TYPES = {"str": "VARCHAR", "int": "BIGINT", "date": "DATE", "float": "DOUBLE",
                "list[str]": "VARCHAR[]"}
DB_NAME = "alertdata.duckdb"


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def duckdb_ddl(spec: TableSpec) -> str:
    """CREATE TABLE with NOT NULL, PRIMARY KEY and FOREIGN KEY constraints.
    A foreign key into the table itself is left to `validate` (DuckDB does
    not enforce self-references)."""
    schema = spec.schema
    cols = [f"  {name} {DUCKDB_TYPES[logical_type(col.dtype)]}{'' if col.nullable else ' NOT NULL'}"
            for name, col in schema.columns.items()]
    if spec.primary_key:
        cols.append(f"  PRIMARY KEY ({', '.join(spec.primary_key)})")
    for fk_cols, ref_table, ref_cols in spec.foreign_keys:
        if ref_table != spec.name:
            cols.append(f"  FOREIGN KEY ({', '.join(fk_cols)}) REFERENCES {ref_table} "
                        f"({', '.join(ref_cols)})")
    return f"CREATE TABLE {spec.name} (\n" + ",\n".join(cols) + "\n)"


# Views that join names, places and coordinates onto the fact tables, so a
# first query needs no joins. Documented in the README.
VIEWS = {
    "events_full": """
CREATE VIEW events_full AS
SELECT e.event_id, e.alert_id, a.series, a.issue_number, a.published_on, a.title,
       e.event_date, e.date_precision, e.date_text, e.event_type, e.certainty,
       e.actor1_id, a1.name AS actor1_name, a1.actor_type AS actor1_type,
       a1.country_iso3 AS actor1_country,
       e.actor2_id, a2.name AS actor2_name, a2.actor_type AS actor2_type,
       a2.country_iso3 AS actor2_country,
       e.location_id, l.name AS location_name, l.feature_type AS location_type,
       l.country_iso3 AS location_country, l.admin1, l.latitude, l.longitude, l.geonames_id,
       e.fatalities, e.fatalities_low, e.fatalities_high, e.summary, e.char_start, e.char_end
FROM events e
JOIN alerts a USING (alert_id)
LEFT JOIN actors a1 ON a1.actor_id = e.actor1_id
LEFT JOIN actors a2 ON a2.actor_id = e.actor2_id
LEFT JOIN locations l ON l.location_id = e.location_id""",
    "statements_full": """
CREATE VIEW statements_full AS
SELECT s.statement_id, s.alert_id, a.series, a.issue_number, a.published_on, a.title,
       a.country_iso3 AS story_country, s.kind, s.speaker, s.speaker_role,
       s.speaker_actor_id, sa.name AS speaker_name, sa.actor_type AS speaker_type,
       sa.country_iso3 AS speaker_country, s.verb, s.quote, s.stated_on, s.date_precision,
       s.char_start, s.char_end
FROM statements s
JOIN alerts a USING (alert_id)
LEFT JOIN actors sa ON sa.actor_id = s.speaker_actor_id""",
}
VIEW_COMMENTS = {
    "events_full": "Events with their story, actors' names and types, and the place with "
                   "coordinates: one row per event.",
    "statements_full": "Statements with their story and the speaking actor's name, type and "
                       "country: one row per statement.",
}


def write_duckdb(arrow_tables: dict[str, pa.Table], path: Path) -> None:
    """Every table with its constraints and comments, in a storage format
    DuckDB 1.x clients (R, older Python) can open."""
    import duckdb

    con = duckdb.connect(str(path), config={"storage_compatibility_version": "v1.0.0"})
    try:
        for spec in TABLES:
            con.execute(duckdb_ddl(spec))
            con.execute(f"COMMENT ON TABLE {spec.name} IS {_sql_str(spec.description)}")
            for name, col in spec.schema.columns.items():
                con.execute(f"COMMENT ON COLUMN {spec.name}.{name} IS {_sql_str(col.description or '')}")
            source = arrow_tables[spec.name]
            if source.num_rows:
                con.register("incoming", source)
                con.execute(f"INSERT INTO {spec.name} SELECT * FROM incoming")
                con.unregister("incoming")
        for name, sql in VIEWS.items():
            con.execute(sql)
            con.execute(f"COMMENT ON VIEW {name} IS {_sql_str(VIEW_COMMENTS[name])}")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _parents() -> list[str]:
    """Tables other tables point at (alerts, actors, locations)."""
    return [t.name for t in TABLES
            if any(ref == t.name != s.name for s in TABLES for _, ref, _ in s.foreign_keys)]


def update_duckdb(arrow_tables: dict[str, pa.Table], path: Path,
                  changed_alerts: set[str] | None = None) -> None:
    """Bring a copy of the previous release's database up to these tables by
    deleting and inserting only the rows that differ: loading ten thousand
    alerts with their keys takes DuckDB several seconds, a week's changes a
    fraction of one.

    `changed_alerts` are the alerts whose rows may differ (those of new,
    changed or removed documents); every other alert's rows are the same as
    before, because a document's rows come from that document alone. Without
    it, the rows that differ are found by comparing whole tables (EXCEPT).
    Actors, locations and rejects, merged or listed across documents, are
    always compared whole.

    DuckDB checks foreign keys eagerly and turns an UPDATE into a delete and
    an insert, so a changed parent row (an actor with a new alias) is
    replaced only after every row pointing at it has been taken out, and
    those rows are put back after it; each step commits on its own."""
    import duckdb

    parents = _parents()
    children = [s for s in TABLES if s.name not in parents]
    con = duckdb.connect(str(path), config={"storage_compatibility_version": "v1.0.0"})
    try:
        for spec in TABLES:
            con.register(f"new_{spec.name}", arrow_tables[spec.name])
        by_alert = changed_alerts is not None
        if by_alert:
            con.register("changed", pa.table({"alert_id": pa.array(sorted(changed_alerts), pa.string())}))
        for name in parents:
            key = TABLE_SPECS[name].primary_key[0]
            if by_alert and name == "alerts":
                con.execute("CREATE TEMP TABLE stale_alerts AS SELECT alert_id FROM changed")
            else:
                con.execute(f"CREATE TEMP TABLE stale_{name} AS SELECT {key} FROM "
                            f"(SELECT * FROM {name} EXCEPT SELECT * FROM new_{name})")
        # rows that go and come back: those of changed alerts, and those pointing at a changed parent
        redo: dict[str, str] = {}
        for spec in children:
            if not spec.primary_key:
                continue
            conditions = [f"t.{cols[0]} IN (SELECT {ref_cols[0]} FROM stale_{ref})"
                          for cols, ref, ref_cols in spec.foreign_keys if ref in parents]
            redo[spec.name] = " OR ".join(conditions) or "false"
        for spec in children:
            if not spec.primary_key:
                con.execute(f"DELETE FROM {spec.name}")
                continue
            if not by_alert:
                keys = ", ".join(spec.primary_key)
                match = " AND ".join(f"t.{k} = d.{k}" for k in spec.primary_key)
                con.execute(f"DELETE FROM {spec.name} AS t USING (SELECT {keys} FROM (SELECT * FROM "
                            f"{spec.name} EXCEPT SELECT * FROM new_{spec.name})) AS d WHERE {match}")
            con.execute(f"DELETE FROM {spec.name} AS t WHERE {redo[spec.name]}")
        for name in parents:
            key = TABLE_SPECS[name].primary_key[0]
            con.execute(f"DELETE FROM {name} AS t USING stale_{name} AS d WHERE t.{key} = d.{key}")
        for name in parents + [s.name for s in children]:
            spec = TABLE_SPECS[name]
            if by_alert and spec.primary_key and (name == "alerts" or name in redo):
                where = redo.get(name, "t.alert_id IN (SELECT alert_id FROM stale_alerts)")
                con.execute(f"INSERT INTO {name} SELECT * FROM new_{name} AS t WHERE {where}")
            else:
                con.execute(f"INSERT INTO {name} SELECT * FROM new_{name} EXCEPT SELECT * FROM {name}")
        for spec in TABLES:
            con.unregister(f"new_{spec.name}")
        con.execute("CHECKPOINT")
    finally:
        con.close()


class DatabaseCopy:
    """A copy of the previous release's database, made in a background
    thread from the start of a build (copying a few hundred megabytes takes
    about a second, which the build's other stages hide). It lies beside the
    release as `.<name>.dbcopy-<pid>` until the new release takes it; a copy
    left by a killed build is removed by `recover`."""

    def __init__(self, source: Path, out: Path):
        out = Path(out).absolute()
        self.path = out.parent / f".{out.name}.dbcopy-{os.getpid()}"
        self._pool = ThreadPoolExecutor(1)
        self._done = self._pool.submit(shutil.copyfile, source, self.path)

    def take(self, target: Path) -> None:
        """Move the finished copy to `target` (raises if copying failed)."""
        self._done.result()
        os.replace(self.path, target)

    def discard(self) -> None:
        self._pool.shutdown(wait=True)
        self.path.unlink(missing_ok=True)


def write_database(arrow: dict[str, pa.Table], path: Path, previous: Path | DatabaseCopy | None,
                   changed_alerts: set[str] | None = None) -> bool:
    """The release's DuckDB file: the previous release's (a path, or a copy
    already being made), updated, where one built by the same code is given
    (True), else written afresh (False). An update that fails for any reason
    falls back to a fresh file."""
    if previous is not None:
        try:
            if isinstance(previous, DatabaseCopy):
                previous.take(path)
            else:
                shutil.copyfile(previous, path)
            update_duckdb(arrow, path, changed_alerts)
            return True
        except Exception:          # noqa: BLE001 - a fresh file is always right
            for leftover in (path, path.with_name(path.name + ".wal")):
                leftover.unlink(missing_ok=True)
    write_duckdb(arrow, path)
    return False
