"""Issue 2: the built folder is a loadable Hugging Face dataset repository."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest
import yaml

from builders.schema import CONFIGS, features
from builders.stats import parquet_files


def card_meta(dataset: Path) -> dict:
    text = (dataset / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_layout_is_a_hub_repository(built_dataset: Path) -> None:
    assert (built_dataset / "README.md").is_file()
    assert (built_dataset / "manifest.json").is_file()
    for config in CONFIGS:
        files = sorted(p.name for p in (built_dataset / "data" / config).iterdir())
        assert files, config
        assert all(f.endswith("-00000-of-00001.parquet") for f in files)


def test_card_front_matter(built_dataset: Path) -> None:
    meta = card_meta(built_dataset)
    for key in (
        "license", "language", "language_details", "task_categories", "task_ids", "size_categories",
        "annotations_creators", "source_datasets", "pretty_name", "tags", "configs", "dataset_info",
    ):
        assert meta.get(key), key
    assert meta["language"] == ["zh"]
    assert meta["license"] == "other" and meta["license_link"] == "LICENSE.md"
    assert (built_dataset / meta["license_link"]).is_file()
    configs = {c["config_name"]: c for c in meta["configs"]}
    assert set(configs) == set(CONFIGS)
    assert configs["documents"].get("default") is True
    assert not any(c.get("default") for name, c in configs.items() if name != "documents")
    for config in configs.values():
        for entry in config["data_files"]:
            assert (built_dataset / entry["path"]).is_file()


@pytest.mark.parametrize("config", CONFIGS)
def test_load_dataset_every_config_and_split(built_dataset: Path, config: str) -> None:
    meta = card_meta(built_dataset)
    info = next(i for i in meta["dataset_info"] if i["config_name"] == config)
    declared = {s["name"]: s["num_examples"] for s in info["splits"]}
    assert set(declared) == {"train", "validation", "test"}
    ds = datasets.load_dataset(str(built_dataset), config)
    assert {name: len(split) for name, split in ds.items()} == declared
    assert all(n > 0 for n in declared.values())
    assert ds[next(iter(ds))].features == features(config)


@pytest.mark.parametrize("config", CONFIGS)
def test_parquet_schema_and_classlabels_survive_download(built_dataset: Path, config: str, tmp_path: Path) -> None:
    expected = features(config)
    stamps = []
    for path in parquet_files(built_dataset, config).values():
        table = pq.read_table(path)
        assert table.schema.equals(expected.arrow_schema, check_metadata=False)
        # the `huggingface` metadata (the exact Features, timestamp zone included) is stored in the file
        assert table.schema.metadata[b"huggingface"] == expected.arrow_schema.metadata[b"huggingface"]
        meta = pq.read_metadata(path)
        # content-defined chunking and the page index are written
        assert meta.row_group(0).column(0).has_offset_index
        downloaded = tmp_path / path.name
        downloaded.write_bytes(path.read_bytes())
        ds = datasets.Dataset.from_parquet(str(downloaded))
        assert ds.features == expected
        if config == "documents":
            assert ds.features["published_at"] == datasets.Value("timestamp[ms, tz=+08:00]")
            stamps += [s for s in ds["published_at"] if s is not None]
    if config == "documents":  # time-zone-aware datetimes come back, not strings
        assert stamps and all(s.utcoffset() is not None for s in stamps)


def test_manifest_lists_every_file_with_sha256(built_dataset: Path) -> None:
    import hashlib

    manifest = json.loads((built_dataset / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"]
    outputs = manifest["outputs"]
    on_disk = {p.relative_to(built_dataset).as_posix() for p in built_dataset.rglob("*") if p.is_file()}
    assert set(outputs) == on_disk - {"manifest.json"}
    for rel, entry in outputs.items():
        assert hashlib.sha256((built_dataset / rel).read_bytes()).hexdigest() == entry["sha256"]
    raw_inputs = [k for k in manifest["inputs"] if k.startswith("corpus/raw/")]
    assert len(raw_inputs) == len(list((Path(__file__).parent.parent / "corpus" / "raw").iterdir()))


def test_no_document_in_two_splits(built_dataset: Path) -> None:
    split_of: dict[str, str] = {}
    for split, path in parquet_files(built_dataset, "documents").items():
        for doc_id in pq.read_table(path, columns=["id"]).column("id").to_pylist():
            assert doc_id not in split_of
            split_of[doc_id] = split
    assert len(split_of) >= 5 and len(set(split_of.values())) >= 2, split_of
    for config in ("paragraphs", "lines"):
        files = parquet_files(built_dataset, config)
        assert len(files) >= 2, (config, files)
        for split, path in files.items():
            for doc_id in set(pq.read_table(path, columns=["document_id"]).column("document_id").to_pylist()):
                assert split_of[doc_id] == split, (config, doc_id)
