"""Caps and pathological inputs: each ends as an alert or a reject with a
reason, in bounded time; HTML is parsed without fetching or expanding
anything."""
from __future__ import annotations

import contextlib
import signal
import socket
import sys
from pathlib import Path

import pytest

from alertdata import config
from alertdata.ingest import Source, ingest
from alertdata.markup import html_lines
from alertdata.pipeline import process
from alertdata.records import Extracted, Rejected
from alertdata.reference import load_reference

ALERTS = Path(__file__).parent / "data" / "corpus" / "alerts"
HEADER = "Conflict Alerts # 777, 12 April 2024\n\nIn the news\n\n"
SENTENCE = "The army said the rebels attacked Khartoum on 3 May. "


@contextlib.contextmanager
def hang_guard(seconds: int = 120):
    """Turn a hang into a failure (a guard against runaway inputs, far above
    the second or two these take; speed itself is measured in benchmarks/)."""
    def fail(*_):
        raise TimeoutError(f"still running after {seconds} s")
    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(text: str, name: str = "x.txt") -> Extracted | Rejected:
    with hang_guard():
        return process(name, text.encode("utf-8"), load_reference())


def test_a_hundred_thousand_quote_marks_are_no_quotation():
    r = run(HEADER + "The minister said " + '"' * 100_000 + " and left.\n\nIssues at large\n\nFine.\n")
    assert isinstance(r, Extracted) and r.rows["statements"] == []


def test_a_megabyte_line_is_rejected_by_the_story_cap():
    r = run(HEADER + (SENTENCE * 20_000)[:1_000_000] + "\n")
    assert isinstance(r, Rejected) and r.stage == "segment"
    assert f"over the cap of {config.MAX_STORY_WORDS:,}" in r.reason and "story 1 has" in r.reason


def test_a_story_just_under_the_cap_is_read():
    words = len(SENTENCE.split())
    r = run(HEADER + SENTENCE * (config.MAX_STORY_WORDS // words - 5) + "\n")
    assert isinstance(r, Extracted) and len(r.rows["statements"]) > 100


def test_too_many_stories_are_rejected_with_the_count():
    story = "Fighting in {n}\n\nIn the news\n\nOn 3 April, the army said the rebels attacked Khartoum.\n\n"
    r = run("Conflict Alerts # 777, 12 April 2024\n\n"
            + "".join(story.format(n=n) for n in range(config.MAX_STORIES + 20)))
    assert isinstance(r, Rejected) and r.stage == "segment"
    assert f"over the cap of {config.MAX_STORIES:,}" in r.reason and "stories" in r.reason


def test_a_document_over_the_word_cap_is_rejected(monkeypatch):
    monkeypatch.setattr(config, "MAX_DOCUMENT_WORDS", 1_000)
    r = run((ALERTS / "cw-204-205-gaza-drc-redsea.txt").read_text(encoding="utf-8"))
    assert isinstance(r, Rejected) and "document has" in r.reason and "1,000" in r.reason


def test_an_overlong_quotation_is_no_statement_and_is_warned_about():
    quote = "war is near and " * 400          # 6,400 characters
    r = run(HEADER + f'On 3 April, the minister said: "{quote.strip()}" Then he left.\n\n'
            'The army said: "We will hold the city." It did.\n')
    assert isinstance(r, Extracted)
    assert [s["quote"] for s in r.rows["statements"]] == ["We will hold the city."]
    assert any("quotation of 6,399 characters" in w and "story 1" in w for w in r.warnings)


@pytest.mark.parametrize("mark", ["“", "”", "'", "‘", "’", "«", "»", "„"])
def test_runs_of_every_quote_mark_finish(mark):
    r = run(HEADER + "He said " + mark * 50_000 + " and " + f"{mark} x {mark}" * 5_000 + ".\n")
    assert isinstance(r, (Extracted, Rejected))


def test_many_dates_in_one_run_on_sentence_finish():
    r = run(HEADER + "On 3 May 2020, " * 3_000 + "nothing happened.\n")
    assert isinstance(r, Extracted) and len(r.rows["alerts"]) == 1


# ---------------------------------------------------------------- HTML

HOSTILE_PAGE = """<!DOCTYPE html [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY remote SYSTEM "http://127.0.0.1:9/leak">
  <!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<html><head>
<link rel="stylesheet" href="http://127.0.0.1:9/style.css">
<script src="http://127.0.0.1:9/x.js"></script>
<base href="http://127.0.0.1:9/">
</head><body><article>
<p>Conflict Alerts # 777, 12 April 2024</p>
<h3>In the news</h3>
<p>On 9 April, the army said: "We hold the city." File: &xxe; Remote: &remote; Laughs: &lol3;</p>
<img src="http://127.0.0.1:9/pixel.gif"><iframe src="file:///etc/passwd"></iframe>
<object data="file:///etc/hostname"></object>
<svg><image href="file:///etc/passwd"/></svg>
<p>It is &amp; was &copy; a real entity.</p>
</article></body></html>"""


@pytest.fixture
def no_fetching(monkeypatch):
    """Record any network connection or file opened while HTML is parsed
    (Python's audit events: what this code, or a library it calls through
    Python, does)."""
    seen: list[tuple] = []
    active = [True]
    html_lines("<p>warm-up</p>")       # the parser's own modules are imported first

    def hook(event, args):
        if active[0] and event in ("socket.connect", "socket.getaddrinfo", "open", "urllib.Request"):
            seen.append((event, args))
    sys.addaudithook(hook)             # hooks cannot be removed: this one is switched off
    monkeypatch.setattr(socket.socket, "connect", lambda *a: seen.append(("connect", a)))
    yield seen
    active[0] = False


def test_html_is_parsed_without_fetching_or_expanding_entities(no_fetching):
    lines, _ = html_lines(HOSTILE_PAGE)
    text = "\n".join(line.text for line in lines)
    assert no_fetching == []
    assert "root:" not in text and "lollol" not in text
    assert "File: &xxe; Remote: &remote; Laughs: &lol3;" in text   # left as written, never resolved
    assert "It is & was © a real entity." in text                       # HTML's own entities still read


def test_a_hostile_page_becomes_an_alert_without_its_entities():
    r = run(HOSTILE_PAGE, "hostile.html")
    assert isinstance(r, Extracted)
    body = r.rows["alerts"][0]["body"]
    assert "We hold the city." in body and "root:" not in body


def test_ingest_of_a_hostile_page_reads_only_the_given_bytes(no_fetching):
    doc = ingest(Source(Path("hostile.html"), "hostile.html"), HOSTILE_PAGE.encode())
    assert doc.source_format == "html" and no_fetching == []


@pytest.mark.parametrize("unit", ["<div>", "<ul><li>", "<section><span>"])
def test_html_nested_past_the_cap_is_rejected_before_parsing(unit):
    """Found by benchmarks/pathological.py: the parser's time grows with the
    square of the nesting (100,000 <div>s took 20 s); the page is refused."""
    page = "<p>Conflict Alerts # 777, 12 April 2024</p><h3>In the news</h3>" + unit * 100_000 + SENTENCE
    r = run(page, "deep.html")
    assert isinstance(r, Rejected) and r.stage == "segment"
    assert f"nest more than {config.MAX_HTML_DEPTH:,} deep" in r.reason


def test_real_pages_nest_far_below_the_cap():
    from alertdata.markup import nesting_depth
    for path in ALERTS.glob("*.htm*"):
        assert nesting_depth(path.read_text(encoding="utf-8", errors="replace"), 10**6) < 100, path.name
