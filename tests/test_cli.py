"""The command line: every command has help, is in the README, and works."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from alertdata.cli import main

ROOT = Path(__file__).parents[1]
DATA = Path(__file__).parent / "data" / "corpus"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_and_is_in_the_readme(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    assert len(main.commands[command].help or "") > 40
    assert f"alertdata {command}" in (ROOT / "README.md").read_text()


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "alertdata", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "build" in result.stdout and "inspect" in result.stdout


def test_build_prints_a_summary_and_publishes(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DATA / "alerts" / "cw-145-burkina-ethiopia-iran.txt", src)
    shutil.copy(DATA / "bad" / "empty.txt", src)
    result = CliRunner().invoke(main, ["build", str(src), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "stories:        3" in result.output and "empty.txt [read]" in result.output
    assert len(pd.read_parquet(tmp_path / "out" / "parquet" / "alerts.parquet")) == 3


def test_build_strict_fails_with_the_reason(tmp_path):
    result = CliRunner().invoke(main, ["build", str(DATA / "bad"), "--out", str(tmp_path / "o"),
                                       "--strict"])
    assert result.exit_code == 1 and "noise.txt" in result.output and "Error" in result.output


def test_inspect_shows_header_stories_and_sections():
    result = CliRunner().invoke(main, ["inspect", str(DATA / "alerts" / "cw-189-niger-pakistan.txt")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "issue_number:189" in out.replace(" ", "") and "2023-08-17" in out
    assert "story 2: Pakistan:" in out and "issues_at_large 1 [the coup]" in out


def test_inspect_explains_a_rejected_file():
    result = CliRunner().invoke(main, ["inspect", str(DATA / "bad" / "bad-date.txt")])
    assert result.exit_code == 1 and "31 February 2022" in result.output


def test_inspect_shows_quotes_and_events():
    result = CliRunner().invoke(main, ["inspect", str(DATA / "alerts" / "ca-0421-sudan.txt")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "statements (" in out and "[direct]" in out and "<person-" in out
    assert "events (" in out and "ASSAULT" in out and "fatalities" in out
    assert "2023-04-15 (day, 'On 15 April')" in out
