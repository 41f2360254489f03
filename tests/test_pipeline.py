"""End-to-end builds: determinism, atomic publishing, bad input, duplicates."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from alertdata import pipeline, tables
from alertdata.pipeline import BuildError, build, process
from alertdata.reference import load_reference
from alertdata.tables import assemble

DATA = Path(__file__).parent / "data" / "corpus"
ALERTS, BAD = DATA / "alerts", DATA / "bad"


def read(out: Path, table: str) -> pd.DataFrame:
    return pd.read_parquet(out / "parquet" / f"{table}.parquet")


def sums_verify(out: Path) -> bool:
    for line in (out / "SHA256SUMS").read_text().splitlines():
        digest, rel = line.split("  ", 1)
        if hashlib.sha256((out / rel).read_bytes()).hexdigest() != digest:
            return False
    return True


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "output"
    build([ALERTS], out)
    return out


def test_two_builds_are_byte_identical(corpus_build, tmp_path):
    again = tmp_path / "again"
    build([ALERTS], again)
    assert (again / "SHA256SUMS").read_text() == (corpus_build / "SHA256SUMS").read_text()
    assert sums_verify(again)


def test_ids_do_not_depend_on_file_order():
    ref = load_reference()
    results = [process(p.name, p.read_bytes(), ref) for p in sorted(ALERTS.iterdir())]
    forward, backward = assemble(results).tables, assemble(results[::-1]).tables
    for name in forward:
        assert forward[name].equals(backward[name]), name


def test_every_story_and_section_is_published(corpus_build):
    alerts = read(corpus_build, "alerts")
    assert len(alerts) == 23 and alerts["alert_id"].is_unique
    assert set(alerts["source_format"]) == {"txt", "md", "html"}
    sections = read(corpus_build, "sections")
    assert set(sections["alert_id"]) == set(alerts["alert_id"])
    bodies = dict(zip(alerts["alert_id"], alerts["body"]))
    for row in sections.itertuples():
        assert 0 <= row.char_start < row.char_end <= len(bodies[row.alert_id])


def test_failed_validation_leaves_previous_release_untouched(corpus_build, tmp_path, monkeypatch):
    out = tmp_path / "output"
    shutil.copytree(corpus_build, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real_assemble = tables.assemble

    def corrupting_assemble(*args):
        assembled = real_assemble(*args)
        sections = assembled.tables["sections"]
        assembled.tables["sections"] = pa.concat_tables([sections, sections.slice(0, 1)])
        return assembled

    monkeypatch.setattr(tables, "assemble", corrupting_assemble)
    with pytest.raises(BuildError, match="validation failed"):
        build([ALERTS], out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sums_verify(out)
    report = (tmp_path / "output-validation-report.md").read_text()
    assert "sections" in report and "unique" in report
    assert not list(tmp_path.glob(".output.tmp-*"))


EXPECTED_STAGES = {"empty.txt": {"read", "validate"}, "noise.txt": {"decode"},
                   "no-header.txt": {"segment", "validate"}, "nav-only.html": {"segment"},
                   "truncated.txt": {"validate"}, "bad-date.txt": {"validate"}}


def test_bad_inputs_are_rejected_with_reasons(tmp_path):
    out = tmp_path / "out"
    build([BAD], out)
    rejects = read(out, "rejects").set_index("source_path")
    for name, stages in EXPECTED_STAGES.items():
        assert rejects.loc[name, "stage"] in stages, name
        assert len(rejects.loc[name, "reason"]) > 20
        assert rejects.loc[name, "source_sha256"] == hashlib.sha256((BAD / name).read_bytes()).hexdigest()
    assert rejects.loc["empty.txt", "source_sha256"].startswith("e3b0c442")
    assert "31 February 2022" in rejects.loc["bad-date.txt", "reason"]
    assert len(read(out, "alerts")) == 0


def test_bad_inputs_mixed_with_good_ones_account_for_every_file(tmp_path):
    out = tmp_path / "out"
    report = build([ALERTS, BAD], out)
    alerts, rejects = read(out, "alerts"), read(out, "rejects")
    inputs = {p.name for p in ALERTS.iterdir()} | {p.name for p in BAD.iterdir()}
    # both roots hold files named differently, so names identify inputs here
    assert set(alerts["source_path"]) | set(rejects["source_path"]) == inputs
    assert not set(alerts["source_path"]) & set(rejects["source_path"])
    assert report.published and len(report.rejects) == len(rejects)


def test_same_issue_twice_keeps_one_and_names_the_twin(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    original = (ALERTS / "ca-0421-sudan.txt").read_bytes()
    (src / "b-copy.txt").write_bytes(original)                      # identical bytes
    (src / "a-page.txt").write_bytes(original.replace(b"\n", b"\n\n"))  # same issue, other layout
    (src / "c-short.txt").write_bytes(original[: original.index(b"Issues at large")] + b"End.\n")
    build([src], tmp_path / "out")
    alerts, rejects = read(tmp_path / "out", "alerts"), read(tmp_path / "out", "rejects")
    assert list(alerts["source_path"]) == ["a-page.txt"]    # fullest, then first by path
    assert set(rejects["stage"]) == {"dedupe"}
    reasons = dict(zip(rejects["source_path"], rejects["reason"]))
    assert "identical bytes" not in reasons["c-short.txt"] and "a-page.txt" in reasons["c-short.txt"]
    assert "a-page.txt" in reasons["b-copy.txt"]


def test_strict_publishes_nothing_when_an_input_is_rejected(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(ALERTS / "ca-0421-sudan.txt", src)
    shutil.copy(BAD / "noise.txt", src)
    with pytest.raises(BuildError, match="noise.txt"):
        build([src], tmp_path / "out", strict=True)
    assert not (tmp_path / "out").exists()


def test_refuses_to_replace_a_folder_that_is_not_a_release(tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    with pytest.raises(BuildError, match="not an alertdata release"):
        build([ALERTS / "ca-0421-sudan.txt"], out)
    assert (out / "thesis.docx").read_text() == "precious"


def test_a_release_left_aside_by_a_killed_build_is_restored(corpus_build, tmp_path):
    out = tmp_path / "output"
    shutil.copytree(corpus_build, tmp_path / ".output.old-999")   # died between the two renames
    (tmp_path / ".output.tmp-abc").mkdir()                          # and left its staging folder
    build([ALERTS / "ca-0421-sudan.txt"], out)
    assert len(read(out, "alerts")) == 1
    assert not list(tmp_path.glob(".output.old-*")) and not list(tmp_path.glob(".output.tmp-*"))


def test_an_internal_error_costs_one_document_not_the_build(tmp_path, monkeypatch):
    def broken(seg, ref):
        if "sudan" in seg.document.source_path:
            raise RuntimeError("boom")
        return real(seg, ref)

    real = pipeline.extract_document
    monkeypatch.setattr(pipeline, "extract_document", broken)
    build([ALERTS], tmp_path / "out", use_cache=False)
    rejects = read(tmp_path / "out", "rejects")
    assert list(rejects["source_path"]) == ["ca-0421-sudan.txt"]
    assert "internal error" in rejects["reason"][0] and len(read(tmp_path / "out", "alerts")) == 22
