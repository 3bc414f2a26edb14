"""Issue 7: `zhnews publish` against a local stand-in for the Hub (127.0.0.1, recorded
requests): one commit with every file, a `v<version>` tag on it, refusals, and a token that
never shows up in output, logs or error messages."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from builders.cli import main
from builders.export import versioning
from builders.publish.hub import PublishError, plan_publish, publish

pytestmark = pytest.mark.slow

TOKEN = "hf_TestSecretToken0123456789abcdefXYZ"
REPO = "zh-test-org/zh-news"
HEAD = "a" * 40
NEW = "b" * 40


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeHub:
    """The few endpoints huggingface_hub calls for refs, tree, validate-yaml, preupload, commit
    and tag (read from huggingface_hub 2.4's hf_api.py / _commit_api.py)."""

    tags: list[str] = field(default_factory=list)
    remote_files: list[str] = field(default_factory=lambda: [".gitattributes"])
    fail_commit: bool = False
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""

    def handle(self, req: Recorded) -> tuple[int, Any]:
        self.requests.append(req)
        base = f"/api/datasets/{REPO}"
        if req.method == "GET" and req.path == f"{base}/refs":
            return 200, {
                "branches": [{"name": "main", "ref": "refs/heads/main", "targetCommit": HEAD}],
                "converts": [],
                "tags": [{"name": t, "ref": f"refs/tags/{t}", "targetCommit": HEAD} for t in self.tags],
            }
        if req.method == "GET" and req.path.startswith(f"{base}/tree/"):
            return 200, [{"type": "file", "path": p, "size": 1, "oid": "c" * 40} for p in self.remote_files]
        if req.method == "POST" and req.path == "/api/validate-yaml":
            return 200, {"errors": [], "warnings": []}
        if req.method == "POST" and req.path.startswith(f"{base}/preupload/"):
            files = json.loads(req.body)["files"]
            # "regular": contents travel inside the commit payload (no LFS/Xet storage here).
            return 200, {
                "files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False} for f in files]
            }
        if req.method == "POST" and req.path.startswith(f"{base}/commit/"):
            if self.fail_commit:  # a server that echoes the credentials it got, to test scrubbing
                return 500, {"error": f"internal error for {req.headers.get('authorization')}"}
            return 200, {
                "commitUrl": f"{self.url}/datasets/{REPO}/commit/{NEW}",
                "commitOid": NEW,
                "pullRequestUrl": None,
            }
        if req.method == "POST" and req.path.startswith(f"{base}/tag/"):
            tag = json.loads(req.body)["tag"]
            if tag in self.tags:
                return 409, {"error": "tag exists"}
            self.tags.append(tag)
            return 200, {}
        return 404, {"error": f"stub: no route {req.method} {req.path}"}

    def by_kind(self, kind: str) -> list[Recorded]:
        return [r for r in self.requests if f"/{kind}" in r.path]


@pytest.fixture()
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    import huggingface_hub.constants as hf_constants

    fake = FakeHub()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            parsed = urlparse(self.path)
            req = Recorded(
                self.command,
                unquote(parsed.path),
                parse_qs(parsed.query),
                {k.lower(): v for k, v in self.headers.items()},
                body,
            )
            status, payload = fake.handle(req)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, *args: Any) -> None:  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # conftest switches the Hub client offline for every test; this one talks to 127.0.0.1 only.
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture()
def folder(built_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    dst = tmp_path / "dataset"
    shutil.copytree(built_dataset, dst)
    monkeypatch.setattr(versioning, "releases_dir", lambda: tmp_path / "releases")
    return dst


def _release_files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_dry_run_prints_files_commit_and_tag_without_network(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["publish", str(folder), "--repo", REPO, "--dry-run", "--endpoint", "http://127.0.0.1:9"]) == 0
    )
    out = capsys.readouterr().out
    version = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["version"]
    assert f"tag:        v{version}" in out
    assert f"commit message: Release zh-ai-compute-news v{version}" in out
    for rel, digest in _release_files(folder).items():
        size = (folder / rel).stat().st_size
        assert any(line.split() == [digest, str(size), rel] for line in out.splitlines()), rel
    print(out)  # shown with `pytest -s`: the dry-run output of issue 7


def test_publish_commits_every_file_and_tags_it(
    hub: FakeHub,
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    hub.remote_files = [".gitattributes", "data/documents/old-00000-of-00001.parquet"]
    caplog.set_level(logging.DEBUG)
    assert main(["-v", "publish", str(folder), "--repo", REPO, "--endpoint", hub.url]) == 0
    out, err = capsys.readouterr()
    version = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["version"]

    commits = hub.by_kind("commit")
    assert len(commits) == 1
    assert commits[0].headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(x) for x in commits[0].body.decode().splitlines()]
    header = lines[0]
    assert header["key"] == "header"
    assert header["value"]["summary"] == f"Release zh-ai-compute-news v{version}"
    assert header["value"]["parentCommit"] == HEAD
    uploaded = {
        x["value"]["path"]: base64.b64decode(x["value"]["content"]) for x in lines if x["key"] == "file"
    }
    assert {p: hashlib.sha256(b).hexdigest() for p, b in uploaded.items()} == _release_files(folder)
    assert [x["value"]["path"] for x in lines if x["key"] == "deletedFile"] == [
        "data/documents/old-00000-of-00001.parquet"
    ]

    tags = hub.by_kind("tag")
    assert len(tags) == 1 and tags[0].path.endswith(f"/tag/{NEW}")
    assert json.loads(tags[0].body)["tag"] == f"v{version}"
    assert hub.tags == [f"v{version}"]
    assert f"published {REPO} v{version}: commit {NEW}" in out
    assert (tmp_path / "releases" / version / "manifest.json").read_bytes() == (
        folder / "manifest.json"
    ).read_bytes()

    # The token was used, and appears nowhere else.
    assert all(r.headers.get("authorization") == f"Bearer {TOKEN}" for r in hub.requests)
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert caplog.records, "debug logging was on: the check below must have something to look at"
    for text in (out, err, logs):
        assert TOKEN not in text
    print("\n".join(f"{r.method} {r.path}" for r in hub.requests))  # the recorded requests


def test_existing_tag_is_refused_before_anything_is_written(
    hub: FakeHub, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    version = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["version"]
    hub.tags = [f"v{version}"]
    assert main(["publish", str(folder), "--repo", REPO, "--endpoint", hub.url]) == 2
    err = capsys.readouterr().err
    assert f"tag v{version} already exists" in err and TOKEN not in err
    assert not hub.by_kind("commit") and not hub.by_kind("preupload") and hub.tags == [f"v{version}"]


def test_folder_failing_verify_is_refused_without_network(
    hub: FakeHub, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "croissant.json").write_text("{}", encoding="utf-8")
    assert main(["publish", str(folder), "--repo", REPO, "--endpoint", hub.url]) == 2
    err = capsys.readouterr().err
    assert "refusing to publish" in err and "croissant.json: sha256" in err
    assert hub.requests == []
    with pytest.raises(PublishError, match="refusing to publish"):
        plan_publish(folder, REPO)


def test_errors_never_carry_the_token(hub: FakeHub, folder: Path) -> None:
    hub.fail_commit = True
    with pytest.raises(PublishError) as err:
        publish(folder, REPO, endpoint=hub.url, record=False)
    assert "<redacted>" in str(err.value)  # the server echoed the token: scrubbed
    assert TOKEN not in str(err.value)
    assert err.value.__cause__ is None and err.value.__suppress_context__
    assert not hub.by_kind("tag")


def test_no_token_is_a_clear_error(folder: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "no-token"))
    import huggingface_hub.constants as hf_constants

    monkeypatch.setattr(hf_constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))
    with pytest.raises(PublishError, match="no Hub token"):
        publish(folder, REPO, endpoint="http://127.0.0.1:9", record=False)
