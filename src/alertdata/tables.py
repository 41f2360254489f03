"""Tables: per-document records -> the published DataFrames, with stable
ids, duplicates resolved, rows sorted by key and columns in schema order."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .records import Extracted, Rejected, alert_id, document_id
from .schemas import TABLES, TableSpec


@dataclass
class Assembled:
    tables: dict[str, pd.DataFrame]
    kept: list[Extracted] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def resolve_duplicates(results: list[Extracted]) -> tuple[list[Extracted], list[Rejected]]:
    """One document per document_id. Two files holding the same issue (a
    saved page and its text copy) keep the fuller one (most words; then the
    first source path), whatever the order they were read in; the other is
    rejected naming its twin."""
    groups: dict[str, list[Extracted]] = {}
    for r in results:
        groups.setdefault(r.document_id, []).append(r)
    kept, rejected = [], []
    for doc_id in sorted(groups):
        ranked = sorted(groups[doc_id], key=lambda r: (-r.n_words, r.source_path))
        keep = ranked[0]
        kept.append(keep)
        for other in ranked[1:]:
            if other.source_sha256 == keep.source_sha256:
                why = f"identical bytes to {keep.source_path}"
            else:
                why = (f"the same issue as {keep.source_path} (document {doc_id}: same series, "
                       f"number and date), which was kept as the fuller copy")
            rejected.append(Rejected(other.source_path, other.source_sha256, "dedupe",
                                     f"duplicate: {why}; remove one of the two files, or correct "
                                     "the header if they are different issues"))
    return kept, rejected


def frame(spec: TableSpec, records: list[dict]) -> pd.DataFrame:
    """Records -> a DataFrame with the model's columns and dtypes, sorted by
    primary key (all columns for a table without one)."""
    schema = spec.model.to_schema()
    data = {name: pd.Series([r.get(name) for r in records], dtype=col.dtype.type)
            for name, col in schema.columns.items()}
    df = pd.DataFrame(data)
    if len(df):
        df = df.sort_values(list(spec.order), kind="mergesort", na_position="first")
        df = df.reset_index(drop=True)
    return df


def assemble(results: list[Extracted | Rejected]) -> Assembled:
    """All documents' records -> the published tables (rejects included)."""
    extracted = [r for r in results if isinstance(r, Extracted)]
    rejected = [r for r in results if isinstance(r, Rejected)]
    kept, duplicates = resolve_duplicates(extracted)
    rejected = sorted(rejected + duplicates, key=lambda r: (r.source_path, r.source_sha256 or ""))
    records: dict[str, list[dict]] = {t.name: [] for t in TABLES}
    for doc in kept:
        for name, rows in doc.rows.items():
            records[name].extend(rows)
    records["actors"] = dedupe_entities(records["actors"], "actor_id")
    records["locations"] = dedupe_entities(records["locations"], "location_id")
    records["rejects"] = [{"source_path": r.source_path, "source_sha256": r.source_sha256,
                           "stage": r.stage, "reason": r.reason} for r in rejected]
    tables = {spec.name: frame(spec, records[spec.name]) for spec in TABLES}
    return Assembled(tables=tables, kept=kept, rejected=rejected)


def dedupe_entities(rows: list[dict], key: str) -> list[dict]:
    """Dataset-wide entities (actors, locations) seen in several documents:
    one row per id, aliases merged and sorted."""
    merged: dict[str, dict] = {}
    for row in rows:
        have = merged.get(row[key])
        if have is None:
            merged[row[key]] = dict(row, aliases=sorted(set(row.get("aliases") or [])))
        else:
            have["aliases"] = sorted(set(have["aliases"]) | set(row.get("aliases") or []))
    return [merged[k] for k in sorted(merged)]


__all__ = ["Extracted", "Rejected", "Assembled", "assemble", "document_id", "alert_id"]
