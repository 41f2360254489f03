"""Property-based and fuzz tests: whatever the input, no internal error, every
input ends in `alerts` or `rejects`, and the rows pass the published models,
keys and spans (every `body[char_start:char_end]` is the stated surface or
quote, every foreign key resolves).

CI runs a bounded, derandomised number of examples (profile "ci"); the
README's long run uses `HYPOTHESIS_PROFILE=long` with fresh random examples.
"""
from __future__ import annotations

import calendar
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings, strategies as st

from alertdata.pipeline import build, process
from alertdata.records import Extracted, Rejected
from alertdata.reference import load_reference
from alertdata.tables import assemble
from alertdata.validate import validate_tables

CORPUS = Path(__file__).parent / "data" / "corpus"
REAL = sorted((CORPUS / "alerts").iterdir())

QUOTES = "\"'“”„‟«»‹›‘’‚‛「」『』〝〞＂"
DASHES = "-‐‑‒–—―−⁃﹘﹣－"
HEADINGS = ["In the news", "Issues at large", "In perspective", "IN THE NEWS", "In Brief",
            "## In the news", "**Issues at large**", "<h3>In perspective</h3>"]
WORDS = ["the", "army", "said", "rebels", "attacked", "Khartoum", "on", "3", "May", "2021",
         "killing", "12", "people", "Sudan", "Ukraine", "Hamas", "government", "accused", "RSF",
         "that", "will", "not", "Monday", "last", "week", "since", "January", "St.", "Dr", "Mr.",
         "U.N.", "al-Burhan", "(", ")", ",", ".", ";", ":", "?", "!", "…", "\n", "\n\n", "\t", " "]
MONTHS = [m for m in calendar.month_name if m] + ["Febuary", "Sept", "Smarch"]


def check(result: Extracted | Rejected, source_path: str) -> None:
    """The properties every single-document result must have."""
    assert result.source_path == source_path
    if isinstance(result, Rejected):
        assert not result.reason.startswith("internal error"), result.reason
        assert result.stage in ("read", "decode", "segment", "validate", "dedupe")
        assert result.reason and result.source_sha256
        return
    assembled = assemble([result])
    validate_tables(assembled.tables)    # models, keys, spans; raises ValidationFailed
    bodies = {a["alert_id"]: a["body"] for a in result.rows["alerts"]}
    for name in ("sections", "statements", "events", "actor_mentions", "location_mentions"):
        for row in result.rows[name]:
            assert 0 <= row["char_start"] < row["char_end"] <= len(bodies[row["alert_id"]])


def run(text: str | bytes, name: str = "fuzz.txt") -> None:
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    check(process(name, raw, load_reference()), name)


def header(series: str = "Conflict Alerts", number: int = 777, day: int = 12,
           month: str = "April", year: int = 2024) -> str:
    return f"{series} # {number}, {day} {month} {year}"


text_pieces = st.one_of(st.sampled_from(WORDS), st.sampled_from(list(QUOTES)),
                        st.sampled_from(list(DASHES)), st.sampled_from(HEADINGS),
                        st.text(max_size=12))
alert_like = st.lists(text_pieces, max_size=300).map(" ".join)
fuzz_settings = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@fuzz_settings
@given(st.text(max_size=3000))
def test_random_text(text):
    run(text)


@fuzz_settings
@given(st.binary(max_size=3000), st.sampled_from(["x.txt", "x.md", "x.html", "x.htm", "x.pdf"]))
def test_random_bytes(raw, name):
    run(raw, name)


@fuzz_settings
@given(alert_like, st.sampled_from(["x.txt", "x.md", "x.html"]))
def test_alert_like_text_with_every_quote_and_dash(body, name):
    run(f"{header()}\n\nIn the news\n\n{body}\n\nIssues at large\n\n{body}\n", name)


@fuzz_settings
@given(st.integers(-5, 40), st.sampled_from(MONTHS), st.integers(0, 99_999), st.integers(-3, 10**12))
def test_headers_with_impossible_dates(day, month, year, number):
    story = (REAL[4].read_text(encoding="utf-8").split("\n", 1)[1])        # a real story, new header
    run(f"{header(number=number, day=day, month=month, year=year)}\n{story}")


@fuzz_settings
@given(st.sampled_from(REAL), st.floats(0, 1), st.randoms(use_true_random=False))
def test_truncated_and_shuffled_real_alerts(path, cut, rnd):
    raw = path.read_bytes()
    run(raw[:int(len(raw) * cut)], path.name)                     # cut anywhere, even inside a character
    paragraphs = raw.split(b"\n\n")
    rnd.shuffle(paragraphs)
    run(b"\n\n".join(paragraphs), path.name)


@fuzz_settings
@given(st.sampled_from(REAL), st.lists(st.tuples(st.floats(0, 1), st.sampled_from(list(QUOTES + DASHES))
                                                 | st.text(min_size=1, max_size=3)), max_size=40))
def test_real_alerts_with_characters_inserted(path, inserts):
    text = path.read_text(encoding="utf-8", errors="replace")
    for where, what in inserts:
        k = int(len(text) * where)
        text = text[:k] + what + text[k:]
    run(text, path.name)


@fuzz_settings
@given(st.text(alphabet=QUOTES + " ab\n", max_size=4000))
def test_nested_and_unbalanced_quotes(noise):
    run(f"{header()}\n\nIn the news\n\nThe minister said {noise} and left.\n")


@settings(max_examples=max(4, settings.default.max_examples // 5), suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(st.sampled_from(REAL).map(lambda p: (p.suffix, p.read_bytes())),
                          st.tuples(st.sampled_from([".txt", ".html", ".md"]), st.binary(max_size=500)),
                          st.tuples(st.just(".txt"), alert_like.map(
                              lambda b: f"{header()}\n\nIn the news\n\n{b}\n".encode()))),
                min_size=1, max_size=4))
def test_a_build_of_mixed_inputs_accounts_for_every_file(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("in")
    names = []
    for k, (suffix, raw) in enumerate(files):
        names.append(f"f{k}{suffix}")
        (folder / names[-1]).write_bytes(raw)
    out = tmp_path_factory.mktemp("out") / "output"
    report = build([folder], out, jobs=1, use_cache=False)
    assert report.published
    alerts = pq.read_table(out / "parquet" / "alerts.parquet").column("source_path").to_pylist()
    rejects = pq.read_table(out / "parquet" / "rejects.parquet").column("source_path").to_pylist()
    assert set(alerts) | set(rejects) == set(names) and not set(alerts) & set(rejects)
    assert not any(r.reason.startswith("internal error") for r in report.rejects)
