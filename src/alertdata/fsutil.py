"""Replacing a folder in one step, and named pause points for crash tests.

A release (and the state a rebuild starts from) is written beside its
target and then put in place. Where the system can exchange two paths in
one call (Linux `renameat2`), readers see the old folder or the new one,
never neither; elsewhere the old folder is moved aside first, and
`export.recover` puts it back if the process dies between the two renames.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import sys
import time
from functools import lru_cache
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@lru_cache(maxsize=1)
def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True).renameat2
    except (OSError, AttributeError):     # not glibc >= 2.28 / musl >= 1.2.5
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


def exchange(a: Path, b: Path) -> bool:
    """Swap the paths `a` and `b` atomically; False where the system or
    file system cannot (the caller then falls back to two renames)."""
    fn = _renameat2()
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):      # EINVAL, ENOSYS, EOPNOTSUPP: not on this file system
        return False
    raise OSError(err, os.strerror(err), str(b))


def replace_dir(new: Path, target: Path, aside: Path) -> None:
    """Put the folder `new` at `target`, removing what was there. Without an
    atomic exchange, the old folder is moved to `aside` for the moment
    between the two renames."""
    if target.exists() and exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)     # `new` now holds the old folder
        return
    if target.exists():
        os.replace(target, aside)
    pause_point("between-renames")
    os.replace(new, target)
    shutil.rmtree(aside, ignore_errors=True)


# ---------------------------------------------------------------- crash tests

PAUSE_ENV = "ALERTDATA_PAUSE_AT"


def pause_point(name: str) -> None:
    """A named point of a build where the crash-safety tests stop it: with
    ALERTDATA_PAUSE_AT=NAME:FILE, the process writes its pid to FILE and
    waits there to be killed. Unset (always, outside those tests), it costs
    one environment lookup."""
    spec = os.environ.get(PAUSE_ENV)
    if not spec or spec.partition(":")[0] != name:
        return
    Path(spec.partition(":")[2]).write_text(str(os.getpid()), encoding="utf-8")
    while True:
        time.sleep(60)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (leftovers named after a dead
    build's pid are safe to remove; a live build's are its own)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:             # exists, owned by someone else
        return True
    return True
