"""Tests for alertdata.ingest: finding input files, decoding bytes, and
turning plain text, HTML and Markdown into the same normalised lines.
"""
from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pytest

from alertdata import config
from alertdata.document import Line, Reject, clean, plain_lines
from alertdata.ingest import Source, decode, discover, ingest, read_bytes
from alertdata.markup import html_lines, markdown_lines


def _source(name: str) -> Source:
    return Source(Path(name), name)


def _texts(lines) -> list[str]:
    return [line.text for line in lines]


# ---------------------------------------------------------------- decode

def test_decode_utf8_without_bom():
    """Strict UTF-8 is read as UTF-8, non-ASCII characters intact."""
    text = "Kovia’s “new” régime – naïve café"
    assert decode(text.encode("utf-8")) == (text, "utf-8")


def test_decode_utf8_with_bom_drops_the_bom():
    """A UTF-8 byte-order mark is not part of the text."""
    text, enc = decode(codecs.BOM_UTF8 + "Conflict Alerts # 3, 1 May 2021".encode("utf-8"))
    assert text == "Conflict Alerts # 3, 1 May 2021"
    assert not text.startswith("\ufeff")
    assert enc == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(codec):
    """UTF-16 with a byte-order mark (either byte order) decodes, even
    though its bytes are full of NULs."""
    text = "Kovia’s “new” régime"
    raw = text.encode("utf-16") if codec == "utf-16" else (
        (codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE) + text.encode(codec))
    got, _ = decode(raw)
    assert got == text


@pytest.mark.parametrize("raw, expected", [
    (b"\x93quoted\x94", "“quoted”"),
    (b"The minister\x92s \x93plan\x94 \x96 a new r\xe9gime.", "The minister’s “plan” – a new régime."),
    (b"A na\xefve r\xe9sum\xe9 \x97 an \x93English\x94 word\x85", "A naïve résumé — an “English” word…"),
])
def test_decode_windows_1252_curly_quotes(raw, expected):
    """Legacy Windows-1252 text (curly quotes, dashes, accents) decodes to
    the characters it was written with, not to a Cyrillic or Central
    European reading of the same bytes."""
    text, _ = decode(raw)
    assert text == expected


def test_decode_html_declared_charset():
    """An HTML page's declared charset is honoured when the bytes are not UTF-8."""
    raw = b'<html><head><meta charset="windows-1252"></head><body><p>\x93Hi\x94 caf\xe9</p></body></html>'
    text, _ = decode(raw, "html")
    assert "“Hi” café" in text


def test_decode_html_declared_latin1_reads_curly_quotes_as_windows_1252():
    """Browsers read a page labelled ISO-8859-1 as Windows-1252 (WHATWG
    encoding standard): bytes 0x93/0x94 are curly quotes, not C1 controls."""
    raw = (b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
           b'</head><body><p>The envoy said \x93no\x94 to the caf\xe9 talks.</p></body></html>')
    text, _ = decode(raw, "html")
    assert "said “no” to the café talks" in text


def test_decode_rejects_binary_with_nul_bytes():
    """Bytes with NULs (an image renamed .txt) are not text."""
    raw = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x08\x06\x00\x00\x00\x5c\x72\xa8\x66"
    with pytest.raises(Reject) as e:
        decode(raw)
    assert e.value.stage == "decode"
    assert "NUL" in e.value.reason


@pytest.mark.parametrize("raw", [
    bytes(range(1, 9)) * 40 + b"some letters",                  # valid UTF-8, mostly controls
    (b"\x01\x02\x03\x04\x81\xfe\x05\x06\x07\x10\x11\x12" * 30),   # not UTF-8 either
])
def test_decode_rejects_control_characters_without_nul(raw):
    """No NUL byte, but a high share of control characters: still binary."""
    assert b"\x00" not in raw
    with pytest.raises(Reject) as e:
        decode(raw)
    assert e.value.stage == "decode"


def test_decode_rejects_bom_followed_by_invalid_bytes():
    """A UTF-8 byte-order mark promises UTF-8; invalid bytes after it are an error."""
    with pytest.raises(Reject) as e:
        decode(codecs.BOM_UTF8 + b"Kovia \xff\xfe talks")
    assert e.value.stage == "decode"


# ---------------------------------------------------------------- clean / plain_lines

def test_clean_turns_every_space_kind_into_one_ascii_space():
    """No-break, thin and narrow no-break spaces and tabs become single spaces; ends stripped."""
    assert clean("\u00a0\u00a0Kovia\u00a0and\u2009Lestria\u202fsigned \t a truce  ") == \
        "Kovia and Lestria signed a truce"


def test_clean_removes_zero_width_and_soft_hyphen():
    """Zero-width characters, word joiners, BOMs and soft hyphens vanish."""
    assert clean("cease\u200bfire\u200c\u200d in Dor\u00adsk\u2060\ufeff") == "ceasefire in Dorsk"


def test_clean_normalises_to_nfc_and_drops_controls():
    """Decomposed accents are composed; stray control characters are dropped."""
    assert clean("re\u0301gime\x07 cafe\u0301") == "r\u00e9gime caf\u00e9"


def test_plain_lines_folds_crlf_and_drops_blank_lines():
    """CRLF/CR line ends read like LF; blank and space-only lines are not lines."""
    text = "Conflict Alerts # 3, 1 May 2021\r\n\r\nIn the news\r\n \u00a0 \r\nOn 2 May, rain.\rEnd."
    assert plain_lines(text) == [Line("Conflict Alerts # 3, 1 May 2021"), Line("In the news"),
                                 Line("On 2 May, rain."), Line("End.")]


def test_plain_lines_strips_no_break_space_indentation():
    """Old-layout lines indented with no-break spaces lose the indentation."""
    assert _texts(plain_lines("\u00a0\u00a0\u00a0Kovia Global Politics Course\n  GP Team")) == \
        ["Kovia Global Politics Course", "GP Team"]


# ---------------------------------------------------------------- html_lines

PAGE = """<!doctype html>
<html><head><title>Kovia alert</title>
<style>p { color: red }</style><script>var hidden = "script text";</script></head>
<body>
<header class="site"><p>Kovia Studies Centre</p></header>
<nav><a href="/">Home</a> <a href="/archive">Archive</a></nav>
<ul><li><a href="/1">Older alert one</a></li><li><a href="/2">Older alert two</a></li></ul>
<article>
<header><p>Conflict Alerts # 12, 3 May 2021</p></header>
<h3>Kovia: Talks stall</h3>
<p>The envoy said &ldquo;no&rdquo; to R&amp;D funds and the mayor&#8217;s plan.</p>
<p><strong>First, the ceasefire.</strong> It broke down on 2 May.</p>
<p>Line one<br>Line two</p>
<ul><li>A plain list item</li><li>An item with <a href="/x">a link</a> inside</li></ul>
</article>
<aside><p>Sidebar text</p></aside>
<div class="share-buttons"><p>Share on a platform</p></div>
<footer><p>Copyright footer</p></footer>
</body></html>"""


@pytest.fixture(scope="module")
def page_lines():
    return html_lines(PAGE)


def test_html_lines_drop_scripts_styles_and_site_furniture(page_lines):
    """Scripts, styles, nav, aside, footer, share boxes and link-only lists are not story text."""
    text = "\n".join(_texts(page_lines[0]))
    for gone in ("script text", "color", "Home", "Archive", "Older alert", "Sidebar text",
                 "Share on", "Copyright footer"):
        assert gone not in text


def test_html_lines_keep_the_story_in_order(page_lines):
    """The article's blocks come out one per line, in document order."""
    assert _texts(page_lines[0]) == [
        "Conflict Alerts # 12, 3 May 2021",
        "Kovia: Talks stall",
        "The envoy said “no” to R&D funds and the mayor’s plan.",
        "First, the ceasefire. It broke down on 2 May.",
        "Line one",
        "Line two",
        "A plain list item",
        "An item with a link inside",
    ]


def test_html_lines_site_header_dropped_article_header_kept(page_lines):
    """A <header> outside the article is the site masthead; inside it is the issue header."""
    texts = _texts(page_lines[0])
    assert "Kovia Studies Centre" not in texts
    assert "Conflict Alerts # 12, 3 May 2021" in texts


def test_html_lines_decode_entities(page_lines):
    """Named and numeric entities become characters (&ldquo; &amp; &#8217;)."""
    assert "The envoy said “no” to R&D funds and the mayor’s plan." in _texts(page_lines[0])


def test_html_lines_mark_headings_and_bold_leads(page_lines):
    """<h3> gives heading=True; a <strong> opening a paragraph is its strong_lead."""
    by_text = {line.text: line for line in page_lines[0]}
    assert by_text["Kovia: Talks stall"].heading is True
    point = by_text["First, the ceasefire. It broke down on 2 May."]
    assert point.strong_lead == "First, the ceasefire."
    assert point.heading is False
    assert by_text["Line one"].heading is False and by_text["Line one"].strong_lead is None


def test_html_lines_bold_in_mid_paragraph_is_no_lead():
    """Bold text after ordinary text is not a lead, and does not split words."""
    lines, _ = html_lines("<html><body><p>Un<b>bold</b> lead</p></body></html>")
    assert lines == [Line("Unbold lead")]


def test_html_lines_title_goes_to_meta(page_lines):
    """The <title> is metadata, not a line."""
    lines, meta = page_lines
    assert meta["title"] == "Kovia alert"
    assert "Kovia alert" not in _texts(lines)


def test_html_lines_br_splits_lines():
    """<br> ends a line even inside one paragraph."""
    lines, _ = html_lines("<html><body><p>Arun Kovil<br/>Meera Dasgupta<br>Tomas Riedl</p></body></html>")
    assert _texts(lines) == ["Arun Kovil", "Meera Dasgupta", "Tomas Riedl"]


@pytest.mark.parametrize("tag", ["div", "span"])
def test_html_lines_survive_deep_nesting(tag):
    """5,000 nested elements neither crash nor lose the text (no recursion limit)."""
    page = f"<html><body>{f'<{tag}>' * 5000}<p>Deep text.</p>{f'</{tag}>' * 5000}</body></html>"
    lines, _ = html_lines(page)
    assert _texts(lines) == ["Deep text."]


def test_html_lines_keep_article_despite_taxonomy_classes():
    """Blog engines tag the <article> itself with category/tag classes
    ("tag-social-media"); such tokens must not make the story furniture."""
    page = ('<html><body><article class="post type-post tag-social-media">'
            '<p>Conflict Alerts # 12, 3 May 2021</p><p>On 2 May, crowds gathered in Dorsk.</p>'
            '</article></body></html>')
    lines, _ = html_lines(page)
    assert _texts(lines) == ["Conflict Alerts # 12, 3 May 2021", "On 2 May, crowds gathered in Dorsk."]


# ---------------------------------------------------------------- markdown_lines

MARKDOWN = """---
title: Kovia talks
issue: 12
---
# Conflict Alerts # 12, 3 May 2021

## Kovia: Talks stall

**First, the ceasefire.** It broke *down* on _2 May_.

A paragraph with `code`, a [link](https://example.org) and __strong__ words
that continues on a second source line.
"""


@pytest.fixture(scope="module")
def md_lines():
    return markdown_lines(MARKDOWN)


def test_markdown_heading_with_hash_signs_kept_intact(md_lines):
    """"# Conflict Alerts # 12, ..." keeps its inner '#' and is a heading."""
    first = md_lines[0][0]
    assert first == Line("Conflict Alerts # 12, 3 May 2021", heading=True)


def test_markdown_strong_lead_and_emphasis_removed(md_lines):
    """"**First, x.** rest" gives strong_lead "First, x."; * and _ marks are gone."""
    point = md_lines[0][2]
    assert point.text == "First, the ceasefire. It broke down on 2 May."
    assert point.strong_lead == "First, the ceasefire."
    assert not point.heading


def test_markdown_paragraph_joined_and_markup_removed(md_lines):
    """Soft line breaks join; code ticks, link syntax and bold marks are dropped."""
    assert md_lines[0][3].text == ("A paragraph with code, a link and strong words "
                                   "that continues on a second source line.")


def test_markdown_front_matter_is_metadata_not_lines(md_lines):
    """Leading YAML front matter goes to meta["front_matter"] only."""
    lines, meta = md_lines
    assert meta["front_matter"] == {"title": "Kovia talks", "issue": 12}
    assert not any("Kovia talks" in t or "title:" in t or t == "---" for t in _texts(lines))
    assert len(lines) == 4


# ---------------------------------------------------------------- ingest / read_bytes

def test_ingest_builds_a_document():
    """A text file becomes a Document with format, encoding, hash and lines."""
    raw = b"Conflict Alerts # 3, 1 May 2021\r\nIn the news\r\nOn 2 May, rain fell.\r\n"
    doc = ingest(_source("sub/a.txt"), raw)
    assert doc.source_path == "sub/a.txt"
    assert doc.source_format == "txt"
    assert doc.encoding == "utf-8"
    assert doc.source_sha256 == hashlib.sha256(raw).hexdigest()
    assert doc.text == "Conflict Alerts # 3, 1 May 2021\nIn the news\nOn 2 May, rain fell."


def test_ingest_upper_case_suffix():
    """File type is read case-insensitively (.HTML is HTML)."""
    doc = ingest(_source("A.HTML"), b"<html><body><p>Hello <b>there</b>.</p></body></html>")
    assert doc.source_format == "html"
    assert doc.text == "Hello there."


def test_ingest_empty_file_rejected_at_read():
    """0 bytes: stage "read", with the reason saying it is empty."""
    with pytest.raises(Reject) as e:
        ingest(_source("empty.txt"), b"")
    assert e.value.stage == "read"
    assert "empty" in e.value.reason


def test_ingest_white_space_only_rejected_at_read():
    """A file of blank lines holds nothing to segment."""
    with pytest.raises(Reject) as e:
        ingest(_source("blank.txt"), b" \r\n\t\n\xc2\xa0\n")
    assert e.value.stage == "read"


def test_ingest_unsupported_suffix_rejected_at_read():
    """A .pdf is rejected with a reason naming the suffix, not skipped."""
    with pytest.raises(Reject) as e:
        ingest(_source("alert.pdf"), b"%PDF-1.7 some bytes")
    assert e.value.stage == "read"
    assert ".pdf" in e.value.reason


def test_ingest_navigation_only_html_rejected_at_segment():
    """A page of only menu, sidebar links, footer and scripts holds no alert,
    even when its links read like issue headers."""
    page = b"""<html><head><title>Conflict Alerts</title><script>var a = 1;</script></head><body>
    <nav><ul><li><a href="/ca">Conflict Alerts</a></li><li><a href="/cw">Conflict Weekly</a></li></ul></nav>
    <aside><h4>Recent posts</h4><ul><li><a href="/p/9">Conflict Alerts # 9, 2 May 2021</a></li></ul></aside>
    <footer><p>&copy; 2021 Kovia Studies Centre</p><a href="/about">About</a></footer>
    </body></html>"""
    with pytest.raises(Reject) as e:
        ingest(_source("nav.html"), page)
    assert e.value.stage == "segment"


def test_read_bytes_refuses_files_over_the_cap(tmp_path, monkeypatch):
    """Files over MAX_FILE_BYTES are rejected at "read" without being parsed."""
    monkeypatch.setattr(config, "MAX_FILE_BYTES", 10)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 11)
    small = tmp_path / "small.txt"
    small.write_bytes(b"x" * 10)
    with pytest.raises(Reject) as e:
        read_bytes(Source(big, "big.txt"))
    assert e.value.stage == "read"
    assert read_bytes(Source(small, "small.txt")) == b"x" * 10


# ---------------------------------------------------------------- discover

def test_discover_skips_hidden_and_returns_sorted_posix_paths(tmp_path):
    """Every non-hidden file under a folder, relative POSIX paths, sorted;
    unknown types are still listed (the pipeline rejects them with a reason)."""
    for rel in ("b.txt", "a/z.md", "a/b/c.html", "notes.pdf", ".hidden.txt", ".git/config",
                "a/.DS_Store", ".cache/x.txt"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    found = discover([tmp_path])
    assert [s.source_path for s in found] == ["a/b/c.html", "a/z.md", "b.txt", "notes.pdf"]
    assert all("\\" not in s.source_path for s in found)
    assert found[0].path == tmp_path / "a" / "b" / "c.html"


def test_discover_single_file_and_missing_input(tmp_path):
    """A file given directly is listed by its name; a missing input is an error."""
    f = tmp_path / "one.txt"
    f.write_text("x", encoding="utf-8")
    assert [s.source_path for s in discover([f])] == ["one.txt"]
    with pytest.raises(FileNotFoundError):
        discover([tmp_path / "nope"])


def test_discover_lists_a_linked_file_once_and_does_not_walk_linked_folders(tmp_path):
    root = tmp_path / "in"
    (root / "b" / "deep").mkdir(parents=True)
    (root / "b" / "deep" / "x.txt").write_text("x")
    (root / "a.txt").write_text("a")
    (root / "z-link.txt").symlink_to(root / "a.txt")          # the same file again: listed once
    (root / "c-folder").symlink_to(root / "b", target_is_directory=True)   # not walked into
    (root / "broken.txt").symlink_to(root / "missing.txt")     # no file behind it
    (root / "y-out.txt").symlink_to(tmp_path / "outside.txt")
    (tmp_path / "outside.txt").write_text("o")
    found = discover([root, root / "b" / "deep" / "x.txt"])
    assert [s.source_path for s in found] == ["a.txt", "b/deep/x.txt", "y-out.txt"]
    assert found[2].path == root / "y-out.txt"
