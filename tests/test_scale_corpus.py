"""The archive-scale benchmark's corpus generator (benchmarks/scale_corpus.py):
every generated file becomes alerts, issue numbers are unique, and a seed
always gives the same bytes."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from alertdata import build

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "scale_corpus.py"


@pytest.fixture(scope="module")
def scale_corpus():
    """benchmarks/ is not a package: load the module from its path."""
    spec = importlib.util.spec_from_file_location("scale_corpus", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up here
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_generated_corpus_builds_without_rejects(scale_corpus, tmp_path):
    paths = scale_corpus.make_corpus(12, tmp_path / "alerts", seed=0)
    assert len(paths) == 12 and len(set(paths)) == 12
    assert {p.suffix for p in paths} == {".txt", ".md", ".html"}

    report = build([tmp_path / "alerts"], tmp_path / "output")

    assert report.published
    assert report.documents == 12
    assert [(r.source_path, r.stage, r.reason) for r in report.rejects] == []
    alerts = pd.read_parquet(tmp_path / "output" / "parquet" / "alerts.parquet")
    assert alerts["source_path"].nunique() == 12            # every file became alerts
    assert report.stories == len(alerts) >= 12
    docs = alerts.drop_duplicates("document_id")
    assert len(docs) == 12
    assert docs["issue_number"].notna().all()
    assert docs["issue_number"].is_unique
    assert docs["published_on"].notna().all()


def test_same_seed_gives_identical_bytes(scale_corpus, tmp_path):
    first = _files(scale_corpus.make_corpus(12, tmp_path / "a", seed=7)[0].parent)
    again = _files(scale_corpus.make_corpus(12, tmp_path / "b", seed=7)[0].parent)
    other = _files(scale_corpus.make_corpus(12, tmp_path / "c", seed=8)[0].parent)
    assert first == again
    assert first != other
