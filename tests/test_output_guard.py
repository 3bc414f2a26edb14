"""Issue 20: the output folder is the user's. ``zhnews build --out`` and ``zhnews docs --site``
replace a folder only when it is new, empty, or one this tool wrote; everything else is refused
with exit 2, a message naming the folder, and every byte of the folder unchanged.

The refused builds stop before anything is read or written, so they cost nothing; the builds that
must still work use the three-page corpus of the robustness tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from builders.config import DEFAULT_OUTPUT, DEFAULT_SITE
from builders.export.atomic import MARKER, guard_output
from builders.export.manifest import DATASET
from builders.publish.site import DOCS_SOURCES, SITE
from builders.record import BuildError
from tests.test_robust_support import build_cli, cli, make_corpus, sha256, tree_digest

REPO = Path(__file__).resolve().parent.parent


def stat_digest(root: Path) -> dict[str, tuple[int, int, str]]:
    """(size, mtime, mode) of every path below root, for trees too large to hash byte by byte
    (the repository with its virtual environment). Bytecode caches are left out (Python writes
    them as modules are imported, whatever the build does), and so is .git (someone may commit
    while the tests run)."""
    digest = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("__pycache__", ".pytest_cache", ".git"))
        for name in sorted(filenames + dirnames):
            path = Path(dirpath) / name
            st = path.lstat()
            digest[path.relative_to(root).as_posix()] = (st.st_size, st.st_mtime_ns, oct(st.st_mode))
    return digest


def full_digest(root: Path) -> dict[str, str]:
    """Every file's sha256, every folder and symlink, and the mode bits of each."""
    digest = tree_digest(root)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            digest[f"{rel} ->"] = os.readlink(path)
        elif path.is_dir():
            digest[f"{rel}/"] = oct(path.stat().st_mode)
    return digest


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "user")


@pytest.fixture()
def victim(tmp_path: Path) -> Path:
    """A folder of the user's: notes, a sub-folder, a hidden file, a symlink."""
    folder = tmp_path / "victim"
    (folder / "photos").mkdir(parents=True)
    (folder / "notes.txt").write_text("我的笔记，不可丢失。\n", encoding="utf-8")
    (folder / "photos" / "a.jpg").write_bytes(bytes(range(256)))
    (folder / ".hidden").write_text("x", encoding="utf-8")
    (folder / "link").symlink_to("notes.txt")
    return folder


def refused(args: list[str], folder: Path, *needles: str, digest: Callable[[Path], object] = full_digest) -> str:
    """Run zhnews; exit 2, one line naming the folder, the folder unchanged, no lock or temp file."""
    siblings = sorted(p.name for p in folder.parent.iterdir()) if folder.parent.is_dir() else []
    before = digest(folder)
    code, err = cli(*args)
    assert code == 2, err
    assert err.startswith("error: ") and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, (needle, err)
    assert digest(folder) == before
    after = sorted(p.name for p in folder.parent.iterdir()) if folder.parent.is_dir() else []
    assert after == siblings, "the refused build created something beside the folder"
    return err


# ----------------------------------------------------------------------------- refused: build


def test_unrelated_folder_is_refused(victim: Path, corpus: Path) -> None:
    err = refused(["build", "--out", str(victim), "--corpus", str(corpus)], victim, str(victim))
    assert "is not empty and is not a dataset folder this tool wrote" in err


def test_folder_with_a_foreign_manifest_is_refused(victim: Path, corpus: Path) -> None:
    (victim / "manifest.json").write_text('{"name": "someone-elses-data", "outputs": {}}\n', encoding="utf-8")
    refused(["build", "--out", str(victim), "--corpus", str(corpus)], victim, str(victim), "not a dataset folder")


@pytest.mark.parametrize("out", [".", ""], ids=["dot", "empty-string"])
def test_current_directory_is_refused(victim: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch, out: str) -> None:
    monkeypatch.chdir(victim)
    refused(["build", "--out", out, "--corpus", str(corpus)], victim, "is the current directory")


def test_an_empty_current_directory_is_refused_too(tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = tmp_path / "empty-here"
    here.mkdir()
    monkeypatch.chdir(here)
    refused(["build", "--out", ".", "--corpus", str(corpus)], here, "is the current directory")


def test_corpus_raw_is_refused(corpus: Path) -> None:
    raw = corpus / "raw"
    refused(["build", "--out", str(raw), "--corpus", str(corpus)], raw, str(raw), "inside the corpus")


def test_corpus_root_is_refused(corpus: Path) -> None:
    refused(["build", "--out", str(corpus), "--corpus", str(corpus)], corpus, str(corpus), "is the corpus")


def test_ancestor_of_the_corpus_is_refused(corpus: Path) -> None:
    parent = corpus.parent
    refused(["build", "--out", str(parent), "--corpus", str(parent / "corpus")], parent, "contains the corpus")


def test_new_folder_inside_the_corpus_is_refused(corpus: Path) -> None:
    inside = corpus / "curated" / "out"
    refused(["build", "--out", str(inside), "--corpus", str(corpus)], corpus, "inside the corpus")
    assert not inside.exists()


def test_repository_root_is_refused(corpus: Path) -> None:
    import builders.pipeline  # noqa: F401 - imported (bytecode written) before the digest

    refused(["build", "--out", str(REPO), "--corpus", str(corpus)], REPO, "is the repository", digest=stat_digest)


def test_repository_corpus_is_refused_whatever_the_corpus(corpus: Path) -> None:
    raw = REPO / "corpus" / "raw"
    refused(["build", "--out", str(raw), "--corpus", str(corpus)], raw, "inside the repository's corpus")


@pytest.mark.parametrize("target", ["victim", "corpus", "corpus/raw", "repository"])
def test_symlink_to_a_refused_folder_is_refused(tmp_path: Path, victim: Path, corpus: Path, target: str) -> None:
    real = {"victim": victim, "corpus": corpus, "corpus/raw": corpus / "raw", "repository": REPO}[target]
    link = tmp_path / "innocent-looking-link"
    link.symlink_to(real, target_is_directory=True)
    digest = stat_digest if target == "repository" else full_digest
    err = refused(["build", "--out", str(link), "--corpus", str(corpus)], real, str(link), str(real.resolve()), digest=digest)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert "refusing" in err or "elsewhere" in err


def test_existing_file_is_refused(tmp_path: Path, corpus: Path) -> None:
    path = tmp_path / "dataset"
    path.write_bytes(b"not a folder")
    refused(["build", "--out", str(path), "--corpus", str(corpus)], tmp_path, "exists and is not a folder")
    assert path.read_bytes() == b"not a folder"


# ----------------------------------------------------------------------------- allowed: build


def test_empty_folder_then_its_own_output(tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    code, err = build_cli(out, corpus)
    assert code == 0, err
    first = tree_digest(out)
    assert (out / "manifest.json").is_file()
    code, err = build_cli(out, corpus)  # over its own previous output
    assert code == 0, err
    assert tree_digest(out) == first
    # A symlink to the tool's own output: the build lands in the target, the link stays.
    link = tmp_path / "link"
    link.symlink_to(out, target_is_directory=True)
    code, err = build_cli(link, corpus)
    assert code == 0, err
    assert link.is_symlink() and tree_digest(out) == first
    # The guard reads the manifest: the same folder with its manifest renamed is the user's.
    (out / "manifest.json").rename(out / "manifest.kept")
    kept = full_digest(out)
    code, err = build_cli(out, corpus)
    assert code == 2 and "not a dataset folder" in err, err
    assert full_digest(out) == kept


def test_missing_parents_are_created(tmp_path: Path, corpus: Path) -> None:
    """`make build` from a clean checkout: build/ does not exist yet."""
    out = tmp_path / "build" / "dataset"
    code, err = build_cli(out, corpus)
    assert code == 0, err
    assert (out / "manifest.json").is_file()


def test_default_locations_pass_the_guard() -> None:
    """The defaults `make build` uses (build/dataset, build/site) are inside the repository but
    neither it nor its corpus: allowed when absent, empty or the tool's own."""
    for path, kind in ((DEFAULT_OUTPUT, DATASET), (DEFAULT_SITE, SITE), (DEFAULT_SITE.parent / "docs-src", DOCS_SOURCES)):
        if not path.exists() or not any(path.iterdir()) or kind.is_ours(path):
            assert guard_output(path, kind) == path.resolve()


def test_guard_checks_again_before_the_swap(tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder that was empty when the build started but filled during it is not replaced."""
    from builders import pipeline

    out = tmp_path / "filled-meanwhile"
    out.mkdir()
    real_write_card = pipeline.write_card

    def write_card(tmp: Path) -> None:
        (out / "mine.txt").write_text("written while the build ran", encoding="utf-8")
        real_write_card(tmp)

    monkeypatch.setattr(pipeline, "write_card", write_card)
    code, err = build_cli(out, corpus)
    assert code == 2 and "not a dataset folder" in err, err
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".filled-meanwhile.tmp-")]


# ----------------------------------------------------------------------------- docs --site


def test_docs_site_refusals(built_dataset: Path, victim: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def docs(site: Path | str) -> list[str]:
        return ["docs", "--dataset", str(built_dataset), "--site", str(site)]

    refused(docs(victim), victim, str(victim), "not a docs site this tool wrote")
    refused(docs(built_dataset), built_dataset, "is the dataset folder")
    refused(docs(built_dataset / "site"), built_dataset, "inside the dataset folder")
    refused(docs(REPO / "docs"), REPO / "docs", "docs/")
    monkeypatch.chdir(victim)
    refused(docs("."), victim, "is the current directory")
    refused(docs(""), victim, "is the current directory")
    monkeypatch.chdir(tmp_path)
    link = tmp_path / "site-link"
    link.symlink_to(victim, target_is_directory=True)
    refused(docs(link), victim, str(link), "not a docs site")
    # The staged sources go to <site's parent>/docs-src, which the docs build deletes and
    # rewrites: a user's folder of that name is refused just the same.
    work = tmp_path / "here" / "docs-src"
    shutil.copytree(victim, work, symlinks=True)
    refused(docs(tmp_path / "here" / "site"), work, str(work), "not a staged docs folder")


@pytest.mark.slow
def test_docs_site_into_empty_folder_then_over_itself(built_dataset: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for _ in range(2):  # an empty folder, then the site's own previous output
        code, err = cli("docs", "--dataset", str(built_dataset), "--site", str(site))
        assert code == 0, err
        assert (site / MARKER).read_text(encoding="utf-8").startswith("site\n")
        assert (tmp_path / "docs-src" / MARKER).read_text(encoding="utf-8").startswith("docs-src\n")
        assert (site / "index.html").is_file()


def test_markers_name_their_kind(tmp_path: Path) -> None:
    """A staged-sources folder is not a site, and a site is not a dataset (nor the reverse)."""
    from builders.export.atomic import write_marker

    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "index.html").write_text("<p>x</p>", encoding="utf-8")
    write_marker(folder, "docs-src")
    assert DOCS_SOURCES.is_ours(folder) and not SITE.is_ours(folder) and not DATASET.is_ours(folder)
    with pytest.raises(BuildError, match="not a docs site"):
        guard_output(folder, SITE)
    assert sha256((folder / "index.html").read_bytes()) == sha256(b"<p>x</p>")
