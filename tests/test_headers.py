"""Tests for alertdata.headers: issue header lines, series labels and bylines.

Every header pattern of FORMATS.md ("Issue header line patterns") has a row
below, with invented numbers and dates in place of the placeholders.
"""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from alertdata.headers import parse_byline, parse_header, parse_label
from alertdata.reference import load_reference

REF = load_reference()

CW, CA, TWTW, NAW, STIR, IPRI = (
    "Conflict Weekly", "Conflict Alerts", "The World This Week", "NIAS Africa Weekly", "STIR",
    "IPRI Briefs")

STIR_LONG = "NIAS Fortnightly on Science, Technology and International Relations (STIR)"
STIR_LONG_AMP = "NIAS Fortnightly on Science, Technology & International Relations (STIR)"


# ---------------------------------------------------------------- parse_header

# (line, default series or None,
#  series, series_as_printed, issue_number, issue_number_end, volume, volume_issue, published_on)
HEADER_CASES = [
    # Conflict Weekly #<n>, <d> <Month> <yyyy>, Vol.<v>, No.<k>
    pytest.param("Conflict Weekly #87, 4 August 2022, Vol.3, No.31", None,
                 CW, "Conflict Weekly", 87, None, 3, 31, date(2022, 8, 4), id="cw-basic"),
    pytest.param("Conflict Weekly #04, 07 January 2021, Vol.02, No.01", None,
                 CW, "Conflict Weekly", 4, None, 2, 1, date(2021, 1, 7), id="cw-zero-padded"),
    pytest.param("Conflict Weekly #87, 4 August 2022, Vol.3, No.31.", None,
                 CW, "Conflict Weekly", 87, None, 3, 31, date(2022, 8, 4), id="cw-trailing-full-stop"),
    pytest.param("Conflict Weekly #88, 11 August 2022, Vol.3, No.32 An initiative by KPP & Dorsk-Foundation",
                 None, CW, "Conflict Weekly", 88, None, 3, 32, date(2022, 8, 11),
                 id="cw-initiative-on-header-line"),
    # 2020 header line without '#'
    pytest.param("Conflict Weekly, 1 July 2020, Vol.1, No.24", None,
                 CW, "Conflict Weekly", None, None, 1, 24, date(2020, 7, 1), id="cw-2020-no-hash"),
    # Conflict Weekly #<n> & <m>, <d> <Month> <yyyy>, Vol.<v>, No.<k> & <l>
    pytest.param("Conflict Weekly #150 & 151, 9 November 2023, Vol.4, No.40 & 41", None,
                 CW, "Conflict Weekly", 150, 151, 4, 40, date(2023, 11, 9), id="cw-double"),
    # IPRI Conflict Weekly, <dd> <Month> <yyyy>, Vol.<v>, No.<k>  (and "No. <k>")
    pytest.param("IPRI Conflict Weekly, 08 July 2020, Vol.1, No.25", None,
                 CW, "IPRI Conflict Weekly", None, None, 1, 25, date(2020, 7, 8), id="ipri-cw"),
    pytest.param("IPRI Conflict Weekly, 15 July 2020, Vol.1, No. 26", None,
                 CW, "IPRI Conflict Weekly", None, None, 1, 26, date(2020, 7, 15),
                 id="ipri-cw-no-space"),
    # IPRI # <n>, <d> <Month> <yyyy>
    pytest.param("IPRI # 412, 3 June 2020", None,
                 IPRI, "IPRI", 412, None, None, None, date(2020, 6, 3), id="ipri-running-number"),
    # Conflict Alerts # <n>, <d> <Month> <yyyy>
    pytest.param("Conflict Alerts # 29, 6 May 2021", None,
                 CA, "Conflict Alerts", 29, None, None, None, date(2021, 5, 6), id="ca"),
    pytest.param("Conflict Alerts # 30, May 13, 2021", None,
                 CA, "Conflict Alerts", 30, None, None, None, date(2021, 5, 13), id="ca-month-first"),
    # TWTW#<n>, <d> <Month> <yyyy>, Vol. <v>, No. <k>  (k zero-padded)
    pytest.param("TWTW#63, 17 April 2022, Vol. 3, No. 07", None,
                 TWTW, "TWTW", 63, None, 3, 7, date(2022, 4, 17), id="twtw-short"),
    # The World This Week # <n>, <dd> <Month> <yyyy>, Vol <v>[,] No <k>
    pytest.param("The World This Week # 71, 12 June 2022, Vol 3, No 15", None,
                 TWTW, "The World This Week", 71, None, 3, 15, date(2022, 6, 12),
                 id="twtw-no-dots-comma"),
    pytest.param("The World This Week # 72, 19 June 2022, Vol 3 No 16", None,
                 TWTW, "The World This Week", 72, None, 3, 16, date(2022, 6, 19),
                 id="twtw-no-dots-no-comma"),
    # The World This Week #<n>, Vol. <v>, No. <k>  (no date on the line)
    pytest.param("The World This Week #80, Vol. 3, No. 24", None,
                 TWTW, "The World This Week", 80, None, 3, 24, None, id="twtw-no-date"),
    # The World This Week #<n> Vol <v>, No <k>, <d> <Month> <yyyy>, after a "#<n>" line
    pytest.param("The World This Week #81", None,
                 TWTW, "The World This Week", 81, None, None, None, None, id="twtw-number-line"),
    pytest.param("The World This Week #81 Vol 3, No 25, 14 August 2022", None,
                 TWTW, "The World This Week", 81, None, 3, 25, date(2022, 8, 14),
                 id="twtw-date-last"),
    # The World This Week #<n> & <m> Vol. <v> Nos. <k> & <l>, <d> <Month> <yyyy>
    pytest.param("The World This Week #90 & 91 Vol. 3 Nos. 34 & 35, 23 October 2022", None,
                 TWTW, "The World This Week", 90, 91, 3, 34, date(2022, 10, 23), id="twtw-nos"),
    # The World This Week #<n> and <m>, Vol. <v> No. <k> and <l>, <d> <Month> <yyyy> (padding)
    pytest.param("The World This Week #95 and 96, Vol. 3 No. 39 and 40, 27 November 2022   ", None,
                 TWTW, "The World This Week", 95, 96, 3, 39, date(2022, 11, 27), id="twtw-and"),
    # The World This Week #<n>-<m>, Vol. <v> No. <k>-<l>, <d> <Month> <yyyy>
    pytest.param("The World This Week #100-102, Vol. 4 No. 1-3, 8 January 2023", None,
                 TWTW, "The World This Week", 100, 102, 4, 1, date(2023, 1, 8), id="twtw-range"),
    # lower-case "this" in the printed name
    pytest.param("The World this Week #5, 3 March 2021", None,
                 TWTW, "The World this Week", 5, None, None, None, date(2021, 3, 3),
                 id="twtw-lower-case-this"),
    # Africa Weekly #<n> & <m>, Vol. <v>, No. <k> & <l>  (date on the next line)
    pytest.param("Africa Weekly #7 & 8, Vol. 2, No. 7 & 8", None,
                 NAW, "Africa Weekly", 7, 8, 2, 7, None, id="africa-no-date"),
    # Africa Weekly #<n>&<m> Vol. <v>, No.<k> & <l> <d> <Month>, <yyyy>
    pytest.param("Africa Weekly #9&10 Vol. 2, No.9 & 10 16 March, 2022", None,
                 NAW, "Africa Weekly", 9, 10, 2, 9, date(2022, 3, 16), id="africa-comma-before-year"),
    # NIAS Fortnightly on ... (STIR), Vol <v>, Issue <k>, <d> <Month> <yyyy>
    pytest.param(f"{STIR_LONG}, Vol 2, Issue 6, 21 March 2022", None,
                 STIR, STIR_LONG, None, None, 2, 6, date(2022, 3, 21), id="stir"),
    pytest.param(f"{STIR_LONG_AMP}, Vol 2, Issue 8, 18 April 2022", None,
                 STIR, STIR_LONG_AMP, None, None, 2, 8, date(2022, 4, 18), id="stir-ampersand"),
    # last line of the three-line STIR header: components only, series from the label
    pytest.param("Vol 2, No. 7, 4 April 2022.", STIR,
                 STIR, None, None, None, 2, 7, date(2022, 4, 4), id="stir-split-last-line"),
]


@pytest.mark.parametrize(
    "line, default, series, printed, number, number_end, volume, volume_issue, published",
    HEADER_CASES)
def test_parse_header_reads_every_archive_pattern(line, default, series, printed, number,
                                                  number_end, volume, volume_issue, published):
    """Each header layout of the archive yields the canonical series, the name
    as printed, issue number(s), volume, number in volume and date."""
    h = parse_header(line, REF, default_series=REF.series_named(default) if default else None)
    assert h is not None, f"not read as a header: {line!r}"
    got = (h.series, h.series_as_printed, h.issue_number, h.issue_number_end, h.volume,
           h.volume_issue, h.published_on)
    assert got == (series, printed, number, number_end, volume, volume_issue, published)
    assert h.bad_date is None


def test_parse_header_series_code_matches_series():
    """series_code is the stable code of the canonical series (used in ids)."""
    h = parse_header("TWTW#63, 17 April 2022, Vol. 3, No. 07", REF)
    assert (h.series, h.series_code) == (TWTW, "twtw")
    h = parse_header("IPRI Conflict Weekly, 08 July 2020, Vol.1, No.25", REF)
    assert (h.series, h.series_code) == (CW, "cw")


@pytest.mark.parametrize("line", [
    "Conflict Weekly",                                      # a series label alone
    "The World This Week",
    "NIAS AFRICA WEEKLY",
    "Conflict Weekly is published every Thursday by the institute.",   # prose
    "The World This Week looks back at the elections in Lestria.",
    "Stirring protests in Lestria, 4 May 2022",              # "STIR" only as a word prefix
    "14-20 May 2022",                                        # a day-range label
    "Kovia: The northern ceasefire collapses",
    "Vol 2, No. 7, 4 April 2022.",                           # components but no series known
    "",
])
def test_parse_header_rejects_lines_that_are_not_headers(line):
    """Labels, prose and titles are not issue headers."""
    assert parse_header(line, REF) is None


@pytest.mark.parametrize("line, bad", [
    ("Conflict Weekly #12, 31 February 2022, Vol.1, No.12", "31 February 2022"),
    ("Conflict Alerts # 44, 29 February 2023", "29 February 2023"),   # not a leap year
    ("The World This Week #9, 31 April 2021", "31 April 2021"),
])
def test_parse_header_impossible_date_is_flagged_not_guessed(line, bad):
    """An impossible calendar date is kept as bad_date, never rolled over or clamped."""
    h = parse_header(line, REF)
    assert h is not None
    assert h.published_on is None
    assert h.bad_date == bad
    assert h.issue_number is not None


def test_parse_header_leap_day_is_a_real_date():
    """29 February in a leap year is a valid header date."""
    h = parse_header("Conflict Alerts # 45, 29 February 2024", REF)
    assert h.published_on == date(2024, 2, 29) and h.bad_date is None


# ---------------------------------------------------------------- parse_label

@pytest.mark.parametrize("line, series, number", [
    ("Conflict Weekly 27", CW, 27),
    ("Conflict Weekly", CW, None),
    ("NIAS AFRICA WEEKLY", NAW, None),
    ("The World this Week", TWTW, None),
    ("Conflict Weekly Cover Story", CW, None),
])
def test_parse_label_reads_series_labels(line, series, number):
    """Series labels give the series and, in 2020-2021 pages, the issue number."""
    got = parse_label(line, REF)
    assert got is not None
    assert (got[0].name, got[1]) == (series, number)


@pytest.mark.parametrize("line", [
    "Conflict Weekly #27, 3 May 2021, Vol.2, No.17",   # a header, not a label
    "Conflict Weekly is published every Thursday.",
    "Kovia: The northern ceasefire collapses",
])
def test_parse_label_rejects_non_labels(line):
    """Header lines, prose and titles are not series labels."""
    assert parse_label(line, REF) is None


# ---------------------------------------------------------------- parse_byline

@pytest.mark.parametrize("line, names", [
    ("Arun Kovil, Meera Dasgupta, and Tomas Riedl", ("Arun Kovil", "Meera Dasgupta", "Tomas Riedl")),
    ("Arun Kovil, Meera Dasgupta and Tomas Riedl", ("Arun Kovil", "Meera Dasgupta", "Tomas Riedl")),
    ("Arun Kovil and Meera Dasgupta", ("Arun Kovil", "Meera Dasgupta")),
    ("Meera Dasgupta", ("Meera Dasgupta",)),
    ("By Arun Kovil", ("Arun Kovil",)),
    ("By Arun Kovil and Meera Dasgupta", ("Arun Kovil", "Meera Dasgupta")),
    ("K. Varghese, R Iyengar and Selvan M", ("K. Varghese", "R Iyengar", "Selvan M")),
    ("C. Ranganathan", ("C. Ranganathan",)),
    ("Zoë Ferrández, Søren Łukasz and İlkay Şahin", ("Zoë Ferrández", "Søren Łukasz", "İlkay Şahin")),
    ("Anjali O'Neill and Marie-Claire Dubois", ("Anjali O'Neill", "Marie-Claire Dubois")),
])
def test_parse_byline_reads_author_lists(line, names):
    """Comma/'and' lists, with or without serial comma, 'By ' prefix,
    initials with or without dots, accented names."""
    assert parse_byline(line) == names


def test_parse_byline_accepts_names_with_combining_marks():
    """A name whose accent has no precomposed form (Yoruba "ọ̀" = ọ + U+0300)
    survives NFC as a combining mark and is still a personal name."""
    name = "Ngozi \u00c1d\u00e9b\u00e1y\u1ecd\u0300"      # "Ngozi Ádébáyọ̀", already NFC
    assert unicodedata.normalize("NFC", name) == name
    assert parse_byline(f"{name} and Arun Kovil") == (name, "Arun Kovil")


@pytest.mark.parametrize("line", [
    "Mali: junta expels envoy",                                      # a headline
    "The army withdrew from the border town on Monday.",             # a sentence
    "In the news",                                                   # a section heading
    "Meera",                                                         # a lone word
    "Arun Kovil and",                                                # dangling conjunction
    "Conflict Weekly #150, 9 November 2023, Vol.4, No.40",           # a header
    "",
])
def test_parse_byline_rejects_non_names(line):
    """Headlines, sentences, headings and headers are not bylines."""
    assert parse_byline(line) is None


def test_parse_byline_never_takes_a_place_in_not_names_for_a_person():
    """A country name that looks like "Forename Surname" is not an author
    when the caller lists it in not_names (case-folded)."""
    places = frozenset({"burkina faso", "sierra leone"})
    assert parse_byline("Burkina Faso", places) is None
    assert parse_byline("Sierra Leone and Arun Kovil", places) is None
    # the same names are still read when they are not listed as places
    assert parse_byline("Arun Kovil", places) == ("Arun Kovil",)
