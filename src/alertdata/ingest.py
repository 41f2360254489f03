"""Ingest: input files -> `Document`s of normalised lines.

The only stage that touches input files. Everything after it works on
`Document.lines`, one paragraph or heading per line, so that a saved HTML
page, its Markdown version and a browser's text copy read the same.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import config


class Reject(Exception):
    """An input that cannot become an alert: where it failed and why."""

    def __init__(self, stage: str, reason: str):
        super().__init__(reason)
        self.stage = stage
        self.reason = reason


@dataclass(frozen=True)
class Line:
    """One paragraph or heading of a document."""
    text: str
    heading: bool = False            # marked up as a heading (<h3>, "## ...")
    strong_lead: str | None = None   # leading bold text ("First, the coup.")


@dataclass(frozen=True)
class Source:
    """An input file found under an input root."""
    path: Path            # where it is on disk
    source_path: str      # relative to the input root, POSIX separators


@dataclass(frozen=True)
class Document:
    source_path: str
    source_sha256: str
    source_format: str
    encoding: str
    lines: tuple[Line, ...]
    meta: dict = field(default_factory=dict)   # <title>, Markdown front matter

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


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
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")              # all but the tab
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


# ---------------------------------------------------------------- normalising

_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# The invisible characters (zero-width spaces and joiners, word joiner, BOM,
# soft hyphen) and the control characters, but the tab: all dropped.
_DROPPED = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def clean(text: str) -> str:
    """One line of text: NFC, invisible characters gone, every kind of space a
    single ASCII space, control characters dropped, ends stripped.

    Once those characters are gone, the white space left is the tab, the
    _SPACES and, outside ASCII, the line and paragraph separators U+2028 and
    U+2029 (which stay). Without the separators, collapsing each run of
    _SPACES into one space and stripping the ends is " ".join(text.split());
    ASCII text without a tab or two spaces in a row has nothing to collapse."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii():          # none of the invisible characters is ASCII
        text = _CONTROL.sub("", text)
        if "\t" not in text and "  " not in text:
            return text.strip()
        return " ".join(text.split())
    text = _DROPPED.sub("", text)
    if "\u2028" in text or "\u2029" in text:
        return _SPACES.sub(" ", text).strip()
    return " ".join(text.split())


def plain_lines(text: str) -> list[Line]:
    """Lines of a plain-text file: CRLF/CR folded, blank lines dropped."""
    out = []
    for raw_line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = clean(raw_line)
        if line:
            out.append(Line(line))
    return out


# ---------------------------------------------------------------- HTML

_DROP_TAGS = {"script", "style", "noscript", "template", "nav", "aside", "footer", "form",
              "iframe", "svg", "button", "select", "textarea", "head", "title", "meta", "link",
              "object", "embed", "canvas", "video", "audio", "img", "picture", "map"}
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "br", "tr",
               "table", "tbody", "thead", "blockquote", "section", "article", "header", "main",
               "pre", "hr", "dd", "dt", "dl", "figure", "figcaption", "address", "body", "td",
               "th", "center"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BOLD_TAGS = {"strong", "b"}
_FURNITURE = re.compile(
    r"(?:^|[-_])(?:nav|navbar|navigation|menu|sidebar|widgets?|footer|share|sharing|social|"
    r"breadcrumbs?|comments?|related|skip|cookies?|topbar|masthead|branding|screen-reader|"
    r"advert|ads|banner|pagination|subscribe-form)(?:[-_]|$)", re.IGNORECASE)


def _one_space(s: str) -> str:
    r"""re.sub(r"\s+", " ", s): each run of white space one space, the ends'
    too. str.split() splits at exactly the characters \s matches (checked
    for every code point), and joining the pieces is one pass in C where
    the regex replaced every single space."""
    words = s.split()
    if not words:
        return " " if s else ""
    out = " ".join(words)
    if s[0].isspace():
        out = " " + out
    if s[-1].isspace():
        out += " "
    return out


class _LineBuilder:
    """Collects text runs into lines, remembering headings and bold leads."""

    def __init__(self):
        self.lines: list[Line] = []
        self.parts: list[str] = []
        self.lead: list[str] = []
        self.lead_open = True
        self.heading = False

    def text(self, s: str, bold: bool) -> None:
        s = _one_space(s)
        if not s:
            return
        self.parts.append(s)
        if self.lead_open:
            if bold:
                self.lead.append(s)
            elif s.strip():
                self.lead_open = False

    def end(self) -> None:
        if not self.parts:      # many block ends: no text since the last (and no lead)
            self.heading = False
            return
        text = "".join(self.parts)
        # White space between tags: clean() leaves nothing of it (NFC keeps
        # white space white space; checked for every white-space character)
        text = "" if text.isspace() else clean(text)
        if text:
            lead = clean("".join(self.lead)) or None
            heading = self.heading or (lead is not None and lead == text)
            self.lines.append(Line(text, heading=heading, strong_lead=lead))
        self.parts, self.lead, self.lead_open, self.heading = [], [], True, False


_TAXONOMY = re.compile(r"^(?:tag|category|post|type|format|status|postid|page-id|author)-", re.I)


def _is_furniture(node) -> bool:
    tag = node.tag
    if tag in ("article", "main"):    # the content itself, whatever its classes say
        return False
    attrs = node.attributes
    if attrs:       # most elements have none: no classes, no role
        tokens = [t for t in " ".join(v or "" for k, v in attrs.items()
                                      if k in ("class", "id", "role")).split()
                  if not _TAXONOMY.match(t)]  # WordPress taxonomy classes ("tag-social-media")
        if any(_FURNITURE.search(t) for t in tokens) or attrs.get("role") in ("navigation",
                                                                              "banner", "contentinfo"):
            return True
    if tag in ("ul", "ol"):   # a list of nothing but links is a menu or a "recent posts" box
        items = [li for li in node.iter() if li.tag == "li"]
        return bool(items) and all(
            li.css_first("a") is not None
            and clean(li.text(deep=True)) == clean(" ".join(a.text(deep=True) for a in li.css("a")))
            for li in items)
    return False


# (closing slash, name, the rest up to the first ">"): a tag closes itself
# when the rest ends in "/". (The lazy [^>]*?(/?)> this replaces also ran to
# the first ">" and captured the "/" just before it: the same tags, same test.)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*)>")
# elements never closed (void) or whose end tag may be left out: they add no depth
_NO_DEPTH = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
             "track", "wbr", "param", "keygen", "p", "li", "dt", "dd", "tr", "td", "th", "option",
             "optgroup", "thead", "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rp", "html",
             "head", "body"}


def nesting_depth(text: str, cap: int) -> int:
    """How deep a page's elements nest, as open tags less closed ones (an
    upper bound of what the parser sees), counted until it passes `cap`."""
    depth = deepest = 0
    for closing, name, rest in _TAG.findall(text):
        if rest[-1:] == "/" or name.lower() in _NO_DEPTH:
            continue
        if closing:
            if depth:
                depth -= 1
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > cap:
                    break
    return deepest


def html_lines(text: str) -> tuple[list[Line], dict]:
    """Visible story text of an HTML page, one line per block element.

    Scripts, styles, navigation, sidebars, footers, share boxes and link-only
    lists are dropped; the site header outside the article is dropped too.
    Parsing never fetches anything (no external entities, no resources), and
    a page nested deeper than `config.MAX_HTML_DEPTH` is refused before it is
    parsed (the parser's time grows with the square of the depth)."""
    from selectolax.lexbor import LexborHTMLParser

    depth = nesting_depth(text, config.MAX_HTML_DEPTH)
    if depth > config.MAX_HTML_DEPTH:
        raise Reject("segment", f"HTML elements nest more than {config.MAX_HTML_DEPTH:,} deep (real "
                                "alert pages nest under 100); this is not a saved alert page, or it "
                                "is damaged: save the page again from the browser")
    tree = LexborHTMLParser(text)
    meta = {}
    title = tree.css_first("title")
    if title is not None and clean(title.text()):
        meta["title"] = clean(title.text())
    root = tree.body
    out = _LineBuilder()
    if root is None:
        return [], meta
    # iterative walk: deeply nested pages cannot exhaust the stack
    stack: list = [("enter", root, False, False)]
    while stack:
        action, node, bold, in_article = stack.pop()
        if action == "exit":
            out.end()
            continue
        tag = node.tag
        if tag == "-text":
            out.text(node.text_content or "", bold)
            continue
        if tag in _DROP_TAGS or tag == "-comment" or (tag == "header" and not in_article):
            continue
        if node is not root and _is_furniture(node):
            continue
        if tag == "br":
            out.end()
            continue
        block = tag in _BLOCK_TAGS
        if block:
            out.end()
            if tag in _HEADING_TAGS:
                out.heading = True
            stack.append(("exit", node, bold, in_article))
        child_bold = bold or tag in _BOLD_TAGS
        child_article = in_article or tag in ("article", "main")
        children = list(node.iter(include_text=True))
        for child in reversed(children):
            stack.append(("enter", child, child_bold, child_article))
    out.end()
    return out.lines, meta


# ---------------------------------------------------------------- Markdown

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_MARKDOWN = []     # the parser, made on first use


def _markdown_parser():
    """One CommonMark parser per process: building one costs about as much as
    parsing an alert, and parse() keeps no state between calls (each call
    makes its own state and token list)."""
    if not _MARKDOWN:
        from markdown_it import MarkdownIt
        _MARKDOWN.append(MarkdownIt("commonmark"))
    return _MARKDOWN[0]


def markdown_lines(text: str) -> tuple[list[Line], dict]:
    """Paragraphs, headings and list items of a Markdown file, emphasis marks
    removed; a leading YAML front-matter block becomes metadata."""
    import yaml

    meta: dict = {}
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    m = _FRONT_MATTER.match(text)
    if m:
        try:
            data = yaml.safe_load(m.group(1))
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict):
            meta["front_matter"] = {str(k): v for k, v in data.items()}
            text = text[m.end():]
    out = _LineBuilder()
    heading = False
    for tok in _markdown_parser().parse(text):
        if tok.type == "heading_open":
            heading = True
        elif tok.type == "heading_close":
            heading = False
        elif tok.type == "inline":
            out.heading = heading
            bold = 0
            for child in tok.children or []:
                if child.type == "strong_open":
                    bold += 1
                elif child.type == "strong_close":
                    bold -= 1
                elif child.type in ("text", "code_inline"):
                    out.text(child.content, bold > 0)
                elif child.type == "softbreak":
                    out.text(" ", bold > 0)
                elif child.type == "hardbreak":
                    out.end()
            out.end()
        elif tok.type in ("fence", "code_block", "html_block"):
            for raw_line in tok.content.split("\n"):
                if tok.type == "html_block":
                    raw_line = re.sub(r"<[^>]*>", " ", raw_line)
                out.text(raw_line, False)
                out.end()
    return out.lines, meta


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
