"""Gold-standard gate over the development corpus (tests/data/corpus).

A compact re-statement of the matching rules of the shared scorer for the
tables built so far. Floors only move up: raise them when an extractor
improves, never lower them to let a change through.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from alertdata.pipeline import build

DATA = Path(__file__).parent / "data" / "corpus"
FLOORS = {"header": 0.97, "sections": 0.99, "headings": 0.99}
FIELDS = ("series", "issue_number", "issue_number_end", "volume", "volume_issue", "published_on",
          "title", "authors", "country_iso3")


def plain(value):
    """A parquet cell as a plain value: NaN/NA -> None, 508.0 -> 508."""
    if value is None or (not isinstance(value, (list, tuple)) and not hasattr(value, "__len__")
                         and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def norm(text) -> str:
    text = plain(text)
    if text is None:
        return ""
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", str(text)))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"[\u2018\u2019']", "", s)
    s = " ".join("".join(c for c in s if not unicodedata.category(c).startswith("P")).split())
    return s[4:] if s.startswith("the ") else s


def same(field, gold, built) -> bool:
    built = plain(built)
    if field == "authors":
        return [norm(a) for a in gold] == [norm(a) for a in (built if built is not None else [])]
    if field == "title":
        return norm(gold) == norm(built)
    if field == "published_on":
        return gold == (None if built is None else str(built)[:10])
    return gold == built


@pytest.fixture(scope="module")
def scores(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("gold") / "output"
    build([DATA / "alerts"], out)
    alerts = pd.read_parquet(out / "parquet" / "alerts.parquet")
    sections = pd.read_parquet(out / "parquet" / "sections.parquet")
    alerts["stem"] = alerts["source_path"].str.rsplit(".", n=1).str[0]
    header, tp, fp, fn, headings = Counter(), 0, 0, 0, Counter()
    for path in sorted((DATA / "gold").glob("*.json")):
        gold = json.loads(path.read_text())
        for g in gold["alerts"]:
            rows = alerts[(alerts.stem == path.stem) & (alerts.story_index == g["story_index"])]
            row = rows.iloc[0].to_dict() if len(rows) else {}
            for f in FIELDS:
                header["total"] += 1
                header["ok"] += bool(row) and same(f, g[f], row.get(f))
            built = sections[sections.alert_id == row.get("alert_id")] if row else sections.head(0)
            want = {(s["section"], s["point_index"]): s["heading"] for s in gold["sections"]
                    if s["story_index"] == g["story_index"]}
            have = {(s.section, None if pd.isna(s.point_index) else int(s.point_index)): s.heading
                    for s in built.itertuples()}
            matched = set(want) & set(have)
            tp, fp, fn = tp + len(matched), fp + len(set(have) - matched), fn + len(set(want) - matched)
            for key in matched:
                headings["total"] += 1
                headings["ok"] += norm(want[key]) == norm(have[key])
    return {"header": header["ok"] / header["total"], "sections": 2 * tp / (2 * tp + fp + fn),
            "headings": headings["ok"] / headings["total"]}


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_dev_corpus_scores_stay_above_their_floors(scores, figure):
    assert scores[figure] >= FLOORS[figure], f"{figure} {scores[figure]:.3f} < {FLOORS[figure]}"
