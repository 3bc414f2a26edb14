"""Shared fixtures: one full build per test session, and throw-away copies of the corpus."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Tests never touch the network or the user's Hugging Face cache.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI (``CI=true``) a skipped test is a failure: every test's needs are installed by the
    repository's own commands there, so a skip can only hide a test that stopped running."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI ({reason}): a test that cannot run in CI must fail, not skip"


@pytest.fixture(scope="session", autouse=True)
def _isolated_caches(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The Hugging Face cache and the builders' own cache (jieba) live in the session's tmp."""
    values = {"HF_HOME": tmp_path_factory.mktemp("hf-home"), "ZHNEWS_CACHE_DIR": tmp_path_factory.mktemp("zhnews-cache")}
    old = {key: os.environ.get(key) for key in values}
    os.environ.update({key: str(value) for key, value in values.items()})
    yield
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def built_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset built once from the repository's corpus (read-only for tests)."""
    from builders.pipeline import build

    out = tmp_path_factory.mktemp("built") / "dataset"
    build(out)
    return out


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of corpus/ that a test may break."""
    dst = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", dst)
    return dst


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file below root, by relative path."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
