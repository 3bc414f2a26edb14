"""Maintainers' gold for the cleaning stage: ``corpus/curated/cleaning/<doc_id>.yaml``.

One file per page: a provenance block, the metadata a person reads off the page, and every
non-empty raw line listed exactly once under ``content``, ``boilerplate`` or ``spam`` (numbers
or inclusive ranges like ``"9-15"``). Any mistake in a file is a BuildError naming the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from builders.ingest.sources import malformed_yaml
from builders.record import LINE_LABELS, BuildError

GOLD_SUBDIR = "cleaning"
METADATA_FIELDS = ("title", "published_at", "publisher", "author")
_TOP_KEYS = {"provenance", "metadata", "lines"}
_PROVENANCE_KEYS = {"made_by", "created", "guideline", "method"}
_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


@dataclass
class Gold:
    doc_id: str
    path: Path
    provenance: dict[str, str]
    metadata: dict[str, str | None]
    labels: dict[int, str] = field(default_factory=dict)  # line number -> label

    def label_of(self, line_no: int) -> str | None:
        """The maintainers' label of a raw line; None for blank lines (never labelled)."""
        return self.labels.get(line_no)


def gold_path(curated_dir: Path, doc_id: str) -> Path:
    """``curated_dir`` may be ``corpus/curated`` or its ``cleaning`` subfolder."""
    base = curated_dir if curated_dir.name == GOLD_SUBDIR else curated_dir / GOLD_SUBDIR
    return base / f"{doc_id}.yaml"


def gold_ids(curated_dir: Path) -> list[str]:
    base = gold_path(curated_dir, "x").parent
    return sorted(p.stem for p in base.glob("*.yaml")) if base.is_dir() else []


def _expand(items: Any, where: str) -> Iterable[tuple[int, bool]]:
    """(line number, named explicitly) pairs: a range's inner lines are not named explicitly,
    so a range may run over blank lines, but a single number or a range end may not be blank."""
    if items is None:
        return
    if not isinstance(items, list):
        raise BuildError(f"{where}: expected a list of line numbers or ranges, got {type(items).__name__}")
    for item in items:
        if isinstance(item, bool):
            raise BuildError(f"{where}: {item!r} is not a line number")
        if isinstance(item, int):
            yield item, True
            continue
        match = _RANGE.match(str(item))
        if not match:
            raise BuildError(f"{where}: {item!r} is neither a line number nor a range like '9-15'")
        start = int(match.group(1))
        end = int(match.group(2) or start)
        if end < start:
            raise BuildError(f"{where}: range {item!r} runs backwards")
        for number in range(start, end + 1):
            yield number, number in (start, end)


def load_gold(
    curated_dir: Path, doc_id: str, raw_line_count: int, raw_lines: list[str] | None = None
) -> Gold | None:
    """Read and validate one gold file; None when the page has none.

    ``raw_line_count`` is the number of lines of the decoded page (blank ones included). When
    ``raw_lines`` is given, blank lines must not be labelled and every non-empty line must be.
    """
    path = gold_path(curated_dir, doc_id)
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise BuildError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except yaml.YAMLError as exc:
        raise malformed_yaml(path, exc) from exc
    if not isinstance(data, dict):
        raise BuildError(f"{path}: expected a mapping at the top level")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise BuildError(f"{path}: unknown keys {sorted(unknown)} (allowed: {sorted(_TOP_KEYS)})")
    for key in sorted(_TOP_KEYS):
        if not isinstance(data.get(key), dict):
            raise BuildError(f"{path}: '{key}' is missing or not a mapping")

    provenance = data["provenance"]
    if set(provenance) != _PROVENANCE_KEYS:
        raise BuildError(f"{path}: provenance needs exactly the keys {sorted(_PROVENANCE_KEYS)}")
    if provenance["made_by"] != "maintainers":
        raise BuildError(f"{path}: provenance.made_by must be 'maintainers' (gold is written by people)")

    metadata = data["metadata"]
    if set(metadata) != set(METADATA_FIELDS):
        raise BuildError(f"{path}: metadata needs exactly the keys {list(METADATA_FIELDS)}")
    for key, value in metadata.items():
        if value is not None and not isinstance(value, str):
            raise BuildError(f"{path}: metadata.{key} must be a string or null (quote dates)")

    lines = data["lines"]
    unknown = set(lines) - set(LINE_LABELS)
    if unknown:
        raise BuildError(f"{path}: unknown labels {sorted(unknown)} (allowed: {list(LINE_LABELS)})")
    labels: dict[int, str] = {}
    for label in LINE_LABELS:
        for number, explicit in _expand(lines.get(label), f"{path}: lines.{label}"):
            if not 1 <= number <= raw_line_count:
                raise BuildError(
                    f"{path}: line {number} under {label} is past the end (page has {raw_line_count} lines)"
                )
            if raw_lines is not None and not raw_lines[number - 1].strip():
                if explicit:
                    raise BuildError(
                        f"{path}: line {number} under {label} is blank; only non-empty lines are labelled"
                    )
                continue  # blank line inside a range
            if number in labels:
                raise BuildError(f"{path}: line {number} is listed twice ({labels[number]} and {label})")
            labels[number] = label
    if raw_lines is not None:
        missing = [i for i, text in enumerate(raw_lines, start=1) if text.strip() and i not in labels]
        if missing:
            raise BuildError(f"{path}: non-empty lines without a label: {missing[:20]}")
    return Gold(
        doc_id=doc_id,
        path=path,
        provenance={k: str(v) for k, v in provenance.items()},
        metadata={k: metadata[k] for k in METADATA_FIELDS},
        labels=dict(sorted(labels.items())),
    )
