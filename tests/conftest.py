"""Shared test set-up."""
from __future__ import annotations

import os

import pytest
from hypothesis import settings

from alertdata import cache

# Property-based tests: a bounded, derandomised run in CI (the same examples
# every time, so a failure is reproducible), and a long random run on demand:
# HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz.py (see README).
settings.register_profile("ci", max_examples=40, derandomize=True, deadline=None, database=None,
                          print_blob=True)
settings.register_profile("long", max_examples=650, deadline=None, database=None,
                          print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True, scope="session")
def private_extraction_cache(tmp_path_factory):
    """Builds in tests keep their extraction cache and build records in a
    folder of their own, never in the user's; the compiled gazetteer is
    still shared, because compiling it is slow and it only depends on data."""
    folder = tmp_path_factory.mktemp("alertdata-cache")
    patch = pytest.MonkeyPatch()
    patch.setattr(cache, "store_dir", lambda: folder)
    yield folder
    patch.undo()
