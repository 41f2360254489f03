"""Seconds and outcome of reading pathological inputs, one JSON line each.

    .venv/bin/python benchmarks/pathological.py

Each input goes through `pipeline.process` (ingest, segment, extract), as in
a build. The caps in `alertdata.config` keep every case to seconds; the
tests in tests/test_limits.py check the outcomes, this measures the time.
"""
from __future__ import annotations

import json
import time

from alertdata import config
from alertdata.extract.story import extractors
from alertdata.pipeline import process
from alertdata.records import Rejected
from alertdata.reference import load_reference

HEADER = "Conflict Alerts # 777, 12 April 2024\n\nIn the news\n\n"
SENTENCE = "The army said the rebels attacked Khartoum on 3 May. "
STORY = "Fighting in {n}\n\nIn the news\n\nOn 3 April, the army said the rebels attacked Khartoum.\n\n"


def cases() -> dict[str, str]:
    words = len(SENTENCE.split())
    return {
        "100,000 straight quote marks": HEADER + "The minister said " + '"' * 100_000 + "\n",
        "50,000 curly quotes each way": HEADER + "He said " + "“" * 50_000 + "”" * 50_000 + "\n",
        "1 MB line of prose": HEADER + (SENTENCE * 20_000)[:1_000_000] + "\n",
        "1 MB word": HEADER + "a" * 1_000_000 + ".\n",
        "story just under the word cap": HEADER + SENTENCE * (config.MAX_STORY_WORDS // words - 5) + "\n",
        "3,000 dates in one sentence": HEADER + "On 3 May 2020, " * 3_000 + "nothing happened.\n",
        "quotation of 1 MB": HEADER + 'He said: "' + "war is near and " * 60_000 + '"\n',
        "stories over the cap": "Conflict Alerts # 777, 12 April 2024\n\n"
                                + "".join(STORY.format(n=n) for n in range(config.MAX_STORIES + 1)),
        "100,000 nested brackets": HEADER + "(" * 100_000 + "\n",
        "HTML nested 100,000 deep": "<p>Conflict Alerts # 777, 12 April 2024</p><h3>In the news</h3>"
                                    + "<div>" * 100_000 + SENTENCE + "</div>" * 100_000,
    }


def main() -> None:
    ref = load_reference()
    extractors(ref)                      # built once, as in a build
    for name, text in cases().items():
        source = "x.html" if name.startswith("HTML") else "x.txt"
        started = time.perf_counter()
        result = process(source, text.encode("utf-8"), ref)
        seconds = time.perf_counter() - started
        outcome = (f"rejected: {result.reason[:90]}" if isinstance(result, Rejected)
                   else f"read: {sum(len(v) for v in result.rows.values())} rows")
        print(json.dumps({"case": name, "bytes": len(text.encode()), "seconds": round(seconds, 2),
                          "outcome": outcome}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
