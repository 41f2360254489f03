"""alertdata.xlsx: the release as one workbook, for spreadsheet users.

Every text value is stored as a text cell, never as a formula, whatever it
starts with (`=`, `+`, `-`, `@`): a quote such as "=HYPERLINK(...)" shows as
typed and cannot run. The CSV files stay the faithful copy of the data; this
workbook adds what a spreadsheet needs: real dates, one sheet per table, and
the limits of the format handled instead of failing (a table longer than a
sheet continues on the next; a text longer than a cell is cut, and says so).

The workbook is written here rather than by a general xlsx library, because
at archive scale (a million rows) the general writers cost 10 s or more on
every build, the one-file rebuild included. The subset of SpreadsheetML it
needs is small: inline-string, number and date cells, a bold frozen header.
Cells and rows carry no references (`r="A1"`), which the format allows, so
the XML of a run of rows does not depend on where it stands; each sheet is
cut into chunks at boundaries chosen by the rows' alert ids, each chunk is
built by Arrow's string kernels and deflated on its own (`Z_FULL_FLUSH`, so
that the pieces concatenate into one stream, as pigz does), and a rebuild
reuses the compressed chunks whose rows have not changed. Chunks are built
in two threads (Arrow and zlib release the GIL).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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

# Part of every chunk key: bump when the XML a chunk holds changes.
CHUNK_FORMAT = 1
# A new chunk starts at an alert whose id hashes to 0 modulo this: about 64
# alerts a chunk (~2,000 mention rows), at places that do not move when
# alerts are added or removed elsewhere in the table.
CHUNK_ALERTS = 64
# Tables without alert ids are cut every this many rows.
CHUNK_ROWS = 4096
DEFLATE_LEVEL = 1             # 6 compresses ~10% better at 4x the time
THREADS = 2

_EXCEL_EPOCH = 25_569         # 1970-01-01 as an Excel serial day number
_MARCH_1900 = -25_508         # 1900-03-01 as days since 1970: Excel counts a 29 February 1900
_JANUARY_1900 = -25_567       # 1900-01-01: Excel has no earlier date, so earlier ones are text

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
# Characters XML 1.0 cannot hold, and the carriage return (which XML reads as
# a line feed), written as OOXML's _xHHHH_ escapes (Excel reads them back as
# the character); and the escape's own lead, escaped so that text holding
# "_x0041_" is not read as "A".
_CONTROL = [chr(c) for c in [*range(0, 9), 11, 12, *range(13, 32), 0xFFFE, 0xFFFF]]
_CONTROL_CLASS = r"[\x00-\x08\x0b-\x1f\x{fffe}\x{ffff}]"       # (RE2 syntax)
_NEEDS_ESCAPE = rf"[&<>]|{_CONTROL_CLASS}|_x[0-9A-Fa-f]{{4}}_"


# ---------------------------------------------------------------- cells

def sheet_ready(name: str, table: pa.Table) -> tuple[pa.Table, int]:
    """The table as cells: lists joined by '; ' (as in the CSV files; an
    empty list is an empty cell), texts over the cell limit cut with a note;
    and how many texts were cut."""
    columns, cut = [], 0
    note = CUT_NOTE.format(table=name)
    for column in table.columns:
        if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
            column = pc.binary_join(column, "; ")
            column = pc.if_else(pc.equal(column, ""), None, column)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            long = pc.greater(pc.utf8_length(column), CUT_AT)
            n = pc.sum(long).as_py() or 0
            if n:
                cut += n
                short = pc.binary_join_element_wise(pc.utf8_slice_codeunits(column, 0, CUT_AT), note, "")
                column = pc.if_else(long, short, column)
        columns.append(column)
    return pa.table(columns, names=table.column_names), cut


def _has(text: pa.Array, pattern: str, regex: bool = False) -> bool:
    found = pc.match_substring_regex(text, pattern) if regex else pc.match_substring(text, pattern)
    return bool(pc.any(found).as_py())


def _escaped(text: pa.Array) -> pa.Array:
    """Text made safe inside an XML element; each replacement runs only on
    columns that hold its character (most hold none)."""
    if not _has(text, _NEEDS_ESCAPE, regex=True):
        return text
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        if _has(text, char):
            text = pc.replace_substring(text, char, entity)
    if _has(text, "_x[0-9A-Fa-f]{4}_", regex=True):
        text = pc.replace_substring_regex(text, "_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1")
    if _has(text, _CONTROL_CLASS, regex=True):
        for char in _CONTROL:
            if _has(text, char):
                text = pc.replace_substring(text, char, f"_x{ord(char):04X}_")
    return text


def _text_cells(text: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise('<c t="inlineStr"><is><t xml:space="preserve">', _escaped(text),
                                       "</t></is></c>", "")


def _cells(column: pa.Array) -> pa.Array:
    """The XML of each value's cell; a null is an empty cell (`<c/>`).
    Texts are inline strings (never formulas), numbers values, dates serial
    day numbers with the date style (text before 1900, which Excel lacks)."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        cells = _text_cells(column)
    elif pa.types.is_integer(kind) or pa.types.is_floating(kind):
        if pa.types.is_floating(kind):
            column = pc.if_else(pc.is_finite(column), column, None)   # no NaN or infinity in a cell
        cells = pc.binary_join_element_wise("<c><v>", pc.cast(column, pa.string()), "</v></c>", "")
    elif pa.types.is_date32(kind):
        days = pc.cast(pc.cast(column, pa.int32()), pa.int64())
        serial = pc.add(days, pc.if_else(pc.less(days, _MARCH_1900), _EXCEL_EPOCH - 1, _EXCEL_EPOCH))
        cells = pc.binary_join_element_wise('<c s="1"><v>', pc.cast(serial, pa.string()), "</v></c>", "")
        early = pc.less(days, _JANUARY_1900)
        if pc.any(early).as_py():
            cells = pc.if_else(early, _text_cells(pc.cast(column, pa.string())), cells)
    else:
        cells = _text_cells(pc.cast(column, pa.string()))
    return pc.fill_null(cells, "<c/>")


def _rows_xml(table: pa.Table) -> bytes:
    """`<row>` elements for every row of the table (no header)."""
    if table.num_rows == 0:
        return b""
    columns = [_cells(c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c) for c in table.columns]
    rows = pc.binary_join_element_wise("<row>", *columns, "</row>", "")
    return b"".join(buf for buf in _string_bytes(rows))


def _string_bytes(array: pa.Array):
    """The UTF-8 bytes of a string array without nulls, value after value."""
    if isinstance(array, pa.ChunkedArray):
        for chunk in array.chunks:
            yield from _string_bytes(chunk)
        return
    offsets = array.buffers()[1]
    first, last = struct.unpack_from("<i", offsets, 4 * array.offset)[0], \
        struct.unpack_from("<i", offsets, 4 * (array.offset + len(array)))[0]
    yield memoryview(array.buffers()[2])[first:last].tobytes()


def _header_xml(names: list[str]) -> bytes:
    cells = "".join(f'<c t="inlineStr" s="2"><is><t>{_xml(n)}</t></is></c>' for n in names)
    return f"<row>{cells}</row>".encode()


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# ---------------------------------------------------------------- chunks

@dataclass(frozen=True)
class Chunk:
    """A run of rows as deflated XML: concatenable, with its CRC-32 and size."""
    data: bytes
    crc: int
    size: int


def deflate(xml: bytes) -> Chunk:
    z = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
    return Chunk(z.compress(xml) + z.flush(zlib.Z_FULL_FLUSH), zlib.crc32(xml), len(xml))


_FINAL_BLOCK = b"\x03\x00"    # an empty last block: ends a stream of full-flushed pieces


def _crc_multiply(a: int, b: int) -> int:
    """a * b modulo the CRC-32 polynomial (zlib's multmodp)."""
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if a & (m - 1) == 0:
                return p
        m >>= 1
        b = (b >> 1) ^ 0xEDB88320 if b & 1 else b >> 1


_X2N = [1 << 30]              # x^(2^n) modulo the polynomial
for _ in range(31):
    _X2N.append(_crc_multiply(_X2N[-1], _X2N[-1]))


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A + B from the CRCs of A and B and the length of B (zlib's
    crc32_combine, which Python's zlib module does not offer)."""
    p, k, n = 1 << 31, 3, len2
    while n:
        if n & 1:
            p = _crc_multiply(_X2N[k & 31], p)
        n >>= 1
        k += 1
    return _crc_multiply(p, crc1) ^ crc2


def chunk_bounds(table: pa.Table) -> list[tuple[int, int]]:
    """(start, end) of each chunk of the table's rows: a new chunk at each
    alert whose id's CRC is 0 modulo CHUNK_ALERTS (rows of one alert stay
    together), or every CHUNK_ROWS rows for tables without alert ids."""
    n = table.num_rows
    if n == 0:
        return []
    if "alert_id" not in table.column_names:
        return [(a, min(a + CHUNK_ROWS, n)) for a in range(0, n, CHUNK_ROWS)]
    ids = table.column("alert_id").combine_chunks()
    # the rows where the alert changes (a null beside anything counts as a change)
    changes = pc.add(pc.indices_nonzero(pc.fill_null(pc.not_equal(ids.slice(1), ids.slice(0, n - 1)),
                                                     True)), 1)
    starts = [0]
    for i, alert in zip(changes.to_pylist(), pc.take(ids, changes).to_pylist()):
        if alert is not None and zlib.crc32(alert.encode()) % CHUNK_ALERTS == 0:
            starts.append(i)
    return list(zip(starts, starts[1:] + [n]))


def chunk_key(rows: pa.Table) -> str:
    """What a chunk's XML depends on: the rows' values, names and types."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, rows.schema) as writer:
        writer.write_table(rows)
    return hashlib.sha256(f"xlsx chunk {CHUNK_FORMAT}\0".encode() + sink.getvalue()).hexdigest()


def _chunk(rows: pa.Table, key: str, reuse: dict[str, Chunk]) -> Chunk:
    return reuse.get(key) or deflate(_rows_xml(rows))


# ---------------------------------------------------------------- the package

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


_SHEET_HEAD = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} {_REL_NS}>'
               '<sheetViews><sheetView workbookViewId="0"{selected}><pane ySplit="1" topLeftCell="A2" '
               'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView>'
               '</sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>')
_SHEET_TAIL = b"</sheetData></worksheet>"

_STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {_NS}>'
           f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/></numFmts>'
           '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
           '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
           '</styleSheet>')


def _package_parts(sheets: list[str], version: str, created: dt.date) -> dict[str, bytes]:
    """Every part but the worksheets."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for k in range(1, len(sheets) + 1))
    stamp = f"{created.isoformat()}T00:00:00Z"
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return {
        "[Content_Types].xml": head + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' + overrides +
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/'
            'vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'),
        "_rels/.rels": head + (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
            'metadata/core-properties" Target="docProps/core.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/extended-properties" Target="docProps/app.xml"/></Relationships>'),
        "docProps/core.xml": head + (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/'
            'dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/'
            f'XMLSchema-instance"><dc:title>alertdata</dc:title><dc:creator>alertdata {_xml(version)}'
            f'</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'),
        "docProps/app.xml": head + (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f'<Application>alertdata {_xml(version)}</Application></Properties>'),
        "xl/workbook.xml": head + (
            f'<workbook {_NS} {_REL_NS}><bookViews><workbookView/></bookViews><sheets>'
            + "".join(f'<sheet name="{_xml(s)}" sheetId="{k}" r:id="rId{k}"/>'
                      for k, s in enumerate(sheets, 1)) + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": head + (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/officeDocument/'
                      f'2006/relationships/worksheet" Target="worksheets/sheet{k}.xml"/>'
                      for k in range(1, len(sheets) + 1))
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/'
              'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": _STYLES,
    }


class _Zip:
    """A minimal ZIP writer for entries whose deflated bytes are already
    made (pieces and their CRC); Zip64 records where sizes or offsets need
    them. Fixed timestamps: the same entries give the same bytes."""

    _DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1     # 1980-01-01 00:00

    def __init__(self, fh):
        self.fh = fh
        self.entries: list[tuple[bytes, int, int, int, int]] = []

    def add(self, name: str, pieces: list[bytes], crc: int, size: int) -> None:
        data_size = sum(len(p) for p in pieces)
        offset = self.fh.tell()
        raw_name = name.encode()
        big = size >= 0xFFFFFFFF or data_size >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, size, data_size) if big else b""
        self.fh.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if big else 20, 0, 8, 0,
                                  self._DOS_DATE, crc, 0xFFFFFFFF if big else data_size,
                                  0xFFFFFFFF if big else size, len(raw_name), len(extra)))
        self.fh.write(raw_name + extra)
        for piece in pieces:
            self.fh.write(piece)
        self.entries.append((raw_name, crc, data_size, size, offset))

    def close(self) -> None:
        start = self.fh.tell()
        for raw_name, crc, data_size, size, offset in self.entries:
            big_size = size >= 0xFFFFFFFF or data_size >= 0xFFFFFFFF
            big_offset = offset >= 0xFFFFFFFF
            values = ([size, data_size] if big_size else []) + ([offset] if big_offset else [])
            extra = struct.pack(f"<HH{len(values)}Q", 1, 8 * len(values), *values) if values else b""
            self.fh.write(struct.pack(
                "<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45 if values else 20, 0, 8, 0, self._DOS_DATE, crc,
                0xFFFFFFFF if big_size else data_size, 0xFFFFFFFF if big_size else size, len(raw_name),
                len(extra), 0, 0, 0, 0, 0xFFFFFFFF if big_offset else offset))
            self.fh.write(raw_name + extra)
        end = self.fh.tell()
        count, size = len(self.entries), end - start
        if count >= 0xFFFF or start >= 0xFFFFFFFF or size >= 0xFFFFFFFF:
            self.fh.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, size, start))
            self.fh.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
        self.fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                                  min(size, 0xFFFFFFFF), min(start, 0xFFFFFFFF), 0))


def write_xlsx(tables: dict[str, pa.Table], path: Path, *, version: str,
               created: dt.date | None = None,
               reuse: dict[str, Chunk] | None = None) -> dict[str, Chunk]:
    """Write the workbook; `created` (the release's latest publication date)
    is its stated creation time, so the same data gives the same bytes.
    `reuse` holds chunks of an earlier workbook by key; returns the chunks of
    this one, for the next build to reuse."""
    reuse = reuse or {}
    ready, cut, sheets = {}, {}, {}
    for name, table in tables.items():
        ready[name], cut[name] = sheet_ready(name, table)
        sheets[name] = [s for s, _, _ in sheet_names(name, table.num_rows)]
    plan: list[tuple[str, pa.Table]] = [(ABOUT, about_sheet(tables, sheets, cut, version))]
    for name, table in ready.items():
        for sheet, first, count in sheet_names(name, table.num_rows):
            plan.append((sheet, table.slice(first, count)))
    jobs = [(k, table.slice(a, b - a)) for k, (_, table) in enumerate(plan) for a, b in chunk_bounds(table)]
    keys = [chunk_key(rows) for _, rows in jobs]
    with ThreadPoolExecutor(THREADS) as pool:
        chunks = list(pool.map(_chunk, [rows for _, rows in jobs], keys, [reuse] * len(jobs)))
    by_sheet: dict[int, list[Chunk]] = {}
    for (k, _), chunk in zip(jobs, chunks):
        by_sheet.setdefault(k, []).append(chunk)
    names = [sheet for sheet, _ in plan]
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        out = _Zip(fh)
        parts = _package_parts(names, version, created or dt.date(1980, 1, 1))
        for name in ("[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml",
                     "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"):
            _add_whole(out, name, parts[name].encode())
        for k, (sheet, table) in enumerate(plan):
            head = deflate(_SHEET_HEAD.format(selected=' tabSelected="1"' if k == 0 else "").encode()
                           + _header_xml(table.column_names))
            pieces = [head, *by_sheet.get(k, []), deflate(_SHEET_TAIL)]
            crc, size = 0, 0
            for piece in pieces:
                crc, size = crc32_combine(crc, piece.crc, piece.size), size + piece.size
            out.add(f"xl/worksheets/sheet{k + 1}.xml", [p.data for p in pieces] + [_FINAL_BLOCK], crc, size)
        out.close()
    tmp.replace(path)
    return dict(zip(keys, chunks))


def _add_whole(out: _Zip, name: str, data: bytes) -> None:
    chunk = deflate(data)
    out.add(name, [chunk.data, _FINAL_BLOCK], chunk.crc, chunk.size)
