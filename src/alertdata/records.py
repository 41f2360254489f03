"""What the per-document step returns: an input's records, or why it was
rejected. Kept free of heavy imports, because these objects cross process
boundaries, go into the cache and come back out of it."""
from __future__ import annotations

import pickle
from dataclasses import dataclass, replace
from datetime import date

from .headers import Header

# Records by table; and the same rows by column (table -> column -> values).
Records = dict[str, list[dict]]
Columns = dict[str, dict[str, list]]


@dataclass(frozen=True)
class Extracted:
    """Everything read from one input document."""
    document_id: str
    source_path: str
    source_sha256: str
    n_words: int
    rows: Records                               # table name -> records
    warnings: tuple[str, ...] = ()
    # The same rows by column, as a worker or the cache hands them over
    # (`unpack`); `rows` is then empty. None: the rows are in `rows`.
    columns: Columns | None = None

    def by_column(self) -> Columns:
        """The rows by column, whichever form they came in."""
        return self.columns if self.columns is not None else to_columns(self.rows)

    def without_rows(self) -> "Extracted":
        """The document's identity and report without its rows (what a
        build keeps once the rows are in its tables)."""
        return replace(self, rows={}, columns=None)


@dataclass(frozen=True)
class Rejected:
    """An input that did not become an alert."""
    source_path: str
    source_sha256: str | None
    stage: str
    reason: str


def document_id(header: Header, sha256: str) -> str:
    """Stable id of a document from what it is, not where or when it was read:
    series code, issue number (else volume and number) and publication date,
    so that fixing a typo in the text keeps the id. A document without a date
    or a number gets its file hash instead, never an id from a number alone."""
    code = header.series_code or "doc"
    if header.published_on and (header.issue_number is not None or header.volume_issue is not None):
        number = (str(header.issue_number) if header.issue_number is not None
                  else f"v{header.volume or 0}n{header.volume_issue}")
        return f"{code}-{number}-{header.published_on:%Y%m%d}"
    return f"{code}-x{sha256[:12]}"


def alert_id(doc_id: str, story_index: int) -> str:
    return f"{doc_id}-{story_index}"


def doc_key(doc: Extracted | Rejected) -> str:
    """A document's identity in a build's state: its path and content."""
    return f"{doc.source_path}\0{doc.source_sha256}"


# ---------------------------------------------------------------- transport

PACK_FORMAT = 2
_EPOCH = date(1970, 1, 1).toordinal()


def to_columns(rows: Records) -> Columns:
    """Records -> columns (a column a record lacks is null there)."""
    out: Columns = {}
    for table, records in rows.items():
        if not records:
            out[table] = {}
            continue
        first = records[0].keys()
        if all(r.keys() == first for r in records):     # the usual case, checked in C
            out[table] = {k: [r[k] for r in records] for k in first}
        else:
            names = list(dict.fromkeys(k for r in records for k in r))
            out[table] = {k: [r.get(k) for r in records] for k in names}
    return out


def _day_numbers(values: list) -> list:
    """Dates as days since 1970-01-01 (Arrow's date32), which pickle as
    plain integers instead of one object reconstruction per date."""
    return [v if v is None else v.toordinal() - _EPOCH for v in values]


def pack(result: Extracted | Rejected, columns: Columns | None = None) -> bytes:
    """A result as compact bytes for the cache: each table's rows by column
    (names once per document, dates as day numbers; `columns` when the
    caller has them already), pickled and compressed with LZ4 (as fast as
    a copy; zlib cost as much as the pickling). Several times quicker to read
    back than the records, and under half their size."""
    import pyarrow as pa          # (LZ4; loaded wherever results are packed)

    if isinstance(result, Rejected):
        payload = (PACK_FORMAT, "rejected", result.source_path, result.source_sha256,
                   result.stage, result.reason)
    else:
        columns = {table: dict(cols) for table, cols in (columns or result.by_column()).items()}
        for table in columns.values():
            for name, values in table.items():
                if isinstance(next((v for v in values if v is not None), None), date):
                    table[name] = _day_numbers(values)
        payload = (PACK_FORMAT, "extracted", result.document_id, result.source_path,
                   result.source_sha256, result.n_words, result.warnings, columns)
    raw = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    return len(raw).to_bytes(8, "little") + pa.compress(raw, codec="lz4", asbytes=True)


def unpack(blob: bytes) -> Extracted | Rejected:
    """The result `pack` made; an Extracted carries its rows in `columns`
    (dates as day numbers, which Arrow's date32 takes as they are).
    Raises ValueError for bytes that are not a packed result."""
    import pyarrow as pa

    try:
        size = int.from_bytes(blob[:8], "little")
        payload = pickle.loads(pa.decompress(blob[8:], size, codec="lz4", asbytes=True))
        if payload[0] != PACK_FORMAT:
            raise ValueError(f"packed result of format {payload[0]}, expected {PACK_FORMAT}")
        if payload[1] == "rejected":
            return Rejected(*payload[2:])
        doc_id, path, sha, n_words, warnings, columns = payload[2:]
        return Extracted(doc_id, path, sha, n_words, {}, tuple(warnings), columns)
    except ValueError:
        raise
    except Exception as e:          # damaged bytes: the caller treats them as missing
        raise ValueError(f"not a packed result ({type(e).__name__}: {e})") from e


__all__ = ["Extracted", "Rejected", "document_id", "alert_id", "doc_key", "pack", "unpack", "to_columns"]
