"""Crash safety: a build killed (SIGKILL) at any point leaves the previous
release intact and verifiable, and the next build cleans up after it."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alertdata import cache, export, gazetteer
from alertdata.pipeline import build

DATA = Path(__file__).parent / "data" / "corpus" / "alerts"
# Where a build is stopped: extracting (in a pool of two workers), writing
# the release files, just before the new release is swapped in, between the
# two renames of a swap where the system has no atomic exchange, and while
# saving the state for the next rebuild (after publishing).
POINTS = ["extract", "export", "swap", "between-renames", "state"]
# run the command line with the atomic exchange disabled, as on systems without it
NO_EXCHANGE = ("import sys, alertdata.fsutil as f; f.exchange = lambda a, b: False; "
               "from alertdata.cli import main; sys.exit(main())")

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL and /proc")


def listed(out: Path) -> dict[str, str]:
    """SHA256SUMS of a release as {path: digest}, after checking every file."""
    sums = {}
    for line in (out / "SHA256SUMS").read_text().splitlines():
        digest, rel = line.split("  ", 1)
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest, rel
        sums[rel] = digest
    return sums


def group_members(pgid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    found.append(int(entry.name))
            except ProcessLookupError:
                pass
    return found


def kill_at(point: str, inputs: Path, out: Path, store: Path, marker: Path) -> None:
    """Run `alertdata build` in a new process group until it reaches `point`,
    then SIGKILL the build process (only it, as the kernel's OOM killer would)."""
    store.mkdir(parents=True, exist_ok=True)
    for compiled in gazetteer.cache_dir().glob("gazetteer-*.sqlite"):   # compiled once, shared
        (store / compiled.name).symlink_to(compiled)
    env = {**os.environ, "ALERTDATA_CACHE": str(store), "ALERTDATA_PAUSE_AT": f"{point}:{marker}"}
    cmd = ([sys.executable, "-c", NO_EXCHANGE] if point == "between-renames"
           else [sys.executable, "-m", "alertdata"])
    proc = subprocess.Popen([*cmd, "build", str(inputs), "-o", str(out), "-j", "2"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 300     # a hang guard, not a speed target
    while not marker.exists():
        if proc.poll() is not None:
            pytest.fail(f"build ended before reaching {point!r}: {proc.stderr.read().decode()[-2000:]}")
        assert time.monotonic() < deadline, f"build never reached {point!r}"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close(), proc.stderr.close()
    for _ in range(200):                   # pool workers notice their parent is gone
        if not [p for p in group_members(proc.pid) if p != proc.pid]:
            break
        time.sleep(0.05)
    assert group_members(proc.pid) == [], "worker processes outlived the killed build"


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """The previous release (of 5 alerts), the inputs of the next (all 23),
    and the checksums of the next built without any cache."""
    root = tmp_path_factory.mktemp("crash")
    old, new = root / "old-inputs", root / "new-inputs"
    shutil.copytree(DATA, new)
    old.mkdir()
    for path in sorted(DATA.iterdir())[:5]:
        shutil.copy(path, old / path.name)
    build([old], root / "previous", use_cache=False, jobs=1)
    build([new], root / "expected", use_cache=False, jobs=1)
    return root / "previous", new, listed(root / "expected")


@pytest.mark.parametrize("point", POINTS)
def test_a_killed_build_leaves_the_previous_release_intact(point, releases, tmp_path, monkeypatch):
    previous, new_inputs, expected = releases
    store = tmp_path / "cache"
    monkeypatch.setattr(cache, "store_dir", lambda: store)
    out = tmp_path / "release" / "output"
    shutil.copytree(previous, out)
    before = listed(out)

    kill_at(point, new_inputs, out, store, tmp_path / "paused")

    if point == "between-renames":   # the release is aside for the moment between the renames
        export.recover(out)           # and put back by the next build's first step
    after = listed(out)          # every listed file still verifies
    if point == "state":         # killed after publishing: the new release is complete
        assert after == expected
    else:
        assert after == before
    report = build([new_inputs], out, jobs=2)      # the next build starts from the leftovers
    # killed after publishing and recording the build, the release is up to date
    assert report.published and report.up_to_date == (point == "state")
    assert listed(out) == expected
    assert sorted(p.name for p in out.parent.iterdir()) == [".output.lock", "output"]
    assert [p.name for p in (store / "state").iterdir()] == \
        ([] if point == "state" else [cache._state_dir(out).name])


def test_the_swap_exchanges_the_folders_in_one_step(tmp_path):
    """Readers never find the release missing: after the exchange the new
    folder is in place and the old one is where the new one was."""
    from alertdata.fsutil import exchange

    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    (tmp_path / "a" / "f").write_text("new"), (tmp_path / "b" / "f").write_text("old")
    assert exchange(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "b" / "f").read_text() == "new" and (tmp_path / "a" / "f").read_text() == "old"


def test_a_database_copy_left_by_a_killed_build_is_removed(releases, tmp_path, monkeypatch):
    """A rebuild copies the previous release's database from its start, beside
    the release; killed before publishing, it leaves that copy, which the next
    build removes (a live build's copy is its own)."""
    _, new_inputs, expected = releases
    store = tmp_path / "cache"
    monkeypatch.setattr(cache, "store_dir", lambda: store)
    old_inputs = tmp_path / "old-inputs"
    old_inputs.mkdir()
    for path in sorted(new_inputs.iterdir())[:5]:
        shutil.copy(path, old_inputs / path.name)
    out = tmp_path / "release" / "output"
    build([old_inputs], out, jobs=1)             # recorded: its database can be reused

    kill_at("extract", new_inputs, out, store, tmp_path / "paused")

    assert [p.name for p in out.parent.glob(".output.dbcopy-*")]    # the killed build's copy
    report = build([new_inputs], out, jobs=2)
    assert report.published and report.database_updated
    assert listed(out) == expected
    assert sorted(p.name for p in out.parent.iterdir()) == [".output.lock", "output"]
