"""Write a build into a temporary sibling folder and swap it into place atomically.

Fault model and guarantees (docs/robustness.md):

* The previous output stays complete until the new one is fully written, validated and
  fsynced; then ``renameat2(RENAME_EXCHANGE)`` swaps the two folders in one step.
* A build killed at any moment (SIGKILL, power loss after the fsyncs) leaves either the previous
  or the new output complete, plus at most a temporary ``.<out>.tmp-*`` folder, which the next
  build removes. Where the exchange is not available (another OS or file system) the fallback is
  two renames; a build killed between them leaves ``.<out>.old-*``, which the next build renames
  back into place before anything else.
* Builds of the same output are serialised by a lock file (``.<out>.lock``, an OS lock that dies
  with its process), so two builds started at once run one after the other.

The fault-injection hook :func:`fault_point` lets tests kill a build at named points.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from builders.record import BuildError

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100

# ----------------------------------------------------------------------------- fault injection

# Named points where a test may kill the build. Two environment variables must agree before
# anything happens, so a stray ZHNEWS_FAULT in someone's shell cannot kill a real build:
#   ZHNEWS_FAULT=<point>[:<n>]           the point (and the n-th time it is reached, default 1)
#   ZHNEWS_FAULT_ARM=sigkill-this-build  the explicit arming phrase
FAULT_ENV = "ZHNEWS_FAULT"
FAULT_ARM_ENV = "ZHNEWS_FAULT_ARM"
FAULT_ARM_PHRASE = "sigkill-this-build"
FAULT_POINTS = (
    "after-parquet",  # pipeline: after a config's Parquet files are written and closed
    "before-card",  # pipeline: every Parquet file written, README.md not yet
    "after-card",  # pipeline: README.md written, croissant/manifest not yet
    "before-swap",  # atomic: staging folder complete and fsynced, output not yet swapped
    "after-exchange",  # atomic: output swapped, the previous one not yet deleted
    "between-renames",  # atomic (fallback without RENAME_EXCHANGE): output moved away, new not in place
)
_fault_hits: dict[str, int] = {}


def fault_point(name: str) -> None:
    """Kill this process with SIGKILL when the armed fault names this point (tests only)."""
    wanted = os.environ.get(FAULT_ENV)
    if not wanted:  # the normal case: one dict lookup
        return
    if name not in FAULT_POINTS:
        raise ValueError(f"unknown fault point {name!r}")
    point, _, nth = wanted.partition(":")
    if point != name or os.environ.get(FAULT_ARM_ENV) != FAULT_ARM_PHRASE:
        return
    _fault_hits[name] = _fault_hits.get(name, 0) + 1
    if _fault_hits[name] != (int(nth) if nth.isdigit() else 1):
        return
    print(f"zhnews: fault injection: SIGKILL at {name}", file=sys.stderr, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


# ----------------------------------------------------------------------------- staging and swap


def _tmp_prefix(out: Path) -> str:
    return f".{out.name}.tmp-"


def _old_prefix(out: Path) -> str:
    return f".{out.name}.old-"


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE) where the OS offers it."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    func = getattr(libc, "renameat2", None)
    if func is None:
        return False
    res = func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return res == 0


def remove_stale(out: Path) -> list[Path]:
    """Clean up after killed builds (call with the lock held): put a previous output that a
    killed fallback swap moved away back into place, then delete temporary folders."""
    removed: list[Path] = []
    parent = out.parent
    if not parent.is_dir():
        return removed
    olds = sorted(
        (c for c in parent.iterdir() if c.name.startswith(_old_prefix(out)) and c.is_dir()),
        key=lambda c: c.stat().st_mtime,
    )
    if olds and not out.exists():
        os.rename(olds.pop(), out)
        _fsync_dir(parent)
    for child in parent.iterdir():
        if child.name.startswith((_tmp_prefix(out), _old_prefix(out))) and child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child)
    return removed


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path) -> None:
    """Flush every file and folder below root (and root) to disk before the swap."""
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
        elif path.is_dir():
            _fsync_dir(path)
    _fsync_dir(root)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def staged_output(out: Path, lock_timeout: float = 600.0) -> Iterator[Path]:
    """Yield an empty temporary folder; on normal exit it replaces ``out`` atomically.

    On any exception the temporary folder is deleted and ``out`` is left as it was."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out.parent / f".{out.name}.lock"))
    try:
        lock.acquire(timeout=lock_timeout)
    except Timeout as exc:
        raise BuildError(f"{out}: another build holds the lock {lock.lock_file}") from exc
    try:
        remove_stale(out)
        tmp = Path(tempfile.mkdtemp(prefix=_tmp_prefix(out), dir=out.parent))
        # mkdtemp makes the folder private (0700); the output is a normal folder.
        os.chmod(tmp, 0o777 & ~_umask())
        try:
            yield tmp
            fsync_tree(tmp)
            fault_point("before-swap")
            swap_into_place(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    finally:
        lock.release()


def swap_into_place(tmp: Path, out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out}: exists and is not a folder; refusing to replace it")
    if out.is_dir() and _exchange(tmp, out):
        _fsync_dir(out.parent)
        fault_point("after-exchange")
        # tmp now holds the previous output.
        shutil.rmtree(tmp, ignore_errors=True)
        return
    if out.is_dir():
        old = Path(tempfile.mkdtemp(prefix=_old_prefix(out), dir=out.parent))
        os.rmdir(old)
        os.rename(out, old)
        try:
            fault_point("between-renames")
            os.rename(tmp, out)
        except BaseException:
            os.rename(old, out)  # put the previous output back
            raise
        _fsync_dir(out.parent)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, out)
        _fsync_dir(out.parent)
