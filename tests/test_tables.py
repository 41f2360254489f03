"""Assembling tables: the fast paths (rows merged into sorted tables by
binary search, entities merged in Arrow) give what the plain ways give."""
from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.compute  # noqa: F401  (pa.compute)
import pytest

from alertdata.schemas import TABLE
from alertdata.tables import DOC, merge_entities, merge_sorted

MENTIONS = TABLE["actor_mentions"]       # key: alert_id, char_start, char_end, actor_id


def mention_rows(rng: random.Random, alerts: list[str], n: int) -> pa.Table:
    rows = {(rng.choice(alerts), s, s + rng.randrange(1, 9), rng.choice("abc")) for s in
            (rng.randrange(0, 500) for _ in range(n))}
    alert, start, end, actor = zip(*sorted(rows)) if rows else ((), (), (), ())
    return pa.table({"alert_id": pa.array(alert, pa.string()), "char_start": pa.array(start, pa.int64()),
                     "char_end": pa.array(end, pa.int64()), "actor_id": pa.array(actor, pa.string()),
                     DOC: pa.array(["d"] * len(alert), pa.string())})


@pytest.mark.parametrize("seed", range(30))
def test_merging_a_few_rows_into_a_sorted_table_equals_sorting_them_in(seed):
    rng = random.Random(seed)
    alerts = [f"cw-{k}-20240101-1" for k in range(40)]
    old = mention_rows(rng, alerts[::2], rng.randrange(0, 300))
    new = mention_rows(rng, alerts[1::2] + alerts[:1], rng.randrange(0, 40))
    new = new.take(pa.array(rng.sample(range(new.num_rows), new.num_rows), pa.int64()))   # any order
    merged = merge_sorted(MENTIONS, old, new)
    expected = pa.concat_tables([old, new]).sort_by([(k, "ascending") for k in MENTIONS.order])
    assert merged.to_pylist() == expected.to_pylist()


def reference_merge(rows: pa.Table, key: str, rank: dict[str, int]) -> list[dict]:
    """The plain way: the first row of each id in document order, aliases united and sorted."""
    first, aliases = {}, {}
    records = rows.to_pylist()
    for i in sorted(range(len(records)), key=lambda i: rank[records[i][DOC]]):
        r = records[i]
        first.setdefault(r[key], r)
        aliases.setdefault(r[key], set()).update(r["aliases"] or [])
    return [{**{k: v for k, v in first[k].items() if k != DOC}, "aliases": sorted(aliases[k])}
            for k in sorted(first)]


@pytest.mark.parametrize("seed", range(20))
def test_entities_merged_in_arrow_equal_the_plain_merge(seed):
    rng = random.Random(seed)
    rows, rank = entity_rows(rng)
    assert merge_entities(rows, "actor_id", rank).to_pylist() == reference_merge(rows, "actor_id", rank)


def entity_rows(rng: random.Random) -> tuple[pa.Table, dict[str, int]]:
    """Unmerged actor rows of a dozen documents, and a document order."""
    docs = [f"doc{k}" for k in range(12)]
    n = rng.randrange(1, 80)
    rows = pa.table({
        "actor_id": [rng.choice(["b", "a", "c-x", "é", "A"]) for _ in range(n)],
        "name": [f"name {k}" for k in range(n)],
        "aliases": [rng.choice([None, [], ["z"], ["y", "x"], ["Ä", "x"]]) for _ in range(n)],
        DOC: [rng.choice(docs) for _ in range(n)]},
        schema=pa.schema([("actor_id", pa.string()), ("name", pa.string()),
                          ("aliases", pa.list_(pa.string())), (DOC, pa.string())]))
    return rows, {d: i for i, d in enumerate(rng.sample(docs, len(docs)))}


@pytest.mark.parametrize("seed", range(20))
def test_entities_merged_again_from_the_last_merge_equal_a_full_merge(seed):
    """A rebuild merges again only the ids whose rows went or came."""
    from alertdata.tables import remerge_entities

    rng = random.Random(seed)
    docs = [f"doc{k:02d}" for k in range(15)]
    schema = pa.schema([("actor_id", pa.string()), ("name", pa.string()),
                        ("aliases", pa.list_(pa.string())), (DOC, pa.string())])

    def rows_of(names):
        ids = [rng.choice("abcdefg") for _ in names]
        return pa.table({"actor_id": ids, "name": [f"n{rng.randrange(99)}" for _ in names],
                         "aliases": [rng.choice([None, [], ["x"], ["y", "z"]]) for _ in names],
                         DOC: names}, schema=schema)

    old = rows_of([rng.choice(docs[:10]) for _ in range(rng.randrange(1, 60))])
    rank = {d: i for i, d in enumerate(docs)}
    previous = merge_entities(old, "actor_id", rank)
    removed = set(rng.sample(docs[:10], 3))
    keep = pa.array([d not in removed for d in old.column(DOC).to_pylist()])
    kept, gone = old.filter(keep), old.filter(pa.compute.invert(keep))
    new = rows_of([rng.choice(docs) for _ in range(rng.randrange(0, 20))])
    rows = pa.concat_tables([kept, new])
    assert remerge_entities(previous, rows, gone, new, "actor_id", rank).to_pylist() == \
        merge_entities(rows, "actor_id", rank).to_pylist()


def chunked_by_document(table: pa.Table, rng: random.Random) -> pa.Table:
    """table cut into a few chunks, each with its own `_doc` dictionary, as a
    state read back and new rows added to it are."""
    cuts = sorted({0, table.num_rows, *(rng.randrange(table.num_rows + 1) for _ in range(3))})
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        piece = table.slice(a, b - a)
        tags = piece.column(DOC).combine_chunks().dictionary_encode()
        pieces.append(piece.set_column(piece.schema.get_field_index(DOC),
                                       pa.field(DOC, tags.type), tags.cast(pa.dictionary(pa.int32(), pa.string()))))
    return pa.concat_tables(pieces, promote_options="permissive")


@pytest.mark.parametrize("seed", range(20))
def test_entities_merged_from_chunks_with_their_own_dictionaries_equal_the_plain_merge(seed):
    rng = random.Random(seed)
    rows, rank = entity_rows(rng)
    chunked = chunked_by_document(rows, rng)
    assert chunked.column(DOC).num_chunks > 1 or rows.num_rows < 2
    assert merge_entities(chunked, "actor_id", rank).to_pylist() == reference_merge(rows, "actor_id", rank)


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("slice_limit", [1_000, 2])
def test_rows_split_by_document_equal_a_filter(seed, slice_limit, monkeypatch):
    """A rebuild takes the rows of changed documents out of the state by
    slicing around them (or filtering, when they are scattered)."""
    from alertdata import tables

    monkeypatch.setattr(tables, "SLICE_LIMIT", slice_limit)
    rng = random.Random(seed)
    docs = [f"doc{k:02d}" for k in range(10)]
    tags = sorted(rng.choice(docs) for _ in range(rng.randrange(0, 60)))
    if rng.random() < 0.3:
        rng.shuffle(tags)                       # scattered runs
    table = chunked_by_document(pa.table({"n": pa.array(range(len(tags)), pa.int64()),
                                          DOC: pa.array(tags, pa.string())}), rng) if tags else \
        pa.table({"n": pa.array([], pa.int64()), DOC: pa.array([], pa.dictionary(pa.int32(), pa.string()))})
    stay = pa.array(rng.sample(docs, rng.randrange(0, 11)), pa.string())
    keep = tables.doc_mask(table.column(DOC), stay)
    assert keep.to_pylist() == [t in stay.to_pylist() for t in tags]
    kept, gone = tables.split_rows(table, keep)
    assert kept.column("n").to_pylist() == [k for k, t in enumerate(tags) if t in stay.to_pylist()]
    assert gone.column("n").to_pylist() == [k for k, t in enumerate(tags) if t not in stay.to_pylist()]
