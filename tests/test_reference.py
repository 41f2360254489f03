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
    with pytest.raises(ReferenceError, match=r"series\.yaml, line \d+"):
        parse_reference(tmp_path / "etl")


def test_a_bad_entry_is_named(tmp_path):
    shutil.copytree(ETL, tmp_path / "etl")
    path = tmp_path / "etl" / "series.yaml"
    path.write_text(path.read_text() + "  - name: Copy\n    code: ca\n    printed: [Copy]\n")
    with pytest.raises(ReferenceError, match="code 'ca' used twice"):
        parse_reference(tmp_path / "etl")


def test_the_source_checkout_etl_folder_is_found():
    assert etl_dir().resolve() == ETL.resolve()


# ---------------------------------------------------------------- world knowledge

def _broken(tmp_path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "etl"
    shutil.copytree(ETL, folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_actor_dictionary_is_consistent():
    ref = parse_reference(ETL)
    ids = [a["id"] for a in ref.actors]
    assert len(ids) == len(set(ids))
    assert {"wagner-group", "jnim", "ecowas", "hezbollah"} <= set(ids)
    assert all(a["type"] not in ("state", "person") for a in ref.actors)   # those are generated


# (file, text, replacement, what the error must say): one bad entry per case.
REFUSED = {
    "alias of two actors": ("actors.yaml", "aliases: [ECOWAS]", "aliases: [ECOWAS, Hezbollah]",
                            r"actors\.yaml.*'Hezbollah'"),
    "unknown actor type": ("actors.yaml", "type: pmc", "type: mercenary", r"actors\.yaml.*mercenary"),
    "place out of range": ("places.yaml", "latitude: 14.5", "latitude: 145", r"places\.yaml.*latitude"),
    "demonym of two countries": ("demonyms.yaml", "AFG: {adjectives: [Afghan]",
                                 "AFG: {adjectives: [Afghan, Malian]", r"demonyms\.yaml.*Malian"),
    "trigger under two types": ("events.yaml", '"break out", "ambush",',
                                '"break out", "ambush", "sign",',
                                r"events\.yaml.*'sign'.*AGREE.*ASSAULT"),
    "unknown speech-act type": ("reporting.yaml", "warn: {event: THREATEN}", "warn: {event: WARN}",
                                r"reporting\.yaml.*'warn'.*WARN"),
    # YAML reads a bare `no` as false: the loader says to quote it
    "unquoted no": ("event_cues.yaml", 'never, "no",', "never, no,",
                    r"event_cues\.yaml.*negations.*quote"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_bad_reference_entry_is_refused_by_name(tmp_path, case):
    name, old, new, message = REFUSED[case]
    with pytest.raises(ReferenceError, match=message):
        parse_reference(_broken(tmp_path, name, old, new))


def test_every_demonym_country_and_place_country_is_iso():
    import pycountry

    ref = parse_reference(ETL)
    codes = {c.alpha_3 for c in pycountry.countries} | set(ref.extra_countries)
    assert set(ref.demonyms) <= codes
    assert {p["country"] for p in ref.places if p["country"]} <= codes
    assert all(p["country"] is None for p in ref.places if p["feature_type"] == "region")


def test_place_rules_hold_only_words():
    ref = parse_reference(ETL)
    for key in ("stop_words", "qualifiers", "natural_words", "site_heads"):
        assert all(isinstance(w, str) for w in ref.place_rules[key]), key   # YAML reads On/No as booleans

