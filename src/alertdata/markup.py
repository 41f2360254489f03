"""HTML and Markdown pages -> `Line`s, for `ingest`.

A saved page keeps only the alert: scripts, navigation, sidebars, share
buttons and footers are dropped (by tag, and by the class and id names
site furniture uses); block tags end lines, headings and bold leads
("First, the coup.") are marked. Markdown is rendered by markdown-it and
read the same way. A page nested deeper than `config.MAX_HTML_DEPTH` is
rejected before it is parsed.
"""
from __future__ import annotations

import re

from . import config
from .document import Line, Reject, clean


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
