"""Issue 7: byte-identical builds whatever the machine: repository location, working folder,
time zone, locale and hash seed; no date from the clock."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builders.export.croissant import date_published
from builders.record import BuildError
from tests.conftest import tree_digest

pytestmark = pytest.mark.slow

_COPY = ("builders", "corpus", "schema", "releases", "CHANGELOG.md", "pyproject.toml")


def _repo_copy(repo: Path, dst: Path) -> Path:
    """The sources at another path: the build must not depend on where the checkout lives."""
    dst.mkdir(parents=True)
    for name in _COPY:
        src = repo / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.is_file():
            shutil.copy2(src, dst / name)
    return dst


def _build(root: Path, out: Path, cwd: Path, env_extra: dict[str, str]) -> None:
    cwd.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "LC_ALL", "LANG", "TZ")}
    # The builders of `root` come first on the path; anything already on PYTHONPATH stays after it.
    env["PYTHONPATH"] = os.pathsep.join([str(root), *filter(None, [os.environ.get("PYTHONPATH")])])
    env.update(env_extra)
    proc = subprocess.run(
        [sys.executable, "-m", "builders.cli", "build", "--out", str(out)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_builds_in_different_places_zones_locales_and_seeds_are_byte_identical(
    repo_root: Path, tmp_path: Path
) -> None:
    copy = _repo_copy(repo_root, tmp_path / "elsewhere" / "checkout")
    a, b = tmp_path / "a" / "dataset", tmp_path / "b" / "deeper" / "other-name"
    _build(
        repo_root,
        a,
        tmp_path / "cwd-a",
        {"TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"},
    )
    _build(
        copy,
        b,
        tmp_path / "cwd-b",
        {"TZ": "Pacific/Kiritimati", "LC_ALL": "POSIX", "LANG": "zh_TW.UTF-8", "PYTHONHASHSEED": "4242"},
    )
    da, db = tree_digest(a), tree_digest(b)
    assert {"README.md", "croissant.json", "manifest.json"} <= set(da)
    assert any(p.endswith(".parquet") for p in da)
    differing = sorted(p for p in set(da) | set(db) if da.get(p) != db.get(p))
    assert not differing, f"files differ between the two builds: {differing}"
    # Nothing leaks the build's own paths into the outputs.
    for path in a.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert str(tmp_path).encode() not in data, path


def test_no_date_comes_from_the_clock(repo_root: Path, tmp_path: Path) -> None:
    """Every date of today in the editable inputs (curated annotations, CHANGELOG) is moved far
    into the past; then today's date appears in no output file."""
    copy = _repo_copy(repo_root, tmp_path / "checkout")
    today = {time.strftime("%Y-%m-%d", time.gmtime()), time.strftime("%Y-%m-%d", time.localtime())}
    raw = b"".join(p.read_bytes() for p in (copy / "corpus" / "raw").rglob("*") if p.is_file())
    today = {d for d in today if d.encode() not in raw}  # raw pages are immutable inputs
    assert today, "the raw pages mention today's date: nothing to test"
    editable = [copy / "CHANGELOG.md", *(p for p in (copy / "corpus" / "curated").rglob("*") if p.is_file())]
    for path in editable:
        text = path.read_text(encoding="utf-8")
        for day in today:
            text = text.replace(day, "2001-02-03")
        path.write_text(text, encoding="utf-8")
    # The release date comes from the CHANGELOG entry of the version: pin it to a literal.
    from builders.config import dataset_version

    log = copy / "CHANGELOG.md"
    dated, n = re.subn(
        rf"^## \[{re.escape(dataset_version())}\] - \d{{4}}-\d\d-\d\d",
        f"## [{dataset_version()}] - 2003-04-05",
        log.read_text(encoding="utf-8"),
        flags=re.M,
    )
    assert n == 1, "the CHANGELOG has no dated entry for the dataset version"
    log.write_text(dated, encoding="utf-8")
    out = tmp_path / "out"
    _build(copy, out, tmp_path / "cwd", {"TZ": "Asia/Taipei", "PYTHONHASHSEED": "7"})
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for day in today:
                assert day.encode() not in data, f"{path.name} contains today's date {day}"
    meta = json.loads((out / "croissant.json").read_text(encoding="utf-8"))
    assert meta["version"] == dataset_version()
    assert meta["datePublished"] == "2003-04-05"


def test_date_published_from_changelog_then_source_date_epoch() -> None:
    log = "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2027-01-15\n\n## [0.1.0] - 2026-11-23\n"
    assert date_published("0.1.0", log, {}) == "2026-11-23"
    # The changelog is an input and wins over the environment.
    assert date_published("0.2.0", log, {"SOURCE_DATE_EPOCH": "0"}) == "2027-01-15"
    # An undated version takes SOURCE_DATE_EPOCH, in UTC whatever TZ says.
    assert (
        date_published("0.3.0", log, {"SOURCE_DATE_EPOCH": "1700000000", "TZ": "Pacific/Kiritimati"})
        == "2023-11-14"
    )
    with pytest.raises(BuildError, match="SOURCE_DATE_EPOCH"):
        date_published("0.3.0", log, {})
    with pytest.raises(BuildError, match="whole seconds"):
        date_published("0.3.0", log, {"SOURCE_DATE_EPOCH": "yesterday"})
