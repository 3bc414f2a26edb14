"""Stand-in per-document stages for *memory-scaling* runs of the benchmark (docs/performance.md).

    python -m benchmarks.run --pages 1000 10000 100000 --workers 2 --preload benchmarks.stand_in_stages

Importing this module before the builders replaces clean / metadata / scripts / annotate with
trivial functions (a line-length and cross-page repetition cleaner, identity conversion, a
lead-sentence summary) and the MinHash signature with one shake_256 call of the same size and
format. Everything else stays real: ingest, the line index, row encoding and JSON Schema
validation, spill, near-duplicates, split, Parquet, card, Croissant, fingerprints, manifest. It
measures what the *pipeline* holds as N grows without waiting hours for the real stages. Never
imported by the builders or the tests.
"""

from __future__ import annotations

import hashlib
import sys
import types
from typing import Any

import numpy as np

from builders.record import Document, Field, Summary, TopicScore


def _module(name: str, **attrs: Any) -> types.ModuleType:
    mod = types.ModuleType(name)
    mod.__dict__.update(attrs)
    sys.modules[name] = mod
    return mod


def line_key(text: str) -> int | None:
    stripped = text.strip()
    if len(stripped) <= 5:
        return None
    return int.from_bytes(hashlib.blake2b(stripped.encode("utf-8"), digest_size=8).digest(), "big")


def clean_document(doc: Document, counts: Any, n_docs: int) -> Document:
    for line in doc.lines:
        stripped = line.raw.strip()
        key = line_key(line.raw)
        if not stripped:
            line.label, line.reason = "boilerplate", "blank"
        elif len(stripped) < 25:
            line.label, line.reason = "boilerplate", "short-fragment"
        elif key is not None and counts.get(key, 0) >= 3:
            line.label, line.reason = "boilerplate", "repeated-across-corpus"
    doc.text = "\n\n".join(line.text.strip() for line in doc.lines if line.label == "content")
    return doc


class _Gold:
    def label_of(self, _n: int) -> None:
        return None


def extract_metadata(doc: Document) -> Document:
    doc.title = Field(doc.lines[0].raw.strip() or None, "first-line")
    return doc


class _Identity:
    def to_hans(self, text: str) -> str:
        return text

    def to_hant(self, text: str) -> str:
        return text

    def info(self) -> dict[str, str]:
        return {"library": "stand-in", "library_version": "0", "to_hans": "t2s", "to_hant": "s2tw", "phrase_table": "0"}


def apply_scripts(doc: Document) -> Document:
    doc.text_zh_hans = doc.text_zh_hant = doc.text
    for p in doc.paragraphs:
        p.text_zh_hans = p.text_zh_hant = p.text
    doc.title_zh_hans = doc.title_zh_hant = doc.title.value
    doc.conversion = _Identity().info()
    doc.script_evidence = {"han_chars": 1, "t2s_changed_share": 0.0, "s2t_changed_share": 0.1}
    return doc


def annotate_document(doc: Document, curated: Any, to_hant: Any) -> Document:
    lead = doc.paragraphs[0].text[:100] if doc.paragraphs else "—"
    doc.summaries = [Summary("zh", "Hans", lead, "lead3", "1.0", "automatic"), Summary("zh", "Hant", lead, "lead3", "1.0", "automatic")]
    doc.summary_source, doc.summary_zh_hans, doc.summary_zh_hant = "lead3", lead, lead
    doc.topics, doc.topics_source = ["gpu_supply"], "stand-in"
    doc.topic_scores, doc.keywords = [TopicScore("gpu_supply", 0.5, "stand-in@0")], ["算力"]
    return doc


_module("builders.clean", clean_document=clean_document, line_key=line_key)
_module("builders.clean.gold", load_gold=lambda *a, **k: None)
_module("builders.enrich.metadata", extract_metadata=extract_metadata)
_module("builders.textscript.convert", get_converter=lambda: _Identity())
_module("builders.enrich.script", apply_scripts=apply_scripts)
_module("builders.annotate", annotate_document=annotate_document, warm_up=lambda: None)
_module("builders.annotate.curated", load_curated=lambda *a, **k: {}, CuratedAnnotation=object)

from builders.enrich.near_duplicates import NearDuplicateIndex, normalise  # noqa: E402  (after the stand-ins)


def _signature(self: NearDuplicateIndex, text: str) -> bytes:
    if not text.strip():
        return b""
    raw = hashlib.shake_256(text.encode("utf-8")).digest(self.num_perm * 4)
    return np.frombuffer(raw, dtype="<u4").astype(np.uint64).tobytes()


def _signatures(self: NearDuplicateIndex, texts: list[str], parts_min_chars: int = 0) -> list[bytes]:
    # The real rule for short paragraphs, so the near-duplicate step sees what it would.
    return [_signature(self, t) if i == 0 or len(normalise(t)) >= parts_min_chars else b"" for i, t in enumerate(texts)]


NearDuplicateIndex.signature = _signature  # type: ignore[method-assign]
NearDuplicateIndex.signatures = _signatures  # type: ignore[method-assign]
