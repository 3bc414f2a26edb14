"""schema/topics.yaml: stable ids, labels in both scripts, IPTC codes that exist and are active."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import opencc
import pytest
import yaml

from builders.annotate.topics import load_taxonomy
from builders.record import BuildError

REPO = Path(__file__).resolve().parent.parent
TOPICS = REPO / "schema" / "topics.yaml"
TSV = REPO / "schema" / "iptc" / "mediatopic-subset.tsv"
# The checked subset the maintainers were given, beside the repository (CI lays shared/ there too).
SHARED_TSV = REPO.parent / "shared" / "iptc" / "mediatopic-subset.tsv"
# sha256 of that subset as checked in (2026-07-02 snapshot): guards the repository's copy even where
# shared/ is absent, and says which file the verbatim comparison is against.
IPTC_SUBSET_SHA256 = "c7554dc5e95d27ec82b775af6b2eae0f00a2d07aeff93ecec251f2ca8cdabd83"
# Published ClassLabel ids (append-only): these must keep their positions.
FIRST_IDS = [
    "gpu_supply", "export_controls", "domestic_chips", "llm_competition", "compute_cost",
    "inference_demand", "novel_computing", "company_finance", "automotive_edge", "talent",
]  # fmt: skip


def read_iptc(path: Path) -> dict[str, dict[str, str]]:
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {row["qcode"]: row for row in csv.DictReader(rows, delimiter="\t")}


def test_ids_are_append_only_and_count_is_sane() -> None:
    tax = load_taxonomy(TOPICS)
    assert list(tax.ids[: len(FIRST_IDS)]) == FIRST_IDS
    assert 8 <= len(tax.ids) <= 15
    assert all(i.isidentifier() and i == i.lower() for i in tax.ids)


def test_iptc_codes_exist_and_are_not_retired() -> None:
    iptc = read_iptc(TSV)
    assert len(iptc) > 100
    for topic in load_taxonomy(TOPICS).topics:
        row = iptc.get(topic.iptc_code)
        assert row is not None, f"{topic.id}: {topic.iptc_code} not in the IPTC subset"
        assert not row["status"].upper().startswith("RETIRED"), f"{topic.id}: {topic.iptc_code} is retired"
        assert row["status"].split()[0] in {"active", "top"}
        assert topic.iptc_label == row["en_GB"], f"{topic.id}: label differs from IPTC's"


def test_retired_codes_are_recognised() -> None:
    # The test itself must be able to fail: the subset does list retired codes.
    iptc = read_iptc(TSV)
    assert iptc["medtop:20000382"]["status"].startswith("RETIRED")  # prices


def test_repo_copy_of_iptc_subset_is_pinned() -> None:
    assert hashlib.sha256(TSV.read_bytes()).hexdigest() == IPTC_SUBSET_SHA256


def test_repo_copy_of_iptc_subset_is_verbatim() -> None:
    assert SHARED_TSV.exists(), f"{SHARED_TSV} is missing: the shared folder belongs beside the repository"
    assert TSV.read_bytes() == SHARED_TSV.read_bytes()


def test_snapshot_and_credit() -> None:
    data = yaml.safe_load(TOPICS.read_text(encoding="utf-8"))
    snap = data["snapshot"]
    assert snap["date_released"] == "2026-07-02"
    assert snap["licence"] == "CC BY 4.0"
    assert "IPTC" in snap["credit"]
    assert "IPTC" in (REPO / "schema" / "iptc" / "README.md").read_text(encoding="utf-8")


def test_labels_and_cues_are_in_the_right_script() -> None:
    # The project's script layer (OpenCC plus its phrase table: plain OpenCC t2s turns 昇腾 into 升腾).
    from builders.textscript.convert import get_converter

    conv = get_converter()
    for topic in load_taxonomy(TOPICS).topics:
        assert conv.to_hans(topic.zh_hans) == topic.zh_hans, topic.id
        assert opencc.OpenCC("s2t").convert(topic.zh_hant) == topic.zh_hant, topic.id
        assert topic.en and topic.definition
        # The labeler matches cues against text_zh_hans: a cue must survive Hant -> Hans, so that
        # a Traditional page that uses the term is labelled too.
        for cue in topic.cues + topic.strong_cues:
            assert conv.to_hans(cue) == cue, (topic.id, cue)
            assert conv.to_hans(conv.to_hant(cue)) == cue, (topic.id, cue)


def test_no_cue_is_shared_by_two_topics() -> None:
    seen: dict[str, str] = {}
    for topic in load_taxonomy(TOPICS).topics:
        for cue in topic.cues + topic.strong_cues:
            assert cue not in seen, f"cue {cue!r} in {seen.get(cue)} and {topic.id}"
            seen[cue] = topic.id


def test_loader_rejects_bad_taxonomies(tmp_path: Path) -> None:
    good = yaml.safe_load(TOPICS.read_text(encoding="utf-8"))
    cases = {
        "duplicate": lambda d: d["topics"].append(dict(d["topics"][0])),
        "unknown key": lambda d: d["topics"][0].update(colour="red"),
        "missing key": lambda d: d["topics"][1].pop("definition"),
        "bad iptc": lambda d: d["topics"][2].update(iptc={"code": "20000230"}),
    }
    for name, mutate in cases.items():
        data = yaml.safe_load(yaml.safe_dump(good, allow_unicode=True))
        mutate(data)
        path = tmp_path / f"{name.replace(' ', '_')}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        with pytest.raises(BuildError, match=str(path.name)):
            load_taxonomy(path)
