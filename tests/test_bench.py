"""The archive-scale benchmark (benchmarks/bench.py) reads what it reports
from the build's own summary: these tests hold the two together, so a change
to the CLI's wording cannot silently empty the benchmark's figures."""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from alertdata.cli import main

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py"
DATA = Path(__file__).resolve().parent / "data" / "corpus"


@pytest.fixture(scope="module")
def bench():
    """benchmarks/ is not a package: load the module from its path."""
    spec = importlib.util.spec_from_file_location("alertdata_bench", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)
        sys.modules.pop("scale_corpus", None)


def _build(src: Path, out: Path, log: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    log.write_text(result.output)


def test_summary_of_a_build_and_a_rebuild(bench, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DATA / "alerts" / "cw-145-burkina-ethiopia-iran.txt", src)

    _build(src, tmp_path / "out", tmp_path / "cold.stdout")
    cold = bench.build_summary(tmp_path / "cold.stdout")
    assert cold["extracted"] == 1 and cold["from_cache"] == 0
    phases = cold["phases_s"]
    assert {"read", "extract", "validate and export"} <= set(phases)
    assert all(isinstance(v, float) and v >= 0 for v in phases.values())

    _build(src, tmp_path / "out", tmp_path / "warm.stdout")
    assert bench.build_summary(tmp_path / "warm.stdout") == {"up_to_date": True}


def test_summary_of_a_missing_log_is_empty(bench, tmp_path):
    assert bench.build_summary(tmp_path / "absent.stdout") == {}
