"""Issue 9: a multi-process build is byte-identical to a single-process one, and the compact
corpus-level indexes and the compiled row encoder give exactly what the simple versions give."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from benchmarks.generate import generate
from builders import pipeline
from builders.config import Paths, default_paths
from builders.enrich.line_index import LineDocCounts, SignatureIndex
from builders.enrich.near_duplicates import NearDuplicateIndex
from builders.record import BuildError
from tests.conftest import tree_digest

PAGES = 60


def _paths(corpus: Path) -> Paths:
    base = default_paths()
    return Paths(corpus=corpus, schema=base.schema, docs=base.docs)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated crawl: both scripts, boilerplate, spun pages, re-posts and near-duplicates."""
    return generate(tmp_path_factory.mktemp("crawl") / "corpus", PAGES, seed=7)


@pytest.fixture(scope="module")
def single(crawl: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("single") / "dataset"
    pipeline.build(out, _paths(crawl), workers=1)
    return out


def test_generator_is_deterministic(crawl: Path, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", PAGES, seed=7)
    assert tree_digest(again) == tree_digest(crawl)
    other = generate(tmp_path / "other", PAGES, seed=8)
    assert tree_digest(other) != tree_digest(crawl)


def test_two_workers_equal_one(crawl: Path, single: Path, tmp_path: Path) -> None:
    out = tmp_path / "parallel"
    report = pipeline.build(out, _paths(crawl), workers=2)
    assert report.documents == PAGES
    assert tree_digest(out) == tree_digest(single)


def test_generated_crawl_exercises_near_duplicates(single: Path) -> None:
    import pyarrow.parquet as pq

    docs = [r for p in (single / "data" / "documents").glob("*.parquet") for r in pq.read_table(p).to_pylist()]
    assert len(docs) == PAGES
    assert any(d["quality"]["near_duplicate_ids"] for d in docs), "no re-posts found: the test would prove little"
    assert len({d["script"] for d in docs}) >= 2


def test_out_of_order_executor_is_refused(crawl: Path, tmp_path: Path) -> None:
    def backwards(ctx: pipeline._Context, sources: list) -> list:
        return [pipeline.process_with(ctx, s) for s in reversed(sources[:3])]

    small = tmp_path / "small"
    generate(small, 3, seed=3)
    with pytest.raises(BuildError, match="out of order"):
        pipeline.build(tmp_path / "out", _paths(small), executor=backwards)


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = "算力芯片英伟达华为模型训练推理市场价格国产供应数据中心集群需求增长企业发布"
    base = ["".join(rng.choice(alphabet) for _ in range(rng.randint(30, 120))) for _ in range(n)]
    texts = list(base)
    for i in range(n // 3):  # near-duplicates: a few characters changed
        t = list(base[i])
        for _ in range(rng.randint(0, 4)):
            t[rng.randrange(len(t))] = rng.choice(alphabet)
        texts.append("".join(t))
    texts += ["", "短"]
    return texts


def test_signature_index_pairs_equal_datasketch_groups(tmp_path: Path) -> None:
    texts = _texts(150, seed=1)
    keys = [f"k{i:04d}" for i in range(len(texts))]
    reference = NearDuplicateIndex(script_normalise=False)
    compact = SignatureIndex(tmp_path, "t", reference.num_perm, reference.threshold)
    for key, text in zip(keys, texts, strict=True):
        reference.add(key, text)
        compact.add(reference.signature(text))
    expected = {k: v for k, v in reference.groups().items() if v}
    got: dict[str, list[str]] = {}
    for a, b in compact.pairs().tolist():
        got.setdefault(keys[a], []).append(keys[b])
        got.setdefault(keys[b], []).append(keys[a])
    assert expected, "the texts must contain near-duplicates"
    assert {k: sorted(v) for k, v in got.items()} == expected


def test_line_counts_spill_equals_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    import builders.enrich.line_index as li

    rng = np.random.default_rng(5)
    docs = [list(rng.integers(0, 400, size=30).tolist()) + [2**63 + int(x) for x in rng.integers(0, 50, 5)] for _ in range(200)]
    monkeypatch.setattr(li, "_FLUSH_KEYS", 64)  # many flushes into the partitions
    counts = LineDocCounts.from_document_keys(docs)
    naive: dict[int, int] = {}
    for keys in docs:
        for k in set(keys):
            naive[k] = naive.get(k, 0) + 1
    assert dict(counts.items()) == {k: v for k, v in naive.items() if v >= 2}
    assert list(counts) == sorted(counts)


def test_fast_encoder_equals_features_and_jsonschema(built_dataset: Path) -> None:
    import pyarrow.parquet as pq

    from builders.executors.rows import encode_rows as fast
    from builders.export.parquet import encode_rows as slow
    from builders.schema import features

    for config in ("documents", "paragraphs", "lines"):
        feats = features(config)
        for path in (built_dataset / "data" / config).glob("*.parquet"):
            rows = [feats.decode_example(r) for r in pq.read_table(path).to_pylist()]  # label names again
            assert fast(config, rows) == slow(config, rows)
    bad = [feats.decode_example(r) for r in pq.read_table(next((built_dataset / "data" / "lines").glob("*.parquet"))).to_pylist()[:1]]
    bad[0]["line_number"] = -3
    with pytest.raises(BuildError) as fast_err:
        fast("lines", bad)
    with pytest.raises(BuildError) as slow_err:
        slow("lines", bad)
    assert str(fast_err.value) == str(slow_err.value)
