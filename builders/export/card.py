"""The dataset card (``README.md`` of the Hub repository) and the terms beside it (``LICENSE.md``).

The card follows the sections of the Hub's dataset card template (the one bundled with
``huggingface_hub``; a test checks every heading), its YAML is a ``DatasetCardData`` (gated
access with the terms, ``license: other`` with ``license_name`` and ``license_link`` to the
``LICENSE.md`` written next to it), and its prose is generated from the build: figures come
from :func:`builders.stats.compute_stats` and from the written Parquet files, corpus text is
escaped with :func:`builders.export.escape.md_inline`. Links point into the Hub folder or, as
absolute URLs, into the source repository at the release's tag.
"""

from __future__ import annotations

import heapq
import json
from collections import Counter
from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq
from huggingface_hub import DatasetCard, DatasetCardData

from builders.annotate.entities import default_gazetteer
from builders.config import REPO_ROOT, dataset_version, section
from builders.export.citation import apa, bibtex, hub_url
from builders.export.croissant import date_published, read_changelog
from builders.export.escape import md_inline
from builders.schema import CONFIGS, class_names, features
from builders.stats import compute_stats, iter_rows, parquet_files

DEFAULT_CONFIG = "documents"
CARD = "README.md"
LICENCE = "LICENSE.md"


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return label
    return "1M<n<10M"


def _source_link(path: str, version: str) -> str:
    """Absolute URL of a file or folder of the source repository at the release's tag."""
    cfg = section("dataset")
    tag = f"{section('release').get('tag_prefix', 'v')}{version}"
    kind = "tree" if path.endswith("/") else "blob"
    return f"{str(cfg['repository']).rstrip('/')}/{kind}/{tag}/{path.rstrip('/')}"


def _contact() -> str:
    cfg = section("dataset")
    email = cfg.get("contact_email")
    where = f"the [discussions of the Hub repository]({cfg['contact']})"
    return f"{where} or e-mail <{email}>" if email else where


# --- terms ------------------------------------------------------------------------------------


def terms() -> list[str]:
    """The conditions of use, one sentence each: the gate's prompt and LICENSE.md both list them."""
    cfg = section("dataset")
    return [
        "Use the dataset for non-commercial research and teaching only.",
        "Do not redistribute the article text (titles, texts, paragraphs, raw lines, extractive "
        "summaries, script conversions, repair logs), in whole or in substantial part; share "
        "document ids and the code instead. Quoting short excerpts in publications is fine.",
        "Copyright in every article remains with its publisher; these terms grant no licence to "
        "the text. Respect the publishers' rights and the law where you are.",
        "When a later release withdraws a document, delete it from your copies.",
        f"Rights holders who want a document removed: write to {_contact_plain()}; it is removed "
        f"from the next release. Curated annotations and code are under {cfg['own_licence']}.",
    ]


def _contact_plain() -> str:
    cfg = section("dataset")
    email = cfg.get("contact_email")
    return f"{cfg['contact']}" + (f" or {email}" if email else "")


def gate() -> dict[str, Any]:
    """``extra_gated_*`` card metadata: the Hub asks for these fields and the agreement before
    it lets anyone download the files."""
    cfg = section("dataset")
    prompt = (
        f"{cfg['pretty_name']} redistributes news articles whose copyright remains with their "
        f"publishers, for research. By requesting access you agree to the terms in {LICENCE}:\n"
        + "\n".join(f"- {t}" for t in terms())
    )
    return {
        "extra_gated_heading": f"Accept the terms of {cfg['pretty_name']}",
        "extra_gated_prompt": prompt,
        "extra_gated_fields": {
            "Name": "text",
            "Affiliation": "text",
            "Country": "country",
            "Intended use": {
                "type": "select",
                "options": ["Research", "Teaching", {"label": "Other", "value": "other"}],
            },
            "I will use the dataset for non-commercial research or teaching only": "checkbox",
            "I will not redistribute the article text": "checkbox",
        },
        "extra_gated_button_content": "Agree and request access",
    }


def licence_text(version: str) -> str:
    """``LICENSE.md`` of the Hub folder: what is whose, and the terms of use."""
    cfg = section("dataset")
    own = f"[{cfg['own_licence']}]({cfg['own_licence_url']})"
    bullets = "\n".join(f"{i}. {t}" for i, t in enumerate(terms(), 1))
    return f"""# Terms of use of {cfg['pretty_name']}, version {version}

`license: other` in the dataset card, `license_name: {cfg['licence_name']}`. Access on the
Hugging Face Hub is gated: requesting it means accepting these terms.

## What is whose

| part of the dataset | columns | rights and licence |
|---|---|---|
| Article text | `documents`: `title*`, `text*` (`text_spun` included); `paragraphs`: `text*`; `lines.raw_text`; `repairs.before` / `after` | © its publisher (`documents.publisher`, `source.licence` per document). Redistributed for research under the terms below; no licence is granted. |
| Automatic annotations derived from the text | zh-Hans / zh-Hant conversions, automatic summaries (sentences extracted from the article), `keywords_zh_hans` / `keywords_zh_hant`, `entities`, automatic `topics` and `topic_scores`, `lines.label` / `reason`, `repairs`, quality signals | Follow the text: same rights and terms as the article text they come from. |
| Curated annotations | summaries with `provenance = curated`, `topics` where `topics_source = curated`, `lines.gold_label`, the entity gazetteer | Made by the maintainers: {own}. A curated summary describes an article; quoting it does not license the article. |
| Schema, builders, documentation | `schema/`, `builders/`, `docs/` of the [source repository]({cfg['repository']}) | {own}. |
| Topic codes | IPTC Media Topic codes and labels in the topic taxonomy | © IPTC, [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/). |

## Terms

{bullets}

## Contact

Questions and takedown requests: {_contact()}.
"""


# --- front matter -----------------------------------------------------------------------------


def front_matter(out_dir: Path, stats: dict[str, Any]) -> dict[str, Any]:
    cfg = section("dataset")
    configs, infos = [], []
    for config in CONFIGS:
        files = parquet_files(out_dir, config)
        if not files:
            continue
        configs.append(
            {
                "config_name": config,
                **({"default": True} if config == DEFAULT_CONFIG else {}),
                "data_files": [{"split": s, "path": p.relative_to(out_dir).as_posix()} for s, p in files.items()],
            }
        )
        splits = datasets.SplitDict()
        download = 0
        for split, path in files.items():
            meta = pq.read_metadata(path)
            # In-memory Arrow size, one column of one row group at a time (read_table's chunks
            # are the row groups and a table's nbytes is the sum of its columns', so the sum is
            # the same number without holding more than one column chunk).
            parquet = pq.ParquetFile(path)
            nbytes = sum(
                parquet.read_row_group(i, columns=[name]).nbytes
                for i in range(meta.num_row_groups)
                for name in parquet.schema_arrow.names
            )
            splits.add(datasets.SplitInfo(name=split, num_bytes=nbytes, num_examples=meta.num_rows))
            download += path.stat().st_size
        info = datasets.DatasetInfo(
            features=features(config),
            splits=splits,
            download_size=download,
            dataset_size=sum(s.num_bytes for s in splits.values()),
        )
        infos.append({"config_name": config, **info._to_yaml_dict()})
    scripts = [f"zh-{s}" for s in stats["per_script"] if s in ("Hans", "Hant")]
    return {
        "pretty_name": cfg["pretty_name"],
        "language": ["zh"],
        "language_details": scripts,
        "license": "other",
        "license_name": cfg["licence_name"],
        "license_link": LICENCE,
        **gate(),
        "annotations_creators": ["expert-generated", "machine-generated"],
        "language_creators": ["found"],
        "multilinguality": ["monolingual"],
        "size_categories": [_size_category(stats["documents"])],
        "source_datasets": ["original"],
        "task_categories": ["summarization", "text-classification", "text-generation"],
        "task_ids": ["news-articles-summarization", "topic-classification", "multi-label-classification", "language-modeling"],
        "tags": ["chinese", "traditional-chinese", "simplified-chinese", "news", "ai-compute", "gpu", "boilerplate-removal", "web-crawl", "opencc"],
        "configs": configs,
        "dataset_info": infos,
    }


# --- figures read from the written files ------------------------------------------------------


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _changelog() -> str:
    path = REPO_ROOT / "CHANGELOG.md"
    if not path.is_file():
        return "No releases yet."
    text = path.read_text(encoding="utf-8")
    body = text.split("\n", 1)[1] if text.startswith("# ") else text
    # The changelog's "## [x.y.z]" entries sit under "### Changelog" here.
    return body.replace("\n### ", "\n##### ").replace("\n## ", "\n#### ").strip()


def _documents_listed() -> int:
    try:
        return int(section("card")["documents_listed"])
    except KeyError:
        return 100


def _listed_documents(out_dir: Path) -> tuple[list[tuple[str, dict[str, Any]]], int]:
    """(split, row) of the documents the card lists, and how many documents there are. Up to
    ``card.documents_listed`` all are listed, split by split; beyond, the first ones by id (the
    card stays small: a crawl's hundred thousand titles belong on the docs site's Documents page)."""
    cap = _documents_listed()
    columns = ["id", "title", "publisher", "published_at"]

    rows = iter_rows(out_dir, "documents", columns)
    total = sum(pq.read_metadata(p).num_rows for p in parquet_files(out_dir, "documents").values())
    if total <= cap:
        return list(rows), total
    # nsmallest keeps ``cap`` rows in memory while it streams.
    return sorted(heapq.nsmallest(cap, rows, key=lambda sr: sr[1]["id"]), key=lambda sr: sr[1]["id"]), total


def _entity_rows(stats: dict[str, Any]) -> list[list[Any]]:
    """Documents per entity (most first), with the gazetteer's names."""
    known = default_gazetteer().by_id()
    rows = []
    for ident, n in stats.get("entities", {}).items():
        e = known.get(ident)
        names = [md_inline(e.en), md_inline(e.zh_hans), md_inline(e.zh_hant)] if e else ["", "", ""]
        rows.append([f"`{ident}`", e.type if e else "", *names, n])
    return rows


EVALUATION = "evaluation.json"


def development_set(out_dir: Path) -> dict[str, Any] | None:
    """The development set's part of ``evaluation.json`` beside the data (``zhnews build
    --evaluation``), or None when the build was given no evaluation."""
    path = out_dir / EVALUATION
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get("devset")


def development_set_section(devset: dict[str, Any] | None) -> str:
    """How the extractor did on real pages of other sites than the corpus's (figures of
    ``zhnews evaluate``; the pages are not part of this dataset)."""
    if devset is None:
        return (
            "The builders are also scored on a development set of real HTML pages from other sites "
            "(`zhnews evaluate`); this build was made without that evaluation, so its figures are not here."
        )
    header = ["extractor", "refused", "body kept", "boilerplate removed", "title", "date", "publisher", "authors"]
    rows = [[md_inline(str(row.get(h, ""))) for h in header] for row in devset["summary"]]
    pages = devset.get("totals", {}).get("pages", "the")
    return f"""The builders are developed against a separate **development set** of {pages} real HTML pages from
as many news sites of the mainland, Taiwan and Hong Kong, in both scripts and in legacy encodings
(`tests/fixtures/devset` in the repository, with their sources and licences; the pages are not
part of this dataset). `zhnews evaluate` builds them with the same stages and scores the result
against maintainers' gold: body sentences kept, boilerplate snippets removed, and the title,
date, publisher and authors chosen. The figures are **in-sample** (the rules were written by
people who had looked at these pages), so they are an upper bound for unseen sites; trafilatura
is scored with the same rules for comparison. `evaluation.json` beside the data has every
page's row.

{_table(header, rows)}"""


def _rejected_count(out_dir: Path) -> int:
    """Pages the build set aside (rejected.json beside the data; 0 when there is none)."""
    path = out_dir / "rejected.json"
    if not path.is_file():
        return 0
    return len(json.loads(path.read_text(encoding="utf-8")))
def document_facts(out_dir: Path) -> dict[str, Any]:
    """What the card says about provenance and annotations, counted from the written files in
    one streaming pass: publishers, publication dates, who made the summaries and topics, how
    many raw lines have a gold label, which documents are flagged spun or stuffed (with their
    scores before and after restoration)."""
    publishers: Counter[str] = Counter()
    precision: Counter[str] = Counter()
    summaries: Counter[tuple[str, str, str]] = Counter()
    topics_source: Counter[str] = Counter()
    flagged: list[list[Any]] = []
    first = last = None
    columns = ["id", "publisher", "published_at", "published_at_precision", "summaries", "topics_source", "quality"]
    for _split, row in iter_rows(out_dir, "documents", columns):
        if row["publisher"]:
            publishers[row["publisher"]] += 1
        precision[row["published_at_precision"] or "unknown"] += 1
        stamp = row["published_at"]
        if stamp is not None:
            first = stamp if first is None or stamp < first else first
            last = stamp if last is None or stamp > last else last
        for s in row["summaries"]:
            summaries[(s["provenance"], s["method"], s["method_version"])] += 1
        topics_source["curated" if row["topics_source"] == "curated" else "automatic"] += 1
        q = row["quality"]
        if q["is_spun"] or q["is_stuffed"]:
            flagged.append([
                f"`{md_inline(row['id'])}`", "yes" if q["is_spun"] else "no", f"{q['spin_score']:.2f}",
                f"{q['spin_score_residual']:.2f}", "yes" if q["is_stuffed"] else "no",
            ])
    gold = 0
    for path in parquet_files(out_dir, "lines").values():
        column = pq.read_table(path, columns=["gold_label"]).column("gold_label")
        gold += len(column) - column.null_count
    return {
        "publishers": publishers,
        "precision": precision,
        "first": first,
        "last": last,
        "summaries": summaries,
        "topics_source": topics_source,
        "gold_lines": gold,
        "flagged": sorted(flagged),
    }


def spun_text_section(rows: list[list[Any]], flags: dict[str, int], docs_n: int, threshold: float) -> str:
    """The card's paragraph on spun text: the counts of compute_stats, the flagged documents of
    :func:`document_facts`."""
    table = (
        _table(["document", "is_spun", "spin_score", "spin_score_residual", "is_stuffed"], rows)
        if rows
        else "No document of this build is flagged."
    )
    return f"""**Spun and stuffed text.** Reposting sites run articles through "伪原创" spinners, which swap
words for near-synonyms (人工智能 → 家养智能, 模型 → 模子), and stuff target keywords into
sentences. {_share(flags["spun"], docs_n)} documents are flagged as spun
(`quality.is_spun`: `spin_score`, the weighted spinner substitutions per 1,000 Han characters,
above {threshold:g}) and {_share(flags["stuffed"], docs_n)} as keyword-stuffed
(`quality.is_stuffed`). For these, *restoration* means: stuffed keywords are removed where they
stand out of syntax, and a spun word is put back to its original only where the context decides
it (a reviewable lexicon of general spinner pairs, each with its context guard; a word that could
change a fact, such as a verb, a name or a number, is never replaced on frequency alone). Every
change is a `repairs` row (`spin-restore`, `keyword-stuffing`). `text` holds the restored text,
`text_spun` the spun original (de-stuffed), and the summaries, keywords and topics are made from
the restored text. Restoration is best effort: `spin_score_residual` scores what is left, so
users who need natural prose can filter on it or drop flagged documents.

{table}"""


def _when(stamp: Any) -> str:
    return stamp.isoformat() if stamp is not None else "—"


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole}" if whole else "0"


# --- sections ---------------------------------------------------------------------------------


def usage_examples(repo: str, version: str) -> str:
    """The loading examples. Every ``python`` block that does not call ``load_dataset`` runs in
    the tests against the built folder (the folder a download of the Hub repository gives)."""
    return f'''With `datasets` (after accepting the terms on the Hub and logging in with `hf auth login`):

```python
from datasets import load_dataset

docs = load_dataset("{repo}", "documents", revision="v{version}")
repairs = load_dataset("{repo}", "repairs", split="train")
print(docs["train"][0]["script"], docs["train"][0]["topics"], docs["train"][0]["published_at"])
```

Outside `datasets`, download the files once
(`hf download {repo} --repo-type dataset --revision v{version} --local-dir {repo.split("/")[-1]}`)
and read the Parquet files from that folder. Labels are strings and `published_at` is a
timestamp with time zone in every tool (pandas, DuckDB, Polars, pyarrow):

```python
# pandas
import pandas as pd

docs = pd.read_parquet("data/documents", columns=["id", "script", "topics", "published_at"])
print(docs.sort_values("id").to_string())
print(docs["published_at"].dtype)
lines = pd.read_parquet("data/lines", columns=["label", "reason"])
print(lines.groupby(["label", "reason"]).size().sort_values(ascending=False).head(5))
```

```python
# DuckDB: TIMESTAMPTZ values print in the session's time zone
import duckdb

duckdb.sql("SET TimeZone = 'Asia/Shanghai'")
duckdb.sql("""
    SELECT script, count(*) AS documents, min(published_at) AS first, max(published_at) AS last
    FROM 'data/documents/*.parquet' GROUP BY script ORDER BY script
""").show()
duckdb.sql("""
    SELECT kind, method, count(*) AS repairs FROM 'data/repairs/*.parquet'
    GROUP BY ALL ORDER BY repairs DESC, kind LIMIT 5
""").show()
```

```python
# Polars
import polars as pl

docs = pl.read_parquet("data/documents/*.parquet", columns=["id", "script", "topics", "published_at"])
print(docs.sort("id"))
repairs = pl.read_parquet("data/repairs/*.parquet", columns=["kind", "method"])
print(repairs.group_by("kind", "method").len().sort("len", "kind", descending=[True, False]).head(5))
```

```python
# pyarrow
import pyarrow.dataset as ds

lines = ds.dataset("data/lines", format="parquet")
spam = lines.to_table(columns=["document_id", "line_number", "label", "reason"], filter=ds.field("label") == "spam")
print(spam.to_pylist()[:3])
docs = ds.dataset("data/documents", format="parquet").to_table(columns=["id", "published_at"])
print(docs.schema.field("published_at").type, docs.column("published_at").to_pylist()[:3])
```'''


def personal_and_sensitive_information(stats: dict[str, Any], devset: dict[str, Any] | None = None) -> str:
    """The body of the template's "Personal and Sensitive Information" section: what was masked,
    with this build's figures (:func:`personal_information`)."""
    return personal_information(stats, devset)


def card_body(out_dir: Path, stats: dict[str, Any]) -> str:
    cfg = section("dataset")
    release = section("release")
    version = dataset_version()
    published = date_published(version, read_changelog())
    creator = str(release["creator"]["name"])
    repo = str(cfg["hub_repo"])
    facts = document_facts(out_dir)
    devset = development_set(out_dir)
    docs_n = stats["documents"]

    split_rows = [
        [f"`{config}`", split, entry["rows"], entry["chars"]]
        for config, per in stats["per_split"].items()
        for split, entry in per.items()
    ]
    repair_rows_by_split = {
        split: pq.read_metadata(path).num_rows for split, path in parquet_files(out_dir, "repairs").items()
    }
    split_rows += [["`repairs`", split, n, "—"] for split, n in repair_rows_by_split.items()]
    script_rows = [[s, e["documents"], e["paragraphs"], e["chars"]] for s, e in stats["per_script"].items()]
    listed, total = _listed_documents(out_dir)
    doc_rows = [
        [f"`{row['id']}`", split, md_inline(row["title"]), md_inline(row["publisher"]), _when(row["published_at"])]
        for split, row in listed
    ]
    more = (
        f"\n\nThe first {len(listed)} documents by id, and {total - len(listed)} more: every document "
        "is listed on the Documents page of the docs site."
        if total > len(listed) else ""
    )
    topic_rows = [[f"`{k}`", v] for k, v in stats["topics"].items()]
    entity_rows = _entity_rows(stats)
    reason_rows = [[f"`{k}`", v] for k, v in stats["removed_reasons"].items()]
    repair_rows = [[f"`{k}`", v] for k, v in stats["repairs"].items()]
    label_rows = [
        ["`documents.script`, `paragraphs.script`", ", ".join(f"`{n}`" for n in class_names("documents", "script"))],
        ["`lines.label`, `lines.gold_label`", ", ".join(f"`{n}`" for n in class_names("lines", "label"))],
        ["`documents.topics`, `topic_scores.topic`", "the topic ids of the table under Annotations"],
        ["`documents.published_at_precision`", ", ".join(f"`{n}`" for n in class_names("documents", "published_at_precision"))],
    ]
    publishers = facts["publishers"]
    publisher_list = ", ".join(
        f"{md_inline(name)} ({n})" for name, n in sorted(publishers.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    )
    more_publishers = f" and {len(publishers) - 20} more" if len(publishers) > 20 else ""
    dated = docs_n - facts["precision"].get("unknown", 0)
    unnamed = docs_n - sum(publishers.values())
    unnamed_note = f"; {unnamed} name none" if unnamed else ""
    date_range = (
        f"from {_when(facts['first'])} to {_when(facts['last'])}" if facts["first"] is not None else "none known"
    )
    summary_rows = [
        [prov, f"`{method}`", f"`{mv}`", n] for (prov, method, mv), n in sorted(facts["summaries"].items())
    ]
    curated_topics = facts["topics_source"].get("curated", 0)
    flags = stats["flags"]
    total_repairs = sum(stats["repairs"].values())
    scripts_line = ", ".join(f"{e['documents']} {s}" for s, e in stats["per_script"].items())
    own = f"[{cfg['own_licence']}]({cfg['own_licence_url']})"

    return f"""
# Dataset Card for {cfg['pretty_name']}

A small, carefully cleaned and annotated corpus of Chinese news articles about the AI-compute
shortage (GPUs, NVIDIA and AMD, domestic AI chips, large models), in **Simplified (zh-Hans) and
Traditional (zh-Hant) script**. Every article comes with its clean text in the original script
and in both scripts, metadata with the rule that produced each value, a line-by-line record of
what was removed from the crawled page and why, a log of every repair, summaries and topic
labels with their provenance, and quality signals.

Version **{version}** · {docs_n} documents · {stats['paragraphs']} paragraphs ·
{stats['lines']} labelled raw lines · {total_repairs} logged repairs · {stats['characters']}
characters of clean text · {_rejected_count(out_dir)} pages set aside (`rejected.json` lists
each with the stage and the reason). Access is gated: the articles' copyright stays with their
publishers, and the [terms]({LICENCE}) allow research use without redistributing the text.

## Dataset Details

### Dataset Description

The articles were crawled from Chinese news sites and reposting portals, then cleaned by
rule-based builders that keep every decision reviewable: each raw line has a label and a
reason, each change to the text is a row of the `repairs` config, each metadata value names
the rule that produced it, and each summary and topic names its method or its human author.

- **Curated by:** {creator}
- **Funded by:** no external funding.
- **Shared by:** {creator}
- **Language(s) (NLP):** Chinese (`zh`), in Simplified (`zh-Hans`) and Traditional (`zh-Hant`) script; English summaries where curated.
- **License:** other ([{LICENCE}]({LICENCE})): article text © its publishers, for research under the terms; curated annotations and code {own}; automatic annotations derived from the text follow the text.

### Dataset Sources

- **Repository:** [{cfg['repository']}]({cfg['repository']}) (builders, schema, raw pages, docs; tag `v{version}` built this release)
- **Hub:** [{hub_url(cfg)}]({hub_url(cfg)})
- **Paper:** none.
- **Demo:** the docs site of the repository (statistics, a page per document with every removed line marked).

## Quick start

{usage_examples(repo, version)}

## Uses

### Direct Use

- Training and evaluating boilerplate removal on Chinese news pages (`lines`: automatic
  `label` and `reason` for every non-blank raw line; `gold_label` written by the maintainers
  for {facts['gold_lines']} of {stats['lines']} lines).
- Script conversion and script identification between zh-Hans and zh-Hant (`text`,
  `text_zh_hans`, `text_zh_hant`, `script`, `script_evidence`).
- Summarisation of Chinese news (curated and automatic summaries with provenance) and
  multi-label topic classification (`topics`, mapped to IPTC Media Topics).
- Text repair: mojibake, converter notes, spun (synonym-swapped) text and keyword stuffing,
  with every change as a `repairs` row (`before`, `after`, `kind`, `method`).

### Out-of-Scope Use

- Redistributing the article text, or any use that needs rights to it (commercial products,
  republishing, training a model released for commercial use): the terms do not grant them.
- Measuring public opinion or the news landscape: {docs_n} articles on one topic, chosen from
  reposting sites, are not a sample of Chinese news.
- Profiling the people named in the articles.
- Treating automatic labels, summaries or conversions as ground truth: only the curated ones
  were checked by people.

## Dataset Structure

Configs (one Parquet file per split under `data/<config>/`; the JSON Schema of every config is in
[`schema/`]({_source_link("schema/", version)}) of the repository, and the Features are derived from it):

- `documents` (default): one row per article. Clean `text` in the original script plus
  `text_zh_hans` / `text_zh_hant`; `title`, `published_at` (a timestamp in UTC+08:00, with
  `published_at_precision`), `publisher`, `author` and `metadata_rules`; `script` with
  `script_evidence`; `summaries` (all, with provenance) and the best `summary_zh_hans` /
  `summary_zh_hant` / `summary_en`; `topics` (topic ids), `topic_scores`, `keywords_zh_hans` / `keywords_zh_hant`,
  `entities`; `quality` (with the number of `repairs`), `source`.
- `paragraphs`: one row per paragraph of clean text, both scripts, with its document and position.
- `lines`: one row per non-blank raw line (per block of visible text for HTML pages, with its
  `location`, a CSS-like path) with its automatic `label` (content / boilerplate / spam),
  `reason` code and, where the maintainers wrote one, `gold_label`: a set for training and
  evaluating boilerplate removal on Chinese pages.
- `repairs`: one row per change made to a document's raw text (`document_id`, `repair_index`,
  `line`, `kind`, `before`, `after`, `method`), in the order made; join on `documents.id`.

`paragraphs`, `lines` and `repairs` also carry `document_is_spun`, the document's spun flag, so
text restored from machine-spun pages can be filtered in any config without a join.

**Labels are strings.** `script`, `label`, `topics` and the other closed lists below are stored
as their names, not as class-label integers: pandas, DuckDB, Polars, Spark and the Hub viewer
show them as they are, without a lookup table that only `datasets` knows about. Parquet's
dictionary encoding stores them as small integers anyway. For integer ids in `datasets`, use
`ds.class_encode_column("script")`.

{_table(["column", "values"], label_rows)}

`published_at` is an Arrow `timestamp[ms, tz=+08:00]`: the exact instant, shown in China /
Hong Kong / Taiwan time. A page that gave only a day has 00:00 of that day and
`published_at_precision = day`.

### Splits

{_table(["config", "split", "rows", "characters"], split_rows)}

A document's split is a pure function of `sha256(salt, group key)` where the group key is the
smallest id among the document and its near-duplicates, so splits are stable when documents are
added and no document (or near-duplicate, or paragraph, line or repair) appears in two splits.
`datasets` cannot load a declared split with no rows: while the corpus is tiny, a split left
empty by the hash is filled with the group whose hash lies nearest its range; such rows have
`split_rule = "fill-empty"`.

### Languages and scripts

{_table(["script", "documents", "paragraphs", "characters"], script_rows)}

Script is identified from the clean text only by the share of Han characters that OpenCC t2s
and s2t would change. The zh-Hans and zh-Hant forms are made with OpenCC (library, version and
configuration recorded per row in `conversion`).

### Documents

{_table(["id", "split", "title", "publisher", "published at"], doc_rows)}{more}

## Dataset Creation

### Curation Rationale

Chinese web news is reposted, spun and wrapped in menus, spam and comment widgets. This dataset
shows, on a topic of current interest, how much of a crawled page is article text, records every
decision, and offers the text in both scripts with summaries and topics whose provenance is
explicit. It is a seed for a larger corpus built by the same builders.

### Source Data

#### Data Collection and Processing

Raw pages are kept byte-identical in the repository, with their sha256 and a licence note
(`source` in every document row; `zhnews add` writes both, and pages from WARC crawls keep the
crawl's URL and retrieval time). Documents whose `source` has each provenance field (null where
the page came without it, as the seed pages did):

{_table(["field", "documents", "of"], [[f"`source.{k}`", n, stats["documents"]] for k, n in stats["provenance"].items()])}

The builders run `ingest` (the HTTP charset a crawl recorded when it fits, strict UTF-8, or
confident detection) → `clean` (every line labelled with a reason; repairs of converter pinyin notes, GBK
mojibake, whitespace, stray HTML, punctuation; spun-text restoration and keyword-stuffing
removal) → `enrich` (metadata with rules, script identification, zh-Hans/zh-Hant forms,
paragraphs, near-duplicates) → `annotate` → `split` → `export`, where every row is validated
against the JSON Schema before anything is written ([method]({_source_link("docs/method.md", version)}),
[cleaning]({_source_link("docs/cleaning.md", version)}), [repairs]({_source_link("docs/repairs.md", version)})).

Lines removed, by label and reason:

{_table(["label:reason", "lines"], reason_rows)}

Repairs made (rows of the `repairs` config):

{_table(["kind", "count"], repair_rows)}

{spun_text_section(facts["flagged"], flags, docs_n, float(section("repairs")["spin_threshold"]))}

{development_set_section(devset)}

#### Who are the source data producers?

News publishers and reporters, as named by the pages ({len(publishers)} publisher names over
{docs_n} documents: {publisher_list}{more_publishers}{unnamed_note}), reposted by the sites the
pages were crawled from. Publication times are known for {_share(dated, docs_n)} documents, {date_range}.

### Annotations

#### Annotation process

| field | how it was made |
|---|---|
| `summaries` with `provenance = curated` | written by the maintainers following the [annotation guideline]({_source_link("docs/annotation-guideline.md", version)}) (date and guideline version recorded) |
| `summaries` with `provenance = automatic` | extractive methods, method id and version per value |
| `summary_zh_hant` | the zh-Hans summary converted with OpenCC |
| `topics` | the maintainers' gold set where `topics_source = curated` ({_share(curated_topics, docs_n)} documents), else the automatic labeler |
| `topic_scores`, `keywords_zh_hans`, `keywords_zh_hant` | automatic, method id and version per value |
| `entities` | automatic: the maintainers' gazetteer ([`schema/entities.yaml`]({_source_link("schema/entities.yaml", version)}), with its provenance) matched on word boundaries |
| `lines.gold_label` | written by the maintainers ({facts['gold_lines']} lines) |
| `lines.label`, `lines.reason`, `repairs` | automatic (rules in the repository, `repairs.method` names the step) |

Summaries in this release:

{_table(["provenance", "method", "version", "summaries"], summary_rows)}

Topic distribution (ids map to IPTC Media Topic codes, © IPTC, CC BY 4.0;
[taxonomy]({_source_link("docs/taxonomy.md", version)})):

{_table(["topic", "documents"], topic_rows)}

Entities (`entities`: companies, chips, people and AI models of the curated gazetteer, found on
word boundaries in either script), documents per entity:

{_table(["entity", "type", "English", "zh-Hans", "zh-Hant", "documents"], entity_rows)}

#### Who are the annotators?

The dataset's maintainers ({creator}) wrote the curated summaries, topics and gold line labels;
everything else is made by the builders' rules and extractive methods named per value.

#### Personal and Sensitive Information

{personal_and_sensitive_information(stats, devset)}

## Bias, Risks, and Limitations

- Small and narrow: {docs_n} documents ({scripts_line}) about one topic, from
  {len(publishers)} publisher names. Figures measured on these pages are in-sample: the cleaning
  rules and topic cues were written by people who had read them.
- Reposting sites: machine-spun text restored from a reviewable lexicon in
  {_share(flags['spun'], docs_n)} documents (the spun original is kept in `text_spun`; restoration
  is best effort), keyword stuffing in {_share(flags['stuffed'], docs_n)}, near-duplicates in the
  corpus for {_share(flags['with_near_duplicates'], docs_n)}.
- Script conversion follows OpenCC's tables plus a small domain phrase table; regional
  vocabulary (e.g. Taiwan usage) is not localised beyond character forms.
- Automatic labels, topics and summaries carry the errors of rules tuned on few pages.
- The articles report a fast-moving industry from Chinese media's point of view; they are not
  checked for accuracy.

### Recommendations

Evaluate on documents you did not tune on, prefer the curated annotations as references, read
a document's `repairs` and `lines` before trusting its clean text for a new use, and keep the
article text inside your research group as the terms require.

## Citation

**BibTeX:**

```bibtex
{bibtex(cfg, creator, version, published)}
```

**APA:**

{apa(cfg, creator, version, published)}

## Glossary

- **zh-Hans / zh-Hant**: Chinese in Simplified / Traditional characters (ISO 15924 `Hans`, `Hant`).
- **Boilerplate**: page furniture that is not article text (menus, bylines, share widgets, related links).
- **Spun text (伪原创)**: an article with words swapped for near-synonyms to evade duplicate detection.
- **Keyword stuffing**: a keyword inserted into sentences for search engines.
- **Repair**: one change from the raw page to the clean text, a row of the `repairs` config.

## More Information

- Terms and what is whose: [{LICENCE}]({LICENCE}). Machine-readable metadata:
  [croissant.json](croissant.json) (MLCommons Croissant 1.1) and [manifest.json](manifest.json)
  (sha256 of every input and output file).
- Versions follow [semantic versioning of records]({_source_link("docs/releases.md", version)}):
  a changed or removed record or column is a major version. Load a version with
  `revision="v{version}"`. The builders' version is the data version.

### Changelog

{_changelog()}

## Dataset Card Authors

{creator}

## Dataset Card Contact

{_contact()}. Takedown requests are handled the same way and the document is removed from the
next release.
"""


_PII_ROWS = (
    ("email", "e-mail addresses", "masked as `<email>`"),
    ("phone", "mobile numbers (mainland, with or without +86; Taiwan 09xx; +852 / +853)", "masked as `<phone>`"),
    ("id", "resident identity numbers (mainland 18 digits, Taiwan, Hong Kong; check digit valid)", "masked as `<id>`"),
    ("ip", "IPv4 and IPv6 addresses", "masked as `<ip>`"),
    ("landline", "landline numbers with an area code, 400 / 800 service numbers", "kept, counted"),
)


def personal_information(stats: dict[str, Any], devset: dict[str, Any] | None = None) -> str:
    """The card's "Personal and Sensitive Information" section, with this build's figures."""
    pii = stats.get("pii", {})
    dev = (devset or {}).get("pii")
    header = ["what", "policy", "found", "documents"]
    if dev is not None:
        header += ["found (development set)", "pages (development set)"]
    rows = []
    for kind, what, policy in _PII_ROWS:
        row = [what, policy, pii.get(kind, {}).get("found", 0), pii.get(kind, {}).get("documents", 0)]
        if dev is not None:
            row += [dev.get(kind, {}).get("found", 0), dev.get(kind, {}).get("documents", 0)]
        rows.append(row)
    dev_note = (
        "The last two columns are the development set's (real pages of other sites, not in this "
        "dataset; see Data Collection and Processing), counted by the same step."
        if dev is not None
        else "The development set's figures are given when the build is made with `--evaluation` (`make build` does)."
    )
    hub = section("dataset")["hub_repo"]
    return f"""The pages are public news reports, but crawled pages also carry contact details: reporters' and
readers' e-mail addresses, mobile numbers in classifieds and comments, now and then an identity
number or an IP address. The `clean` step (`builders/clean/pii.py`) finds them in every raw line
of a page and in its metadata, before anything else is derived from the text, and replaces each
with a placeholder of its type. The placeholders are ASCII, so `text`, `text_zh_hans`,
`text_zh_hant`, the paragraphs, the summaries, `text_spun` and `lines.raw_text` all carry the
same ones. Every mask is in `repairs` (kind `pii-email`, `pii-phone`, `pii-id`, `pii-ip`; `before`
is only the value's shape, digits as `0` and letters as `x`, never the value; line 0 is the
page's metadata), and each document counts its masks per type in `quality.pii_email`,
`pii_phone`, `pii_id`, `pii_ip` (and the landlines kept in `pii_landline`).

{_table(header, rows)}

"found" counts the masks made (or, for landlines, the numbers kept) in every raw line of a page,
boilerplate included, and in its metadata. {dev_note}

- **Masked** whatever its owner: an address or a mobile number cannot be told apart as a
  person's or an office's, and masking one of an office costs a reader nothing.
- **Kept (counted)**: landline and 400 / 800 numbers. In news pages these are numbers that
  organisations publish to be called (newsroom hotlines, 举报电话 of a public body, investor
  relations); they are not tied to a person, and they are part of the footers the `lines`
  config teaches a classifier to remove.
- **Not masked**: people's names (the reporters' bylines are the `author` field; names of people
  in the news are the news), and numbers that only look like the types above: amounts
  (13800000000元, 1.38亿), dates, stock codes (600519, 688256.SH), chip and model names, version
  numbers, percentages, ISBNs and anything inside a URL. Identity numbers are masked only when
  their check digit is valid, so a random 18-digit number is left alone.
- The raw pages (`corpus/raw/` in the source repository) are kept byte-identical as the
  builders' input and are not part of this dataset's files.

**Removal requests.** If a document names you or holds your data and you want it removed or
masked, open a discussion on https://huggingface.co/datasets/{hub}/discussions or an issue in the
source repository, naming the document `id` (do not repeat the personal data there). The
document is removed or masked in the next release, and its changelog entry says so."""


def render_card(out_dir: Path, stats: dict[str, Any] | None = None) -> str:
    stats = stats or compute_stats(out_dir)
    front = front_matter(out_dir, stats)
    data = DatasetCardData(**front)
    meta = data.to_yaml(original_order=list(front))
    return str(DatasetCard(f"---\n{meta}\n---\n{card_body(out_dir, stats)}"))


def write_card(out_dir: Path) -> None:
    """``README.md`` (the card) and ``LICENSE.md`` (the terms it links)."""
    (out_dir / LICENCE).write_text(licence_text(dataset_version()), encoding="utf-8")
    (out_dir / CARD).write_text(render_card(out_dir), encoding="utf-8")
