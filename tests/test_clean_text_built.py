"""Issue 3, on the *built* Parquet: no clean text carries converter noise, mojibake, markup,
odd spaces or stuffed keywords; the spun seed is flagged and its substitution log is there."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq

from builders.stats import parquet_files

PINYIN_NOTE = re.compile(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>")
JUNK = re.compile("[\ufffd\ue000-\uf8ff\u3100-\u312f\u31a0-\u31bf\u0370-\u03ff\u0400-\u04ff\u2500-\u257f]")
ODD_SPACE = re.compile("[\u00a0\u3000\u200b\u200c\u200d\ufeff]")


def _rows(dataset: Path, config: str) -> Iterator[dict]:
    for path in parquet_files(dataset, config).values():
        yield from pq.read_table(path).to_pylist()


def _clean_fields(dataset: Path) -> Iterator[tuple[str, str]]:
    for row in _rows(dataset, "documents"):
        for name in ("title", "title_zh_hans", "title_zh_hant", "text", "text_zh_hans", "text_zh_hant",
                     "summary_zh_hans", "summary_zh_hant"):
            if row[name]:
                yield f"{row['id']}.{name}", row[name]
    for row in _rows(dataset, "paragraphs"):
        for name in ("text", "text_zh_hans", "text_zh_hant"):
            yield f"{row['id']}.{name}", row[name]


def test_clean_text_has_no_noise(built_dataset: Path) -> None:
    problems = []
    for where, text in _clean_fields(built_dataset):
        for name, pattern in (("pinyin note", PINYIN_NOTE), ("html tag", HTML_TAG), ("mojibake", JUNK), ("odd space", ODD_SPACE)):
            m = pattern.search(text)
            if m:
                problems.append((where, name, text[max(0, m.start() - 10): m.end() + 10]))
    assert problems == []


def test_the_garbled_runs_of_the_traditional_seed_are_gone(built_dataset: Path, repo_root: Path) -> None:
    raw = (repo_root / "corpus/raw/004_697f46d78217372b.txt").read_text(encoding="utf-8")
    # Characters that occur in the raw page only inside the shifted-GBK runs (after "?(pinyin)").
    runs = re.findall(r"\?\(?[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)([^\x00-\x7f]+)", raw)
    assert runs, "the seed should contain shifted-GBK runs"
    rest = raw
    for run in runs:
        rest = rest.replace(run, "")
    rare = {c for run in runs for c in run} - set(rest)
    assert len(rare) >= 5
    doc = next(r for r in _rows(built_dataset, "documents") if r["id"].startswith("004_"))
    assert not (rare & set(doc["text"])), rare & set(doc["text"])
    kinds = {r["kind"] for r in _rows(built_dataset, "repairs") if r["document_id"] == doc["id"]}
    assert {"pinyin-note", "gbk-realign"} <= kinds
    assert "通用算力中心" in doc["text_zh_hans"].replace("中國", "中国")


def test_spun_seed_flagged_restored_and_logged(built_dataset: Path) -> None:
    docs = {r["id"][:3]: r for r in _rows(built_dataset, "documents")}
    spun = docs["000"]
    assert spun["quality"]["is_spun"] and spun["quality"]["is_stuffed"]
    assert spun["text_spun"] and spun["text_spun"] != spun["text"]
    repairs = [r for r in _rows(built_dataset, "repairs") if r["document_id"] == spun["id"]]
    assert spun["quality"]["repairs"] == len(repairs)
    assert [r["repair_index"] for r in repairs] == list(range(len(repairs)))
    restores = [r for r in repairs if r["kind"] == "spin-restore"]
    stuffing = [r for r in repairs if r["kind"] == "keyword-stuffing"]
    assert {r["method"] for r in restores} == {"spin-lexicon"}
    assert {r["method"] for r in stuffing} == {"keyword-stuffing"}
    assert len(restores) > 50 and len(stuffing) >= 5
    # spinner forms are gone from the restored text, present in the spun original
    for spun_form, original in (("家养智能", "人工智能"), ("大模子", "大模型")):
        assert spun_form in spun["text_spun"] and spun_form not in spun["text"]
        assert original in spun["text"]
    # the stuffed keyword survives only where the article itself quotes it
    assert all(spun["text"][m.start() - 1] == "“" for m in re.finditer("饥渴", spun["text"]))
    for key in ("001", "002", "003", "004"):
        q = docs[key]["quality"]
        assert not q["is_spun"] and not q["is_stuffed"] and docs[key]["text_spun"] is None


def test_summaries_of_the_spun_seed_are_restored_and_destuffed(built_dataset: Path, repo_root: Path) -> None:
    """Issue 18: the built LEAD-3 and TextRank summaries of seed 000 come from the restored,
    de-stuffed text: no spun form of the list read from the page, no stuffed keyword of the
    list counted by reading it (and the text has none)."""
    forms = [f for f in (repo_root / "tests/fixtures/seed000_spun_forms.txt").read_text(encoding="utf-8").splitlines()
             if f and not f.startswith("#")]
    doc = next(r for r in _rows(built_dataset, "documents") if r["id"].startswith("000_"))
    removed = [r["before"] for r in _rows(built_dataset, "repairs")
               if r["document_id"] == doc["id"] and r["kind"] == "keyword-stuffing"]
    assert len(removed) >= 15
    automatic = [s for s in doc["summaries"] if s["script"] == "Hans" and s["provenance"] == "automatic"]
    assert len(automatic) >= 2 and doc["summary_zh_hans"]
    stuffed = [r.split("\t") for r in (repo_root / "tests/fixtures/seed000_stuffed.tsv").read_text(encoding="utf-8").splitlines()
               if r and not r.startswith("#") and not r.startswith("with\t")]
    body = doc["text"].replace("\n", "")
    assert [w for w, _ in stuffed if w in body] == [] and [w for w, without in stuffed if without not in body] == []
    for text in [s["text"] for s in automatic] + [doc["summary_zh_hans"]]:
        assert [f for f in forms if f in text] == []
        assert [b for b in removed if b in text] == []
        assert [w for w, _ in stuffed if w in text] == []
        assert all(text[m.start() - 1] == "“" for m in re.finditer("饥渴", text))
