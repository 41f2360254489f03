"""The reference data in etl/ is checked before any work."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from alertdata.reference import ReferenceError, etl_dir, fold_heading, parse_reference

ETL = Path(__file__).parents[1] / "etl"


def test_reference_data_loads_and_is_consistent():
    ref = parse_reference(ETL)
    assert len({s.code for s in ref.series}) == len(ref.series)
    printed = [p.casefold() for s in ref.series for p in s.printed]
    assert len(printed) == len(set(printed))
    assert {"Conflict Alerts", "Conflict Weekly", "The World This Week", "NIAS Africa Weekly"} <= {
        s.name for s in ref.series}


@pytest.mark.parametrize("heading,kind", [
    ("In the news", "in_the_news"), ("In news", "in_the_news"), ("What Happened?", "in_the_news"),
    ("Issues at Large", "issues_at_large"), ("What is the background?", "issues_at_large"),
    ("In Perspective:", "in_perspective"), ("What does it mean?", "in_perspective")])
def test_every_section_spelling_of_the_archive_maps(heading, kind):
    assert parse_reference(ETL).section_names[fold_heading(heading)] == kind


def test_country_aliases_name_real_iso_codes():
    import pycountry

    ref = parse_reference(ETL)
    for iso3 in ref.country_aliases:
        assert pycountry.countries.get(alpha_3=iso3) or iso3 in ref.extra_countries, iso3


def test_a_malformed_file_is_reported_with_its_line(tmp_path):
    shutil.copytree(ETL, tmp_path / "etl")
    (tmp_path / "etl" / "series.yaml").write_text("series:\n  - name: X\n    code: [unclosed\n")
    with pytest.raises(ReferenceError, match=r"series\.yaml line \d+"):
        parse_reference(tmp_path / "etl")


def test_a_bad_entry_is_named(tmp_path):
    shutil.copytree(ETL, tmp_path / "etl")
    path = tmp_path / "etl" / "series.yaml"
    path.write_text(path.read_text() + "  - name: Copy\n    code: ca\n    printed: [Copy]\n")
    with pytest.raises(ReferenceError, match="code 'ca' used twice"):
        parse_reference(tmp_path / "etl")


def test_the_source_checkout_etl_folder_is_found():
    assert etl_dir().resolve() == ETL.resolve()
