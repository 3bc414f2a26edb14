"""Issue 8: corpus text is untrusted. No builder code evaluates text or deserialises objects:
a static scan of builders/ for the calls that could (YAML with an unsafe loader, eval/exec,
pickle/marshal, shell commands), plus a YAML tag that would run a command if it were loaded
unsafely."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from builders.ingest.sources import load_yaml
from builders.record import BuildError

BUILDERS = Path(__file__).resolve().parent.parent / "builders"
SAFE_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "_StrictLoader"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    return ""


def unsafe_calls(path: Path) -> list[str]:
    problems = []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            for bad in ("pickle", "marshal", "shelve", "dill"):
                if any(n == bad or n.startswith(bad + ".") for n in names):
                    problems.append(f"{path}:{node.lineno}: imports {bad}")
        if not isinstance(node, ast.Call):
            continue
        func = _name(node.func)
        where = f"{path}:{node.lineno}"
        if func in ("eval", "exec", "compile", "__import__", "os.system", "os.popen"):
            problems.append(f"{where}: calls {func}")
        if func in ("yaml.unsafe_load", "yaml.full_load", "yaml.unsafe_load_all", "yaml.full_load_all"):
            problems.append(f"{where}: calls {func}")
        if func in ("yaml.load", "yaml.load_all"):
            loader = next((k.value for k in node.keywords if k.arg == "Loader"), None)
            if loader is None and len(node.args) > 1:
                loader = node.args[1]
            if loader is None or _name(loader).split(".")[-1] not in SAFE_LOADERS:
                problems.append(f"{where}: {func} without a safe Loader")
        for keyword in node.keywords:
            if keyword.arg == "shell" and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is False):
                problems.append(f"{where}: {func} with shell=...")
    return problems


def test_no_unsafe_calls_in_builders() -> None:
    problems = [p for path in sorted(BUILDERS.rglob("*.py")) for p in unsafe_calls(path)]
    assert problems == []


def test_scanner_catches_what_it_should(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import pickle, yaml, subprocess, os\n"
        "yaml.load(open('x'))\n"
        "yaml.load(open('x'), Loader=yaml.Loader)\n"
        "eval('1')\n"
        "subprocess.run('ls', shell=True)\n"
        "os.system('ls')\n",
        encoding="utf-8",
    )
    assert len(unsafe_calls(bad)) == 6


@pytest.mark.parametrize(
    "text",
    [
        "sources: !!python/object/apply:os.system ['touch {marker}']\n",
        "sources: !!python/name:os.system\n",
    ],
)
def test_yaml_python_tags_are_refused_not_run(tmp_path: Path, text: str) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "sources.yaml"
    path.write_text(text.format(marker=marker), encoding="utf-8")
    with pytest.raises(BuildError, match=r"sources.yaml.*malformed YAML"):
        load_yaml(path)
    assert not marker.exists()
