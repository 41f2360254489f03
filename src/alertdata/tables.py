"""Tables: per-document records -> the published Arrow tables, with stable
ids, duplicates resolved, rows sorted by key and columns in schema order.

A rebuild need not turn every document's records into rows again: the rows
of the previous build are kept (`state`, each row tagged with its document in
a `_doc` column, actors and locations before their merge), and a document
that has not changed takes its rows from there by one vectorised filter.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from .records import Extracted, Rejected, alert_id, doc_key, document_id
from .schemas import TABLE, TABLES, TableSpec, arrow_schema

DOC = "_doc"                                   # the document a state row came from
# Tags repeat for every row of a document: dictionary-encoded, they take 4
# bytes a row instead of a 100-byte path and hash, and filters compare each
# distinct document once.
DOC_TYPE = pa.dictionary(pa.int32(), pa.string())
ENTITIES = {"actors": "actor_id", "locations": "location_id"}   # merged across documents


@dataclass
class Assembled:
    tables: dict[str, pa.Table]                # as published
    kept: list[Extracted] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    fresh: dict[str, pa.Table] = field(default_factory=dict)   # rows not taken from the state
    # every kept row, tagged: in published order, but actors and locations
    # as each document gave them (unmerged)
    state: dict[str, pa.Table] = field(default_factory=dict)
    # alerts whose rows may differ from the state's (of new, changed or
    # removed documents); None when no state was used
    changed_alerts: set[str] | None = None


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


def frame(spec: TableSpec, records: list[dict], docs: list[str] | None = None) -> pa.Table:
    """Records -> an Arrow table with the published columns and types, in
    the order given; with `docs`, a `_doc` column tags each row."""
    table = pa.Table.from_pylist(records, schema=arrow_schema(spec))
    if docs is not None:
        table = table.append_column(DOC, pa.array(docs, type=pa.string()).dictionary_encode())
    return table


def _sorted(spec: TableSpec, table: pa.Table) -> pa.Table:
    """Rows in primary-key order (stable: equal keys keep their order)."""
    if table.num_rows < 2:
        return table
    return table.sort_by([(c, "ascending") for c in spec.order])


def doc_mask(docs: pa.ChunkedArray, value_set: pa.Array) -> pa.ChunkedArray:
    """Whether each row's `_doc` tag is in value_set. The test is made on
    each distinct dictionary once (the chunks of a state share one) and
    spread to the rows by their indices, not on every row's string."""
    masks, last, last_mask = [], None, None
    for chunk in docs.chunks:
        if not pa.types.is_dictionary(chunk.type):
            masks.append(pc.is_in(chunk, value_set=value_set))
            continue
        if last is None or not (chunk.dictionary is last or chunk.dictionary.equals(last)):
            last, last_mask = chunk.dictionary, pc.is_in(chunk.dictionary, value_set=value_set)
        masks.append(pc.take(last_mask, chunk.indices))
    return pa.chunked_array(masks, pa.bool_())


# More runs of rows than this to take out of a table, and it is filtered
# (a copy) rather than cut into slices around them.
SLICE_LIMIT = 1_000


def split_rows(table: pa.Table, keep: pa.ChunkedArray) -> tuple[pa.Table, pa.Table]:
    """(the rows where keep is true, the others). A rebuild takes a few
    documents' rows out of a million: the kept rows are then slices of the
    table around them, not a copy of it (nor a read of its every page, when
    the table is memory-mapped)."""
    drop = pc.indices_nonzero(pc.invert(keep).combine_chunks())
    if len(drop) == 0:
        return table, table.schema.empty_table()
    gone = table.take(drop)
    at = drop.to_numpy()
    breaks = (at[1:] != at[:-1] + 1).nonzero()[0]
    if len(breaks) >= SLICE_LIMIT:
        return table.filter(keep), gone
    starts = [int(at[0]), *(int(at[i + 1]) for i in breaks)]
    ends = [*(int(at[i]) + 1 for i in breaks), int(at[-1]) + 1]
    pieces, pos = [], 0
    for start, end in zip(starts, ends):
        pieces.append(table.slice(pos, start - pos))
        pos = end
    pieces.append(table.slice(pos))
    return pa.concat_tables([p for p in pieces if p.num_rows] or [table.schema.empty_table()]), gone


# Up to this many new rows are placed among the old ones by binary search;
# more are sorted in with them.
MERGE_LIMIT = 5_000


class _KeysAt:
    """The key tuples of a table's rows, read as `bisect` asks for them."""

    def __init__(self, table: pa.Table, keys: tuple[str, ...]):
        self.columns = [table.column(k) for k in keys]
        self.n = table.num_rows

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> tuple:
        return tuple(c[i].as_py() for c in self.columns)


def merge_sorted(spec: TableSpec, old: pa.Table, new: pa.Table) -> pa.Table:
    """Two tables sorted by the table's key -> one sorted table. A rebuild
    brings a few new rows among a million old ones: each run of them is placed
    by binary search and the result is slices of the two tables, not a copy;
    many new rows (or keys with nulls, which do not compare) are sorted in."""
    keys = spec.order
    if new.num_rows == 0:
        return old
    if old.num_rows == 0:
        return _sorted(spec, new)
    if new.num_rows > MERGE_LIMIT or any(t.column(k).null_count for t in (old, new) for k in keys):
        return _sorted(spec, pa.concat_tables([old, new]))
    new = _sorted(spec, new)
    old_keys = _KeysAt(old, keys)
    new_keys = list(zip(*(new.column(k).to_pylist() for k in keys)))
    pieces, at, j = [], 0, 0
    while j < len(new_keys):
        pos = bisect.bisect_left(old_keys, new_keys[j], lo=at)
        k = j + 1
        if pos < len(old_keys):             # the new rows that also come before old row `pos`
            limit = old_keys[pos]
            while k < len(new_keys) and new_keys[k] < limit:
                k += 1
        else:
            k = len(new_keys)
        pieces += [old.slice(at, pos - at), new.slice(j, k - j)]
        at, j = pos, k
    pieces.append(old.slice(at))
    return pa.concat_tables([p for p in pieces if p.num_rows])


class FreshRows:
    """The rows of the documents read in this build, tagged with their
    document, gathered by column as the documents arrive and turned into
    Arrow record batches every `batch_rows` rows: the Python objects of all
    rows never exist at once, and each column is converted by one C call
    instead of one dictionary per row."""

    def __init__(self, batch_rows: int = 100_000):
        self.batch_rows = batch_rows
        self._schemas = {spec.name: arrow_schema(spec) for spec in TABLES if spec.name != "rejects"}
        self._pending = {name: {f.name: [] for f in schema} for name, schema in self._schemas.items()}
        self._tags: dict[str, list[str]] = {name: [] for name in self._schemas}
        self._batches: dict[str, list[pa.RecordBatch]] = {name: [] for name in self._schemas}
        self._rows = 0
        self.keys: list[str] = []              # documents added, in order

    def add(self, doc: Extracted, columns: dict | None = None) -> None:
        """A document's rows (`columns`: the same by column, if already made)."""
        key = doc_key(doc)
        self.keys.append(key)
        for table, by_name in (columns or doc.by_column()).items():
            pending = self._pending.get(table)
            if pending is None or not by_name:
                continue
            n = len(next(iter(by_name.values())))
            for name, values in pending.items():
                values.extend(by_name.get(name) or [None] * n)
            self._tags[table].extend([key] * n)
            self._rows += n
        if self._rows >= self.batch_rows:
            self._flush()

    def add_converted(self, keys: list[str], tables: dict[str, pa.Table]) -> None:
        """Rows of documents `keys` that a worker already converted (tagged
        tables, as `tables()` gives them)."""
        self.keys.extend(keys)
        for name, table in tables.items():
            if table.num_rows:
                self._batches[name].extend(table.to_batches())

    def _flush(self) -> None:
        for table, pending in self._pending.items():
            tags = self._tags[table]
            if not tags:
                continue
            schema = self._schemas[table]
            arrays = [pa.array(pending[f.name], type=f.type) for f in schema]
            arrays.append(pa.array(tags, type=pa.string()).dictionary_encode())
            self._batches[table].append(pa.RecordBatch.from_arrays(arrays, schema=_tagged_schema(schema)))
            for values in pending.values():
                values.clear()
            tags.clear()
        self._rows = 0

    def tables(self) -> dict[str, pa.Table]:
        """Every row added so far, by table, with its `_doc` tag."""
        self._flush()
        return {name: pa.Table.from_batches(self._batches[name], schema=_tagged_schema(schema))
                for name, schema in self._schemas.items()}


def _tagged_schema(schema: pa.Schema) -> pa.Schema:
    return schema.append(pa.field(DOC, DOC_TYPE))


def assemble(results: list[Extracted | Rejected], state: dict[str, pa.Table] | None = None,
             from_state: frozenset[str] = frozenset(), fresh: FreshRows | None = None) -> Assembled:
    """All documents' records -> the published tables (rejects included).
    Documents whose key is in `from_state` carry no records: their rows are
    taken from `state`, the `Assembled.state` of an earlier build by the same
    code. The rows of the other documents are in `fresh` when the build
    gathered them as they arrived (then `results` may carry none), else in
    the results themselves."""
    extracted = [r for r in results if isinstance(r, Extracted)]
    rejected = [r for r in results if isinstance(r, Rejected)]
    kept, duplicates = resolve_duplicates(extracted)
    rejected = sorted(rejected + duplicates, key=lambda r: (r.source_path, r.source_sha256 or ""))
    reused = [doc_key(d) for d in kept if doc_key(d) in from_state]
    fresh_keys = {doc_key(d) for d in kept if doc_key(d) not in from_state}
    if fresh is None:
        fresh = FreshRows()
        for d in kept:
            if doc_key(d) in fresh_keys:
                fresh.add(d)
    fresh_tables = fresh.tables()
    dropped = set(fresh.keys) - fresh_keys     # duplicates rejected after their rows arrived
    rank = {doc_key(d): i for i, d in enumerate(kept)}
    reused_docs = pa.array(reused, pa.string())
    out = Assembled(tables={}, kept=kept, rejected=rejected)
    for spec in TABLES:
        if spec.name == "rejects":
            out.tables["rejects"] = frame(spec, [{"source_path": r.source_path,
                                                  "source_sha256": r.source_sha256, "stage": r.stage,
                                                  "reason": r.reason} for r in rejected])
            continue
        new = fresh_tables[spec.name]
        if dropped:
            new = new.filter(pc.invert(doc_mask(new.column(DOC), pa.array(sorted(dropped)))))
        old = new.schema.empty_table()
        gone = old
        if reused:
            old, gone = split_rows(state[spec.name], doc_mask(state[spec.name].column(DOC), reused_docs))
            if spec.name == "alerts":
                out.changed_alerts = set(gone.column("alert_id").to_pylist()) | \
                    set(new.column("alert_id").to_pylist())
        out.fresh[spec.name] = new.drop_columns([DOC])
        if spec.name in ENTITIES:
            rows = pa.concat_tables([old, new])
            previous = state.get(merged_name(spec.name)) if reused else None
            out.tables[spec.name] = merge_entities(rows, ENTITIES[spec.name], rank) if previous is None \
                else remerge_entities(previous, rows, gone, new, ENTITIES[spec.name], rank)
            out.state[merged_name(spec.name)] = out.tables[spec.name]
        else:
            rows = merge_sorted(spec, old, new)      # the state is in published order already
            out.tables[spec.name] = rows.drop_columns([DOC])
        out.state[spec.name] = rows
    return out


def merged_name(table: str) -> str:
    """The state's name for the merged (published) rows of an entity table."""
    return f"{table}.merged"


def remerge_entities(previous: pa.Table, rows: pa.Table, gone: pa.Table, new: pa.Table, key: str,
                     rank: dict[str, int]) -> pa.Table:
    """`merge_entities(rows, ...)` from the last build's merged table: an id's
    merged row depends only on the rows with that id, in document order, and
    documents keep their relative order; so only the ids of rows that went
    (`gone`) or came (`new`) are merged again, from all their rows."""
    touched = pa.concat_arrays([gone.column(key).combine_chunks(), new.column(key).combine_chunks()]).unique()
    if len(touched) == 0:
        return previous
    again = merge_entities(rows.filter(pc.is_in(rows.column(key), value_set=touched)), key, rank)
    kept = previous.filter(pc.invert(pc.is_in(previous.column(key), value_set=touched)))
    return pa.concat_tables([kept, again]).sort_by(key)


def merge_entities(rows: pa.Table, key: str, rank: dict[str, int]) -> pa.Table:
    """Dataset-wide entities (actors, locations) seen in several documents:
    one row per id, the one read first in document order, with every
    document's aliases merged and sorted; rows in id order.

    In Arrow, without a Python loop over the rows: each row gets the rank of
    its id (in id order) and of its document; a stable sort on the two picks
    each id's first row, and the (id, alias) pairs, deduplicated and sorted,
    are gathered back into one list per id."""
    doc_rank = _doc_ranks(rows.column(DOC), rank)
    rows = rows.drop_columns([DOC]).combine_chunks()
    n = rows.num_rows
    if n == 0:
        return rows
    ids = pc.dictionary_encode(rows.column(key)).chunk(0)
    id_rank = pc.rank(ids.dictionary, sort_keys="ascending", tiebreaker="first")   # 1-based
    row_id_rank = pc.take(id_rank, ids.indices)
    order = pa.table({"id": row_id_rank, "doc": doc_rank, "row": pa.array(range(n), pa.int64())}) \
        .sort_by([("id", "ascending"), ("doc", "ascending"), ("row", "ascending")])
    sorted_ids = order.column("id").combine_chunks()
    first = pc.indices_nonzero(pc.fill_null(pc.not_equal(sorted_ids, _shifted(sorted_ids)), True))
    chosen = pc.take(order.column("row"), first)
    table = rows.take(chosen)
    # every alias of every row, as (id rank, alias) pairs, distinct and sorted
    aliases = rows.column("aliases").combine_chunks()
    pairs = pa.table({"id": pc.take(row_id_rank, pc.list_parent_indices(aliases)),
                      "alias": pc.list_flatten(aliases)})
    pairs = pairs.group_by(["id", "alias"], use_threads=False).aggregate([]) \
        .sort_by([("id", "ascending"), ("alias", "ascending")])
    grouped = pairs.group_by("id", use_threads=False).aggregate([("alias", "list")])
    lists = dict(zip(grouped.column("id").to_pylist(), grouped.column("alias_list").to_pylist()))
    column = table.schema.get_field_index("aliases")
    merged = pa.array([lists.get(i, []) for i in pc.take(row_id_rank, chosen).to_pylist()],
                      type=table.schema.field(column).type)
    return table.set_column(column, table.schema.field(column), merged)


def _doc_ranks(docs: pa.ChunkedArray, rank: dict[str, int]) -> pa.Array:
    """Each row's document rank (-1 for a document not in `rank`: a
    dictionary may still name documents whose rows were filtered out), made
    on each distinct dictionary once rather than on the strings of every row
    (combining chunks with many dictionaries would unify them all)."""
    pieces, last, last_ranks = [], None, None
    for chunk in docs.chunks:
        if not pa.types.is_dictionary(chunk.type):
            chunk = chunk.dictionary_encode()
        if last is None or not (chunk.dictionary is last or chunk.dictionary.equals(last)):
            last = chunk.dictionary
            last_ranks = pa.array([rank.get(d, -1) for d in last.to_pylist()], pa.int64())
        pieces.append(pc.take(last_ranks, chunk.indices))
    return pa.concat_arrays(pieces) if pieces else pa.array([], pa.int64())


def _shifted(values: pa.Array) -> pa.Array:
    """values moved down one place, a null first (for "differs from the row before")."""
    return pa.concat_arrays([pa.nulls(1, values.type), values.slice(0, len(values) - 1)])


def table_of(name: str, records: list[dict]) -> pa.Table:
    """One table from records, sorted as published (for tests and tools)."""
    return _sorted(TABLE[name], frame(TABLE[name], records))


__all__ = ["Extracted", "Rejected", "Assembled", "assemble", "document_id", "alert_id", "doc_key"]
