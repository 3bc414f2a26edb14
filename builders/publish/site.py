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

from builders.annotate.entities import default_gazetteer
from builders.config import REPO_ROOT, dataset_version, section
from builders.export.atomic import Protected, guard_output, marker_kind, staged_output, write_marker
from builders.publish import pages
from builders.publish.i18n import LANGS, suffix
from builders.record import BuildError
from builders.schema import CONFIGS, class_names, load_schema
from builders.stats import compute_stats, parquet_files
from builders.stats.charts import render_charts, render_evaluation_charts

log = logging.getLogger(__name__)

# The two folders `zhnews docs` replaces: they carry a marker file, so that a later build replaces
# them and nothing else (builders.export.atomic.guard_output).
SITE = marker_kind("docs site", "site")
DOCS_SOURCES = marker_kind("staged docs folder", "docs-src")

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


_RELATIVE_LINK = re.compile(r"\]\((?!https?://|#|mailto:)([^)\s]+)\)")


def hub_links(readme: str, version: str) -> str:
    """The card's links into its own folder (LICENSE.md, croissant.json, ...) are relative on
    the Hub; on the docs site they point at the release's files on the Hub."""
    base = f"https://huggingface.co/datasets/{section('dataset')['hub_repo']}/blob/v{version}"
    return _RELATIVE_LINK.sub(lambda m: f"]({base}/{m.group(1)})", readme)


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
    gazetteer = default_gazetteer().by_id()
    labels = {t["id"]: f"{t.get('zh_hans', '')} {t['id']}".strip() for t in topics}
    entity_labels = {i: f"{e.zh_hans} {e.en}" if e.zh_hans != e.en else e.en for i, e in gazetteer.items()}
    charts = render_charts(stats, docs_dir / "assets" / "charts", labels, entity_labels)
    report.charts = len(charts)
    version = dataset_version()
    for lang in LANGS:
        (docs_dir / f"statistics{suffix(lang)}.md").write_text(
            pages.statistics_page(stats, charts, topics, version, gazetteer, lang), encoding="utf-8"
        )

    docs = sorted(_rows(dataset, "documents"), key=lambda d: d["id"])
    lines_by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in _rows(dataset, "lines"):
        lines_by_doc[line["document_id"]].append(line)
    repairs_by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for repair in _rows(dataset, "repairs"):
        repairs_by_doc[repair["document_id"]].append(repair)
    doc_dir = docs_dir / "documents"
    doc_dir.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:
        (doc_dir / f"index{suffix(lang)}.md").write_text(
            pages.documents_index(docs, scripts, topic_names, gazetteer, topics, lang), encoding="utf-8"
        )
    for doc in docs:
        if not pages.SAFE_ID.match(doc["id"]) or doc["id"] == "index":
            raise BuildError(f"{dataset}: document id {doc['id']!r} cannot be a page name")
        lines = sorted(lines_by_doc.get(doc["id"], []), key=lambda r: r["line_number"])
        repairs = sorted(repairs_by_doc.get(doc["id"], []), key=lambda r: r["repair_index"])
        for lang in LANGS:
            text = pages.document_page(
                doc, lines, scripts, topic_names, line_labels, topics, gazetteer, lang, repairs=repairs
            )
            (doc_dir / f"{doc['id']}{suffix(lang)}.md").write_text(text, encoding="utf-8")
    report.documents = len(docs)

    readme = (dataset / "README.md").read_text(encoding="utf-8")
    for lang in LANGS:
        (docs_dir / f"card{suffix(lang)}.md").write_text(pages.card_page(hub_links(readme, version), lang), encoding="utf-8")
    result, note = load_evaluation(evaluation)
    eval_charts: list[Any] = []
    download = None
    if result is not None and evaluation is not None:
        eval_charts = render_evaluation_charts(pages.evaluation_headlines(result), docs_dir / "assets" / "charts")
        shutil.copyfile(evaluation, docs_dir / "assets" / "evaluation.json")
        download = "assets/evaluation.json"
    for lang in LANGS:
        (docs_dir / f"evaluation{suffix(lang)}.md").write_text(
            pages.evaluation_page(result, note, lang, eval_charts, download), encoding="utf-8"
        )
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
    theme = config.get("theme") or {}
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str((repo / theme["custom_dir"]).resolve())
    # Plain links in the footer (Material's repo_url would fetch the repository's star count from
    # the forge's API: an outside request).
    cfg = section("dataset")
    links = [
        {"icon": "fontawesome/solid/database", "name": "Dataset on the Hugging Face Hub",
         "link": f"https://huggingface.co/datasets/{cfg['hub_repo']}"},
    ]
    if cfg.get("repository"):
        links.append({"icon": "fontawesome/brands/git-alt", "name": "Source repository", "link": cfg["repository"]})
    config.setdefault("extra", {})["social"] = links
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "search" in plugin:
            opts = plugin["search"] or {}
            user_dict = opts.get("jieba_dict_user")
            if user_dict:
                path = (repo / user_dict).resolve()
                if path.is_file():
                    opts["jieba_dict_user"] = str(search_user_dict(path, docs_dir.parent / "search-userdict.txt"))
                else:  # the annotators' dictionary moved: search still works, with stock jieba words
                    log.warning("%s: jieba user dictionary not found; searching with jieba's own words", path)
                    opts.pop("jieba_dict_user")
    return config


# Frequency of the gazetteer's names in the search's jieba dictionary: that of the product names
# of the annotators' user dictionary (builders/annotate/userdict.txt).
SEARCH_WORD_FREQ = 1000
_ALL_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}$")


def search_user_dict(user_dict: Path, out: Path) -> Path:
    """The annotators' user dictionary plus every Han name of the gazetteer in both scripts (as
    written, zh-Hans and zh-Hant): Material segments page text with jieba at build time, and a
    typed query matches whole tokens only, so 黃仁勳 or 輝達 must be one token in Traditional text."""
    from builders.textscript.convert import get_converter

    conv = get_converter()
    known = {line.split()[0] for line in user_dict.read_text(encoding="utf-8").splitlines() if line.strip()}
    words: set[str] = set()
    for entity in default_gazetteer().entities:
        for form in entity.names():
            words.update(f for f in (form, conv.to_hans(form), conv.to_hant(form)) if _ALL_HAN.match(f))
    extra = "".join(f"{w} {SEARCH_WORD_FREQ} nz\n" for w in sorted(words - known))
    text = user_dict.read_text(encoding="utf-8").rstrip("\n") + "\n" + extra
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def stage_docs(repo: Path, work: Path) -> Path:
    """Fresh ``work/docs`` holding a copy of the committed docs/."""
    if work.exists():
        shutil.rmtree(work)
    docs_dir = work / "docs"
    if (repo / "docs").is_dir():
        shutil.copytree(repo / "docs", docs_dir)
    else:
        docs_dir.mkdir(parents=True)
    write_marker(work, "docs-src")
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


# Material 9.8.1's search worker segments a Chinese query against the index's words but never
# tries the whole query as a word: when a shorter prefix is a word too (华 for 华为, 黃 for 黃仁勳)
# the query shrinks to that prefix and finds the wrong documents. The function is replaced by a
# longest-match segmentation over the same words (the whole query included); the build fails if
# the pinned Material ever ships a different function, so the patch is reviewed then.
_MATERIAL_SEGMENT = (
    'function fe(t,e){let r=new Set,n=new Uint16Array(t.length);for(let s=0;s<t.length;s++)'
    "for(let o=s+1;o<t.length;o++)t.slice(s,o)in e&&(n[s]=o-s);let i=[0];for(let s=i.length;s>0;)"
    "{let o=i[--s];for(let u=1;u<n[o];u++)n[o+u]>n[o]-u&&(r.add(t.slice(o,o+u)),i[s++]=o+u);"
    "let a=o+n[o];n[a]&&a<t.length-1&&(i[s++]=a),r.add(t.slice(o,a))}"
    'return r.has("")?new Set([t]):r}'
)
_LONGEST_MATCH_SEGMENT = (
    "function fe(t,e){let r=new Set,p=0;for(;p<t.length;){let q=0;"
    "for(let o=t.length;o>p;o--)if(t.slice(p,o)in e){q=o;break}"
    "if(!q){r.add(t.slice(p));break}r.add(t.slice(p,q)),p=q}"
    "return r.size?r:new Set([t])}"
)


def patch_search_worker(site: Path) -> int:
    """Replace Material's query segmentation (see above) in the built search worker; return the
    number of files patched."""
    patched = 0
    for worker in sorted(site.glob("assets/javascripts/workers/search.*.min.js")):
        code = worker.read_text(encoding="utf-8")
        if _MATERIAL_SEGMENT not in code:
            raise BuildError(
                f"{worker}: Material's Chinese query segmentation is not the one patched for 9.8.1; "
                "review builders/publish/site.py (patch_search_worker) for this Material version"
            )
        worker.write_text(code.replace(_MATERIAL_SEGMENT, _LONGEST_MATCH_SEGMENT), encoding="utf-8")
        patched += 1
    return patched


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
    # Both folders this replaces must be new, empty or written by `zhnews docs`; neither may be
    # (inside) the dataset, the committed docs/ or the other one.
    keep = [Protected(dataset, "the dataset folder", inside=True), Protected(repo / "docs", "the docs/ folder", inside=True)]
    site_rules = [*keep, Protected(work, "the staged docs folder", inside=True)]
    guard_output(site, SITE, site_rules)
    work = guard_output(work, DOCS_SOURCES, [*keep, Protected(site, "the site folder", inside=True)])
    docs_dir = stage_docs(repo, work)
    report = generate_pages(dataset, docs_dir, evaluation, repo)
    with staged_output(site, SITE, site_rules) as tmp:
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
        if not patch_search_worker(tmp):
            raise BuildError(f"{tmp}: no search worker found in the built site")
        report.pages = sum(1 for _ in tmp.rglob("*.html"))
        write_marker(tmp, "site")
    report.site = site
    report.seconds = time.perf_counter() - start
    return report
