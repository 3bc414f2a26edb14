"""Maintainer-written annotations: corpus/curated/annotations/<doc_id>.yaml.

One file per document: provenance {made_by, created, guideline}, summary_zh_hans (80-200
characters, Simplified script), summary_en, topics (gold topic ids). Every problem raises
BuildError naming the file and the reason: a silently skipped gold label would corrupt both the
dataset and its evaluation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from builders.annotate.topics import default_taxonomy
from builders.ingest.sources import malformed_yaml
from builders.record import BuildError

ANNOTATIONS_SUBDIR = "annotations"
KEYS = frozenset({"provenance", "summary_zh_hans", "summary_en", "topics"})
PROVENANCE_KEYS = frozenset({"made_by", "created", "guideline"})
# annotation-v1 (docs/annotation-guideline.md): the zh-Hans summary is 80-200 characters.
MIN_SUMMARY_CHARS = 80
MAX_SUMMARY_CHARS = 200
_HAN = re.compile(r"[\u3400-\u9fff]")
_CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) | (?=[\u3000-\u9fff\uff00-\uffef])")


@dataclass(frozen=True)
class CuratedAnnotation:
    doc_id: str
    summary_zh_hans: str
    summary_en: str
    topics: tuple[str, ...]
    made_by: str
    created: str  # ISO 8601 date
    guideline: str
    path: Path


def annotations_dir(curated_dir: Path) -> Path:
    """``curated_dir`` is corpus/curated (Paths.curated); its annotations/ folder is also accepted."""
    return curated_dir if curated_dir.name == ANNOTATIONS_SUBDIR else curated_dir / ANNOTATIONS_SUBDIR


def load_curated(
    curated_dir: Path, doc_ids: set[str], *, topic_ids: Iterable[str] | None = None
) -> dict[str, CuratedAnnotation]:
    """All curated annotations, keyed by document id (documents without one are simply absent)."""
    folder = annotations_dir(curated_dir)
    known_topics = frozenset(topic_ids) if topic_ids is not None else frozenset(default_taxonomy().ids)
    out: dict[str, CuratedAnnotation] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix not in (".yaml", ".yml"):
            raise BuildError(f"{path}: unexpected file in {folder} (curated annotations are <doc_id>.yaml)")
        ann = parse_annotation(path, known_topics)
        if ann.doc_id not in doc_ids:
            raise BuildError(f"{path}: unknown document id {ann.doc_id!r} (not in corpus/sources.yaml)")
        if ann.doc_id in out:
            other = out[ann.doc_id].path.name
            raise BuildError(f"{path}: second annotation for {ann.doc_id!r} (also {other})")
        out[ann.doc_id] = ann
    return out


def _text(path: Path, data: dict, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BuildError(f"{path}: {key} must be a non-empty string")
    text = " ".join(value.split())
    # YAML line folding may leave spaces between Chinese characters; spaces between Latin words stay.
    return text if key == "summary_en" else _CJK_SPACE.sub("", text)


def parse_annotation(path: Path, known_topics: frozenset[str]) -> CuratedAnnotation:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise BuildError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except yaml.YAMLError as exc:
        raise malformed_yaml(path, exc) from exc
    except OSError as exc:
        raise BuildError(f"{path}: cannot read ({exc.strerror})") from exc
    if not isinstance(data, dict):
        raise BuildError(f"{path}: expected a mapping")
    unknown = sorted(set(map(str, data)) - KEYS)
    if unknown:
        raise BuildError(f"{path}: unknown keys {unknown}")
    missing = sorted(KEYS - set(data))
    if missing:
        raise BuildError(f"{path}: missing fields {missing}")
    prov = data["provenance"]
    if not isinstance(prov, dict):
        raise BuildError(f"{path}: provenance must be a mapping")
    unknown = sorted(set(map(str, prov)) - PROVENANCE_KEYS)
    if unknown:
        raise BuildError(f"{path}: unknown keys in provenance {unknown}")
    missing = sorted(PROVENANCE_KEYS - set(prov))
    if missing:
        raise BuildError(f"{path}: missing provenance fields {missing}")
    created = str(prov["created"])
    try:
        dt.date.fromisoformat(created)
    except ValueError as exc:
        raise BuildError(f"{path}: provenance.created {created!r} is not an ISO 8601 date") from exc
    zh = _text(path, data, "summary_zh_hans")
    en = _text(path, data, "summary_en")
    if not MIN_SUMMARY_CHARS <= len(zh) <= MAX_SUMMARY_CHARS:
        raise BuildError(
            f"{path}: summary_zh_hans has {len(zh)} characters "
            f"(guideline: {MIN_SUMMARY_CHARS}-{MAX_SUMMARY_CHARS})"
        )
    if _HAN.search(en):
        raise BuildError(f"{path}: summary_en contains Han characters")
    topics = data["topics"]
    if not isinstance(topics, list) or not topics:
        raise BuildError(f"{path}: topics must be a non-empty list of topic ids")
    topics = [str(t) for t in topics]
    bad = [t for t in topics if t not in known_topics]
    if bad:
        raise BuildError(f"{path}: unknown topic id(s) {bad} (see schema/topics.yaml)")
    if len(set(topics)) != len(topics):
        raise BuildError(f"{path}: duplicate topic ids")
    return CuratedAnnotation(
        doc_id=path.stem,
        summary_zh_hans=zh,
        summary_en=en,
        topics=tuple(topics),
        made_by=str(prov["made_by"]),
        created=created,
        guideline=str(prov["guideline"]),
        path=path,
    )
