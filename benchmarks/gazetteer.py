"""Gazetteer start-up: compile once (cold), then open it (warm) as every later
build does. Prints one JSON line. Run: .venv/bin/python benchmarks/gazetteer.py

Target (issue 3): a second build loads the gazetteer in well under a second.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time


def main() -> None:
    cache = tempfile.mkdtemp(prefix="alertdata-bench-")
    os.environ["ALERTDATA_CACHE"] = cache
    from alertdata import gazetteer
    from alertdata.reference import load_reference

    places = load_reference().places
    t0 = time.perf_counter()
    gazetteer.load_gazetteer(places)                 # compiles into the empty cache
    cold = time.perf_counter() - t0
    gazetteer._open.cache_clear()
    t0 = time.perf_counter()
    gaz = gazetteer.load_gazetteer(places)           # what a second build does
    warm = time.perf_counter() - t0
    keys = {"gao", "kabul", "tigray", "sahel", "mekelle", "police", "north kivu", "odesa"}
    t0 = time.perf_counter()
    for _ in range(200):
        gaz.lookup_many(keys)
    per_lookup = (time.perf_counter() - t0) / (200 * len(keys))
    size = sum(os.path.getsize(os.path.join(cache, f)) for f in os.listdir(cache))
    print(json.dumps({"case": "gazetteer", "cold_compile_s": round(cold, 2), "warm_open_s": round(warm, 4),
                      "lookup_us": round(per_lookup * 1e6, 1), "index_mb": round(size / 1e6, 1),
                      "python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()
