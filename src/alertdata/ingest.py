"""Ingest: input files -> `Document`s of normalised lines.

The only stage that touches input files. Everything after it works on
`Document.lines`, one paragraph or heading per line, so that a saved HTML
page, its Markdown version and a browser's text copy read the same. This
module finds the files and decodes their bytes; `markup` reads HTML and
Markdown into lines, and `document` holds what is handed on (`Document`,
`Line`, `Reject`) and the normalisation of every line (`clean`).
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import config
from .document import Document, Reject, plain_lines
from .markup import html_lines, markdown_lines


@dataclass(frozen=True)
class Source:
    """An input file found under an input root."""
    path: Path            # where it is on disk
    source_path: str      # relative to the input root, POSIX separators


# ---------------------------------------------------------------- discovery

def discover(inputs: list[Path]) -> list[Source]:
    """Every file under the inputs (folders recursively), sorted by path.

    Hidden files and folders (".git", ".DS_Store") are not inputs. Files of
    unknown type are returned too: the pipeline rejects them with a reason.
    A file reached twice (the same input given twice, a link to another
    input) is listed once, under the first path found in path order."""
    found: dict[str, Source] = {}
    for root in inputs:
        root = Path(root)
        if root.is_dir():
            real_root = os.path.realpath(root)
            for parts, is_link in sorted(_files_under(root)):
                path = root.joinpath(*parts)
                # folders walked into are not links, so a plain file's real path is its
                # folder's: one realpath() for the root instead of one per file
                real = os.path.realpath(path) if is_link else os.path.join(real_root, *parts)
                found.setdefault(real, Source(path, "/".join(parts)))
        elif root.is_file():
            found.setdefault(str(root.resolve()), Source(root, root.name))
        else:
            raise FileNotFoundError(f"input not found: {root}")
    return sorted(found.values(), key=lambda s: (s.source_path, str(s.path)))


def _files_under(folder: Path, parts: tuple[str, ...] = ()):
    """(relative path parts, is a link) of the files under a folder, hidden
    ones left out; links to folders are not walked into (as Path.rglob)."""
    try:
        entries = os.scandir(folder)
    except PermissionError:                         # (Path.rglob passes over them too)
        return
    with entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            here = (*parts, entry.name)
            if entry.is_dir():                      # (follows links)
                if not entry.is_symlink():
                    yield from _files_under(Path(entry.path), here)
            elif entry.is_file():
                yield here, entry.is_symlink()


def read_bytes(source: Source) -> bytes:
    """The file's bytes, refusing files over the size cap without reading them."""
    try:
        size = source.path.stat().st_size
        if size > config.MAX_FILE_BYTES:
            raise Reject("read", f"file is {size:,} bytes, over the {config.MAX_FILE_BYTES:,}-byte "
                                 "cap for one alert; split it or check that it is an alert page")
        return source.path.read_bytes()
    except OSError as e:
        raise Reject("read", f"cannot read the file ({e.strerror or e}); check its permissions") from e


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def format_of(source_path: str) -> str | None:
    return config.FORMATS.get(PurePosixPath(source_path).suffix.lower())


# ---------------------------------------------------------------- decoding

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_BINARY_REASON = ("not text: the file is not valid UTF-8 or Windows-1252 and contains {what} "
                  "(binary content); check that it is a saved alert page or its text copy")


_MEANS_CP1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii",
                 "windows-1252", "cp1252", "x-cp1252"}


# Unicode's control characters (category Cc, a fixed set), as regex classes.
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but tab, CR, LF
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _non_ascii_share(text: str) -> float:
    """Share of the letters that are not ASCII (the per-character loop done in
    C: the non-ASCII characters are few; the ASCII letters [A-Za-z] are
    counted as bytes of the UTF-8 form, where every byte below 0x80 is an
    ASCII character, by deleting them)."""
    foreign = sum(1 for c in _NON_ASCII.findall(text) if c.isalpha())
    encoded = text.encode("utf-8", "surrogatepass")
    letters = len(encoded) - len(encoded.translate(None, _ASCII_LETTERS)) + foreign
    return foreign / max(1, letters)


def _control_share(text: str) -> float:
    return len(_BINARY_CONTROL.findall(text)) / max(1, len(text))


def decode(raw: bytes, source_format: str = "txt") -> tuple[str, str]:
    """Bytes -> (text, encoding name).

    Order: a byte-order mark; strict UTF-8; an HTML page's declared charset;
    then charset-normalizer's best guess (Windows-1252 preferred where it reads
    the same). Windows-1252 is tried before the guess
    when it reads as mostly ASCII letters, the mark of an English text with
    curly quotes, which detectors misjudge on short files. Whatever decodes must also look like text:
    NUL bytes or a high share of control characters mean binary content."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(enc), enc
            except UnicodeDecodeError as e:
                raise Reject("decode", f"the file starts with a {enc} byte-order mark but is not "
                                       f"valid {enc} ({e.reason} at byte {e.start})") from e
    if b"\x00" in raw:
        raise Reject("decode", _BINARY_REASON.format(what=f"{raw.count(0)} NUL bytes"))
    candidates = ["utf-8"]
    if source_format == "html":
        m = _DECLARED.search(raw[:4096])
        if m:
            declared = m.group(1).decode("ascii", "replace").lower()
            # as browsers do (WHATWG Encoding): these labels mean Windows-1252
            candidates.append("cp1252" if declared in _MEANS_CP1252 else declared)
    for enc in candidates:
        try:
            text = raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        return _plausible(text, enc)
    try:   # English-language text with typographic quotes and a few accented names
        text = raw.decode("cp1252")
        if _non_ascii_share(text) <= config.MAX_NON_ASCII_CP1252:
            return _plausible(text, "cp1252")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # other legacy encodings

    best = from_bytes(raw).best()
    if best is None:
        raise Reject("decode", _BINARY_REASON.format(what="bytes that no text encoding explains"))
    enc = "cp1252" if "cp1252" in best.could_be_from_charset else best.encoding
    return _plausible(raw.decode(enc), enc)


def _plausible(text: str, enc: str) -> tuple[str, str]:
    share = _control_share(text)
    if share > config.MAX_CONTROL_SHARE:
        raise Reject("decode", _BINARY_REASON.format(what=f"{share:.0%} control characters"))
    return text, enc


# ---------------------------------------------------------------- one file

def ingest(source: Source, raw: bytes) -> Document:
    """Bytes of one input -> a Document, or Reject with a reason."""
    fmt = format_of(source.source_path)
    if fmt is None:
        suffix = PurePosixPath(source.source_path).suffix or "(none)"
        raise Reject("read", f"unsupported file type {suffix}: alerts are read from "
                             f"{', '.join(sorted(config.FORMATS))} files")
    if not raw:
        raise Reject("read", "file is empty (0 bytes); download or copy the alert again")
    text, encoding = decode(raw, fmt)
    if fmt == "html":
        lines, meta = html_lines(text)
    elif fmt == "md":
        lines, meta = markdown_lines(text)
    else:
        lines, meta = plain_lines(text), {}
    if not lines and fmt == "html":
        raise Reject("segment", "HTML page contains no alert: only navigation, sidebar, footer or "
                                "scripts; save the alert's own page, not an index or menu page")
    if not lines:
        raise Reject("read", "file holds only white space; download or copy the alert again")
    return Document(source_path=source.source_path, source_sha256=sha256(raw),
                    source_format=fmt, encoding=encoding, lines=tuple(lines), meta=meta)
