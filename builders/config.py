"""Settings of the builders, loaded once from ``builders/config.yaml``.

Paths are derived from the repository root so that the builders never depend on the working
directory (a requirement for byte-identical builds from different folders).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
CONFIG_FILE = PACKAGE_DIR / "config.yaml"


@dataclass(frozen=True)
class Paths:
    """Where the inputs live. Tests point these at temporary copies."""

    corpus: Path
    schema: Path
    docs: Path

    @property
    def raw(self) -> Path:
        return self.corpus / "raw"

    @property
    def sources(self) -> Path:
        return self.corpus / "sources.yaml"

    @property
    def curated(self) -> Path:
        return self.corpus / "curated"


def default_paths() -> Paths:
    return Paths(corpus=REPO_ROOT / "corpus", schema=REPO_ROOT / "schema", docs=REPO_ROOT / "docs")


DEFAULT_OUTPUT = REPO_ROOT / "build" / "dataset"
DEFAULT_SITE = REPO_ROOT / "build" / "site"


@cache
def settings() -> dict[str, Any]:
    """The parsed config file (treat as read-only)."""
    with CONFIG_FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{CONFIG_FILE}: expected a mapping at the top level")
    return data


def section(name: str) -> dict[str, Any]:
    """One named section of the config file; a missing section is a programming error."""
    data = settings()
    if name not in data:
        raise KeyError(f"{CONFIG_FILE}: no section {name!r}")
    value = data[name]
    if not isinstance(value, dict):
        raise ValueError(f"{CONFIG_FILE}: section {name!r} must be a mapping")
    return value


def dataset_version() -> str:
    return str(section("dataset")["version"])
