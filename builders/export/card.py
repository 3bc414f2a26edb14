"""The dataset card (``README.md`` of the Hub repository): YAML front matter generated from the
written files, and prose that answers the Datasheets-for-Datasets questions.

Only figures from :func:`builders.stats.compute_stats` (read back from Parquet) and escaped
corpus text go into it.
"""

from __future__ import annotations

import heapq
import json
from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq
import yaml

from builders.annotate.entities import default_gazetteer
from builders.config import REPO_ROOT, dataset_version, section
from builders.export.escape import md_inline
from builders.schema import CONFIGS, features
from builders.stats import compute_stats, iter_rows, parquet_files

DEFAULT_CONFIG = "documents"


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return label
    return "1M<n<10M"


def front_matter(out_dir: Path, stats: dict[str, Any]) -> dict[str, Any]:
    cfg = section("dataset")
    configs, infos = [], []
    for config in CONFIGS:
        files = parquet_files(out_dir, config)
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
        "language_details": ", ".join(scripts),
        "license": "other",
        "license_name": "publishers-copyright",
        "license_details": (
            "The texts are news articles whose copyright remains with their publishers; they are "
            "redistributed for research on text cleaning, script conversion, summarisation and topic "
            "classification only. Annotations and code: Apache-2.0. See the Licence section."
        ),
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
    return body.replace("\n## ", "\n### ").strip()


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


def _rejected_count(out_dir: Path) -> int:
    """Pages the build set aside (rejected.json beside the data; 0 when there is none)."""
    path = out_dir / "rejected.json"
    if not path.is_file():
        return 0
    return len(json.loads(path.read_text(encoding="utf-8")))


def card_body(out_dir: Path, stats: dict[str, Any]) -> str:
    cfg = section("dataset")
    split_rows = []
    for config, per in stats["per_split"].items():
        for split, entry in per.items():
            split_rows.append([f"`{config}`", split, entry["rows"], entry["chars"]])
    script_rows = [[s, e["documents"], e["paragraphs"], e["chars"]] for s, e in stats["per_script"].items()]
    listed, total = _listed_documents(out_dir)
    doc_rows = [
        [f"`{row['id']}`", split, md_inline(row["title"]), md_inline(row["publisher"]), md_inline(row["published_at"])]
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
    pii_section = personal_information(stats)
    version = dataset_version()
    return f"""
# {cfg['pretty_name']}

A small, carefully cleaned and annotated corpus of Chinese news articles about the AI-compute
shortage (GPUs, NVIDIA and AMD, domestic AI chips, large models), in **Simplified (zh-Hans) and
Traditional (zh-Hant) script**. Every article comes with its clean text in the original script
and in both scripts, metadata with the rule that produced each value, a line-by-line record of
what was removed from the crawled page and why, a log of every repair, summaries and topic
labels with their provenance, and quality signals.

Version **{version}** · {stats['documents']} documents · {stats['paragraphs']} paragraphs ·
{stats['lines']} labelled raw lines · {stats['characters']} characters of clean text ·
{_rejected_count(out_dir)} pages set aside (`rejected.json` lists each with the stage and the reason).

## Quick start

```python
from datasets import load_dataset

docs = load_dataset("{cfg['hub_repo']}", "documents", revision="v{version}")
paragraphs = load_dataset("{cfg['hub_repo']}", "paragraphs")
lines = load_dataset("{cfg['hub_repo']}", "lines")
print(docs["train"][0]["title"], docs["train"].features["topics"].feature.names)
```

The Parquet files can also be read directly (`pyarrow.parquet.read_table`, pandas, DuckDB);
they carry the `huggingface` schema metadata, so `datasets.Dataset.from_parquet` restores
the class-label names.

## Configs

- `documents` (default): one row per article. Clean `text` in the original script plus
  `text_zh_hans` / `text_zh_hant`; `title`, `published_at` (ISO 8601, +08:00), `publisher`,
  `author` and `metadata_rules`; `script` with `script_evidence`; `summaries` (all, with
  provenance) and the best `summary_zh_hans` / `summary_zh_hant` / `summary_en`; `topics`
  (class labels), `topic_scores`, `keywords`, `entities`; `quality`, `repairs`, `source`.
- `paragraphs`: one row per paragraph of clean text, both scripts, with its document and position.
- `lines`: one row per non-blank raw line (per block of visible text for HTML pages, with its
  `location`, a CSS-like path) with its automatic `label` (content / boilerplate / spam),
  `reason` code and, where the maintainers wrote one, `gold_label`: a set for training and
  evaluating boilerplate removal on Chinese pages.

The JSON Schema of every config is in `schema/` of the source repository; the Features above are
derived from it.

## Splits

{_table(["config", "split", "rows", "characters"], split_rows)}

A document's split is a pure function of `sha256(salt, group key)` where the group key is the
smallest id among the document and its near-duplicates, so splits are stable when documents are
added and no document (or near-duplicate, or paragraph) appears in two splits. `datasets` cannot
load a declared split with no rows: while the corpus is tiny, a split left empty by the hash is
filled with the group whose hash lies nearest its range; such rows have
`split_rule = "fill-empty"`. With fewer document groups than splits only non-empty splits are
declared.

## Languages and scripts

{_table(["script", "documents", "paragraphs", "characters"], script_rows)}

Script is identified from the clean text only (removed spam lines cannot decide it) by the share
of Han characters that OpenCC t2s and s2t would change. zh-Hans and zh-Hant forms are made with
OpenCC (library, version and configuration recorded per row in `conversion`).

## Documents

{_table(["id", "split", "title", "publisher", "published at"], doc_rows)}{more}

## Dataset creation

### Motivation
Chinese web news is reposted, spun and wrapped in menus, spam and comment widgets. This dataset
shows, on a topic of current interest, how much of a crawled page is article text, records every
decision, and offers the text in both scripts with summaries and topics whose provenance is
explicit. It is meant for research on cleaning, script conversion, summarisation and topic
classification of Chinese news, and as a seed for a larger corpus built by the same builders.

### Source data and collection
Raw pages (`corpus/raw/`) are kept byte-identical, with sha256 and licence note in
`corpus/sources.yaml` (`zhnews add` writes both; pages from WARC crawls keep the crawl's URL and
retrieval time). Documents whose `source` has each provenance field (null where the page came
without it, as the seed pages did):

{_table(["field", "documents", "of"], [[f"`source.{k}`", n, stats["documents"]] for k, n in stats["provenance"].items()])}

### Preprocessing
`ingest` (the HTTP charset a crawl recorded when it fits, strict UTF-8, or confident
detection) → `clean` (every line labelled with a reason; repairs of converter pinyin notes,
GBK mojibake, whitespace, stray HTML, punctuation; spun-text restoration and keyword-stuffing
removal, each logged in `repairs`) → `enrich` (metadata with rules, script identification,
zh-Hans/zh-Hant forms, paragraphs, near-duplicates) → `annotate` → `split` → `export` (every
row validated against the JSON Schema before anything is published).

Lines removed, by label and reason:

{_table(["label:reason", "lines"], reason_rows)}

Repairs made:

{_table(["kind", "count"], repair_rows)}

### Annotations: who made each label
| field | how it was made |
|---|---|
| `summaries` with `provenance = curated` | written by the maintainers following the annotation guideline (date and guideline version recorded) |
| `summaries` with `provenance = automatic` | extractive methods (LEAD-3 and a graph/MMR method), method id and version per value |
| `summary_zh_hant` | the zh-Hans summary converted with OpenCC |
| `topics` | the maintainers' gold set where `topics_source = curated`, else the automatic labeler |
| `topic_scores`, `keywords` | automatic, method id and version per value |
| `entities` | automatic: the maintainers' gazetteer (`schema/entities.yaml`, with its provenance) matched on word boundaries |
| `lines.gold_label` | written by the maintainers, one label per non-blank raw line |
| `lines.label`, `lines.reason` | automatic line classifier |

Topic distribution:

{_table(["topic", "documents"], topic_rows)}

Topics map to IPTC Media Topic codes (CC BY 4.0, © IPTC).

Entities (`entities`: companies, chips, people and AI models of the curated gazetteer
`schema/entities.yaml`, found on word boundaries in either script), documents per entity:

{_table(["entity", "type", "English", "zh-Hans", "zh-Hant", "documents"], entity_rows)}

{pii_section}

## Considerations and limitations

- Small: {stats['documents']} documents. Figures measured on the seed pages are in-sample: the
  cleaning rules and topic cues were written by people who had read them.
- The texts are reposts; publishers' and reporters' names appear in them (see "Personal and
  Sensitive Information" for what was masked). Comment widgets (user names) are removed from the
  clean text but kept in the `lines` config as raw lines labelled boilerplate.
- Restored spun text is a best effort from a reviewable lexicon; the spun original is kept in
  `text_spun`.
- Automatic conversion between scripts follows OpenCC's tables plus a small domain phrase table;
  regional vocabulary (e.g. Taiwan usage) is not localised beyond what the configuration does.

## Licence
The articles' copyright remains with their publishers (see `source.licence` per document). They
are redistributed for non-commercial research; if you are a rights holder and want a document
removed, open an issue in the source repository. Annotations, schema and code are Apache-2.0.
Topic codes: IPTC Media Topics, CC BY 4.0.

## Maintenance
Maintained in the source repository; every release has a version, a changelog entry and a
`manifest.json` with the sha256 of every input and output file.

## Changelog

{_changelog()}
"""


_PII_ROWS = (
    ("email", "e-mail addresses", "masked as `<email>`"),
    ("phone", "mobile numbers (mainland, with or without +86; Taiwan 09xx; +852 / +853)", "masked as `<phone>`"),
    ("id", "resident identity numbers (mainland 18 digits, Taiwan, Hong Kong; check digit valid)", "masked as `<id>`"),
    ("ip", "IPv4 and IPv6 addresses", "masked as `<ip>`"),
    ("landline", "landline numbers with an area code, 400 / 800 service numbers", "kept, counted"),
)


def personal_information(stats: dict[str, Any]) -> str:
    """The card's "Personal and Sensitive Information" section, with this build's figures."""
    pii = stats.get("pii", {})
    rows = [
        [what, policy, pii.get(kind, {}).get("found", 0), pii.get(kind, {}).get("documents", 0)]
        for kind, what, policy in _PII_ROWS
    ]
    hub = section("dataset")["hub_repo"]
    return f"""## Personal and Sensitive Information

The pages are public news reports, but crawled pages also carry contact details: reporters' and
readers' e-mail addresses, mobile numbers in classifieds and comments, now and then an identity
number or an IP address. The `clean` step (`builders/clean/pii.py`) finds them in every raw line
of a page and in its metadata, before anything else is derived from the text, and replaces each
with a placeholder of its type. The placeholders are ASCII, so `text`, `text_zh_hans`,
`text_zh_hant`, the paragraphs, the summaries, `text_spun` and `lines.raw_text` all carry the
same ones. Every mask is in `repairs` (kind `pii-email`, `pii-phone`, `pii-id`, `pii-ip`; `before`
is only the value's shape, digits as `0` and letters as `x`, never the value; line 0 is the
page's metadata), and each document counts its masks per type in `quality.pii_email`,
`pii_phone`, `pii_id`, `pii_ip` (and the landlines kept in `pii_landline`).

{_table(["what", "policy", "found", "documents"], rows)}

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
    meta = yaml.safe_dump(front_matter(out_dir, stats), sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{meta}---\n{card_body(out_dir, stats)}"


def write_card(out_dir: Path) -> None:
    (out_dir / "README.md").write_text(render_card(out_dir), encoding="utf-8")
