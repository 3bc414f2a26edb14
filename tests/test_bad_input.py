"""Issue 8: every class of bad input is refused with a message naming the file and the reason,
exit status 2, and the previous build output stays byte-identical.

Since issue 17 a bad *page* no longer stops the build: it is set aside (rejected.json) and the
build exits 0; ``--strict`` keeps the old contract (exit 2, output untouched), which the page
tests below check. Faults of the corpus as a whole (sources.yaml, sha256, raw/ listing) still
stop every build.

One good build of a copy of the seed corpus is made per module; each test breaks its own copy
of that corpus and runs ``zhnews build`` into the same output folder.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from tests.test_robust_support import (
    build_cli,
    cli,
    make_corpus,
    page_text,
    sha256,
    source_entry,
    tree_digest,
    write_sources,
)

REPO = Path(__file__).resolve().parent.parent


class Good:
    def __init__(self, root: Path) -> None:
        self.corpus = root / "good-corpus"
        shutil.copytree(REPO / "corpus", self.corpus)
        for path in self.corpus.rglob("*"):
            if path.is_file():
                path.chmod(0o644)  # the seed pages are read-only in the repository
        self.out = root / "out"
        code, err = build_cli(self.out, self.corpus)
        assert code == 0, err
        self.digest = tree_digest(self.out)


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Good:
    return Good(tmp_path_factory.mktemp("bad-input"))


@pytest.fixture()
def corpus(good: Good, tmp_path: Path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(good.corpus, dst, symlinks=True)
    return dst


def sources_of(corpus: Path) -> list[dict]:
    return yaml.safe_load((corpus / "sources.yaml").read_text(encoding="utf-8"))["sources"]


def replace_page(corpus: Path, data: bytes, index: int = 0) -> Path:
    """Replace one raw page and record its new sha256, so only the page content is wrong."""
    entries = sources_of(corpus)
    path = corpus / entries[index]["file"]
    path.write_bytes(data)
    entries[index]["sha256"] = sha256(data)
    write_sources(corpus, entries)
    return path


def refused(good: Good, corpus: Path, *needles: str, strict: bool = False) -> str:
    """Run the build; assert exit 2, every needle in the message, the output untouched."""
    code, err = cli("build", "--out", str(good.out), "--corpus", str(corpus), *(["--strict"] if strict else []))
    assert code == 2, err
    assert err.startswith("error: ") and "Traceback" not in err, err
    first = err.splitlines()[0]  # the first line names the file and the reason
    for needle in needles:
        assert needle in first, (needle, err)
    assert tree_digest(good.out) == good.digest
    strays = [p.name for p in good.out.parent.iterdir() if p.name.startswith((".out.tmp-", ".out.old-"))]
    assert not strays
    return err


# ----------------------------------------------------------------------------- page content


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty or whitespace only"),
        (b" \r\n\t\n  \n", "empty or whitespace only"),
        ("\u3000\n\u3000\u3000\n".encode(), "empty or whitespace only"),  # ideographic spaces only
        (b"\xef\xbb\xbf\n", "empty or whitespace only"),  # a UTF-8 BOM and nothing else
    ],
    ids=["empty", "ascii-space", "ideographic-space", "bom-only"],
)
def test_empty_page(good: Good, corpus: Path, data: bytes, reason: str) -> None:
    path = replace_page(corpus, data)
    refused(good, corpus, path.name, reason, strict=True)


def test_binary_file(good: Good, corpus: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    path = replace_page(corpus, png)
    refused(good, corpus, path.name, "NUL bytes", "binary", strict=True)


def test_nul_bytes_in_utf8_text(good: Good, corpus: Path) -> None:
    text = page_text(0)
    path = replace_page(corpus, (text[:200] + "\x00" + text[200:]).encode())
    refused(good, corpus, path.name, f"NUL characters (line {text[:200].count(chr(10)) + 1})", strict=True)


def test_control_characters(good: Good, corpus: Path) -> None:
    text = page_text(0)
    noisy = "".join(ch + ("\x07\x1b" if i % 20 == 0 else "") for i, ch in enumerate(text))
    path = replace_page(corpus, noisy.encode())
    refused(good, corpus, path.name, "control characters", strict=True)


def test_invalid_utf8_byte(good: Good, corpus: Path) -> None:
    data = page_text(0).encode()
    cut = data.index("算力".encode()) + 1  # inside a three-byte character
    path = replace_page(corpus, data[:cut] + b"\xff" + data[cut:])
    err = refused(good, corpus, path.name, "not valid UTF-8", f"offset {cut - 1}", strict=True)
    assert "line " in err


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("日本語のページです。東京で新しい工場の計画が発表された。\n".encode("shift_jis") * 12, "not an"),
        ("Le marché des puces connaît une pénurie sévère cette année.\n".encode("latin-1") * 20, "not an"),
        # One short GBK line cannot be told from EUC-KR or Big5 with confidence: refuse.
        ("英伟达GPU供不应求。\n".encode("gbk"), "convert the page to UTF-8"),
    ],
    ids=["shift-jis", "latin-1", "short-gbk"],
)
def test_unaccepted_or_unsure_encoding_is_refused(good: Good, corpus: Path, data: bytes, reason: str) -> None:
    path = replace_page(corpus, data)
    refused(good, corpus, path.name, "not valid UTF-8", reason, strict=True)


def test_broken_utf16_after_bom(good: Good, corpus: Path) -> None:
    data = "\ufeff".encode("utf-16-le") + page_text(0).encode("utf-16-le")[:301]  # odd length
    path = replace_page(corpus, data)
    refused(good, corpus, path.name, "byte-order mark", "not valid utf-16-le", strict=True)


def test_page_over_size_limit(good: Good, corpus: Path) -> None:
    from builders.config import section

    limit = int(section("ingest")["max_page_bytes"])
    line = page_text(0).encode()
    data = line * (limit // len(line) + 1)
    path = replace_page(corpus, data)
    refused(good, corpus, path.name, f"{len(data)} bytes", f"limit of {limit}", strict=True)


def test_extremely_long_line(good: Good, corpus: Path) -> None:
    from builders.config import section

    limit = int(section("ingest")["max_line_chars"])
    text = page_text(0) + "算力" * (limit // 2 + 1) + "\n" + page_text(1)
    number = page_text(0).count("\n") + 1
    path = replace_page(corpus, text.encode())
    refused(good, corpus, path.name, f"line {number} has {limit + 2} characters", f"limit of {limit}", strict=True)


# ----------------------------------------------------------------------------- encodings that work


def test_chinese_encodings_are_detected_decoded_and_recorded(tmp_path: Path) -> None:
    """Realistic GBK, GB18030, Big5 and UTF-16 (with and without BOM) pages build; the text is
    the original text and source.encoding records the encoding."""
    hans = page_text(0) + page_text(1)[page_text(1).index("随着") :]  # about 1100 characters
    hant = page_text(2, hant=True) + page_text(0, hant=True)[page_text(0, hant=True).index("今年") :]
    pages = {
        "gbk": (hans.encode("gbk"), "gbk", hans),
        "gb18030": ((hans + "𠮷").encode("gb18030"), "gb18030", hans + "𠮷"),  # 𠮷 is outside GBK
        "big5": (hant.encode("big5"), "big5", hant),
        "utf16le": (hans.encode("utf-16-le"), "utf-16-le", hans),
        "utf16bom": (hant.encode("utf-16"), "utf-16", hant),
        "utf8": (page_text(2).encode(), "utf-8", page_text(2)),
    }
    corpus = make_corpus(tmp_path, {k: v[0] for k, v in pages.items()})
    out = tmp_path / "out"
    code, err = build_cli(out, corpus)
    assert code == 0, err
    docs = {r["id"]: r for r in _rows(out, "documents")}
    assert set(docs) == set(pages)
    raw_lines: dict[str, dict[int, str]] = {}
    for row in _rows(out, "lines"):
        raw_lines.setdefault(row["document_id"], {})[row["line_number"]] = row["raw_text"]
    for doc_id, (_, encoding, original) in pages.items():
        assert docs[doc_id]["source"]["encoding"] == encoding, doc_id
        # The raw lines of the lines config are exactly the lines of the original text.
        lines = original.split("\n")
        got = raw_lines[doc_id]
        assert [got.get(i, "") for i in range(1, len(lines) + 1)] == lines, doc_id
        assert len(docs[doc_id]["text"]) > 200, doc_id  # the cleaning stage found the article


def _rows(out: Path, config: str) -> list[dict]:
    files = sorted((out / "data" / config).glob("*.parquet"))
    return [r for p in files for r in pq.read_table(p).to_pylist()]


def test_decoder_recovers_the_exact_text() -> None:
    from builders.ingest.decode import decode_bytes

    hans, hant = page_text(1), page_text(2, hant=True)
    for data, expected, encoding in [
        (hans.encode("gbk"), hans, "gbk"),
        (hant.encode("big5"), hant, "big5"),
        (hans.encode("utf-16-be"), hans, "utf-16-be"),
        (hans.replace("\n", "\r\n").encode("gb18030"), hans, "gbk"),
    ]:
        assert decode_bytes(data, Path("x.txt")) == (expected, encoding)


# ----------------------------------------------------------------------------- sources.yaml


def test_raw_file_without_entry(good: Good, corpus: Path) -> None:
    (corpus / "raw" / "999_stray.txt").write_text(page_text(0), encoding="utf-8")
    refused(good, corpus, "999_stray.txt", "no entry in sources.yaml")


def test_entry_without_file(good: Good, corpus: Path) -> None:
    victim = corpus / sources_of(corpus)[1]["file"]
    victim.unlink()
    refused(good, corpus, "sources.yaml", victim.name, "does not exist")


def test_sha256_mismatch(good: Good, corpus: Path) -> None:
    victim = corpus / sources_of(corpus)[2]["file"]
    victim.write_bytes(victim.read_bytes() + "追加一行。\n".encode())
    refused(good, corpus, victim.name, "sha256", "does not match sources.yaml")


def test_duplicate_ids(good: Good, corpus: Path) -> None:
    entries = sources_of(corpus)
    data = page_text(0).encode()
    (corpus / "raw" / "extra.txt").write_bytes(data)
    entries.append({**source_entry(entries[0]["id"], "raw/extra.txt", data)})
    write_sources(corpus, entries)
    refused(good, corpus, "sources.yaml", "duplicate id", repr(entries[0]["id"]))


def test_unknown_key_in_entry(good: Good, corpus: Path) -> None:
    entries = sources_of(corpus)
    entries[0]["licence_url"] = "https://example.org"
    write_sources(corpus, entries)
    refused(good, corpus, "sources.yaml", "sources[0]", "unknown keys ['licence_url']")


def test_unknown_top_level_key(good: Good, corpus: Path) -> None:
    path = corpus / "sources.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "extra_sources: []\n", encoding="utf-8")
    refused(good, corpus, "sources.yaml", "unknown top-level keys ['extra_sources']")


def test_repeated_key_in_one_entry(good: Good, corpus: Path) -> None:
    path = corpus / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    first_site = text.index("    site:")
    path.write_text(text[:first_site] + "    site: 别的网站\n" + text[first_site:], encoding="utf-8")
    line = text[:first_site].count("\n") + 2  # YAML points at the second occurrence
    refused(good, corpus, "sources.yaml", f"line {line}", "key 'site' appears twice")


def test_missing_key(good: Good, corpus: Path) -> None:
    entries = sources_of(corpus)
    del entries[3]["sha256"]
    write_sources(corpus, entries)
    refused(good, corpus, "sources.yaml", "sources[3]", "misses keys ['sha256']")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("sources: [\n  - id: a\n", "malformed YAML"),
        ("sources:\n  - id: a\n   file: b\n", "malformed YAML"),
        ("sources: !!python/object/apply:os.system ['true']\n", "malformed YAML"),  # never executed
        ("- just\n- a list\n", "expected a mapping with a 'sources' list"),
    ],
    ids=["unclosed", "bad-indent", "python-tag", "wrong-shape"],
)
def test_malformed_sources_yaml(good: Good, corpus: Path, text: str, reason: str) -> None:
    (corpus / "sources.yaml").write_text(text, encoding="utf-8")
    refused(good, corpus, "sources.yaml", reason)


def test_sources_yaml_not_utf8(good: Good, corpus: Path) -> None:
    path = corpus / "sources.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    refused(good, corpus, "sources.yaml", "not UTF-8")


# ----------------------------------------------------------------------------- curated files


def test_curated_file_for_unknown_document(good: Good, corpus: Path) -> None:
    for sub in ("cleaning", "annotations"):
        folder = corpus / "curated" / sub
        first = sorted(folder.glob("*.yaml"))[0]
        stray = folder / "999_no_such_page.yaml"
        shutil.copy(first, stray)
        refused(good, corpus, f"{sub}/999_no_such_page.yaml", "unknown document id '999_no_such_page'")
        stray.unlink()


def test_curated_unknown_topic(good: Good, corpus: Path) -> None:
    path = sorted((corpus / "curated" / "annotations").glob("*.yaml"))[0]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["topics"] = [*data["topics"], "quantum_gravity"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    refused(good, corpus, path.name, "unknown topic id", "quantum_gravity")


def test_curated_line_number_past_the_end(good: Good, corpus: Path) -> None:
    path = sorted((corpus / "curated" / "cleaning").glob("*.yaml"))[1]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  spam: []", "  spam: [9999]"), encoding="utf-8")
    assert "[9999]" in path.read_text(encoding="utf-8")
    refused(good, corpus, path.name, "line 9999", "past the end")


@pytest.mark.parametrize("sub", ["cleaning", "annotations"])
def test_curated_malformed_yaml(good: Good, corpus: Path, sub: str) -> None:
    path = sorted((corpus / "curated" / sub).glob("*.yaml"))[2]
    path.write_text("provenance: {made_by: maintainers\ntopics: [\n", encoding="utf-8")
    refused(good, corpus, path.name, "line 2", "malformed YAML")


@pytest.mark.parametrize("sub", ["cleaning", "annotations"])
def test_curated_file_not_utf8(good: Good, corpus: Path, sub: str) -> None:
    path = sorted((corpus / "curated" / sub).glob("*.yaml"))[0]
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    refused(good, corpus, path.name, "not UTF-8")


# ----------------------------------------------------------------------------- escaping corpus/


def _edit_entry(corpus: Path, **changes: str) -> None:
    entries = sources_of(corpus)
    entries[0].update(changes)
    write_sources(corpus, entries)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"file": "../outside.txt"}, "points outside corpus/"),
        ({"file": "raw/../../outside.txt"}, "points outside corpus/"),
        ({"file": "/etc/hostname"}, "must be a relative path inside corpus/"),
        ({"file": "sources.yaml"}, "must be directly in raw/"),
        ({"id": "../000_escape"}, "id '../000_escape' must match"),
        ({"id": "/abs"}, "id '/abs' must match"),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "not-in-raw", "id-dotdot", "id-absolute"],
)
def test_paths_that_escape_corpus(good: Good, corpus: Path, change: dict[str, str], reason: str) -> None:
    # A real file outside the corpus with the right sha256: only the path check can refuse it.
    outside = corpus.parent / "outside.txt"
    outside.write_bytes((corpus / sources_of(corpus)[0]["file"]).read_bytes())
    _edit_entry(corpus, **change)
    refused(good, corpus, "sources.yaml", reason)


def _symlink_raw_outside(corpus: Path) -> Path:
    entry = sources_of(corpus)[0]
    raw = corpus / entry["file"]
    outside = corpus.parent / "elsewhere.txt"
    outside.write_bytes(raw.read_bytes())  # same bytes, same sha256
    raw.unlink()
    raw.symlink_to(outside)
    return raw


def test_symlink_in_raw_pointing_outside(good: Good, corpus: Path) -> None:
    raw = _symlink_raw_outside(corpus)
    refused(good, corpus, "sources.yaml", raw.name, "points outside corpus/")


def test_symlinked_raw_folder_pointing_outside(good: Good, corpus: Path) -> None:
    outside = corpus.parent / "raw-elsewhere"
    (corpus / "raw").rename(outside)
    (corpus / "raw").symlink_to(outside, target_is_directory=True)
    refused(good, corpus, "points outside corpus/")


@pytest.mark.parametrize("sub", ["cleaning", "annotations"])
def test_symlinked_curated_file_pointing_outside(good: Good, corpus: Path, sub: str) -> None:
    path = sorted((corpus / "curated" / sub).glob("*.yaml"))[0]
    outside = corpus.parent / "curated-elsewhere.yaml"
    shutil.copy(path, outside)
    path.unlink()
    path.symlink_to(outside)
    refused(good, corpus, path.name, "symlink points outside corpus/")


def test_symlink_inside_corpus_is_allowed(good: Good, corpus: Path, tmp_path: Path) -> None:
    """A symlink that stays inside corpus/ is fine (maintainers may share curated files)."""
    (corpus / "notes").mkdir()
    (corpus / "notes" / "readme-link").symlink_to(corpus / "sources.yaml")
    code, err = build_cli(tmp_path / "other-out", corpus)
    assert code == 0, err


def test_control_character_class_is_category_cc_minus_the_allowed_ones() -> None:
    import unicodedata

    from builders.ingest.decode import _ALLOWED_CONTROLS, _CONTROLS_RE

    wrong = [
        code
        for code in range(sys.maxunicode + 1)
        if (unicodedata.category(chr(code)) == "Cc" and chr(code) not in _ALLOWED_CONTROLS)
        != bool(_CONTROLS_RE.fullmatch(chr(code)))
    ]
    assert wrong == []
