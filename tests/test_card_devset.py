"""Issue 23, must-show 2: the development set's personal-data figures reach the card.

`make build` runs `zhnews evaluate --json` first and gives the file to `zhnews build
--evaluation`; the build copies it beside the data and the card quotes the development set's
extraction figures and its per-type personal-data counts. The figures themselves come from the
clean step (`builders/clean/pii.py`) run over the 20 real pages; the tests check that they are
the counts of the masks in the repair log, that the card shows the file's own numbers, and that
a bad evaluation file stops the build before anything is written.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from builders.config import Paths, default_paths
from builders.evaluate.devset import DEVSET, PII_TYPES, evaluate_devset, pii_counts
from builders.record import BuildError


@pytest.fixture(scope="module")
def devset() -> dict[str, Any]:
    return evaluate_devset()


@pytest.fixture(scope="module")
def built_with_evaluation(devset: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from builders.pipeline import build

    root = tmp_path_factory.mktemp("with-evaluation")
    evaluation = root / "evaluation.json"
    evaluation.write_text(json.dumps({"devset": devset}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    out = root / "dataset"
    build(out, evaluation=evaluation)
    return out, evaluation


def test_devset_pii_figures_are_the_masks_in_the_repair_log() -> None:
    """Mutation caught: a mask counted without its repair row (or a repair without its count)."""
    from builders.pipeline import process_documents

    base = default_paths()
    docs = process_documents(Paths(corpus=DEVSET, schema=base.schema, docs=base.docs))
    assert len(docs) == 20
    for doc in docs:
        logged = Counter(r.kind.removeprefix("pii-") for r in doc.repairs if r.method == "pii-mask")
        counts = doc.quality["pii"]
        for kind in ("email", "phone", "id", "ip"):
            assert counts.get(kind, 0) == logged.get(kind, 0), (doc.id, kind)
        # No placeholder in the text that the log does not account for.
        for kind in ("email", "phone", "id", "ip"):
            assert doc.text.count(f"<{kind}>") <= logged.get(kind, 0), (doc.id, kind)
    figures = pii_counts(d.quality["pii"] for d in docs)
    # Real pages carry reporters' addresses: the step finds some (9 visible addresses were
    # counted by reading the pages' text, in 6 pages).
    assert figures["email"]["found"] >= 9 and figures["email"]["documents"] >= 6


def test_pii_counts_add_up() -> None:
    out = pii_counts([{"email": 2, "landline": 1}, {"email": 1}, {}])
    assert out["email"] == {"found": 3, "documents": 2}
    assert out["landline"] == {"found": 1, "documents": 1}
    assert out["id"] == {"found": 0, "documents": 0}
    assert set(out) == set(PII_TYPES)


def _pii_table(card: str) -> dict[str, list[str]]:
    rows = {}
    for line in card.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[1].startswith(("masked as", "kept")):
            rows[cells[1]] = cells[2:]
    return rows


def test_card_quotes_the_devset_figures_per_type(built_with_evaluation: tuple[Path, Path], devset: dict[str, Any]) -> None:
    """Mutation caught: the card's devset columns filled from the seeds' figures, or left out."""
    out, _ = built_with_evaluation
    card = (out / "README.md").read_text(encoding="utf-8")
    table = _pii_table(card)
    assert "| what | policy | found | documents | found (development set) | pages (development set) |" in card
    policy = {"email": "masked as `<email>`", "phone": "masked as `<phone>`", "id": "masked as `<id>`",
              "ip": "masked as `<ip>`", "landline": "kept, counted"}
    for kind, label in policy.items():
        dev = devset["pii"][kind]
        assert table[label][2:] == [str(dev["found"]), str(dev["documents"])], kind
    # The extraction figures of the same evaluation, ours first.
    ours = devset["summary"][0]
    assert f"| {ours['body kept']} | {ours['boilerplate removed']} | {ours['title']} |" in card


def test_evaluation_is_shipped_beside_the_data(built_with_evaluation: tuple[Path, Path]) -> None:
    out, evaluation = built_with_evaluation
    assert (out / "evaluation.json").read_bytes() == evaluation.read_bytes()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "evaluation.json" in manifest["outputs"]


def test_card_without_evaluation_says_so(built_dataset: Path) -> None:
    card = (built_dataset / "README.md").read_text(encoding="utf-8")
    assert not (built_dataset / "evaluation.json").exists()
    assert "found (development set)" not in card
    assert "made with `--evaluation`" in card and "made without that evaluation" in card


@pytest.mark.parametrize(
    "content, reason",
    [(b"{not json", "not an evaluation"), (b'{"cleaning": {}}', "not an evaluation"),
     (b'{"devset": {"summary": [], "pii": []}}', "not an evaluation")],
)
def test_a_bad_evaluation_file_stops_the_build_before_writing(tmp_path: Path, content: bytes, reason: str) -> None:
    from builders.pipeline import build

    evaluation = tmp_path / "evaluation.json"
    evaluation.write_bytes(content)
    out = tmp_path / "dataset"
    with pytest.raises(BuildError) as err:
        build(out, evaluation=evaluation)
    assert str(evaluation) in str(err.value) and reason in str(err.value)
    assert not out.exists()


def test_a_missing_evaluation_file_is_named(tmp_path: Path) -> None:
    from builders.pipeline import build

    with pytest.raises(BuildError, match="evaluation file cannot be read") as err:
        build(tmp_path / "dataset", evaluation=tmp_path / "nope.json")
    assert "nope.json" in str(err.value)
