"""Issue 9: paragraph near-duplicates at scale. Exact copies are grouped before LSH, pairs are
formed among first copies only, lists are capped and counted in full, and short paragraphs are
not compared: the same relation as all pairs, without the quadratic lists."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from builders.config import section
from builders.enrich.line_index import SignatureIndex
from builders.enrich.near_duplicates import NearDuplicateIndex, ParagraphNeighbours, normalise


def _brute_force(doc_ids: list[str], para_doc: list[int], para_index: list[int], copy_of: list[int], pairs: set[tuple[int, int]]) -> list[list[tuple[str, int]]]:
    """Every paragraph's near-duplicates in other documents, by (document id, index)."""
    linked = pairs | {(b, a) for a, b in pairs}
    out = []
    for p in range(len(para_doc)):
        others = [
            q
            for q in range(len(para_doc))
            if q != p
            and para_doc[q] != para_doc[p]
            and (copy_of[q] == copy_of[p] or (copy_of[p], copy_of[q]) in linked)
        ]
        out.append(sorted((doc_ids[para_doc[q]], para_index[q]) for q in others))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_listed_and_counted_neighbours_equal_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    # Ids whose string order differs from their ordinal order.
    doc_ids = [f"d{rng.randrange(10**6):06d}-{i}" for i in range(40)]
    para_doc, para_index, copy_of = [], [], []
    for d in range(len(doc_ids)):
        for i in range(rng.randint(1, 6)):
            ordinal = len(para_doc)
            para_doc.append(d)
            para_index.append(i)
            # A third of the paragraphs copy an earlier one (some in their own document).
            earlier = rng.randrange(ordinal) if ordinal and rng.random() < 0.35 else ordinal
            copy_of.append(copy_of[earlier] if earlier != ordinal else ordinal)
    heads = sorted(set(copy_of))
    pairs = {tuple(sorted(rng.sample(heads, 2))) for _ in range(25)}
    expected = _brute_force(doc_ids, para_doc, para_index, copy_of, pairs)
    assert max(len(e) for e in expected) > 3, "groups must exceed the cap for the test to prove anything"
    for listed in (0, 3, 1000):
        neighbours = ParagraphNeighbours(
            doc_ids,
            para_doc=np.array(para_doc, dtype=np.uint32),
            para_index=np.array(para_index, dtype=np.uint32),
            copy_of=np.array(copy_of),
            pairs=np.array(sorted(pairs), dtype=np.int64),
            listed=listed,
        )
        for p, want in enumerate(expected):
            ids, count = neighbours.of(para_doc[p], para_index[p])
            assert count == len(want)
            assert ids == [f"{d}-p{i:04d}" for d, i in want[:listed]]


def test_a_negative_cap_is_refused() -> None:
    with pytest.raises(ValueError, match="paragraph_ids_listed"):
        ParagraphNeighbours(["a"], np.zeros(1, np.uint32), np.zeros(1, np.uint32), np.zeros(1), np.empty((0, 2)), listed=-1)


def _texts(seed: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = "算力芯片英伟达华为模型训练推理市场价格国产供应数据中心集群需求增长企业发布"
    base = ["".join(rng.choice(alphabet) for _ in range(rng.randint(30, 90))) for _ in range(60)]
    edited = []
    for text in base[:20]:  # near-duplicates: a character or two changed
        chars = list(text)
        chars[rng.randrange(len(chars))] = rng.choice(alphabet)
        edited.append("".join(chars))
    copies = [base[0]] * 12 + [base[1]] * 5 + [edited[0]] * 4  # exact copies, in large groups
    texts = base + edited + copies + ["", ""]
    rng.shuffle(texts)
    return texts


def test_copies_then_pairs_of_first_copies_give_every_pair(tmp_path: Path) -> None:
    reference = NearDuplicateIndex(script_normalise=False)
    index = SignatureIndex(tmp_path, "t", reference.num_perm, reference.threshold)
    texts = _texts(4)
    for text in texts:
        index.add(reference.signature(text))
    copy_of = index.copies()
    # Copies: the first ordinal of the same text (signatures of different texts differ here).
    first: dict[str, int] = {}
    for ordinal, text in enumerate(texts):
        assert copy_of[ordinal] == (first.setdefault(text, ordinal) if text else ordinal)
    heads = copy_of == np.arange(len(texts))
    assert (~heads).sum() > 15
    # Pairs among first copies, expanded over the copy groups, are all the pairs.
    among = {tuple(p) for p in index.pairs(among=heads).tolist()}
    members: dict[int, list[int]] = {}
    for ordinal, head in enumerate(copy_of.tolist()):
        members.setdefault(head, []).append(ordinal)
    expanded = {tuple(sorted(p)) for group in members.values() for p in itertools.combinations(group, 2) if texts[group[0]]}
    for a, b in among:
        expanded |= {tuple(sorted((x, y))) for x in members[a] for y in members[b]}
    assert expanded == {tuple(p) for p in index.pairs().tolist()}
    assert among, "the texts must contain near-duplicates that are not copies"


def test_short_parts_get_no_signature_and_leave_the_first_unchanged() -> None:
    index = NearDuplicateIndex(script_normalise=False)
    long_part, short_part = "英伟达在上海发布了新一代训练芯片，国产算力企业加快布局推理市场。", "海光信息仍有差距"
    document = f"{long_part}\n\n{short_part}"
    whole = index.signatures([document, long_part, short_part])
    limited = index.signatures([document, long_part, short_part], parts_min_chars=20)
    assert len(normalise(short_part)) < 20 <= len(normalise(long_part))
    assert limited == [whole[0], whole[1], b""]
    assert whole[2]


@pytest.fixture(scope="module")
def generated_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmarks.generate import generate
    from builders import pipeline
    from tests.test_parallel import _paths

    crawl = generate(tmp_path_factory.mktemp("crawl") / "corpus", 120, seed=21)
    out = tmp_path_factory.mktemp("built") / "dataset"
    pipeline.build(out, _paths(crawl), workers=1)
    return out


def test_built_paragraph_lists_are_capped_counted_and_symmetric(generated_build: Path) -> None:
    cfg = section("near_duplicates")
    listed, min_chars = int(cfg["paragraph_ids_listed"]), int(cfg["paragraph_min_chars"])
    rows = {
        r["id"]: r
        for path in (generated_build / "data" / "paragraphs").glob("*.parquet")
        for r in pq.read_table(path, columns=["id", "document_id", "text_zh_hans", "near_duplicate_ids", "near_duplicate_count"]).to_pylist()
    }
    with_any = [r for r in rows.values() if r["near_duplicate_count"]]
    assert with_any, "the generated crawl must have paragraph near-duplicates"
    for r in rows.values():
        ids = r["near_duplicate_ids"]
        assert len(ids) == min(listed, r["near_duplicate_count"])
        assert all(rows[other]["document_id"] != r["document_id"] for other in ids)
        if len(normalise(r["text_zh_hans"])) < min_chars:
            assert r["near_duplicate_count"] == 0, r["id"]
        for other in ids:  # the relation is symmetric (both lists are whole here)
            if rows[other]["near_duplicate_count"] <= listed:
                assert r["id"] in rows[other]["near_duplicate_ids"]


def test_built_near_duplicate_documents_share_a_split(generated_build: Path) -> None:
    """Mutation this catches: the pipeline assigning splits without the near-duplicate groups
    (every document its own group) puts some pair of the generated crawl's near-duplicates into
    two splits."""
    split_of: dict[str, str] = {}
    near: dict[str, list[str]] = {}
    files = sorted((generated_build / "data" / "documents").glob("*.parquet"))
    assert len(files) == 3, files
    for path in files:
        split = path.name.split("-")[0]
        for row in pq.read_table(path, columns=["id", "quality"]).to_pylist():
            split_of[row["id"]] = split
            near[row["id"]] = row["quality"]["near_duplicate_ids"]
    pairs = [(doc, other) for doc, others in near.items() for other in others]
    # Enough pairs that a split function ignoring groups would put some apart (each pair lands
    # in one split by chance with probability ~0.6 at 80/10/10).
    assert len(pairs) >= 20, f"the generated crawl must have near-duplicate documents, found {len(pairs)} pairs"
    apart = [(doc, other) for doc, other in pairs if split_of[doc] != split_of[other]]
    assert not apart, apart[:5]
