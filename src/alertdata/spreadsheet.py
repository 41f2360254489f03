"""alertdata.xlsx: the release as one workbook, for spreadsheet users.

Every text value is stored as a text cell, never as a formula, whatever it
starts with (`=`, `+`, `-`, `@`): a quote such as "=HYPERLINK(...)" shows as
typed and cannot run. The CSV files stay the faithful copy of the data; this
workbook adds what a spreadsheet needs: real dates, one sheet per table, and
the limits of the format handled instead of failing (a table longer than a
sheet continues on the next; a text longer than a cell is cut, and says so).

Written by rustpy-xlsxwriter (rust_xlsxwriter underneath), which reads the
Arrow columns directly: ~10x faster than XlsxWriter at archive scale.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

MAX_ROWS = 1_048_575          # Excel's 1,048,576 rows per sheet, less the header
MAX_CELL_CHARS = 32_767       # Excel's limit for the text of one cell
# A cut text ends with this note (the cut leaves room for it, and for
# characters that Excel counts twice).
CUT_NOTE = " […cut: Excel cells hold 32,767 characters; the full text is in csv/{table}.csv]"
CUT_AT = 32_000
DATE_FORMAT = "yyyy-mm-dd"
ABOUT = "about"


def sheet_ready(name: str, table: pa.Table) -> tuple[pa.Table, int]:
    """The table as cells: lists joined by '; ' (as in the CSV files), texts
    over the cell limit cut with a note; and how many texts were cut."""
    columns, cut = [], 0
    note = CUT_NOTE.format(table=name)
    for column in table.columns:
        if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
            column = pc.binary_join(column, "; ")
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            long = pc.greater(pc.utf8_length(column), CUT_AT)
            n = pc.sum(long).as_py() or 0
            if n:
                cut += n
                short = pc.binary_join_element_wise(pc.utf8_slice_codeunits(column, 0, CUT_AT), note, "")
                column = pc.if_else(long, short, column)
        columns.append(column)
    return pa.table(columns, names=table.column_names), cut


def sheet_names(name: str, rows: int) -> list[tuple[str, int, int]]:
    """(sheet name, first row, row count) for a table: `statements`, then
    `statements (2)`, ... when it has more rows than one sheet holds."""
    parts = max(1, -(-rows // MAX_ROWS))
    return [(name if k == 0 else f"{name} ({k + 1})", k * MAX_ROWS, min(MAX_ROWS, rows - k * MAX_ROWS))
            for k in range(parts)]


def about_sheet(tables: dict[str, pa.Table], sheets: dict[str, list[str]], cut: dict[str, int],
                version: str) -> pa.Table:
    """The first sheet: what the workbook holds and how it differs from the CSV files."""
    rows = [("alertdata", f"release made by alertdata {version}"),
            ("", "One sheet per table; CODEBOOK.md describes every column. Text cells are text: "
                 "nothing in this workbook is a formula. Lists are joined by '; '. "
                 "The CSV and Parquet files are the complete, exact copy of the data.")]
    for name, table in tables.items():
        where = ", ".join(sheets[name])
        extra = f"; {cut[name]:,} text(s) longer than an Excel cell were cut" if cut.get(name) else ""
        rows.append((name, f"{table.num_rows:,} rows in sheet {where}{extra}"))
    return pa.table({"item": [r[0] for r in rows], "about": [r[1] for r in rows]})


def write_xlsx(tables: dict[str, pa.Table], path: Path, *, version: str,
               created: dt.date | None = None) -> None:
    """Write the workbook; `created` (the release's latest publication date)
    is its stated creation time, so the same data gives the same bytes."""
    from rustpy_xlsxwriter import FastExcel

    book = FastExcel(path).format(datetime_format=DATE_FORMAT, bold_headers=True)
    ready, cut, sheets = {}, {}, {}
    for name, table in tables.items():
        ready[name], cut[name] = sheet_ready(name, table)
        sheets[name] = [s for s, _, _ in sheet_names(name, table.num_rows)]
    book.freeze(row=1).sheet(ABOUT, about_sheet(tables, sheets, cut, version))
    for name, table in ready.items():
        for sheet, first, count in sheet_names(name, table.num_rows):
            book.sheet(sheet, table.slice(first, count))
    book.save()
    pin_creation_time(path, created or dt.date(1980, 1, 1))


_STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_CORE = "docProps/core.xml"


def pin_creation_time(path: Path, when: dt.date) -> None:
    """Replace the writer's clock time in docProps/core.xml (the only part
    that changes from run to run) by `when`. The other parts are copied as
    they are, compressed bytes and all, so this costs a file copy."""
    stamp = f"{when.isoformat()}T00:00:00Z".encode()
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(path) as src, open(path, "rb") as raw, zipfile.ZipFile(tmp, "w") as dst:
        infos = sorted(src.infolist(), key=lambda i: i.header_offset)
        ends = [i.header_offset for i in infos[1:]] + [src.start_dir]
        for info, end in zip(infos, ends):
            if info.filename == _CORE:
                core = _STAMP.sub(stamp, src.read(info))
                dst.writestr(zipfile.ZipInfo(_CORE, date_time=info.date_time), core,
                             compress_type=zipfile.ZIP_DEFLATED)
                continue
            # copy the entry (local header, data, descriptor) byte for byte
            copy = _copied_info(info, dst.fp.tell())
            raw.seek(info.header_offset)
            _copy_span(raw, dst.fp, end - info.header_offset)
            dst.filelist.append(copy)
            dst.NameToInfo[copy.filename] = copy
            dst.start_dir = dst.fp.tell()
    tmp.replace(path)


def _copied_info(info: zipfile.ZipInfo, offset: int) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    for attr in ("compress_type", "comment", "extra", "create_system", "create_version",
                 "extract_version", "flag_bits", "volume", "internal_attr", "external_attr",
                 "CRC", "compress_size", "file_size"):
        setattr(copy, attr, getattr(info, attr))
    copy.header_offset = offset
    return copy


def _copy_span(src, dst, size: int) -> None:
    while size:
        chunk = src.read(min(size, 1 << 22))
        if not chunk:
            raise zipfile.BadZipFile("workbook ends inside an entry")
        dst.write(chunk)
        size -= len(chunk)
