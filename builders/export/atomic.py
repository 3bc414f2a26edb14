"""Write a build into a temporary sibling folder and swap it into place atomically.

The previous output stays complete until the new one is fully written and validated; a build
killed at any moment leaves the previous output untouched and only a temporary folder, which
the next build removes. A lock file serialises concurrent builds of the same output.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from builders.record import BuildError

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


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
    """Remove temporary folders left by killed builds (call with the lock held)."""
    removed = []
    parent = out.parent
    if not parent.is_dir():
        return removed
    for child in parent.iterdir():
        if child.name.startswith((_tmp_prefix(out), _old_prefix(out))) and child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child)
    return removed


def fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())


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
        try:
            yield tmp
            fsync_tree(tmp)
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
        # tmp now holds the previous output.
        shutil.rmtree(tmp, ignore_errors=True)
        return
    if out.is_dir():
        old = Path(tempfile.mkdtemp(prefix=_old_prefix(out), dir=out.parent))
        os.rmdir(old)
        os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, out)
