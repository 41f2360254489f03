"""Segment: a Document -> header, stories, sections and numbered points.

Layout of an alert (FORMATS.md): page furniture and the issue header block,
then one or more stories. A story is an optional heading block (title,
subtitle, author line) followed by sections ("In the news", "Issues at
large", "In perspective" or their question forms); points inside a section
open with "First,", "Second," .... Documents without section headings (essays,
interviews) become one story whose sub-headings start `other` sections.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from . import config
from .extract.countries import country_index
from .headers import Header, date_only, find_date, parse_byline, parse_header, parse_label
from .document import Document, Line, Reject
from .reference import SECTION_KINDS, Reference, fold_heading

_ENDS_SENTENCE = re.compile(r"[.!…]['\"”’)\]]*$|[\"”]$")
# A word for counting: letters or digits, with inner apostrophes or hyphens.
# Possessive quantifiers: what follows a run of \w is never \w, so giving
# back characters could not find another match; the same matches, faster.
_WORDS = re.compile(r"\w++(?:['’\-]\w++)*+")


@dataclass(frozen=True)
class Section:
    section: str                 # in_the_news, issues_at_large, in_perspective, other
    point_index: int | None
    heading: str | None
    char_start: int              # span in the story body
    char_end: int


@dataclass(frozen=True)
class Story:
    story_index: int
    title: str | None
    authors: tuple[str, ...]
    body: str
    sections: tuple[Section, ...]

    @cached_property
    def n_words(self) -> int:
        """Counted once: the checks and the alert rows read it several times.
        (cached_property writes the instance __dict__, which a frozen
        dataclass allows; equality and repr see only the fields.)"""
        return count_words(self.body)


@dataclass(frozen=True)
class Segmented:
    document: Document
    header: Header
    issue_title: str | None
    authors: tuple[str, ...]     # the document byline
    stories: tuple[Story, ...]
    warnings: tuple[str, ...] = ()


def count_words(text: str) -> int:
    return len(_WORDS.findall(text))


_NOT_NAMES: dict[int, tuple[Reference, frozenset[str]]] = {}


def _not_names(ref: Reference) -> frozenset[str]:
    """The case-folded country names, made once per reference (not per document)."""
    hit = _NOT_NAMES.get(id(ref))
    if hit is None or hit[0] is not ref:
        if len(_NOT_NAMES) >= 8:
            _NOT_NAMES.clear()
        hit = _NOT_NAMES[id(ref)] = (ref, country_index(ref).folded_names())
    return hit[1]


def _more_words(text: str, n: int) -> bool:
    """len(text.split()) > n, without splitting a whole paragraph: split()
    with maxsplit=n gives an (n+1)th piece only when an (n+1)th word follows."""
    return len(text.split(None, n)) > n


_ORDINAL = re.compile(r"(\w+?)(?:ly)?\s*[,:]\s*(?=\S)")
_UNSET = object()


class _Lines:
    """Classifiers over a document's lines, with the reference data at hand.
    Each answer depends only on the line and the reference data, and the
    story search asks about the same lines many times, so the answers are
    kept for the document (lists indexed like `lines`, so a negative index
    finds the answer of the line it names)."""

    def __init__(self, lines: tuple[Line, ...], ref: Reference):
        self.lines, self.ref = lines, ref
        self.not_names = _not_names(ref)
        n = len(lines)
        self._kind = [_UNSET] * n
        self._front = [_UNSET] * n
        self._byline = [_UNSET] * n
        self._heading = [_UNSET] * n
        self._ordinal = [_UNSET] * n

    def text(self, i: int) -> str:
        return self.lines[i].text

    def section_kind(self, i: int) -> str | None:
        kind = self._kind[i]
        if kind is _UNSET:
            text = self.lines[i].text
            kind = self._kind[i] = None if _more_words(text, 6) else \
                self.ref.section_names.get(fold_heading(text))
        return kind

    def front_matter(self, i: int) -> bool:
        front = self._front[i]
        if front is _UNSET:
            text = self.lines[i].text
            front = self._front[i] = any(rx.fullmatch(text) for rx in self.ref.front_matter) or \
                self.ref.team.fullmatch(text) is not None or parse_label(text, self.ref) is not None
        return front

    def footer(self, i: int) -> bool:
        return any(rx.fullmatch(self.text(i)) for rx in self.ref.footer)

    def byline(self, i: int) -> tuple[str, ...] | None:
        names = self._byline[i]
        if names is _UNSET:
            # Names, unless the line is front matter ("IPRI Team", "Africa
            # Weekly"). Both tests are pure: the cheap one first (a prose
            # line fails it at once), which leaves the answer as it was.
            names = parse_byline(self.lines[i].text, self.not_names)
            if names is not None and self.front_matter(i):
                names = None
            self._byline[i] = names
        return names

    def heading_like(self, i: int) -> bool:
        """Short and not a sentence: a title, subtitle or sub-heading."""
        heading = self._heading[i]
        if heading is _UNSET:
            line = self.lines[i]
            heading = self._heading[i] = line.heading or (
                not _more_words(line.text, config.HEADING_MAX_WORDS)
                and not _ENDS_SENTENCE.search(line.text))
        return heading

    def ordinal(self, i: int) -> tuple[int | None, int] | None:
        """(point number or None for "Finally", length of the ordinal) of a
        line opening a numbered point."""
        found = self._ordinal[i]
        if found is _UNSET:
            found = self._ordinal[i] = self._find_ordinal(self.lines[i].text)
        return found

    def _find_ordinal(self, text: str) -> tuple[int | None, int] | None:
        m = _ORDINAL.match(text)
        if not m:
            return None
        word = m.group(1).casefold()
        if word in self.ref.ordinals:
            return self.ref.ordinals.index(word) + 1, m.end()
        if word in ("final", "last"):
            return None, m.end()
        return None


# ---------------------------------------------------------------- header

def find_header(ls: _Lines, end: int) -> tuple[Header | None, int, int]:
    """The issue header among lines [0, end): (header, first line, last line).

    The candidate naming the most fields wins, preferring the series of the
    page's series label; a date missing from the header line is taken from
    the next line when that line is only a date."""
    ref = ls.ref
    labels = [parse_label(ls.text(i), ref) for i in range(end)]
    label_series = next((lab[0] for lab in labels if lab), None)
    best = None
    for i in range(end):
        if labels[i]:
            continue
        h = parse_header(ls.text(i), ref)
        if h is None and label_series is not None:    # a header split over lines
            h = parse_header(ls.text(i), ref, default_series=label_series)
        if h is None:
            continue
        score = (h.fields, label_series is not None and h.series == label_series.name)
        if best is None or score > best[0]:
            best = (score, h, i)
    if best is None:
        return None, -1, -1
    _, h, i = best
    last = i
    if h.published_on is None and h.bad_date is None:
        for j in range(i + 1, min(i + 3, len(ls.lines))):
            found = date_only(ls.text(j))
            if found:
                d, printed, bad = found
                h = _replace(h, published_on=d, date_text=printed, bad_date=bad)
                last = j
                break
        else:   # "GP Team 3 March 2021": a date beside the team label
            for j in range(end):
                if ls.ref.team.fullmatch(ls.text(j)):
                    d, printed, bad = find_date(ls.text(j))
                    if printed:
                        h = _replace(h, published_on=d, date_text=printed, bad_date=bad)
                        break
    if label_series is not None and h.series != label_series.name and h.series_as_printed and \
            any(p.casefold().startswith(h.series_as_printed.casefold()) for p in label_series.printed):
        h = _replace(h, series=label_series.name, series_code=label_series.code)
    if h.issue_number is None:
        numbered = [lab[1] for lab in labels if lab and lab[1] is not None and lab[0].name == h.series]
        if numbered:
            h = _replace(h, issue_number=numbered[0])
    return h, i, last


def _replace(h: Header, **changes) -> Header:
    from dataclasses import replace
    return replace(h, **changes)


def _with_front_matter(h: Header, meta: dict, ref: Reference) -> tuple[Header, str | None]:
    """Fill header fields the page lacks from a Markdown front-matter block
    (series, issue/issue_number, volume, number, date, title); the printed
    header wins where both give a value."""
    if not meta:
        return h, None
    changes: dict = {}
    series_name = meta.get("series")
    if h.series is None and isinstance(series_name, str):
        label = parse_label(series_name, ref)
        if label:
            changes.update(series=label[0].name, series_code=label[0].code)
    for field, keys in (("issue_number", ("issue_number", "issue")), ("volume", ("volume",)),
                        ("volume_issue", ("volume_issue", "number"))):
        value = next((meta[k] for k in keys if k in meta), None)
        if getattr(h, field) is None and isinstance(value, int) and not isinstance(value, bool):
            changes[field] = value
    value = meta.get("published_on", meta.get("date"))
    if h.published_on is None and h.bad_date is None and value is not None:
        if hasattr(value, "year") and not hasattr(value, "hour"):
            changes["published_on"] = value
        elif isinstance(value, str):
            d, printed, bad = find_date(value)
            if printed:
                changes.update(published_on=d, bad_date=bad)
    title = meta.get("title")
    return (_replace(h, **changes) if changes else h), (title if isinstance(title, str) else None)


# ---------------------------------------------------------------- stories

def _heading_block(ls: _Lines, sec: int, floor: int) -> tuple[int, int | None, tuple[str, ...]]:
    """Walk back from a story's first section heading over its author line(s)
    and heading lines. Returns (first line of the block, title line, authors)."""
    i, authors, title = sec - 1, (), None
    names = ls.byline(i) if i >= floor else None
    if names:                               # one author line sits under the title
        authors = names
        i -= 1
    while i >= floor and ls.heading_like(i) and not ls.section_kind(i) and not ls.front_matter(i) \
            and not (title is not None and ls.byline(i)):
        title = i
        i -= 1
    return (title if title is not None else i + 1), title, authors


def _title_text(ls: _Lines, title: int | None, stop: int) -> str | None:
    """The title line, joined with the next line when split after its colon."""
    if title is None:
        return None
    text = ls.text(title)
    if text.endswith(":") and title + 1 < stop and ls.heading_like(title + 1):
        text = f"{text} {ls.text(title + 1)}"
    return text


def _sections(ls: _Lines, first: int, last: int, free: bool) -> list[Section]:
    """Sections and points of lines [first, last] of one story. In `free`
    text (no section headings) short heading-like lines open `other` sections."""
    offsets, pos = {}, 0
    for i in range(first, last + 1):
        offsets[i] = pos
        pos += len(ls.text(i)) + 1
    groups: list[tuple[str, str | None, list[int]]] = []
    for i in range(first, last + 1):
        kind = ls.section_kind(i)
        sub_heading = ls.lines[i].heading or (free and ls.heading_like(i))
        if kind:
            groups.append((kind, None, []))
        elif not groups:
            groups.append(("other", None, [i]))
        elif sub_heading and ls.ordinal(i) is None and groups[-1][2]:
            groups.append(("other", ls.text(i), []))
        else:
            groups[-1][2].append(i)
    out: list[Section] = []
    for kind, sub_heading, members in groups:
        if not members:
            continue
        span = lambda a, b: (offsets[a], offsets[b] + len(ls.text(b)))   # noqa: E731
        if kind == "in_the_news":
            out.append(Section(kind, None, None, *span(members[0], members[-1])))
            continue
        points: list[list] = []     # [point_index, heading, first, last]
        for i in members:
            ordinal = ls.ordinal(i)
            if ordinal is not None and (ordinal[0] is not None or points):
                number = ordinal[0] or (points[-1][0] or 0) + 1
                points.append([number, _point_heading(ls, i, ordinal[1], kind), i, i])
            elif points:
                points[-1][3] = i
            else:
                points.append([None, sub_heading, i, i])
        for number, heading, a, b in points:
            out.append(Section(kind, number, heading, *span(a, b)))
    return out


_FINITE = {"is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could",
           "may", "might", "must", "shall", "should", "does", "do", "did", "remains", "seems"}


def _point_heading(ls: _Lines, i: int, skip: int, kind: str) -> str | None:
    """"First, the coup. On 26 July ..." -> "the coup". Taken from bold
    markup where the source has it; else the first sentence, when it is a
    short phrase without a finite verb and the section is not the
    commentary of "In perspective", whose points are sentences."""
    line = ls.lines[i]
    if line.strong_lead and len(line.strong_lead) > skip:
        return line.strong_lead[skip:].strip().rstrip(".:").strip() or None
    if kind == "in_perspective":
        return None
    rest = line.text[skip:]
    m = re.search(r"(?<!\b[A-Z])\.(?:\s|$)", rest)
    candidate = rest[:m.start()] if m else rest
    words = candidate.split()
    if not words or len(words) > config.POINT_HEADING_MAX_WORDS or \
            any(w.casefold().strip(",;") in _FINITE for w in words):
        return None
    return candidate.strip()


def _story(ls: _Lines, index: int, first: int, last: int, title, authors, free: bool) -> Story:
    body = "\n".join(ls.text(i) for i in range(first, last + 1))
    return Story(story_index=index, title=title, authors=authors, body=body,
                 sections=tuple(_sections(ls, first, last, free)))


def segment(doc: Document, ref: Reference) -> Segmented:
    """Header, stories and sections of one document; Reject when it is no alert."""
    ls = _Lines(doc.lines, ref)
    n = len(doc.lines)
    section_lines = [i for i in range(n) if ls.section_kind(i)]
    search_end = section_lines[0] if section_lines else min(n, config.HEADER_SEARCH_LINES)
    header, h_first, h_last = find_header(ls, search_end)
    warnings: list[str] = []
    if header is None:
        if not section_lines:
            raise Reject("segment", "no alert header found (no series, issue number or publication "
                                    "date) and no alert sections ('In the news', 'Issues at large', "
                                    "'In perspective'); is this an alert?")
        label = next((parse_label(ls.text(i), ref) for i in range(search_end)
                      if parse_label(ls.text(i), ref)), None)
        header = Header(series=label[0].name if label else None,
                        series_code=label[0].code if label else None,
                        issue_number=label[1] if label else None)
        warnings.append("no issue header line: publication date unknown, relative dates unresolved")
    header, issue_title_meta = _with_front_matter(header, doc.meta.get("front_matter") or {}, ref)
    if header.bad_date:
        raise Reject("validate", f"header date '{header.bad_date}' is not a valid calendar date; the "
                                 "publication date is needed to resolve relative dates - correct the "
                                 "header and rebuild")
    last = n - 1
    while last > h_last and ls.footer(last):
        last -= 1
    content_first = h_last + 1
    issue_title = next((ls.text(i) for i in range(h_first - 1, -1, -1)
                        if not ls.front_matter(i) and ls.heading_like(i) and not ls.byline(i)
                        and parse_header(ls.text(i), ref) is None), None) or issue_title_meta

    story_specs: list[tuple[int, int | None, tuple[str, ...], int]] = []  # block, title, authors, first
    if section_lines:
        order = {k: n_ for n_, k in enumerate(SECTION_KINDS)}
        previous = None
        for s in section_lines:
            if s < content_first:
                continue
            kind = ls.section_kind(s)
            floor = story_specs[-1][3] + 1 if story_specs else content_first
            block, title, authors = _heading_block(ls, s, floor)
            new_story = previous is None or order[kind] <= order[previous] or title is not None
            if new_story and (previous is None or block > floor):
                story_specs.append((block, title, authors, s))
            previous = kind
    if not story_specs:
        # no section structure: title and author lines, then prose
        i, title, authors = content_first, None, ()
        while i <= last and (ls.front_matter(i) or ls.byline(i) or ls.heading_like(i)):
            if ls.byline(i):
                authors = ls.byline(i)
            elif title is None and not ls.front_matter(i):
                title = i
            i += 1
        if i > last:
            raise Reject("segment", "found an alert header but no story text after it; the file may "
                                    "be an index or menu page, or cut off")
        story_specs.append((content_first, title, authors, i))

    doc_authors: tuple[str, ...] = ()
    for i in range(content_first, story_specs[0][0]):
        names = ls.byline(i)
        if names and not doc_authors:
            doc_authors = names
    if not doc_authors and story_specs[0][1] is None:   # an author line under the header
        doc_authors = story_specs[0][2]
    stories = []
    for k, (block, title, authors, first) in enumerate(story_specs):
        end = story_specs[k + 1][0] - 1 if k + 1 < len(story_specs) else last
        title_text = _title_text(ls, title, first)
        if title_text is None and len(story_specs) == 1:
            title_text = issue_title
        stories.append(_story(ls, k + 1, first, end, title_text, authors or doc_authors,
                              free=not section_lines))
    return Segmented(document=doc, header=header, issue_title=issue_title, authors=doc_authors,
                     stories=tuple(stories), warnings=tuple(warnings))


def check_limits(seg: Segmented) -> None:
    """Reject a document over the caps on stories and words (`config`):
    pages run together, a mis-saved archive or a hostile file, whose
    extraction would take minutes instead of milliseconds."""
    def over(what: str, n: int, cap: int, hint: str) -> Reject:
        return Reject("segment", f"{what} has {n:,} {hint}, over the cap of {cap:,}; an alert has "
                                 "far fewer. Check that the file is one alert (not several pages "
                                 "run together or a whole archive), and split it if need be")
    if len(seg.stories) > config.MAX_STORIES:
        raise over("document", len(seg.stories), config.MAX_STORIES, "stories")
    for s in seg.stories:
        if s.n_words > config.MAX_STORY_WORDS:
            raise over(f"story {s.story_index}", s.n_words, config.MAX_STORY_WORDS, "words")
    total = sum(s.n_words for s in seg.stories)
    if total > config.MAX_DOCUMENT_WORDS:
        raise over("document", total, config.MAX_DOCUMENT_WORDS, "words")


def check_complete(seg: Segmented) -> None:
    """Reject a document that looks cut off: its last story is short and ends
    mid-sentence (a half-finished download looks like a real alert at the top)."""
    story = seg.stories[-1]
    words = story.n_words
    tail = story.body.rstrip()
    if words < config.TRUNCATED_MAX_WORDS and not _ENDS_SENTENCE.search(tail) and not tail.endswith("?"):
        kinds = {s.section for s in story.sections}
        missing = [k for k in ("issues_at_large", "in_perspective") if k not in kinds]
        also = f", and has no {' or '.join(repr(k) for k in missing)} section" if missing else ""
        raise Reject("validate", f"document appears truncated: story {story.story_index} body is "
                                 f"{words} words and ends mid-sentence{also}; fetch the full alert again")
    empty = [s.story_index for s in seg.stories if s.n_words == 0]
    if empty:
        raise Reject("validate", f"story {empty[0]} has a heading but no text; the file may be cut off")
