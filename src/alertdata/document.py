"""What ingest hands on: a `Document` of normalised `Line`s (one paragraph
or heading each), and `Reject` for an input that cannot become one.

`clean` is the one normalisation every line of every format goes through
(NFC, invisible characters dropped, white space collapsed), so that a saved
HTML page, its Markdown version and a browser's text copy read the same.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


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


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")              # all but the tab

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
