"""The docs site: hand-written pages from ``docs/`` plus pages generated from the *written* dataset
folder (Parquet files and card), built with MkDocs Material into a static, offline site.

    build_site(dataset, site)   →  <site.parent>/docs-src/docs/   staged Markdown (committed + generated)
                                   <site.parent>/docs-src/mkdocs.yml   the config actually built
                                   <site>/                          the HTML (replaced atomically)

Nothing here looks at the pipeline's in-memory state: every figure and every text comes from
the files a user downloads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import yaml

from builders.config import REPO_ROOT, dataset_version
from builders.export.atomic import staged_output
from builders.publish import pages
from builders.record import BuildError
from builders.schema import CONFIGS, class_names, load_schema
from builders.stats import compute_stats, parquet_files
from builders.stats.charts import render_charts

log = logging.getLogger(__name__)

# Pages this module writes (relative to the docs folder); everything else comes from docs/.
GENERATED = ("card.md", "statistics.md", "documents/index.md", "evaluation.md", "changelog.md", "schema.md")
STUB = (
    "---\ntitle: {title}\n---\n\n# {title}\n\n"
    '!!! warning "Not written yet"\n'
    "    This page (`{path}`) was missing from `docs/` when the site was built.\n"
)


@dataclass
class SiteReport:
    site: Path
    pages: int = 0
    documents: int = 0
    charts: int = 0
    stub_pages: list[str] = field(default_factory=list)  # nav pages missing from docs/ (stubbed)
    seconds: float = 0.0


def _check_dataset(dataset: Path) -> None:
    if not (dataset / "README.md").is_file() or not parquet_files(dataset, "documents"):
        raise BuildError(
            f"{dataset}: not a built dataset folder (no README.md or data/documents/*.parquet); "
            "run `zhnews build`"
        )


def _rows(dataset: Path, config: str, columns: list[str] | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in parquet_files(dataset, config).values():
        out.extend(pq.read_table(path, columns=columns).to_pylist())
    return out


def _topics(repo: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load((repo / "schema" / "topics.yaml").read_text(encoding="utf-8"))
    return list(data["topics"])


def _nav_files(nav: Any) -> list[str]:
    """Every Markdown file named in a MkDocs nav (nested lists of {title: file | list})."""
    files: list[str] = []
    if isinstance(nav, str):
        files.append(nav)
    elif isinstance(nav, list):
        for item in nav:
            files += _nav_files(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            files += _nav_files(value)
    return files


def load_evaluation(path: Path | None) -> tuple[Any | None, str]:
    """The evaluation JSON (or None) and a note naming the file and its sha256."""
    if path is None or not path.is_file():
        return None, ""
    data = path.read_bytes()
    try:
        result = json.loads(data)
    except json.JSONDecodeError as exc:
        raise BuildError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    return result, f"{path.name}, sha256 {hashlib.sha256(data).hexdigest()[:12]}"


def generate_pages(
    dataset: Path, docs_dir: Path, evaluation: Path | None = None, repo: Path = REPO_ROOT
) -> SiteReport:
    """Write the generated pages (and charts) into ``docs_dir``; return counts."""
    report = SiteReport(site=docs_dir)
    scripts = class_names("documents", "script")
    topic_names = class_names("documents", "topics")
    line_labels = class_names("lines", "label")
    topics = _topics(repo)

    stats = compute_stats(dataset)
    labels = {t["id"]: f"{t.get('zh_hans', '')} {t['id']}".strip() for t in topics}
    charts = render_charts(stats, docs_dir / "assets" / "charts", labels)
    report.charts = len(charts)
    version = dataset_version()
    (docs_dir / "statistics.md").write_text(
        pages.statistics_page(stats, charts, topics, version), encoding="utf-8"
    )

    docs = sorted(_rows(dataset, "documents"), key=lambda d: d["id"])
    lines_by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in _rows(dataset, "lines"):
        lines_by_doc[line["document_id"]].append(line)
    doc_dir = docs_dir / "documents"
    doc_dir.mkdir(parents=True, exist_ok=True)
    (doc_dir / "index.md").write_text(pages.documents_index(docs, scripts, topic_names), encoding="utf-8")
    for doc in docs:
        if not pages.SAFE_ID.match(doc["id"]) or doc["id"] == "index":
            raise BuildError(f"{dataset}: document id {doc['id']!r} cannot be a page name")
        lines = sorted(lines_by_doc.get(doc["id"], []), key=lambda r: r["line_number"])
        text = pages.document_page(doc, lines, scripts, topic_names, line_labels, topics)
        (doc_dir / f"{doc['id']}.md").write_text(text, encoding="utf-8")
    report.documents = len(docs)

    readme = (dataset / "README.md").read_text(encoding="utf-8")
    (docs_dir / "card.md").write_text(pages.card_page(readme), encoding="utf-8")
    result, note = load_evaluation(evaluation)
    (docs_dir / "evaluation.md").write_text(pages.evaluation_page(result, note), encoding="utf-8")
    changelog = repo / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8") if changelog.is_file() else None
    (docs_dir / "changelog.md").write_text(pages.changelog_page(text), encoding="utf-8")
    schemas = {config: load_schema(config) for config in CONFIGS}
    (docs_dir / "schema.md").write_text(pages.schema_page(schemas), encoding="utf-8")
    return report


def mkdocs_config(repo: Path, docs_dir: Path, site_dir: Path) -> dict[str, Any]:
    """The repository's mkdocs.yml with the staged docs folder, the output folder and absolute paths."""
    config = yaml.safe_load((repo / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(docs_dir)
    config["site_dir"] = str(site_dir)
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "search" in plugin:
            opts = plugin["search"] or {}
            user_dict = opts.get("jieba_dict_user")
            if user_dict:
                path = (repo / user_dict).resolve()
                if path.is_file():
                    opts["jieba_dict_user"] = str(path)
                else:  # the annotators' dictionary moved: search still works, with stock jieba words
                    log.warning("%s: jieba user dictionary not found; searching with jieba's own words", path)
                    opts.pop("jieba_dict_user")
    return config


def stage_docs(repo: Path, work: Path) -> Path:
    """Fresh ``work/docs`` holding a copy of the committed docs/."""
    if work.exists():
        shutil.rmtree(work)
    docs_dir = work / "docs"
    if (repo / "docs").is_dir():
        shutil.copytree(repo / "docs", docs_dir)
    else:
        docs_dir.mkdir(parents=True)
    return docs_dir


def stub_missing(config: dict[str, Any], docs_dir: Path) -> list[str]:
    """Write a visible stub for every nav page missing from the staged docs (strict builds fail on
    dangling nav entries and links while other pages are still being written)."""
    missing = [f for f in _nav_files(config.get("nav", [])) if not (docs_dir / f).is_file()]
    for path in missing:
        title = Path(path).stem.replace("-", " ").capitalize()
        target = docs_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(STUB.format(title=json.dumps(title), path=path), encoding="utf-8")
        log.info("docs/%s is missing: built with a stub page", path)
    return missing


_EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""", re.I
)


def check_offline(site: Path) -> None:
    """No page may load anything from another host (the site must work offline)."""
    for page in sorted(site.rglob("*.html")):
        m = _EXTERNAL.search(page.read_text(encoding="utf-8", errors="replace"))
        if m:
            raise BuildError(
                f"{page}: loads an external resource ({m.group(0)[:80]}...); the site must work offline"
            )


def build_site(
    dataset: Path,
    site: Path,
    evaluation: Path | None = None,
    work: Path | None = None,
    repo: Path = REPO_ROOT,
) -> SiteReport:
    """Generate the pages from ``dataset`` and build the site into ``site`` with ``mkdocs build --strict``.

    ``site`` is replaced only when the build succeeded; the staged sources stay in ``work``
    (default ``<site.parent>/docs-src``) for inspection and ``mkdocs serve``."""
    start = time.perf_counter()
    dataset, site = dataset.absolute(), site.absolute()
    _check_dataset(dataset)
    work = (work or site.parent / "docs-src").absolute()
    docs_dir = stage_docs(repo, work)
    report = generate_pages(dataset, docs_dir, evaluation, repo)
    with staged_output(site) as tmp:
        config = mkdocs_config(repo, docs_dir, tmp)
        report.stub_pages = stub_missing(config, docs_dir)
        config_file = work / "mkdocs.yml"
        config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "--clean",
                "--config-file",
                str(config_file),
            ],
            capture_output=True,
            text=True,
            cwd=repo,
            check=False,
        )
        if proc.returncode != 0:
            tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
            raise BuildError(f"{config_file}: mkdocs build --strict failed:\n{tail}")
        check_offline(tmp)
        report.pages = sum(1 for _ in tmp.rglob("*.html"))
    report.site = site
    report.seconds = time.perf_counter() - start
    return report
