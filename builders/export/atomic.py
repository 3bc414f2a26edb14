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
* The output folder is the user's: :func:`guard_output` lets a build replace a folder only when it
  is missing, empty, or one this tool wrote, and never the current directory, the repository,
  the corpus, a folder inside the corpus or a folder containing any of them (symlinks resolved
  first). It runs before anything is written, and again just before the swap.

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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from builders.config import default_paths
from builders.record import BuildError, naming

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


# ----------------------------------------------------------------------------- the output guard

# The file that marks a folder written by this tool, for outputs without a manifest (the docs
# site and its staged sources); its first line names the kind of output.
MARKER = ".zhnews-output"


@dataclass(frozen=True)
class Protected:
    """A folder no output may be, or contain (and with ``inside``, no output may be inside it)."""

    path: Path
    label: str
    inside: bool = False


@dataclass(frozen=True)
class OutputKind:
    """What a command writes: its name in messages, and how to recognise a folder it wrote."""

    name: str
    is_ours: Callable[[Path], bool]


def write_marker(folder: Path, kind: str) -> None:
    (folder / MARKER).write_text(f"{kind}\nwritten by zhnews; the next build may replace this folder\n", encoding="utf-8")


def has_marker(folder: Path, kind: str) -> bool:
    try:
        with (folder / MARKER).open(encoding="utf-8") as fh:
            return fh.readline().strip() == kind
    except (OSError, UnicodeDecodeError):
        return False


def marker_kind(name: str, kind: str) -> OutputKind:
    return OutputKind(name, lambda folder: has_marker(folder, kind))


def _protected(extra: Sequence[Protected]) -> list[Protected]:
    repo = default_paths()
    return [
        Protected(repo.corpus.parent, "the repository"),
        Protected(repo.corpus, "the repository's corpus", inside=True),
        *extra,
        Protected(Path.cwd(), "the current directory"),
    ]


def _is_empty(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is None


def guard_output(out: Path, kind: OutputKind, protected: Sequence[Protected] = ()) -> Path:
    """The real folder ``out`` names, once it is sure that a build may replace it.

    Refused (BuildError, naming the folder): the current directory, the repository, the corpus,
    any folder inside the corpus or containing one of those (and the caller's ``protected``), an
    existing file, and an existing folder that is neither empty nor written by this tool. There is
    no override: a user's folder is never replaced. Symlinks are resolved first; the build then
    lands in the link's target and the link stays."""
    try:
        real = out.resolve()
    except RuntimeError as exc:  # a symlink loop (Python 3.11 raises RuntimeError)
        raise BuildError(f"{out}: cannot be resolved ({exc})") from exc
    shown = f"{out} (-> {real})" if real != out.absolute() else str(out)
    for rule in _protected(protected):
        guarded = rule.path.resolve()
        if real == guarded:
            raise BuildError(f"{shown}: is {rule.label}; refusing to replace it with the {kind.name}")
        if real in guarded.parents:
            raise BuildError(f"{shown}: contains {rule.label} ({guarded}); refusing to replace it with the {kind.name}")
        if rule.inside and guarded in real.parents:
            raise BuildError(f"{shown}: is inside {rule.label} ({guarded}); write the {kind.name} elsewhere")
    if real.exists() or real.is_symlink():
        if not real.is_dir():
            raise BuildError(f"{shown}: exists and is not a folder; refusing to replace it with the {kind.name}")
        if not _is_empty(real) and not kind.is_ours(real):
            raise BuildError(
                f"{shown}: is not empty and is not a {kind.name} this tool wrote; refusing to replace it "
                "(choose a new or empty folder)"
            )
    return real


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
        with naming(path):
            if path.is_file():
                with path.open("rb") as fh:
                    os.fsync(fh.fileno())
            elif path.is_dir():
                _fsync_dir(path)
    with naming(root):
        _fsync_dir(root)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def staged_output(
    out: Path, kind: OutputKind, protected: Sequence[Protected] = (), lock_timeout: float = 600.0
) -> Iterator[Path]:
    """Yield an empty temporary folder; on normal exit it replaces ``out`` atomically.

    ``out`` must pass :func:`guard_output` before anything is written (nothing is created when it
    does not) and again before the swap (the folder may have changed during the build). On any
    exception the temporary folder is deleted and ``out`` is left as it was."""
    out = guard_output(out, kind, protected)
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
            with naming(tmp):  # the last resort, for a write error no step named the file of
                yield tmp
            fsync_tree(tmp)
            fault_point("before-swap")
            guard_output(out, kind, protected)
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
