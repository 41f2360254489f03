"""A scale corpus for the "archive scale" benchmark: N alert files derived
from the development corpus (tests/data/corpus/alerts/).

    from scale_corpus import make_corpus
    paths = make_corpus(10_000, Path("/tmp/corpus"), seed=0)

or `python benchmarks/scale_corpus.py N FOLDER [--seed S]`.

How a file is made:

- The dev documents are read once with alertdata's own ingest and segment
  steps, giving a pool of stories (title, own author line, body lines with
  their section headings and numbered points) and each story's publication
  date.
- Plain-text and Markdown files are *recombined*: a Conflict Alerts issue
  holds one story, a Conflict Weekly 1-3 titled stories taken from different
  dev documents, laid out as the dev .txt and .md files lay them out (page
  furniture, label, issue title, team, header, sponsor line, byline; story
  title, author line, sections). About one .txt in ten is written as
  Windows-1252 with CRLF line ends, as one dev file is.
- HTML files are dev HTML pages re-numbered and re-dated in place (header
  line with its Vol./No., page title, meta tags).
- Every file gets its own issue number (one running number over the whole
  corpus, increasing with the date, so numbers are unique across series too)
  and a publication date between 2020 and 2024; "Vol." is the year - 2019 and
  "No." the week of the year. Day-precise dates in the text ("On 3 May",
  "17 February 2022", "12-13 March") are shifted by the same number of days
  as the story's publication date, so every event keeps its distance from the
  issue; month and year dates ("in August 2020", "since 2011") and weekdays
  are left as written.
- Formats are dealt in the dev corpus's proportions (txt:md:html) by largest
  remainder, then shuffled.

Deterministic: the same n, seed and dev corpus give byte-identical files with
the same names. No file shares series + issue number + date with another, so
`alertdata build` rejects none as a duplicate.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

DEV_CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "corpus" / "alerts"

FIRST_DAY = date(2020, 1, 1)
LAST_DAY = date(2024, 12, 31)
FIRST_NUMBER = 1001            # running issue number of the first (earliest) file
SHARE_CA = 0.5                 # share of recombined files that are Conflict Alerts
SHARE_CP1252 = 0.1             # share of .txt files written as Windows-1252 + CRLF
SHARE_DOUBLE = 0.03            # share of weeklies printed as double issues ("#204 & 205")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_MONTH_NO = {m: i for i, m in enumerate(MONTHS, 1)}
# "3 May", "3 May 2021", "3 May, 2021", "12-13 March": day-precise dates only.
_DAY_DATE = re.compile(
    r"(?<![\w.,])(?P<d1>\d{1,2})(?:(?P<sep>\s?[-–]\s?)(?P<d2>\d{1,2}))?"
    r"(?P<sp>\s+|&nbsp;)(?P<m>" + "|".join(MONTHS) + r")\b"
    r"(?:(?P<ysep>,?\s+)(?P<y>(?:19|20)\d\d)\b)?")

PHOTO_CREDITS = ("Reuters", "AFP", "AP", "Al Jazeera", "Associated Press")
FURNITURE = ("Institute for Peace and Regional Inquiry (IPRI)",
             "Hillside Campus, 12 Observatory Road, Pune 411007, India",
             "Subscribe to receive the Conflict Alerts and the Conflict Weekly in your inbox every week.")
SPONSOR = "An initiative by the IPRI Global Politics Programme and the Hartwig Lenz Foundation India office"


# ---------------------------------------------------------------- the dev corpus

@dataclass(frozen=True)
class StorySource:
    source: str                   # dev file name
    published_on: date
    title: str | None
    authors: tuple[str, ...]      # the story's own author line, if it has one
    lines: tuple[str, ...]        # body lines, section headings included
    headings: frozenset[int]      # indexes of section-heading lines
    bold: dict                    # line index -> bold lead ("First, the coup.")


@dataclass(frozen=True)
class HtmlSource:
    source: str
    series_code: str
    published_on: date
    text: str


@dataclass(frozen=True)
class DevCorpus:
    stories: tuple[StorySource, ...]
    html: tuple[HtmlSource, ...]
    shares: dict                  # format -> number of dev files


@lru_cache(maxsize=4)
def load_dev_corpus(folder: Path = DEV_CORPUS) -> DevCorpus:
    """Stories of every dev document and the dev HTML pages, read with
    alertdata's own ingest and segment steps (no extraction: fast)."""
    from alertdata.ingest import Source, ingest
    from alertdata.reference import fold_heading, load_reference
    from alertdata.segment import segment

    ref = load_reference()
    stories, html, shares = [], [], {}
    for path in sorted(Path(folder).iterdir()):
        fmt = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html"}.get(path.suffix.lower())
        if fmt is None:
            continue
        shares[fmt] = shares.get(fmt, 0) + 1
        raw = path.read_bytes()
        seg = segment(ingest(Source(path, path.name), raw), ref)
        published = seg.header.published_on
        if published is None:
            raise ValueError(f"{path}: dev document without a publication date")
        if fmt == "html":
            html.append(HtmlSource(path.name, seg.header.series_code or "doc", published,
                                   raw.decode("utf-8")))
        for story in seg.stories:
            lines = story.body.split("\n")
            headings = frozenset(i for i, t in enumerate(lines)
                                 if len(t.split()) <= 6 and fold_heading(t) in ref.section_names)
            starts, pos = {}, 0
            for i, t in enumerate(lines):
                starts[pos] = i
                pos += len(t) + 1
            bold = {}
            for s in story.sections:
                i = starts.get(s.char_start)
                if s.heading and s.point_index and i is not None:
                    m = re.match(r"\w+,\s*" + re.escape(s.heading) + r"[.:]", lines[i])
                    if m:
                        bold[i] = m.group(0)
            own = story.authors if story.authors and story.authors != seg.authors else ()
            stories.append(StorySource(path.name, published, story.title, tuple(own),
                                       tuple(lines), headings, bold))
    return DevCorpus(tuple(stories), tuple(html), shares)


# ---------------------------------------------------------------- dates

def _resolve(day: int, month: int, year: int | None, issue: date) -> date:
    """A printed date as the extractor reads it: no year -> the issue's year,
    unless that is more than 60 days after the issue (then the year before)."""
    if year is not None:
        return date(year, month, day)
    d = date(issue.year, month, day)
    return date(issue.year - 1, month, day) if d > issue + timedelta(days=60) else d


def shift_dates(text: str, issue: date, delta: timedelta) -> str:
    """Every day-precise date in `text` moved by `delta`, printed as it was
    (with or without year). A date that is not a calendar date is left alone."""
    if not delta:
        return text

    def move(m: re.Match) -> str:
        month = _MONTH_NO[m["m"]]
        year = int(m["y"]) if m["y"] else None
        try:
            end = _resolve(int(m["d2"] or m["d1"]), month, year, issue)
            start = None
            if m["d2"]:
                d1 = int(m["d1"])
                start = end.replace(day=d1) if d1 <= end.day else \
                    (end.replace(day=1) - timedelta(days=1)).replace(day=d1)
        except ValueError:
            return m.group(0)
        new_end = end + delta
        tail = f"{m['sp']}{MONTHS[new_end.month - 1]}"
        if year is not None:
            tail += f"{m['ysep']}{new_end.year}"
        if start is not None:
            new_start = start + delta
            if (new_start.year, new_start.month) == (new_end.year, new_end.month):
                return f"{new_start.day}{m['sep']}{new_end.day}{tail}"
        return f"{new_end.day}{tail}"

    return _DAY_DATE.sub(move, text)


def header_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def vol_no(d: date) -> tuple[int, int]:
    return d.year - 2019, (d.timetuple().tm_yday - 1) // 7 + 1


# ---------------------------------------------------------------- rendering

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def _md(text: str) -> str:
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"^([#>+\-=|]|\d+[.)])", r"\\\1", text)


def _byline(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _issue_title(stories: list[StorySource]) -> str:
    parts = [s.title.split(":")[0].strip() if s.title and ":" in s.title else (s.title or s.source)
             for s in stories]
    if len(parts) == 1:
        return stories[0].title or parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _story_lines(story: StorySource, delta: timedelta, md: bool) -> list[str]:
    out = []
    for i, line in enumerate(story.lines):
        line = shift_dates(line, story.published_on, delta)
        if not md:
            out.append(line)
        elif i in story.headings:
            out += [f"### {_md(line)}", ""]
        elif i in story.bold and line.startswith(story.bold[i]):
            lead = story.bold[i]
            out += [f"**{_md(lead)}**{_md(line[len(lead):])}", ""]
        else:
            out += [_md(line), ""]
    return out


def render(series: str, number: int, number_end: int | None, published: date,
           stories: list[StorySource], fmt: str, rng: random.Random) -> str:
    """One recombined document in the dev .txt or .md layout."""
    md = fmt == "md"
    nums = f"#{number}" + (f" & {number_end}" if number_end else "")
    lines: list[str] = []
    if series == "Conflict Alerts":
        story = stories[0]
        head = f"Conflict Alerts {nums.replace('#', '# ')}, {header_date(published)}"
        if story.title:
            lines += [f"# {_md(story.title)}" if md else story.title, ""]
        lines += [f"# {head}" if md else head, ""]
        if story.authors:
            lines += [_md(_byline(list(story.authors))) if md else _byline(list(story.authors)), ""]
        lines += _story_lines(story, published - story.published_on, md)
    else:
        vol, no = vol_no(published)
        nos = f"No.{no}" + (f" & {no + 1}" if number_end else "")
        head = f"Conflict Weekly {nums}, {header_date(published)}, Vol.{vol}, {nos}"
        authors: list[str] = []
        for s in stories:
            for a in s.authors:
                if a not in authors:
                    authors.append(a)
        title = _issue_title(stories)
        front = [f"Photo Source: {rng.choice(PHOTO_CREDITS)}", *FURNITURE, "Conflict Weekly",
                 title, "IPRI Team", "|", head, SPONSOR]
        if authors:
            front.append(_byline(authors))
        for line in front:
            if md:
                lines += [f"# {_md(line)}" if line in (title, head) else
                          ("\\|" if line == "|" else _md(line)), ""]
            else:
                lines.append(line)
        for s in stories:
            lines.append("")
            lines += [f"## {_md(s.title)}", ""] if md else [s.title]
            if s.authors:
                lines += [_md(_byline(list(s.authors))), ""] if md else [_byline(list(s.authors))]
            lines += _story_lines(s, published - s.published_on, md)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


_VOL_NO = re.compile(r"(?P<v>Vol\.\s*)\d+(?P<sep>,\s*No\.\s*)\d+\b(?!\s*&)")
_ISSUE_NO = re.compile(r"(Conflict\s+(?:Weekly|Alerts)\s*#\s*)(\d+)")


def render_html(page: HtmlSource, number: int, published: date) -> str:
    """A dev HTML page re-numbered and re-dated: the header line, page title
    and meta tags carry the new number; every day-precise date, the header's
    included, moves by the same number of days."""
    text = shift_dates(page.text, page.published_on, published - page.published_on)
    text = _ISSUE_NO.sub(lambda m: f"{m.group(1)}{number}", text)
    text = re.sub(r'("issue"\s*:\s*")\d+(")', rf"\g<1>{number}\g<2>", text)
    text = re.sub(r"(/c[wa]-)\d+(/)", rf"\g<1>{number}\g<2>", text)
    vol, no = vol_no(published)
    return _VOL_NO.sub(lambda m: f"{m['v']}{vol}{m['sep']}{no}", text)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:40] or "alert"


# ---------------------------------------------------------------- the corpus

def _deal_formats(n: int, shares: dict, rng: random.Random) -> list[str]:
    total = sum(shares.values())
    exact = {f: n * c / total for f, c in sorted(shares.items())}
    counts = {f: int(x) for f, x in exact.items()}
    for f in sorted(exact, key=lambda f: (counts[f] - exact[f], f))[:n - sum(counts.values())]:
        counts[f] += 1
    formats = [f for f in sorted(counts) for _ in range(counts[f])]
    rng.shuffle(formats)
    return formats


def make_corpus(n: int, folder: Path, seed: int = 0, *, source: Path = DEV_CORPUS) -> list[Path]:
    """Write `n` alert files derived from the dev corpus into `folder` (made
    if missing; give a new or empty one, files already there are left) and
    return their paths in file-name order. See the module doc."""
    if n < 1:
        raise ValueError("n must be at least 1")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dev = load_dev_corpus(Path(source))
    rng = random.Random(seed)
    titled = [s for s in dev.stories if s.title]
    by_source: dict[str, list[StorySource]] = {}
    for s in titled:
        by_source.setdefault(s.source, []).append(s)
    if not dev.html:   # no HTML to re-date: deal the share to the recombined formats
        dev = DevCorpus(dev.stories, dev.html, {f: c for f, c in dev.shares.items() if f != "html"})
    formats = _deal_formats(n, dev.shares, rng)
    span = (LAST_DAY - FIRST_DAY).days
    days = sorted(FIRST_DAY + timedelta(days=rng.randrange(span + 1)) for _ in range(n))

    width = max(5, len(str(n)))
    number = FIRST_NUMBER
    paths = []
    for i, (fmt, published) in enumerate(zip(formats, days)):
        number_end = None
        if fmt == "html":
            page = dev.html[rng.randrange(len(dev.html))]
            text = render_html(page, number, published)
            stem = Path(page.source).stem.split("-", 2)[-1]
            series = page.series_code
            encoding, newline = "utf-8", "\n"
        else:
            if rng.random() < SHARE_CA or len(by_source) == 0:
                series = "ca"
                stories = [dev.stories[rng.randrange(len(dev.stories))]]
            else:
                series = "cw"
                k = min(rng.choice((1, 2, 2, 3)), len(by_source))
                sources = rng.sample(sorted(by_source), k)
                stories = [rng.choice(by_source[src]) for src in sources]
                if rng.random() < SHARE_DOUBLE:
                    number_end = number + 1
            text = render("Conflict Alerts" if series == "ca" else "Conflict Weekly", number,
                          number_end, published, stories, fmt, rng)
            stem = "-".join(_slug(s.title.split(":")[0]) if s.title and ":" in s.title
                            else _slug(Path(s.source).stem.split("-", 2)[-1]) for s in stories)
            encoding, newline = "utf-8", "\n"
            if fmt == "txt" and rng.random() < SHARE_CP1252:
                try:
                    text.encode("cp1252")
                    encoding, newline = "cp1252", "\r\n"
                except UnicodeEncodeError:
                    pass
        path = folder / f"{i:0{width}d}-{series}-{number}-{stem}.{fmt}"
        path.write_bytes(text.replace("\n", newline).encode(encoding))
        paths.append(path)
        number = (number_end or number) + 1
    return paths


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int)
    p.add_argument("folder", type=Path)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    paths = make_corpus(args.n, args.folder, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} files, {size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s: {args.folder}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
