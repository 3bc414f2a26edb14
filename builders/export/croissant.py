"""croissant.json: MLCommons Croissant 1.1 metadata of the built folder.

Written from the *written* files (sha256 and size of every Parquet shard) and from the JSON
Schema (field types and descriptions), so it cannot drift from the data. Every shard is a
``cr:FileObject`` with a relative ``contentUrl``; each config is one ``cr:FileSet`` over its
shards and one ``cr:RecordSet`` whose fields read the Parquet columns (structs as
``subField``, lists as ``repeated``). A ``cr:Split`` record set names the splits, and the
``split`` column of every config references it.

Nothing here reads the clock: ``datePublished`` is the release date of the version in
``CHANGELOG.md`` (an input), else ``SOURCE_DATE_EPOCH``; with neither the build stops.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import datasets

from builders.config import REPO_ROOT, dataset_version, section
from builders.export.citation import bibtex
from builders.record import BuildError
from builders.schema import CONFIGS, features, load_schema
from builders.stats import parquet_files

CROISSANT = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
REQUIRED = ("name", "description", "license", "url", "creator", "datePublished", "version")

# The Croissant 1.1 @context exactly as mlcroissant 1.1 writes it (kept inline: resolving a
# remote context would need the network and could change under us).
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

_SPLIT_URLS = {"train": "cr:TrainingSplit", "validation": "cr:ValidationSplit", "test": "cr:TestSplit"}
_VALUE_TYPES = {
    "string": "sc:Text",
    "large_string": "sc:Text",
    "bool": "sc:Boolean",
    "float16": "sc:Float",
    "float32": "sc:Float",
    "float64": "sc:Float",
    "date32": "sc:Date",
}
_CHANGELOG_ENTRY = re.compile(
    r"^##\s*\[(?P<version>[^\]]+)\]\s*[-–—]\s*(?P<date>\d{4}-\d{2}-\d{2})\s*$", re.M
)


# --- dates ------------------------------------------------------------------------------------


def changelog_date(changelog: str, version: str) -> str | None:
    """The release date of ``## [version] - YYYY-MM-DD`` in a Keep-a-Changelog text."""
    for m in _CHANGELOG_ENTRY.finditer(changelog):
        if m.group("version").strip() == version:
            return m.group("date")
    return None


def date_published(version: str, changelog: str | None, environ: Mapping[str, str] | None = None) -> str:
    """ISO date of the release: the CHANGELOG entry of ``version``, else SOURCE_DATE_EPOCH (UTC).

    Never the clock: two builds of the same inputs must write the same date."""
    if changelog and (found := changelog_date(changelog, version)):
        return found
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise BuildError(f"SOURCE_DATE_EPOCH={epoch!r}: expected whole seconds since 1970")
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date().isoformat()
    raise BuildError(
        f"CHANGELOG.md: no dated entry '## [{version}] - YYYY-MM-DD' for the version in "
        "builders/config.yaml, and SOURCE_DATE_EPOCH is not set: datePublished needs one of them"
    )


def read_changelog() -> str | None:
    path = REPO_ROOT / "CHANGELOG.md"
    return path.read_text(encoding="utf-8") if path.is_file() else None


# --- fields -----------------------------------------------------------------------------------


def _description(node: Mapping[str, Any] | None, feature: Any) -> str:
    text = str((node or {}).get("description", "")).strip()
    if isinstance(feature, datasets.ClassLabel):
        legend = ", ".join(f"{i}={n}" for i, n in enumerate(feature.names))
        text = f"{text} Class label ids: {legend}.".strip()
    enum = [v for v in (node or {}).get("enum") or [] if v is not None]
    if enum and not (node or {}).get("x-enum"):  # a taxonomy's ids are listed in the card
        text = f"{text} Values: {', '.join(str(v) for v in enum)}.".strip()
    return text


def _data_type(feature: Any) -> str:
    if isinstance(feature, datasets.ClassLabel):
        return "sc:Integer"  # stored as the id; names in the description and in the card
    if isinstance(feature, datasets.Value):
        if feature.dtype in _VALUE_TYPES:
            return _VALUE_TYPES[feature.dtype]
        if feature.dtype.startswith(("int", "uint")):
            return "sc:Integer"
        if feature.dtype.startswith("timestamp"):
            return "sc:DateTime"
    raise ValueError(f"no Croissant data type for feature {feature!r}")


def _schema_child(node: Mapping[str, Any] | None, key: str | None = None) -> Mapping[str, Any] | None:
    """Descend one step in the JSON Schema: into ``items`` (key None) or a property."""
    if not node:
        return None
    if key is None:
        return node.get("items")
    return (node.get("properties") or {}).get(key)


def _field(
    record_set: str,
    fileset: str,
    path: list[str],
    feature: Any,
    node: Mapping[str, Any] | None,
    *,
    repeated: bool = False,
) -> dict[str, Any]:
    """One Croissant field for a (possibly nested) column.

    ``path[0]`` is the Parquet column; deeper steps are struct members, reached with a
    ``jsonPath`` transform (mlcroissant maps it over list elements for repeated parents)."""
    field_id = f"{record_set}/{'/'.join(path)}"
    out: dict[str, Any] = {"@type": "cr:Field", "@id": field_id, "name": field_id}
    inner, inner_node = feature, node
    if isinstance(feature, datasets.List | datasets.LargeList | datasets.Sequence):
        inner, inner_node = feature.feature, _schema_child(node)
        repeated = True
    description = _description(node, inner)
    if description:
        out["description"] = description
    if isinstance(inner, dict):
        # A struct (or a list of structs): one subField per member.
        if repeated:
            out["repeated"] = True
        out["subField"] = [
            _field(record_set, fileset, [*path, key], sub, _schema_child(inner_node, key))
            for key, sub in inner.items()
        ]
        # The parent of subFields still needs a source for mlcroissant to find the column.
        out["source"] = {"fileSet": {"@id": fileset}, "extract": {"column": path[0]}}
        return out
    if isinstance(inner, datasets.List | datasets.LargeList | datasets.Sequence):
        raise ValueError(f"{field_id}: lists of lists have no Croissant mapping here")
    out["dataType"] = _data_type(inner)
    if repeated:
        out["repeated"] = True
    source: dict[str, Any] = {"fileSet": {"@id": fileset}, "extract": {"column": path[0]}}
    if len(path) > 1:
        source["transform"] = {"jsonPath": path[-1]}
    out["source"] = source
    return out


def _split_record_set(splits: list[str]) -> dict[str, Any]:
    return {
        "@type": "cr:RecordSet",
        "@id": "splits",
        "name": "splits",
        "description": "The splits of every config (a document, its paragraphs and lines share one split).",
        "dataType": "cr:Split",
        "key": {"@id": "splits/name"},
        "field": [
            {"@type": "cr:Field", "@id": "splits/name", "name": "splits/name", "dataType": "sc:Text"},
            {"@type": "cr:Field", "@id": "splits/url", "name": "splits/url", "dataType": "sc:URL"},
        ],
        "data": [{"splits/name": s, "splits/url": _SPLIT_URLS.get(s, s)} for s in splits],
    }


def record_set(config: str, fileset: str) -> dict[str, Any]:
    sch = load_schema(config)
    props = sch["properties"]
    fields = []
    for name, feature in features(config).items():
        field = _field(config, fileset, [name], feature, props.get(name))
        if name == "split":
            field["references"] = {"field": {"@id": "splits/name"}}
        fields.append(field)
    return {
        "@type": "cr:RecordSet",
        "@id": config,
        "name": config,
        "description": str(sch.get("description", config)),
        "field": fields,
    }


# --- the document -----------------------------------------------------------------------------


def croissant_metadata(
    out_dir: Path, *, version: str | None = None, published: str | None = None
) -> dict[str, Any]:
    """The Croissant JSON-LD of a built folder (Parquet files must already be written)."""
    from builders.ingest.sources import sha256_file

    cfg = section("dataset")
    rel = section("release")
    version = version or dataset_version()
    published = published or date_published(version, read_changelog())
    url = cfg.get("homepage") or f"https://huggingface.co/datasets/{cfg['hub_repo']}"
    distribution: list[dict[str, Any]] = []
    record_sets: list[dict[str, Any]] = []
    all_splits: list[str] = []
    for config in CONFIGS:
        files = parquet_files(out_dir, config)
        if not files:
            continue
        folders = sorted({p.parent.relative_to(out_dir).as_posix() for p in files.values()})
        for split, path in files.items():
            rel_path = path.relative_to(out_dir).as_posix()
            if split not in all_splits:
                all_splits.append(split)
            distribution.append(
                {
                    "@type": "cr:FileObject",
                    "@id": rel_path,
                    "name": rel_path,
                    "description": f"{config} config, {split} split.",
                    "contentUrl": rel_path,
                    "contentSize": f"{path.stat().st_size} B",
                    "encodingFormat": "application/x-parquet",
                    "sha256": sha256_file(path),
                }
            )
        fileset = f"{config}-parquet"
        distribution.append(
            {
                "@type": "cr:FileSet",
                "@id": fileset,
                "name": fileset,
                "description": (
                    f"The Parquet shards of the {config} config (the FileObjects above, with their sha256)."
                ),
                "encodingFormat": "application/x-parquet",
                # mlcroissant 1.1.1 cannot union several FileObjects through containedIn (its
                # operation graph fails), so the set is a glob relative to this file.
                "includes": [f"{folder}/*.parquet" for folder in folders],
            }
        )
        record_sets.append(record_set(config, fileset))
    order = {s: i for i, s in enumerate(section("split")["order"])}
    all_splits.sort(key=lambda s: order.get(s, len(order)))
    creator = rel["creator"]
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": str(cfg["name"]),
        "alternateName": str(cfg["pretty_name"]),
        "description": str(rel["description"]).strip(),
        "license": list(rel["license"]),
        "url": url,
        "sameAs": f"https://huggingface.co/datasets/{cfg['hub_repo']}",
        "creator": {"@type": "sc:Organization", "name": str(creator["name"]), "url": str(creator["url"])},
        "datePublished": published,
        "version": version,
        "inLanguage": ["zh-Hans", "zh-Hant"],
        "keywords": list(rel.get("keywords", [])),
        "citeAs": bibtex(cfg, str(creator["name"]), version, published),
        "isLiveDataset": False,
        "distribution": distribution,
        "recordSet": [_split_record_set(all_splits), *record_sets],
    }


def missing_required(meta: Mapping[str, Any]) -> list[str]:
    """Our own check (mlcroissant only warns): every required top-level property is non-empty."""
    problems = []
    for key in REQUIRED:
        value = meta.get(key)
        if value in (None, "", [], {}):
            problems.append(f"croissant.json: required property {key!r} is missing or empty")
    creator = meta.get("creator")
    if isinstance(creator, Mapping) and not str(creator.get("name", "")).strip():
        problems.append("croissant.json: creator has no name")
    if meta.get("conformsTo") != CONFORMS_TO:
        problems.append(f"croissant.json: conformsTo is {meta.get('conformsTo')!r}, expected {CONFORMS_TO!r}")
    if not isinstance(meta.get("@context"), Mapping):
        problems.append("croissant.json: @context must be inline (a mapping)")
    return problems


def render(meta: Mapping[str, Any]) -> str:
    clean = {k: v for k, v in meta.items() if v is not None}
    return json.dumps(clean, ensure_ascii=False, indent=2) + "\n"


def write_croissant(out_dir: Path) -> Path:
    """Write ``croissant.json``; a metadata document missing a required property fails the build."""
    meta = croissant_metadata(out_dir)
    problems = missing_required(meta)
    if problems:
        raise BuildError("; ".join(problems))
    path = out_dir / CROISSANT
    path.write_text(render(meta), encoding="utf-8")
    return path
