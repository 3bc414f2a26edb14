"""Issue 21: the dataset card as the Hub and its users read it.

huggingface_hub parses it (gating, licence link, every section of the Hub's own template), its
links resolve, its figures are the built data's, and its pandas / DuckDB / pyarrow examples run
against the built folder and print label names and timestamps."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import huggingface_hub
import pyarrow.parquet as pq
import pytest
from huggingface_hub import DatasetCard

from builders.config import dataset_version, section
from builders.schema import CONFIGS, class_names
from builders.stats import parquet_files

TEMPLATE = Path(huggingface_hub.__file__).parent / "templates" / "datasetcard_template.md"
HEADING = re.compile(r"^(#{1,6}) (.+?)\s*$")
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


@pytest.fixture(scope="module")
def card(built_dataset: Path) -> DatasetCard:
    return DatasetCard.load(built_dataset / "README.md")


def _headings(text: str) -> list[tuple[int, str]]:
    """(level, title) of every Markdown heading outside code blocks."""
    out, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        m = HEADING.match(line)
        if m and not fenced:
            out.append((len(m.group(1)), m.group(2)))
    return out


def _template_headings() -> list[tuple[int, str]]:
    """The Hub template's headings, as a filled card shows them ("[optional]" dropped)."""
    body = TEMPLATE.read_text(encoding="utf-8").split("---\n", 2)[2]
    pretty = section("dataset")["pretty_name"]
    return [
        (level, re.sub(r"\{\{.*?\}\}", pretty, title).replace(" [optional]", "").strip())
        for level, title in _headings(body)
    ]


def _sections(text: str) -> dict[str, str]:
    """Heading title → the text up to the next heading (code blocks included)."""
    out: dict[str, str] = {}
    current, buffer, fenced = None, [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        m = None if fenced else HEADING.match(line)
        if m:
            if current is not None:
                out.setdefault(current, "\n".join(buffer))
            current, buffer = m.group(2), []
        else:
            buffer.append(line)
    if current is not None:
        out.setdefault(current, "\n".join(buffer))
    return out


def test_card_parses_with_gating_and_licence_link(card: DatasetCard, built_dataset: Path) -> None:
    data = card.data
    assert data.license == "other"
    assert data.license_name == section("dataset")["licence_name"]
    assert data.license_link == "LICENSE.md" and (built_dataset / data.license_link).is_file()
    assert "license_details" not in data.to_dict()
    prompt = data.extra_gated_prompt
    for term in ("research", "redistribute", "removed", section("dataset")["contact"]):
        assert term in prompt, term
    fields = data.extra_gated_fields
    assert sum(1 for v in fields.values() if v == "checkbox") >= 2
    assert any("redistribute" in k and v == "checkbox" for k, v in fields.items())
    assert data.language == ["zh"]
    assert isinstance(data.language_details, list) and set(data.language_details) <= {"zh-Hans", "zh-Hant"}
    assert {c["config_name"] for c in data.configs} == set(CONFIGS)
    assert data.pretty_name == section("dataset")["pretty_name"]


def test_licence_file_says_what_is_whose(built_dataset: Path) -> None:
    text = (built_dataset / "LICENSE.md").read_text(encoding="utf-8")
    cfg = section("dataset")
    assert "© its publisher" in text
    assert "Follow the text" in text
    assert cfg["own_licence"] in text and "Curated annotations" in text
    assert cfg["contact"] in text and dataset_version() in text


@pytest.mark.parametrize("heading", _template_headings(), ids=lambda h: h[1])
def test_every_template_section_is_present_and_filled(card: DatasetCard, heading: tuple[int, str]) -> None:
    headings = _headings(card.text)
    assert heading in headings, f"missing section {'#' * heading[0]} {heading[1]}"
    i = headings.index(heading)
    body = _sections(card.text)[heading[1]]
    has_subsection = i + 1 < len(headings) and headings[i + 1][0] > heading[0]
    assert body.strip() or has_subsection, f"section {heading[1]!r} is empty"
    assert "More Information Needed" not in body


def test_citation_has_bibtex_and_contact_a_link(card: DatasetCard) -> None:
    sections = _sections(card.text)
    bib = re.search(r"```bibtex\n(.*?)```", sections["Citation"], re.S)
    assert bib and bib.group(1).startswith("@misc{") and f"version      = {{{dataset_version()}}}" in bib.group(1)
    assert section("dataset")["contact"] in sections["Dataset Card Contact"]
    assert section("dataset")["repository"] in sections["Dataset Sources"]
    # the hook for personal-data figures is its own section
    assert sections["Personal and Sensitive Information"].strip()


def test_links_resolve_in_the_folder_or_are_absolute(built_dataset: Path, repo_root: Path) -> None:
    repository = str(section("dataset")["repository"]).rstrip("/")
    tag = f"v{dataset_version()}"
    for name in ("README.md", "LICENSE.md"):
        for target in LINK.findall((built_dataset / name).read_text(encoding="utf-8")):
            if target.startswith(f"{repository}/"):
                kind, ref, path = target[len(repository) + 1 :].split("/", 2)
                assert (kind, ref) in {("blob", tag), ("tree", tag)}, target
                assert (repo_root / path).exists(), target  # the file exists in this checkout
            elif target.startswith("https://"):
                continue
            else:
                assert not target.startswith(("/", "..", "http:")), target
                assert (built_dataset / target.split("#")[0]).is_file(), f"{name}: {target}"


def test_card_figures_are_the_data_s_own(card: DatasetCard, built_dataset: Path) -> None:
    repairs = sum(pq.read_metadata(p).num_rows for p in parquet_files(built_dataset, "repairs").values())
    gold = sum(
        pq.read_table(p, columns=["gold_label"]).column("gold_label").drop_null().__len__()
        for p in parquet_files(built_dataset, "lines").values()
    )
    assert f"{repairs} logged repairs" in card.text
    assert f"({gold} lines)" in card.text
    for split, path in parquet_files(built_dataset, "repairs").items():
        assert f"| `repairs` | {split} | {pq.read_metadata(path).num_rows} |" in card.text


def _examples(text: str) -> dict[str, str]:
    """The card's runnable examples: Python blocks that do not need the Hub, by their first comment."""
    blocks = {}
    for lang, code in FENCE.findall(text):
        if lang == "python" and "load_dataset" not in code:
            tool = code.splitlines()[0].lstrip("# ").split(":")[0].strip()
            blocks[tool] = code
    return blocks


def _run(code: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, str]:
    monkeypatch.chdir(folder)
    out = io.StringIO()
    namespace: dict = {"__name__": "__card_example__"}
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<card example>", "exec"), namespace)
    return namespace, out.getvalue()


def _stamps(built_dataset: Path) -> list:
    return [
        s for p in parquet_files(built_dataset, "documents").values()
        for s in pq.read_table(p, columns=["published_at"]).column("published_at").to_pylist() if s is not None
    ]


def test_card_examples_cover_four_tools(card: DatasetCard) -> None:
    assert set(_examples(card.text)) == {"pandas", "DuckDB", "Polars", "pyarrow"}


def test_pandas_example_prints_names_and_timestamps(card: DatasetCard, built_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    ns, out = _run(_examples(card.text)["pandas"], built_dataset, monkeypatch)
    docs = ns["docs"]
    assert set(docs["script"]) <= set(class_names("documents", "script"))
    assert isinstance(docs["published_at"].dtype, pd.DatetimeTZDtype)
    assert set(ns["lines"]["label"]) <= set(class_names("lines", "label"))
    stamps = _stamps(built_dataset)
    assert stamps and all(str(pd.Timestamp(s)) in out for s in stamps)  # "2024-11-07 07:40:20+08:00"
    assert not any(s.isoformat() in out for s in stamps)  # not the ISO strings of 0.x
    assert "content" in out and "Hans" in out


def test_duckdb_example_prints_names_and_timestamps(card: DatasetCard, built_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _ns, out = _run(_examples(card.text)["DuckDB"], built_dataset, monkeypatch)
    assert "timestamp with time zone" in out
    stamps = _stamps(built_dataset)
    first, last = min(stamps), max(stamps)
    for s in (first, last):
        assert s.strftime("%Y-%m-%d %H:%M:%S+08") in out, s
    scripts = {s for s in class_names("documents", "script") if f"│ {s} " in out}
    assert scripts, out
    assert "text-rules" in out  # the repairs config, read by name


def test_polars_example_prints_names_and_timestamps(card: DatasetCard, built_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Mutation caught: labels stored as integers (the column would be i64), or published_at as
    a string (str, not datetime with a time zone)."""
    import polars as pl

    ns, out = _run(_examples(card.text)["Polars"], built_dataset, monkeypatch)
    docs = ns["docs"]
    assert docs.schema["script"] == pl.String and docs.schema["topics"] == pl.List(pl.String)
    stamp_type = docs.schema["published_at"]
    assert isinstance(stamp_type, pl.Datetime) and stamp_type.time_zone is not None
    assert set(docs["script"].to_list()) <= set(class_names("documents", "script"))
    stamps = _stamps(built_dataset)
    assert stamps and all(s.strftime("%Y-%m-%d %H:%M:%S") in out for s in stamps)
    assert "text-rules" in out or "spin-lexicon" in out  # repairs read by name


def test_pyarrow_example_prints_names_and_timestamps(card: DatasetCard, built_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow as pa

    ns, out = _run(_examples(card.text)["pyarrow"], built_dataset, monkeypatch)
    assert set(ns["spam"].column("label").to_pylist()) <= {"spam"}
    assert pa.types.is_string(ns["spam"].schema.field("label").type)
    assert "timestamp[ms, tz=+08:00]" in out and "datetime.datetime(" in out


def test_card_escapes_corpus_text(built_dataset: Path, tmp_path: Path) -> None:
    """A title with Markdown and HTML in it stays text in the card's document table."""
    import shutil

    import pyarrow as pa

    from builders.export.card import render_card

    copy = tmp_path / "ds"
    shutil.copytree(built_dataset, copy)
    path = next(iter(parquet_files(copy, "documents").values()))
    table = pq.read_table(path)
    titles = table.column("title").to_pylist()
    titles[0] = "<script>alert(1)</script> [x](javascript:alert(1)) {{ x }}"
    idx = table.schema.get_field_index("title")
    table = table.set_column(idx, table.schema.field("title"), pa.array(titles, pa.string()))
    pq.write_table(table, path)
    text = render_card(copy)
    assert "<script>" not in text and "](javascript:" not in text and "{{ x }}" not in text
    assert "&lt;script&gt;" in text
