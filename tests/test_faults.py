"""Issue 8: faults lose nothing. A build killed with SIGKILL at named points, or failing on a
write error, leaves the previous output complete and loadable with ``datasets``; the next build
removes what the killed one left behind; two builds started at once do not corrupt each other.

The killed builds run ``zhnews build`` in a subprocess with the fault-injection hook armed
(builders/export/atomic.py, docs/robustness.md). Small corpora the tests write themselves keep
every build to a few seconds.
"""

from __future__ import annotations

import errno
import shutil
import signal
from pathlib import Path

import pytest

from builders.export import atomic
from builders.export.manifest import DATASET
from tests.test_robust_support import (
    build_cli,
    load_every_config,
    make_corpus,
    manifest_consistent,
    page_text,
    source_entry,
    start_build,
    tree_digest,
    write_sources,
)

ARMED = {atomic.FAULT_ARM_ENV: atomic.FAULT_ARM_PHRASE}


class Previous:
    """A finished build of corpus A in ``out`` (the 'previous output'), and corpus B, whose
    build would differ (one more page)."""

    def __init__(self, root: Path) -> None:
        self.corpus_a = make_corpus(root / "a")
        self.corpus_b = make_corpus(root / "b")
        data = page_text(4).encode()
        (self.corpus_b / "raw" / "t9.txt").write_bytes(data)
        raw = self.corpus_b / "raw"
        entries = [source_entry(f"t{i}", f"raw/t{i}.txt", (raw / f"t{i}.txt").read_bytes()) for i in range(3)]
        write_sources(self.corpus_b, [*entries, source_entry("t9", "raw/t9.txt", data)])
        self.out = root / "out" / "dataset"
        code, err = build_cli(self.out, self.corpus_a)
        assert code == 0, err
        self.digest = tree_digest(self.out)
        self.rows = load_every_config(self.out)

    def strays(self) -> list[str]:
        prefixes = (".dataset.tmp-", ".dataset.old-")
        return sorted(p.name for p in self.out.parent.iterdir() if p.name.startswith(prefixes))

    def assert_previous_intact(self) -> None:
        assert tree_digest(self.out) == self.digest
        assert manifest_consistent(self.out) == []

    def restore(self) -> None:
        """Back to the state after the first build (for the next test)."""
        atomic.remove_stale(self.out)
        if tree_digest(self.out) != self.digest:
            code, err = build_cli(self.out, self.corpus_a)
            assert code == 0, err
            assert tree_digest(self.out) == self.digest


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Previous:
    return Previous(tmp_path_factory.mktemp("faults"))


# after-parquet fires once the documents config (three Parquet files) is written.
KILL_POINTS = ["after-parquet", "before-card", "after-card", "before-swap"]
NO_EXCHANGE = "import builders.export.atomic as a\na._exchange = lambda x, y: False\n"


class Killed:
    """One killed build per fault point, all started at once (each on its own copy of the
    previous output, so they do not wait for each other's lock)."""

    def __init__(self, previous: Previous, root: Path) -> None:
        self.outs: dict[str, Path] = {}
        self.errors: dict[str, str] = {}
        procs = {}
        for fault in [*KILL_POINTS, "after-exchange", "between-renames"]:
            out = root / fault.replace(":", "-") / "dataset"
            shutil.copytree(previous.out, out)
            prelude = NO_EXCHANGE if fault == "between-renames" else ""
            procs[fault] = start_build(out, previous.corpus_b, prelude=prelude, ZHNEWS_FAULT=fault, **ARMED)
            self.outs[fault] = out
        for fault, proc in procs.items():
            _, err = proc.communicate(timeout=600)
            assert proc.returncode == -signal.SIGKILL, (fault, proc.returncode, err)
            assert f"SIGKILL at {fault.split(':')[0]}" in err, err
            self.errors[fault] = err


@pytest.fixture(scope="module")
def killed(previous: Previous, tmp_path_factory: pytest.TempPathFactory) -> Killed:
    return Killed(previous, tmp_path_factory.mktemp("killed"))


def strays(out: Path) -> list[str]:
    prefixes = (f".{out.name}.tmp-", f".{out.name}.old-")
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(prefixes))


@pytest.mark.parametrize("fault", KILL_POINTS)
def test_kill_before_the_swap_keeps_the_previous_output(
    previous: Previous, killed: Killed, fault: str
) -> None:
    out = killed.outs[fault]
    assert tree_digest(out) == previous.digest
    assert manifest_consistent(out) == []
    assert load_every_config(out) == previous.rows
    assert len(strays(out)) == 1  # the killed build's staging folder


def test_kill_after_the_exchange_leaves_the_new_output(killed: Killed) -> None:
    # The swap is one step: the output is now the new build, complete; the previous one is
    # in the staging folder, which the next build deletes.
    out = killed.outs["after-exchange"]
    assert manifest_consistent(out) == []
    assert load_every_config(out)["documents"] == 4
    assert len(strays(out)) == 1


def test_kill_between_fallback_renames_is_repaired_by_next_build(previous: Previous, killed: Killed) -> None:
    """Without RENAME_EXCHANGE the swap is two renames; killed between them, the previous output
    waits under .dataset.old-* and the next build puts it back before doing anything else."""
    out = killed.outs["between-renames"]
    assert not out.exists()
    assert any(name.startswith(".dataset.old-") for name in strays(out))
    atomic.remove_stale(out)  # what every build does first, under the lock
    assert tree_digest(out) == previous.digest
    assert strays(out) == []


def test_next_build_removes_stray_folders(previous: Previous, killed: Killed) -> None:
    out = killed.outs["before-card"]
    (out.parent / ".dataset.tmp-handmade").mkdir()
    (out.parent / ".dataset.tmp-handmade" / "junk.parquet").write_bytes(b"x")
    assert len(strays(out)) == 2
    code, err = build_cli(out, previous.corpus_b)
    assert code == 0, err
    assert strays(out) == []
    assert manifest_consistent(out) == []
    assert load_every_config(out)["documents"] == 4


def test_lock_is_released_when_a_build_is_killed(previous: Previous, killed: Killed) -> None:
    """The lock is an OS lock: a killed build does not block the next one."""
    out = killed.outs["before-swap"]
    with atomic.staged_output(out, DATASET, lock_timeout=5) as tmp:
        shutil.copytree(out, tmp, dirs_exist_ok=True)
    assert tree_digest(out) == previous.digest
    assert strays(out) == []


def test_fault_hook_needs_arming(previous: Previous, monkeypatch: pytest.MonkeyPatch) -> None:
    """ZHNEWS_FAULT alone (say, left in someone's shell) does nothing."""
    monkeypatch.setenv(atomic.FAULT_ENV, "before-swap")
    monkeypatch.delenv(atomic.FAULT_ARM_ENV, raising=False)
    atomic.fault_point("before-swap")  # would kill the test run if it fired
    monkeypatch.setenv(atomic.FAULT_ARM_ENV, "yes")
    atomic.fault_point("before-swap")
    with pytest.raises(ValueError, match="unknown fault point"):
        atomic.fault_point("no-such-point")


# ----------------------------------------------------------------------------- write errors


def _enospc(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device", "data/documents/train-00000-of-00001.parquet")


@pytest.mark.parametrize("where", ["parquet", "fsync", "mkdtemp"])
def test_write_error_keeps_the_previous_output(
    previous: Previous, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    from builders import pipeline

    if where == "parquet":  # disk full while writing the first Parquet file
        monkeypatch.setattr(pipeline, "parquet_writer", _enospc)
        reason = "No space left on device"
    elif where == "fsync":  # I/O error while flushing the staged folder
        monkeypatch.setattr(atomic.os, "fsync", lambda fd: _raise(OSError(errno.EIO, "Input/output error")))
        reason = "Input/output error"
    else:  # the output's parent folder does not take new folders (read-only)
        denied = PermissionError(errno.EACCES, "Permission denied", str(previous.out.parent))
        real_mkdtemp = atomic.tempfile.mkdtemp

        def mkdtemp(*args: str, **kwargs: str) -> str:
            if str(kwargs.get("prefix", "")).startswith(".dataset.tmp-"):
                raise denied
            return real_mkdtemp(*args, **kwargs)

        monkeypatch.setattr(atomic.tempfile, "mkdtemp", mkdtemp)
        reason = "Permission denied"
    code, err = build_cli(previous.out, previous.corpus_b)
    assert code == 3, err
    assert err.startswith("error: ") and reason in err and "Traceback" not in err
    previous.assert_previous_intact()
    assert previous.strays() == []


def _raise(exc: BaseException) -> None:
    raise exc


# ----------------------------------------------------------------------------- concurrency


def test_two_builds_at_once(previous: Previous) -> None:
    """Both finish; the output is one complete build (never a mix), nothing is left behind."""
    first = start_build(previous.out, previous.corpus_a)
    second = start_build(previous.out, previous.corpus_b)
    for proc in (first, second):
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    assert manifest_consistent(previous.out) == []
    assert load_every_config(previous.out)["documents"] in (3, 4)
    assert previous.strays() == []
    previous.restore()
