"""Tests for alertdata.segment: issue header, stories, sections and points
of a Document, and the completeness check.

All alerts here are invented (Kovia, Lestria, the Valen Front are not real);
they follow the layouts described in FORMATS.md.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from alertdata.document import Document, Reject
from alertdata.ingest import Source, ingest
from alertdata.reference import load_reference
from alertdata.segment import Segmented, check_complete, segment

REF = load_reference()

NEWS_1 = ("On 1 May, fighters of the Valen Front attacked two villages near the town of Dorsk. "
          "The regional governor said that twelve people were killed.")
POINT_1 = "First, a fragile truce. The truce signed in March depended on outside monitors, who left in April."
POINT_2 = "Second, the scramble for mines. Both sides want the copper deposits near Dorsk."
VIEW_1 = "First, the fighting will likely spread south before the rains."
VIEW_2 = "Second, the mediators need a new plan."
NEWS_2 = ("On 3 May, the Lestrian parliament voted down the budget by a wide margin. "
          "The finance minister resigned the same day.")
POINT_3 = "First, the debt. Lestria owes its creditors more than it earns in a year."

TITLE_1 = "Kovia: The northern ceasefire collapses"
TITLE_2 = "Lestria: Parliament rejects the new budget"


def make_doc(text: str, name: str = "alert.txt") -> Document:
    """A Document as the pipeline builds it from a file's bytes."""
    return ingest(Source(Path(name), name), text.encode("utf-8"))


def seg_of(text: str, name: str = "alert.txt") -> Segmented:
    return segment(make_doc(text, name), REF)


def shape(story) -> list[tuple]:
    """(section, point_index, heading) of each section of a story."""
    return [(s.section, s.point_index, s.heading) for s in story.sections]


def section_text(story, k: int) -> str:
    s = story.sections[k]
    return story.body[s.char_start:s.char_end]


# ---------------------------------------------------------------- one story

SINGLE = f"""Conflict Alerts
Conflict Alerts # 12, 3 May 2021
{TITLE_1}
Arun Kovil
In the news
{NEWS_1}
Issues at large
{POINT_1}
{POINT_2}
In perspective
{VIEW_1}
{VIEW_2}
"""


def test_single_story_alert_header_title_author():
    """Series label, header, title and per-story author of a Conflict Alert."""
    seg = seg_of(SINGLE)
    h = seg.header
    assert (h.series, h.issue_number, h.published_on) == ("Conflict Alerts", 12, date(2021, 5, 3))
    assert len(seg.stories) == 1
    story = seg.stories[0]
    assert story.story_index == 1
    assert story.title == TITLE_1
    assert story.authors == ("Arun Kovil",)
    assert TITLE_1 not in story.body and "Arun Kovil" not in story.body


def test_single_story_sections_and_points():
    """"In the news" is one section; "Issues at large" points carry the
    heading of "First, <heading>."; "In perspective" points have no heading."""
    story = seg_of(SINGLE).stories[0]
    assert shape(story) == [
        ("in_the_news", None, None),
        ("issues_at_large", 1, "a fragile truce"),
        ("issues_at_large", 2, "the scramble for mines"),
        ("in_perspective", 1, None),
        ("in_perspective", 2, None),
    ]


def test_section_spans_lie_in_body_and_start_at_paragraph_text():
    """char_start/char_end index the story body; each span starts with its
    paragraph (not the section heading) and spans do not overlap."""
    story = seg_of(SINGLE).stories[0]
    expected_starts = [NEWS_1, POINT_1, POINT_2, VIEW_1, VIEW_2]
    previous_end = -1
    for k, paragraph in enumerate(expected_starts):
        s = story.sections[k]
        assert 0 <= s.char_start < s.char_end <= len(story.body)
        assert s.char_start > previous_end
        assert section_text(story, k).startswith(paragraph)
        previous_end = s.char_end
    assert section_text(story, 0) == NEWS_1


@pytest.mark.parametrize("news, background, meaning", [
    ("In the news", "Issues at large", "In perspective"),
    ("In news", "Issues at Large", "In Perspective:"),
    ("In the news\u00a0", "Issues at large\u00a0", "In perspective"),   # old layout: trailing NBSP
    ("What happened?", "What is the background?", "What does it mean?"),
    ("What Happened?", "What is the Background?", "What does it mean"),
])
def test_section_heading_variants_map_to_contract_sections(news, background, meaning):
    """Every printed form of the three section headings maps to its contract
    section, and the heading text is not taken for story text."""
    seg = seg_of(f"""The World This Week
TWTW#63, 17 April 2022, Vol. 3, No. 07
{TITLE_1}
{news}
{NEWS_1}
{background}
{POINT_1}
{meaning}
{VIEW_1}
""")
    assert len(seg.stories) == 1
    story = seg.stories[0]
    assert [s.section for s in story.sections] == ["in_the_news", "issues_at_large", "in_perspective"]
    assert [section_text(story, k) for k in range(3)] == [NEWS_1, POINT_1, VIEW_1]


def test_same_alert_reads_alike_as_text_html_and_markdown():
    """A browser text copy, the saved HTML page and a Markdown version give the
    same header, title, authors and sections."""
    txt = seg_of(SINGLE)
    html = seg_of(f"""<html><head><title>Alert</title></head><body>
<nav><a href="/">Home</a></nav>
<article><p>Conflict Alerts</p><p>Conflict Alerts # 12, 3 May 2021</p>
<h3>{TITLE_1}</h3><p>Arun Kovil</p>
<h4>In the news</h4><p>{NEWS_1}</p>
<h4>Issues at large</h4><p>{POINT_1}</p><p>{POINT_2}</p>
<h4>In perspective</h4><p>{VIEW_1}</p><p>{VIEW_2}</p></article>
<footer><p>Copyright 2021 Kovia Studies Centre</p></footer></body></html>""", "alert.html")
    md = seg_of(f"""Conflict Alerts

# Conflict Alerts # 12, 3 May 2021

## {TITLE_1}

Arun Kovil

### In the news

{NEWS_1}

### Issues at large

{POINT_1}

{POINT_2}

### In perspective

{VIEW_1}

{VIEW_2}
""", "alert.md")
    for other in (html, md):
        assert other.header.published_on == txt.header.published_on
        assert other.header.issue_number == txt.header.issue_number
        assert [(s.title, s.authors, s.body, shape(s)) for s in other.stories] == \
            [(s.title, s.authors, s.body, shape(s)) for s in txt.stories]


def test_html_bold_point_heading_comes_from_markup():
    """With <strong>First, x.</strong>, the point heading is the bold text,
    even when it would be too sentence-like to guess from plain text."""
    seg = seg_of(f"""<html><body><article><p>Conflict Alerts # 12, 3 May 2021</p>
<h3>{TITLE_1}</h3><h4>In the news</h4><p>{NEWS_1}</p><h4>Issues at large</h4>
<p><strong>First, the scramble for mines is on.</strong> Both sides want the copper.</p>
</article></body></html>""", "alert.html")
    assert shape(seg.stories[0])[1] == ("issues_at_large", 1, "the scramble for mines is on")


# ---------------------------------------------------------------- weeklies

WEEKLY_FRONT = """Photo Source: Valen News Agency
Kovia Institute of Advanced Studies
Dorsk Campus, Lestria
Subscribe to the weekly by writing to editor@example.org
Conflict Weekly
Mines, truces and budgets
GP Team
|
Conflict Weekly #150, 9 November 2023, Vol.4, No.40
An initiative by the Kovia Peace Programme and the Dorsk Foundation
Arun Kovil, Meera Dasgupta, and Tomas Riedl"""


def test_weekly_two_stories_with_and_without_story_author():
    """Document byline vs per-story author line: a story with its own author
    line gets that name, the other story gets the document byline."""
    seg = seg_of(f"""{WEEKLY_FRONT}
{TITLE_1}
Meera Dasgupta
In the news
{NEWS_1}
Issues at large
{POINT_1}
{TITLE_2}
In the news
{NEWS_2}
Issues at Large
{POINT_3}
""")
    h = seg.header
    assert (h.series, h.issue_number, h.volume, h.volume_issue, h.published_on) == \
        ("Conflict Weekly", 150, 4, 40, date(2023, 11, 9))
    assert seg.issue_title == "Mines, truces and budgets"
    assert seg.authors == ("Arun Kovil", "Meera Dasgupta", "Tomas Riedl")
    assert [s.story_index for s in seg.stories] == [1, 2]
    one, two = seg.stories
    assert (one.title, one.authors) == (TITLE_1, ("Meera Dasgupta",))
    assert (two.title, two.authors) == (TITLE_2, ("Arun Kovil", "Meera Dasgupta", "Tomas Riedl"))
    assert shape(one) == [("in_the_news", None, None), ("issues_at_large", 1, "a fragile truce")]
    assert shape(two) == [("in_the_news", None, None), ("issues_at_large", 1, "the debt")]
    assert TITLE_2 not in one.body and NEWS_2 not in one.body
    assert NEWS_1 not in two.body


def test_weekly_without_story_authors_uses_document_byline():
    """No per-story author lines: every story carries the document byline,
    and the byline is not taken for a story title."""
    seg = seg_of(f"""{WEEKLY_FRONT}
{TITLE_1}
In the news
{NEWS_1}
{TITLE_2}
In the news
{NEWS_2}
""")
    byline = ("Arun Kovil", "Meera Dasgupta", "Tomas Riedl")
    assert [(s.title, s.authors) for s in seg.stories] == [(TITLE_1, byline), (TITLE_2, byline)]


def test_heading_split_after_colon_is_one_title():
    """"Kovia:" / "The northern ceasefire collapses" on two lines is one title."""
    seg = seg_of(f"""Conflict Weekly
Conflict Weekly #151, 16 November 2023, Vol.4, No.41
Arun Kovil and Meera Dasgupta
Kovia:
The northern ceasefire collapses
In news
{NEWS_1}
{TITLE_2}
In the news
{NEWS_2}
""")
    assert [s.title for s in seg.stories] == [TITLE_1, TITLE_2]
    assert seg.stories[0].authors == ("Arun Kovil", "Meera Dasgupta")
    assert "Kovia:" not in seg.stories[0].body


def test_title_case_heading_above_story_author_is_the_title():
    """A heading without a country prefix, in Title Case, above a per-story
    author line is the story's title; only the author line names people."""
    seg = seg_of(f"""Conflict Alerts # 12, 3 May 2021
Ceasefire Collapses Again
Arun Kovil
In the news
{NEWS_1}
Issues at large
{POINT_1}
""")
    story = seg.stories[0]
    assert story.title == "Ceasefire Collapses Again"
    assert story.authors == ("Arun Kovil",)


# ---------------------------------------------------------------- front matter and titles

@pytest.mark.parametrize("front", [
    ["Photo Source: Valen News Agency", "Subscribe to the weekly by writing to editor@example.org",
     "Conflict Weekly", "GP Team", "|"],
    ["Photo Source:", "Kovia Institute of Advanced Studies", "Dorsk Campus, Lestria",
     "Subscribe to the weekly", "Conflict Weekly", "![]() |", "KSC Team", "|"],
    ["Conflict Weekly", "", "Photo Source: Valen News Agency",
     "\u00a0\u00a0\u00a0Kovia Global Politics Course", "Subscribe", "", "  Lestria Desk Team", ""],
])
def test_page_furniture_before_header_is_never_a_title(front):
    """Photo credit, institute, campus, subscription, series label, team line,
    '|' and image tokens are page furniture, not the issue or story title."""
    lines = "\n".join(front)
    seg = seg_of(f"""{lines}
Conflict Weekly #152, 23 November 2023, Vol.4, No.42
In the news
{NEWS_1}
""")
    assert seg.issue_title is None
    assert seg.stories[0].title is None
    assert seg.header.issue_number == 152
    for furniture in front:
        if furniture.strip():
            assert furniture.strip() not in seg.stories[0].body


ONE_STORY_WEEKLY = f"""Photo Source: Valen News Agency
Subscribe to the weekly by writing to editor@example.org
Conflict Weekly
{TITLE_1}
GP Team
|
Conflict Weekly #152, 23 November 2023, Vol.4, No.42
An initiative by the Kovia Peace Programme and the Dorsk Foundation
Arun Kovil and Meera Dasgupta
In the news
{NEWS_1}
Issues at large
{POINT_1}
"""


def test_issue_title_before_header_titles_a_one_story_document():
    """In the new layout the issue title sits above the team line and header;
    a one-story document without its own heading takes it as its title."""
    seg = seg_of(ONE_STORY_WEEKLY)
    assert seg.issue_title == TITLE_1
    assert len(seg.stories) == 1
    story = seg.stories[0]
    assert story.title == TITLE_1
    assert story.authors == ("Arun Kovil", "Meera Dasgupta")
    assert not story.body.startswith("An initiative")


def test_byline_under_header_is_the_document_byline_in_a_one_story_document():
    """The author list right after the header/initiative line is the issue
    byline (FORMATS.md), also when the only story has no heading of its own."""
    seg = seg_of(ONE_STORY_WEEKLY)
    assert seg.authors == ("Arun Kovil", "Meera Dasgupta")


def test_separate_issue_number_line_is_not_the_issue_title():
    """"The World This Week #<n>" on its own line above the full header is
    part of the header block, not the issue title (FORMATS.md header table)."""
    seg = seg_of(f"""The World This Week
Kovia votes for a new parliament
GP Team
|
The World This Week #81
The World This Week #81 Vol 3, No 25, 14 August 2022
What happened?
{NEWS_1}
""")
    assert (seg.header.issue_number, seg.header.published_on) == (81, date(2022, 8, 14))
    assert seg.issue_title == "Kovia votes for a new parliament"
    assert seg.stories[0].title == "Kovia votes for a new parliament"


# ---------------------------------------------------------------- header variants

@pytest.mark.parametrize("header, date_line, series, number, published", [
    ("The World This Week #80, Vol. 3, No. 24", "14 August 2022",
     "The World This Week", 80, date(2022, 8, 14)),
    ("Africa Weekly #7 & 8, Vol. 2, No. 7 & 8", "2 June, 2021",
     "NIAS Africa Weekly", 7, date(2021, 6, 2)),
])
def test_date_on_the_line_after_a_dateless_header(header, date_line, series, number, published):
    """A header without a date takes the date-only line below it, and that
    line does not become story text."""
    seg = seg_of(f"""{header}
{date_line}
{TITLE_1}
In the news
{NEWS_1}
""")
    h = seg.header
    assert (h.series, h.issue_number, h.published_on) == (series, number, published)
    assert date_line not in seg.stories[0].body
    assert seg.stories[0].title == TITLE_1


def test_issue_number_from_series_label_when_header_has_none():
    """2020 pages: "Conflict Weekly 27" label, header without '#'."""
    seg = seg_of(f"""Conflict Weekly 27
Conflict Weekly, 1 July 2020, Vol.1, No.24
{TITLE_1}
In the news
{NEWS_1}
""")
    h = seg.header
    assert (h.issue_number, h.volume, h.volume_issue, h.published_on) == (27, 1, 24, date(2020, 7, 1))


def test_sections_without_header_line_give_a_warning_not_a_date():
    """No header line but alert sections: kept, series from the label, no
    publication date, and a warning saying so."""
    seg = seg_of(f"""Conflict Weekly 31
{TITLE_1}
In the news
{NEWS_1}
""")
    assert (seg.header.series, seg.header.issue_number, seg.header.published_on) == \
        ("Conflict Weekly", 31, None)
    assert seg.warnings and "date" in seg.warnings[0]


def test_footer_after_last_story_is_not_story_text():
    """Share/copyright lines that close a saved page are dropped."""
    seg = seg_of(f"""Conflict Alerts # 12, 3 May 2021
{TITLE_1}
In the news
{NEWS_1}
Share this alert
© 2021 Kovia Studies Centre. All rights reserved.
""")
    body = seg.stories[0].body
    assert body.endswith(NEWS_1)
    assert "Share" not in body and "©" not in body


# ---------------------------------------------------------------- rejects

def test_no_header_and_no_sections_is_rejected_at_segment():
    """Plain prose with neither an alert header nor alert sections is no alert."""
    with pytest.raises(Reject) as e:
        seg_of("A short note about the weather in Dorsk.\nIt rained on Tuesday and the roads flooded.\n")
    assert e.value.stage == "segment"


def test_impossible_header_date_is_rejected_at_validate():
    """31 February cannot anchor relative dates: stage "validate", naming the date."""
    with pytest.raises(Reject) as e:
        seg_of(f"""Conflict Alerts # 44, 31 February 2022
{TITLE_1}
In the news
{NEWS_1}
""")
    assert e.value.stage == "validate"
    assert "31 February 2022" in e.value.reason


def test_truncated_document_fails_check_complete():
    """Header + "In the news" + a few words cut mid-sentence (no final
    newline): segment succeeds, check_complete rejects at "validate"."""
    seg = seg_of("Conflict Alerts # 310, 8 June 2023\nIn the news\nOn 6 June, militia members near the")
    assert seg.header.issue_number == 310
    with pytest.raises(Reject) as e:
        check_complete(seg)
    assert e.value.stage == "validate"
    assert "truncated" in e.value.reason


@pytest.mark.parametrize("ending", ["", "\nIssues at large\n" + POINT_1])
def test_complete_documents_pass_check_complete(ending):
    """A short alert whose last paragraph ends a sentence is not truncated."""
    seg = seg_of(f"Conflict Alerts # 311, 15 June 2023\n{TITLE_1}\nIn the news\n{NEWS_1}{ending}\n")
    check_complete(seg)   # does not raise
    assert seg.stories[-1].body.rstrip().endswith(".")


def test_markdown_front_matter_fills_what_the_page_lacks(tmp_path):
    """A front-matter block gives the date and title a Markdown alert's own
    header line leaves out; the printed header wins where both speak."""
    from alertdata.ingest import Source, ingest
    from alertdata.reference import load_reference
    from alertdata.segment import segment

    text = ("---\ntitle: Kovia votes for a new parliament\ndate: 2022-08-14\nissue: 99\n---\n"
            "# Conflict Alerts # 81\n\n## In the news\n\nOn 12 August, voters in Kovia went to the "
            "polls in large numbers, and observers said the count was orderly and calm.\n")
    doc = ingest(Source(tmp_path / "a.md", "a.md"), text.encode())
    seg = segment(doc, load_reference())
    assert str(seg.header.published_on) == "2022-08-14"
    assert seg.header.issue_number == 81
    assert seg.stories[0].title == "Kovia votes for a new parliament"
