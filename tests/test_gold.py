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
FLOORS = {"header": 0.97, "sections": 0.99, "headings": 0.99, "actors": 0.86, "locations": 0.93,
          "attributed": 0.95, "indirect": 0.85, "events_dated": 0.95, "events_typed": 0.78}
STOPWORDS = set("""a about after all also an and any are as at be been by can could did do does
for from had has have he her his if in into is it its more no not of on or other our out over
said says she so some such than that the their them then there these they this those to up was
we were what when where which while who will with would you""".split())
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
            "headings": headings["ok"] / headings["total"],
            "actors": _entity_f1(out, alerts, "actors", "actor_id", "actor_mentions"),
            "locations": _entity_f1(out, alerts, "locations", "location_id", "location_mentions"),
            **_fact_f1(out, alerts)}


def _greedy_f1(pairs_of_lists, edge) -> tuple[int, int, int]:
    """(tp, fp, fn) of a greedy one-to-one matching, story by story."""
    tp = fp = fn = 0
    for gold, built in pairs_of_lists:
        used = set()
        for g in sorted(gold, key=lambda g: bool(g.get("optional"))):
            k = next((k for k, b in enumerate(built) if k not in used and edge(g, b)), None)
            if k is None:
                fn += not g.get("optional")
            else:
                used.add(k)
                tp += not g.get("optional")
        fp += len(built) - len(used)
    return tp, fp, fn


def _f1(counts) -> float:
    tp, fp, fn = counts
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def _fact_f1(out: Path, alerts: pd.DataFrame) -> dict:
    """Statements and events, matched as the shared scorer does: quotes by
    text (equal, or one inside the other at 80 % of its length) and speaker;
    indirect speech by half its content words; events by date and precision,
    and type among the gold types."""
    statements = pd.read_parquet(out / "parquet" / "statements.parquet")
    events = pd.read_parquet(out / "parquet" / "events.parquet")
    actors = pd.read_parquet(out / "parquet" / "actors.parquet").set_index("actor_id")
    quotes, indirect, dated = [], [], []
    for path in sorted((DATA / "gold").glob("*.json")):
        gold = json.loads(path.read_text())
        for story in sorted({a["story_index"] for a in gold["alerts"]}):
            ids = set(alerts[(alerts.stem == path.stem) & (alerts.story_index == story)].alert_id)
            st = [r for r in statements[statements.alert_id.isin(ids)].to_dict("records")]
            gs = [g for g in gold["statements"] if g["story_index"] == story]
            quotes.append(([g for g in gs if g["kind"] != "indirect"],
                           [r for r in st if r["kind"] != "indirect"]))
            indirect.append(([g for g in gs if g["kind"] == "indirect"],
                             [r for r in st if r["kind"] == "indirect"]))
            ev = events[events.alert_id.isin(ids) & events.event_date.notna()].to_dict("records")
            dated.append(([g for g in gold["events"] if g["story_index"] == story
                           and g.get("event_date")], ev))

    def same_quote(g, b) -> bool:
        a, c = sorted((norm(g["quote"]), norm(b["quote"])), key=len)
        return bool(a) and a in c and len(a) >= 0.8 * len(c)

    def speaker_ok(g, b) -> bool:
        want = _names([g.get("speaker"), g.get("speaker_actor")])
        ident = b["speaker_actor_id"]
        have = _names([b["speaker"]] + ([actors.loc[ident, "name"], *actors.loc[ident, "aliases"]]
                                        if ident in actors.index else []))
        return bool(want & have)

    def words(text) -> set:
        return {w for w in norm(text).split() if w not in STOPWORDS}

    def overlap(g, b) -> bool:
        x, y = words(g["quote"]), words(b["quote"])
        return bool(x and y) and len(x & y) >= 0.5 * max(len(x), len(y))

    def same_date(g, b) -> bool:
        return g["event_date"] == str(b["event_date"])[:10] and g["date_precision"] == b["date_precision"]

    return {"attributed": _f1(_greedy_f1(quotes, lambda g, b: same_quote(g, b) and speaker_ok(g, b))),
            "indirect": _f1(_greedy_f1(indirect, overlap)),
            "events_dated": _f1(_greedy_f1(dated, same_date)),
            "events_typed": _f1(_greedy_f1(dated, lambda g, b: same_date(g, b)
                                           and b["event_type"] in g["event_type"]))}


def _names(values) -> set:
    return {n for n in map(norm, values) if n}


def _entity_f1(out: Path, alerts: pd.DataFrame, table: str, key: str, mentions: str) -> float:
    """F1 of one entity table, matched per story as the shared scorer does:
    name sets (name, aliases, surfaces in the story) meet; places match by
    GeoNames id when both have one, else by names and country. Greedy
    one-to-one, required gold items first (the scorer's is optimal)."""
    rows = pd.read_parquet(out / "parquet" / f"{table}.parquet").set_index(key)
    ments = pd.read_parquet(out / "parquet" / f"{mentions}.parquet")
    tp = fp = fn = 0
    for path in sorted((DATA / "gold").glob("*.json")):
        gold = json.loads(path.read_text())
        for story in sorted({g["story_index"] for g in gold[table]}):
            ids = alerts[(alerts.stem == path.stem) & (alerts.story_index == story)].alert_id
            m = ments[ments.alert_id.isin(set(ids))]
            built = []
            for ident, group in m.groupby(key):
                r = rows.loc[ident]
                gid = plain(r.get("geonames_id")) if table == "locations" else None
                built.append({"names": _names([r["name"], *list(r["aliases"]), *group.surface]),
                              "gid": gid, "country": plain(r["country_iso3"])})
            items = sorted((g for g in gold[table] if g["story_index"] == story),
                           key=lambda g: bool(g.get("optional")))
            used = set()
            for g in items:
                names = _names([g["name"], *g.get("aliases", [])])
                for k, b in enumerate(built):
                    if k in used:
                        continue
                    if table == "locations" and g.get("geonames_id") and b["gid"]:
                        ok = g["geonames_id"] == b["gid"]
                    else:
                        ok = bool(names & b["names"]) and (table == "actors" or g["country_iso3"] == b["country"])
                    if ok:
                        used.add(k)
                        tp += not g.get("optional")
                        break
                else:
                    fn += not g.get("optional")
            fp += len(built) - len(used)
    return 2 * tp / (2 * tp + fp + fn)


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_dev_corpus_scores_stay_above_their_floors(scores, figure):
    assert scores[figure] >= FLOORS[figure], f"{figure} {scores[figure]:.3f} < {FLOORS[figure]}"
