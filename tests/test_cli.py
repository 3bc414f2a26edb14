"""The zhnews command line: exit codes and messages (issue 2)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from builders.cli import main


def test_cli_build_and_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ds"
    assert main(["build", "--out", str(out)]) == 0
    assert "built" in capsys.readouterr().out
    assert main(["validate"]) == 0
    assert main(["validate", "--dataset", str(out)]) == 0


def test_cli_validate_reports_a_broken_record(built_dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(built_dataset, copy)
    path = next((copy / "data" / "lines").glob("train-*.parquet"))
    table = pq.read_table(path)
    labels = table.column("label").to_pylist()
    labels[0] = "sports"  # not one of the line labels
    table = table.set_column(table.schema.get_field_index("label"), table.schema.field("label"), pa.array(labels, pa.string()))
    pq.write_table(table, path)
    assert main(["validate", "--dataset", str(copy)]) == 1
    err = capsys.readouterr().err
    assert path.name in err and "label" in err


def test_cli_reports_input_errors_with_exit_code_2(corpus_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (corpus_copy / "sources.yaml").write_text("sources: [\n", encoding="utf-8")
    assert main(["build", "--out", str(tmp_path / "x"), "--corpus", str(corpus_copy)]) == 2
    err = capsys.readouterr().err
    assert "sources.yaml" in err and "malformed YAML" in err


# ----------------------------------------------------------------------------- the error boundary (issue 20)


def _one_line(err: str) -> str:
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.mark.parametrize("value", ["abc", "0", "-2", "1.5"])
def test_bad_zhnews_workers_is_one_line(value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_robust_support import build_cli, make_corpus

    monkeypatch.setenv("ZHNEWS_WORKERS", value)
    code, err = build_cli(tmp_path / "out", make_corpus(tmp_path))
    assert code == 2, err
    assert _one_line(err) == f"error: ZHNEWS_WORKERS={value!r}: expected a positive whole number or 'all'"
    assert not (tmp_path / "out").exists()


def test_an_unexpected_bug_is_one_line_and_debug_shows_the_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from builders import pipeline
    from tests.test_robust_support import build_cli, cli, make_corpus

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug somewhere")

    monkeypatch.setattr(pipeline, "load_sources", broken)
    corpus = make_corpus(tmp_path)
    code, err = build_cli(tmp_path / "out", corpus)
    assert code == 1, err
    line = _one_line(err)
    assert "unexpected ZeroDivisionError: a bug somewhere" in line and "--debug" in line
    for args in (["--debug", "build"], ["build", "--debug"]):  # before or after the subcommand
        code, err = cli(*args, "--out", str(tmp_path / "out"), "--corpus", str(corpus))
        assert code == 1, err
        assert "Traceback" in err and "ZeroDivisionError: a bug somewhere" in err


def test_input_errors_show_the_traceback_only_with_debug(corpus_copy: Path, tmp_path: Path) -> None:
    from tests.test_robust_support import cli

    (corpus_copy / "sources.yaml").write_text("sources: [\n", encoding="utf-8")
    args = ["build", "--out", str(tmp_path / "x"), "--corpus", str(corpus_copy)]
    code, err = cli(*args)
    assert code == 2 and "sources.yaml" in _one_line(err)
    code, err = cli(*args, "--debug")
    assert code == 2 and "Traceback" in err and err.strip().splitlines()[-1].startswith("error: ")


def test_ctrl_c_in_process_is_one_line_and_keeps_the_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from builders import pipeline
    from tests.test_robust_support import build_cli, make_corpus, tree_digest

    corpus = make_corpus(tmp_path)
    out = tmp_path / "out"
    code, err = build_cli(out, corpus)
    assert code == 0, err
    before = tree_digest(out)

    def interrupted(tmp: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "write_card", interrupted)
    code, err = build_cli(out, corpus)
    assert code == 130, err
    assert _one_line(err) == "interrupted: nothing was changed (outputs are replaced only when a command completes)"
    assert tree_digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == [".out.lock"]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_during_a_build_exits_130_without_tracebacks(tmp_path: Path, workers: str) -> None:
    """SIGINT to the whole process group (what Ctrl-C in a terminal sends) while the pages are
    being processed, by the parent itself or by two worker processes."""
    import os
    import signal
    import subprocess
    import time

    from tests.test_robust_support import REPO, cli_command, cli_env, make_corpus

    ready = tmp_path / "ready"
    prelude = (
        "import os, pathlib, time\n"
        "import builders.pipeline as p\n"
        "def stuck(*args, **kwargs):\n"
        f"    pathlib.Path({str(ready)!r}).touch()\n"
        "    time.sleep(300)\n"
        "p.enrich_document = stuck\n"
    )
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*cli_command(prelude), "build", "--out", str(out), "--corpus", str(make_corpus(tmp_path))],
        cwd=REPO,
        env=cli_env(ZHNEWS_WORKERS=workers),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + 300
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert ready.exists(), proc.communicate(timeout=60)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert _one_line(err) == "interrupted: nothing was changed (outputs are replaced only when a command completes)"
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] in ([], [".out.lock"])


def test_os_errors_name_the_path() -> None:
    import errno

    from builders.cli import os_error_line
    from builders.record import naming

    assert os_error_line(OSError(errno.ENOSPC, "No space left on device", "/d/x.parquet")) == (
        "/d/x.parquet: No space left on device (ENOSPC)"
    )
    assert os_error_line(PermissionError(errno.EACCES, "Permission denied", "/a", None, "/b")) == (
        "/a -> /b: Permission denied (EACCES)"
    )
    # numpy's tofile and pyarrow's writers raise without a file name: naming() adds it.
    with pytest.raises(OSError) as info, naming("/d/lines.band03.u64"):
        raise OSError("22272 requested and 1024 written")
    assert os_error_line(info.value) == "/d/lines.band03.u64: 22272 requested and 1024 written (a short write: is the disk full?)"
    with pytest.raises(OSError) as info, naming("/d/x.arrow"):
        raise OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] No space left on device")
    assert os_error_line(info.value) == "/d/x.arrow: No space left on device (ENOSPC)"


def test_file_size_limit_names_the_file(tmp_path: Path) -> None:
    """A write that fails part-way (here the file-size limit, EFBIG, as a full disk gives ENOSPC)
    is exit 3 and one line naming the file, whichever writer hit it (numpy, pyarrow, Python)."""
    import subprocess

    from tests.test_robust_support import REPO, cli_command, cli_env, make_corpus

    corpus = make_corpus(tmp_path)
    out = tmp_path / "out"
    for limit in (2048,):  # hit first by the documents spill (pyarrow)
        prelude = (
            "import resource, signal\n"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        )
        proc = subprocess.run(
            [*cli_command(prelude), "build", "--out", str(out), "--corpus", str(corpus)],
            cwd=REPO, env=cli_env(), capture_output=True, text=True, timeout=600, check=False,
        )
        assert proc.returncode == 3, proc.stderr
        line = _one_line(proc.stderr)
        assert line.startswith(f"error: {tmp_path}/.out.tmp-"), line
        assert "File too large" in line or "requested and" in line, line
        assert line.split(":")[1].endswith(".arrow") or line.split(":")[1].endswith(".parquet"), line
        assert not out.exists()
