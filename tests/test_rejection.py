"""Issue 17: one bad page never stops the build.

A page that cannot be processed is set aside (rejected.json, the build summary, the card) and
the build goes on and exits 0; ``--strict`` makes it exit 2 with the previous output untouched;
limits apply to visible text, never to markup; ``zhnews validate`` lists every problem.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.test_robust_support import (
    ARTICLES,
    cli,
    make_corpus,
    page_text,
    source_entry,
    tree_digest,
    write_sources,
)

BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


def _add_page(corpus: Path, doc_id: str, name: str, data: bytes) -> None:
    import yaml

    entries = yaml.safe_load((corpus / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    (corpus / "raw" / name).write_bytes(data)
    entries.append(source_entry(doc_id, f"raw/{name}", data))
    write_sources(corpus, sorted(entries, key=lambda e: e["id"]))


def _ids(out: Path) -> list[str]:
    return sorted(r for p in sorted((out / "data" / "documents").glob("*.parquet")) for r in pq.read_table(p).column("id").to_pylist())


def _html_page(index: int, head_script: str = "", wrap: tuple[str, str] = ("", "")) -> bytes:
    title, body = ARTICLES[index]
    paragraphs = "".join(f"<p>{s}</p>" for s in body)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + title + "</title>"
        + head_script + "</head><body><nav><a href='/'>首页</a> <a href='/t'>科技</a></nav>"
        + wrap[0] + "<article><h1>" + title + "</h1>" + paragraphs + "</article>" + wrap[1]
        + "<footer><p>版权所有 测试日报</p></footer></body></html>"
    ).encode()  # fmt: skip


def test_broken_page_is_set_aside_and_the_build_goes_on(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path)
    _add_page(corpus, "zz_broken", "zz_broken.txt", BINARY)
    out = tmp_path / "out"
    code, err = cli("build", "--out", str(out), "--corpus", str(corpus), "--workers", "2")
    assert code == 0, err
    rejected = json.loads((out / "rejected.json").read_text(encoding="utf-8"))
    assert [(r["id"], r["file"], r["stage"]) for r in rejected] == [("zz_broken", "raw/zz_broken.txt", "ingest")]
    assert "NUL bytes" in rejected[0]["reason"]
    assert "zz_broken" not in _ids(out) and len(_ids(out)) == 3
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "rejected.json" in manifest["outputs"]
    assert "1 pages set aside" in (out / "README.md").read_text(encoding="utf-8")


def test_strict_exits_2_and_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path)
    out = tmp_path / "out"
    code, err = cli("build", "--out", str(out), "--corpus", str(corpus), "--strict")
    assert code == 0, err
    before = tree_digest(out)
    _add_page(corpus, "zz_broken", "zz_broken.txt", BINARY)
    code, err = cli("build", "--out", str(out), "--corpus", str(corpus), "--strict")
    assert code == 2, err
    first = err.splitlines()[0]
    assert first.startswith("error: ") and "zz_broken.txt" in first and "NUL bytes" in first, err
    assert tree_digest(out) == before


def test_minified_script_line_and_english_page(tmp_path: Path) -> None:
    """A 100,000-character script line is markup, not text: the page builds. A page without
    Chinese text is set aside with its reason."""
    script = "<script>var a=" + "[" + ",".join(["1234567"] * 12500) + "];</script>\n"
    assert len(script) > 100_000 and "\n" not in script[:-1]
    english = ("<html><body>" + "<p>The market for chips is tight this year, analysts said.</p>" * 30 + "</body></html>").encode()
    corpus = make_corpus(tmp_path, {"a_min": _html_page(0, head_script=script), "b_en": english, "c_txt": page_text(1).encode()})
    out = tmp_path / "out"
    code, err = cli("build", "--out", str(out), "--corpus", str(corpus))
    assert code == 0, err
    assert _ids(out) == ["a_min", "c_txt"]
    rejected = json.loads((out / "rejected.json").read_text(encoding="utf-8"))
    assert [(r["id"], r["stage"]) for r in rejected] == [("b_en", "extract")]
    assert "no Chinese text" in rejected[0]["reason"]


def test_deep_nesting_is_a_rejection_not_a_crash(tmp_path: Path) -> None:
    from builders.pipeline import process_documents
    from builders.record import Rejected

    deep = _html_page(2, wrap=("<div>" * 100_000, "</div>" * 100_000))
    shallow = _html_page(1, wrap=("<div>" * 40, "</div>" * 40))
    corpus = make_corpus(tmp_path, {"deep": deep, "shallow": shallow, "third": _html_page(0)})
    from builders.config import Paths, default_paths

    base = default_paths()
    rejected: list[Rejected] = []
    docs = process_documents(Paths(corpus=corpus, schema=base.schema, docs=base.docs), rejected)
    assert [d.id for d in docs] == ["shallow", "third"]
    assert [(r.id, r.stage) for r in rejected] == [("deep", "extract")]
    assert "nested" in rejected[0].reason
    shallow_doc = docs[0]
    assert ARTICLES[1][1][0] in shallow_doc.text


def test_validate_lists_every_problem(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path)
    _add_page(corpus, "zy_binary", "zy_binary.txt", BINARY)
    _add_page(corpus, "zz_empty", "zz_empty.txt", b" \n ")
    code, err = cli("validate", "--corpus", str(corpus))
    assert code == 2, err
    assert "zy_binary.txt" in err and "zz_empty.txt" in err and "2 problem(s)" in err


def test_integrity_faults_still_stop_the_build_listing_all(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path)
    (corpus / "raw" / "stray1.txt").write_text(page_text(0), encoding="utf-8")
    (corpus / "raw" / "stray2.txt").write_text(page_text(1), encoding="utf-8")
    out = tmp_path / "out"
    code, err = cli("build", "--out", str(out), "--corpus", str(corpus))
    assert code == 2 and not out.exists(), err
    assert "stray1.txt" in err.splitlines()[0] and "stray2.txt" in err


@pytest.mark.parametrize(
    ("declared", "codec", "sentence", "expected"),
    [
        ("gb2312", "gbk", "河南着力培育新动能塑造新优势，推动高质量发展。", "gbk"),
        # 啲 is in Big5-HKSCS only: a page declaring big5 needs the wider codec
        ("big5", "big5hkscs", "屯門工廈簷篷倒塌，專家話啲鋼筋放錯位置。", "big5hkscs"),
    ],
)
def test_declared_charsets(declared: str, codec: str, sentence: str, expected: str) -> None:
    """A legacy page decodes with its declared charset's family; a wrong declaration loses to
    valid UTF-8."""
    from builders.ingest.decode import decode_bytes

    html = f"<html><head><meta charset='{declared}'></head><body><p>{sentence}</p></body></html>"
    decoded, encoding = decode_bytes(html.encode(codec), Path("x.html"))
    assert sentence in decoded and encoding == expected
    assert decode_bytes(html.encode("utf-8"), Path("y.html")) == (html, "utf-8")
