"""Shared test set-up."""
from __future__ import annotations

import pytest

from alertdata import cache


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
