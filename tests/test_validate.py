"""Cross-table rules: keys, foreign keys, spans, enumerations."""
from __future__ import annotations

from datetime import date

import pytest

from alertdata.schemas import TABLE
from alertdata.tables import frame
from alertdata.validate import ValidationFailed, validate_tables

BODY = "In the news\nOn 3 May, soldiers said: \"We hold the town.\"\nIssues at large\nFirst, a test."


def alert(alert_id="ca-1-20220506-1", **kw):
    row = {"alert_id": alert_id, "document_id": alert_id.rsplit("-", 1)[0], "source_path": "a.txt",
           "source_sha256": "0" * 64, "source_format": "txt", "series": "Conflict Alerts",
           "series_as_printed": "Conflict Alerts", "issue_number": 1, "published_on": date(2022, 5, 6),
           "story_index": 1, "authors": [], "body": BODY, "n_words": 14}
    return {**row, **kw}


def tables(alerts=None, sections=None, statements=None):
    records = {name: [] for name in TABLE}
    records["alerts"] = alerts if alerts is not None else [alert()]
    records["sections"] = sections if sections is not None else [
        {"alert_id": "ca-1-20220506-1", "section_index": 1, "section": "in_the_news",
         "char_start": 12, "char_end": 57}]
    records["statements"] = statements or []
    return {name: frame(spec, records[name]) for name, spec in TABLE.items()}


def failures(tbls) -> str:
    with pytest.raises(ValidationFailed) as e:
        validate_tables(tbls)
    return e.value.report


def test_valid_tables_pass():
    checked = validate_tables(tables())
    assert len(checked["alerts"]) == 1


def test_duplicate_primary_key_is_refused():
    assert "alert_id" in failures(tables(alerts=[alert(), alert()]))


def test_foreign_key_to_a_missing_alert_is_refused():
    report = failures(tables(sections=[{"alert_id": "ca-9-20220506-1", "section_index": 1,
                                        "section": "other", "char_start": 0, "char_end": 5}]))
    assert "foreign key" in report and "ca-9-20220506-1" in report


def test_span_outside_the_body_is_refused():
    report = failures(tables(sections=[{"alert_id": "ca-1-20220506-1", "section_index": 1,
                                        "section": "other", "char_start": 10, "char_end": 10_000}]))
    assert "span inside body" in report


def test_quote_must_be_the_text_its_span_points_at():
    start = BODY.index("We hold")
    quote = {"statement_id": "ca-1-20220506-1-q1", "alert_id": "ca-1-20220506-1", "kind": "direct",
             "quote": "We hold the town.", "char_start": start, "char_end": start + 17}
    validate_tables(tables(statements=[quote]))
    report = failures(tables(statements=[{**quote, "char_start": start + 1, "char_end": start + 18}]))
    assert "body[char_start:char_end] == quote" in report


@pytest.mark.parametrize("change", [{"source_format": "pdf"}, {"series": ""},
                                    {"country_iso3": "mali"}, {"alert_id": "Not An Id"}])
def test_enumerations_formats_and_empty_strings_are_refused(change):
    assert "alerts" in failures(tables(alerts=[alert(**change)]))


def test_a_fresh_row_clashing_with_a_kept_row_is_refused():
    # a rebuild validates the rows it read (fresh); kept rows passed before, but
    # a fresh section with the key of a kept one must still be caught
    kept = {"alert_id": "ca-1-20220506-1", "section_index": 1, "section": "in_the_news",
            "char_start": 12, "char_end": 57}
    other = alert("ca-2-20220507-1", document_id="ca-2-20220507")
    both = tables(alerts=[alert(), other], sections=[kept, {**kept, "section": "other"},
                                                     {**kept, "alert_id": "ca-2-20220507-1"}])
    fresh = {name: t.slice(0, 0) for name, t in both.items()}
    fresh["sections"] = both["sections"].slice(1, 1)
    with pytest.raises(ValidationFailed) as e:
        validate_tables(both, fresh)
    assert "primary key unique" in e.value.report and "2 rows" in e.value.report
    fresh["sections"] = both["sections"].slice(2, 1)      # no clash among the rows it can touch
    both["sections"] = both["sections"].take([0, 2])
    validate_tables(both, fresh)
