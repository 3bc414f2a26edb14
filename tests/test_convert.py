"""zh-Hans / zh-Hant conversion: fixed points, domain vocabulary, round trip, provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from builders.textscript import convert
from builders.textscript.convert import OpenCCConverter, PhraseTable, get_converter, plain, read_table

REPO = Path(__file__).resolve().parent.parent
SIMPLIFIED_SEEDS = [
    "000_ffead13b8aaa8742",
    "001_848fc20b8f012d60",
    "002_c5d5ffc0dd5a85b7",
    "003_6642e0c49b93c3a4",
]
TRADITIONAL_SEEDS = ["004_697f46d78217372b"]


def clean_seed_text(doc_id: str) -> str:
    """The seed page's gold content lines (corpus/curated/cleaning), as the cleaner will keep them."""
    gold = yaml.safe_load((REPO / "corpus/curated/cleaning" / f"{doc_id}.yaml").read_text("utf-8"))
    lines = (REPO / "corpus/raw" / f"{doc_id}.txt").read_text("utf-8").splitlines()
    numbers: list[int] = []
    for item in gold["lines"]["content"]:
        first, _, last = str(item).partition("-")
        numbers.extend(range(int(first), int(last or first) + 1))
    return "\n\n".join(lines[n - 1].strip() for n in numbers if lines[n - 1].strip())


HAND_MADE_HANS = (
    "英伟达、昇腾、寒武纪、摩尔线程、燧原、壁仞、沐曦、海光和天数智芯都在争夺算力市场。"
    "黄仁勋与苏姿丰是远亲，台积电为两家代工；余承东说，随着需求增长，华为昇腾芯片供不应求。"
    "干扰、万里、着实、意味着、发展着，这些词来回转换后不应改变。"
)
HAND_MADE_HANT = (
    "輝達執行長黃仁勳表示，隨著生成式AI需求爆發，台積電與華為昇騰都面臨著產能壓力；"
    "AMD的蘇姿丰則強調著名的開放生態。萬里長城、干擾訊號、光輝達到頂峰。"
)


@pytest.fixture(scope="module")
def conv() -> OpenCCConverter:
    return get_converter()


def test_info_has_exactly_the_schema_keys(conv: OpenCCConverter) -> None:
    schema = json.loads((REPO / "schema/documents.schema.json").read_text("utf-8"))
    keys = set(schema["properties"]["conversion"]["properties"])
    info = conv.info()
    assert set(info) == keys
    assert all(isinstance(v, str) and v for v in info.values())
    assert info["library"] in {"opencc-python-reimplemented", "opencc"}
    assert len(info["phrase_table"]) == 64
    assert (info["to_hans"], info["to_hant"]) == ("t2s", "s2tw")


def test_binding_is_detected_from_distribution_metadata() -> None:
    import importlib.metadata

    library, version = convert.opencc_binding()
    assert version == importlib.metadata.version(library)


@pytest.mark.parametrize(
    ("hans", "hant"),
    [
        ("英伟达", "英偉達"),
        ("昇腾", "昇騰"),
        ("寒武纪", "寒武紀"),
        ("摩尔线程", "摩爾線程"),
        ("燧原", "燧原"),
        ("壁仞", "壁仞"),
        ("沐曦", "沐曦"),
        ("海光", "海光"),
        ("天数智芯", "天數智芯"),
        ("黄仁勋", "黃仁勳"),
        ("苏姿丰", "蘇姿丰"),
        ("台积电", "台積電"),
        ("余承东", "余承東"),
        ("鲲鹏", "鯤鵬"),
        ("昆仑芯", "崑崙芯"),
        ("昇思", "昇思"),
    ],
)
def test_domain_vocabulary_both_directions(conv: OpenCCConverter, hans: str, hant: str) -> None:
    sentence = "据报道，{}的产品供不应求。"
    assert conv.to_hant(sentence.format(hans)) == conv.to_hant("据报道，") + hant + conv.to_hant(
        "的产品供不应求。"
    )
    assert hant in conv.to_hant(sentence.format(hans))
    assert hans in conv.to_hans(conv.to_hant(sentence.format(hans)))
    assert conv.to_hans(hant) == hans
    assert conv.to_hans(hans) == hans  # Simplified originals keep their names
    assert conv.to_hant(hant) == hant  # Traditional originals too


def test_taiwan_name_of_nvidia_becomes_the_mainland_name(conv: OpenCCConverter) -> None:
    assert conv.to_hans("輝達推出新GPU") == "英伟达推出新GPU"
    assert conv.to_hans("光輝達到頂峰") == "光辉达到顶峰"  # not a name: the guard keeps it
    assert conv.to_hant("英伟达") == "英偉達"  # zh-Hant is a script conversion, not localisation


def test_stock_opencc_gets_the_protected_names_wrong() -> None:
    """The phrase table exists for a reason: remove it and these break."""
    assert plain("t2s")("昇騰") == "升腾"
    assert plain("s2tw")("余承东") == "餘承東"
    assert plain("s2tw")("干擾") == "幹擾"  # OpenCC is not idempotent on its own output


def test_particle_zhe(conv: OpenCCConverter) -> None:
    assert conv.to_hans("隨著需求增加，市場面臨著壓力") == "随着需求增加，市场面临着压力"
    assert conv.to_hans("他是著名作家，著作等身") == "他是著名作家，著作等身"
    assert conv.to_hans("隨著名人效應") == "随著名人效应"  # the documented loss


def _fixed(conv: OpenCCConverter, text: str) -> None:
    hans, hant = conv.to_hans(text), conv.to_hant(text)
    assert conv.fixed_point_violations(hans, "hans") == []
    assert conv.fixed_point_violations(hant, "hant") == []
    assert conv.to_hans(hans) == hans
    assert conv.to_hant(hant) == hant


@pytest.mark.parametrize("doc_id", SIMPLIFIED_SEEDS + TRADITIONAL_SEEDS)
def test_outputs_are_fixed_points_on_seeds(conv: OpenCCConverter, doc_id: str) -> None:
    _fixed(conv, clean_seed_text(doc_id))


@pytest.mark.parametrize("text", [HAND_MADE_HANS, HAND_MADE_HANT, HAND_MADE_HANS + HAND_MADE_HANT])
def test_outputs_are_fixed_points_on_hand_made_text(conv: OpenCCConverter, text: str) -> None:
    _fixed(conv, text)


def test_fixed_point_check_can_fail(conv: OpenCCConverter) -> None:
    assert conv.fixed_point_violations("这是简体", "hant") != []
    assert conv.fixed_point_violations("這是繁體", "hans") != []
    assert [v[1] for v in conv.fixed_point_violations("萬里長城在這裏", "hant")] == ["裏"]


_SEED_CHARS = "".join(sorted({ch for d in SIMPLIFIED_SEEDS + TRADITIONAL_SEEDS for ch in clean_seed_text(d)}))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_SEED_CHARS + "干扰擾萬里裏着著昇騰余餘", min_size=1, max_size=40))
def test_converter_is_idempotent(text: str) -> None:
    conv = get_converter()
    hans, hant = conv.to_hans(text), conv.to_hant(text)
    assert conv.to_hans(hans) == hans
    assert conv.to_hant(hant) == hant


def roundtrip_changes(conv: OpenCCConverter, text: str) -> list[dict[str, str]]:
    back = conv.to_hans(conv.to_hant(text))
    assert len(back) == len(text)
    return [
        {"before": text[max(0, i - 3) : i + 4], "after": back[max(0, i - 3) : i + 4]}
        for i, (a, b) in enumerate(zip(text, back, strict=True))
        if a != b
    ]


def test_roundtrip_on_simplified_seeds_matches_the_fixture(conv: OpenCCConverter) -> None:
    fixture = yaml.safe_load((REPO / "tests/fixtures/roundtrip_exceptions.yaml").read_text("utf-8"))
    assert sorted(fixture["exceptions"]) == SIMPLIFIED_SEEDS
    for doc_id in SIMPLIFIED_SEEDS:
        text = clean_seed_text(doc_id)
        observed = roundtrip_changes(conv, text)
        assert observed == (fixture["exceptions"][doc_id] or []), doc_id
        assert len(observed) / len(text) < fixture["max_changed_share"]


def test_roundtrip_check_can_fail(conv: OpenCCConverter) -> None:
    assert roundtrip_changes(conv, "他随着名人走") == [{"before": "他随着名人走", "after": "他随著名人走"}]


def test_phrase_table_files_are_well_formed_and_hashed(tmp_path: Path, conv: OpenCCConverter) -> None:
    for path in sorted(convert.PHRASE_DIR.glob("*.tsv")):
        table = read_table(path)
        assert table, path
    # Every hand-written value is already in its target script under our converter.
    for key, entry in read_table(convert.PHRASE_DIR / "s2t_extra.tsv").items():
        assert conv.to_hant(entry.target) == entry.target, key
    for key, entry in read_table(convert.PHRASE_DIR / "t2s_extra.tsv").items():
        assert conv.to_hans(entry.target) == entry.target, key
    # The recorded sha256 follows the files' bytes.
    copy = tmp_path / "phrases"
    copy.mkdir()
    for path in convert.PHRASE_DIR.glob("*.tsv"):
        (copy / path.name).write_bytes(path.read_bytes())
    same = OpenCCConverter("t2s", "s2tw", phrase_dir=copy)
    assert same.info()["phrase_table"] == conv.info()["phrase_table"]
    with (copy / "s2t_extra.tsv").open("a", encoding="utf-8") as fh:
        fh.write("测试词\t測試詞\n")
    changed = OpenCCConverter("t2s", "s2tw", phrase_dir=copy)
    assert changed.info()["phrase_table"] != conv.info()["phrase_table"]
    assert changed.to_hant("测试词") == "測試詞"


def test_bad_phrase_table_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.tsv"
    bad.write_text("只有一列\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"x\.tsv:1"):
        read_table(bad)


def test_longest_match_and_guard() -> None:
    table = PhraseTable(read_table_from({"ab": ("X", ""), "abc": ("Y", ""), "b": ("Z", "c")}))
    assert table.apply("abcab", str.upper) == "YX"
    assert table.apply("xbc", str.upper) == "XBC"  # guard: b before c is left to the converter
    assert table.apply("xbd", str.upper) == "XZD"


def read_table_from(rows: dict[str, tuple[str, str]]) -> dict[str, convert.Entry]:
    return {k: convert.Entry(v, guard) for k, (v, guard) in rows.items()}
