"""The topic taxonomy (schema/topics.yaml) and the transparent cue-lexicon topic labeler.

Score of a topic = sum over its cue words of weight * log(1 + occurrences in the Simplified
text), divided by sqrt(text length in thousands of characters, at least 1). Log damping rewards
breadth of evidence over one repeated word; the length factor keeps long articles from
collecting every topic. Cue words are plain strings in topics.yaml, so every score can be
recomputed by hand.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from builders.config import default_paths
from builders.record import BuildError

TOPIC_KEYS = frozenset(
    {"id", "zh_hans", "zh_hant", "en", "definition", "iptc", "cues", "strong_cues", "retired"}
)
REQUIRED_TOPIC_KEYS = ("id", "zh_hans", "zh_hant", "en", "definition", "iptc", "cues")


@dataclass(frozen=True)
class Topic:
    id: str
    zh_hans: str
    zh_hant: str
    en: str
    definition: str
    iptc_code: str
    iptc_label: str
    cues: tuple[str, ...]
    strong_cues: tuple[str, ...] = ()
    retired: bool = False


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...]
    snapshot: Mapping[str, Any]
    version: str

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.topics)

    def active(self) -> tuple[Topic, ...]:
        return tuple(t for t in self.topics if not t.retired)


@dataclass(frozen=True)
class TopicOptions:
    strong_cue_weight: float = 3.0
    threshold: float = 1.0
    relative_threshold: float = 0.3
    max_topics: int = 8


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Parse and check topics.yaml; problems raise BuildError naming the file and the reason."""
    path = path or default_paths().schema / "topics.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BuildError(f"{path}: cannot read the taxonomy: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
        raise BuildError(f"{path}: expected a mapping with a 'topics' list")
    topics: list[Topic] = []
    seen: set[str] = set()
    for pos, item in enumerate(data["topics"]):
        where = f"{path}: topics[{pos}]"
        if not isinstance(item, dict):
            raise BuildError(f"{where}: expected a mapping")
        unknown = set(item) - TOPIC_KEYS
        if unknown:
            raise BuildError(f"{where}: unknown keys {sorted(unknown)}")
        missing = [k for k in REQUIRED_TOPIC_KEYS if k not in item]
        if missing:
            raise BuildError(f"{where}: missing keys {missing}")
        tid = str(item["id"])
        if tid in seen:
            raise BuildError(f"{where}: duplicate topic id {tid!r}")
        seen.add(tid)
        iptc = item["iptc"]
        if not isinstance(iptc, dict) or not str(iptc.get("code", "")).startswith("medtop:"):
            raise BuildError(f"{where} ({tid}): iptc must be {{code: 'medtop:...', label_en: ...}}")
        cues = tuple(str(c) for c in item.get("cues") or ())
        strong = tuple(str(c) for c in item.get("strong_cues") or ())
        if not cues and not strong:
            raise BuildError(f"{where} ({tid}): no cue words")
        topics.append(
            Topic(
                id=tid,
                zh_hans=str(item["zh_hans"]),
                zh_hant=str(item["zh_hant"]),
                en=str(item["en"]),
                definition=str(item["definition"]),
                iptc_code=str(iptc["code"]),
                iptc_label=str(iptc.get("label_en", "")),
                cues=cues,
                strong_cues=strong,
                retired=bool(item.get("retired", False)),
            )
        )
    return Taxonomy(tuple(topics), dict(data.get("snapshot") or {}), str(data.get("version", "1.0")))


@cache
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()


def _count(text: str, cue: str) -> int:
    return text.count(cue.lower())


def cue_evidence(text_hans: str, topic: Topic, options: TopicOptions) -> dict[str, float]:
    """Per-cue contribution (weight * log(1 + count)) for the cues that occur: the explanation
    of a topic's score."""
    return _evidence(text_hans.lower(), topic, options)


def _evidence(text: str, topic: Topic, options: TopicOptions) -> dict[str, float]:
    """:func:`cue_evidence` of an already lower-cased text."""
    out: dict[str, float] = {}
    for cue, weight in [(c, options.strong_cue_weight) for c in topic.strong_cues] + [
        (c, 1.0) for c in topic.cues
    ]:
        n = _count(text, cue)
        if n:
            out[cue] = out.get(cue, 0.0) + weight * math.log1p(n)
    return out


def length_factor(text_hans: str) -> float:
    chars = sum(1 for ch in text_hans if not ch.isspace())
    return math.sqrt(max(1.0, chars / 1000.0))


def score_topics(text_hans: str, taxonomy: Taxonomy, options: TopicOptions) -> list[tuple[str, float]]:
    """(topic id, score) for every active topic with score > 0, highest first (ties in
    taxonomy order). Scores are rounded to 6 decimals so they are stable across platforms."""
    factor = length_factor(text_hans)
    text = text_hans.lower()  # once, not once per topic
    scored = []
    for order, topic in enumerate(taxonomy.active()):
        score = round(sum(_evidence(text, topic, options).values()) / factor, 6)
        if score > 0:
            scored.append((order, topic.id, score))
    scored.sort(key=lambda x: (-x[2], x[0]))
    return [(tid, score) for _, tid, score in scored]


def select_topics(scores: Sequence[tuple[str, float]], options: TopicOptions) -> list[str]:
    """Topics at or above the absolute and relative thresholds (at most max_topics); when none
    qualifies, the single best-scoring topic (every document gets at least one)."""
    if not scores:
        return []
    best = scores[0][1]
    chosen = [tid for tid, s in scores if s >= options.threshold and s >= options.relative_threshold * best][
        : options.max_topics
    ]
    return chosen or [scores[0][0]]


def topic_options(config: Mapping[str, Any]) -> TopicOptions:
    return TopicOptions(
        strong_cue_weight=float(config["strong_cue_weight"]),
        threshold=float(config["threshold"]),
        relative_threshold=float(config["relative_threshold"]),
        max_topics=int(config["max_topics"]),
    )


def known_ids(taxonomy: Taxonomy) -> frozenset[str]:
    return frozenset(taxonomy.ids)


def check_ids(ids: Iterable[str], taxonomy: Taxonomy) -> list[str]:
    """The ids not in the taxonomy (empty when all are known)."""
    known = known_ids(taxonomy)
    return [i for i in ids if i not in known]
