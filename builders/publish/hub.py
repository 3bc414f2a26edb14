"""``zhnews publish DIR --repo ORG/NAME``: upload a built folder to a Hub dataset repository
as **one commit** and tag it ``v<version>``.

Order: ``verify`` the folder (refuse on any problem) → plan (the files of the manifest, with
size and sha256; commit message; tag) → with ``--dry-run`` print the plan and stop, touching
no network → otherwise read the repository's refs (refuse when the tag exists) and file list →
one ``create_commit`` with every file of the release and deletions of remote files that are
not part of it (stale shards) on top of the current head → ``create_tag`` on that commit →
copy ``manifest.json`` to ``releases/<version>/`` for the next build's version check.

Why ``create_commit`` rather than ``upload_folder``: with ``hf_xet`` installed,
``upload_folder`` (huggingface_hub 2.x) streams a folder through a multi-commit pipeline, so a
release could land as several commits and ``main`` would briefly hold a mix of two versions.
One commit with ``parent_commit`` is atomic and fails if someone pushed in between.

The token comes from ``HF_TOKEN`` or the Hub login (``huggingface_hub.get_token``). It is
passed to the client only; it is never printed, logged or written, and it is scrubbed from
any error message before that message leaves this module.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builders.config import section
from builders.export.versioning import MANIFEST, record_release
from builders.ingest.sources import sha256_file
from builders.record import BuildError
from builders.verify import verify_dataset

log = logging.getLogger(__name__)

REPO_TYPE = "dataset"
KEEP_REMOTE = frozenset({".gitattributes"})  # Hub-managed; never part of a release folder


class PublishError(BuildError):
    """A refused or failed publish; the message never contains the token."""


@dataclass(frozen=True)
class PlannedFile:
    path: str
    bytes: int
    sha256: str


@dataclass
class PublishPlan:
    repo_id: str
    version: str
    tag: str
    commit_message: str
    commit_description: str
    files: list[PlannedFile] = field(default_factory=list)

    def render(self) -> str:
        """What a dry run prints: exactly what would be committed and tagged."""
        lines = [
            f"repository: {self.repo_id} (type {REPO_TYPE})",
            f"version:    {self.version}",
            f"tag:        {self.tag}",
            f"commit message: {self.commit_message}",
            f"commit description: {self.commit_description}",
            f"files ({len(self.files)}, {sum(f.bytes for f in self.files)} bytes):",
        ]
        width = max((len(str(f.bytes)) for f in self.files), default=1)
        lines += [f"  {f.sha256}  {f.bytes:>{width}}  {f.path}" for f in self.files]
        lines.append(
            "deletions:  remote files not listed above, except "
            + ", ".join(sorted(KEEP_REMOTE))
            + " (listed from the repository at publish time)"
        )
        return "\n".join(lines)


@dataclass
class PublishResult:
    plan: PublishPlan
    commit_oid: str
    commit_url: str
    deleted: list[str]
    release_manifest: Path | None


def _scrub(text: str, token: str | None) -> str:
    return text.replace(token, "<redacted>") if token else text


def plan_publish(dataset: Path, repo_id: str) -> PublishPlan:
    """Verify the folder and describe the release; raise PublishError when verify fails."""
    if repo_id.count("/") != 1 or not all(repo_id.split("/")):
        raise PublishError(f"--repo {repo_id!r}: expected ORG/NAME")
    problems = verify_dataset(dataset)
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  (+{len(problems) - 20} more)" if len(problems) > 20 else ""
        head = f"{dataset}: refusing to publish, verify found {len(problems)} problem(s)"
        raise PublishError(f"{head}:\n  {shown}{more}")
    manifest: dict[str, Any] = json.loads((dataset / MANIFEST).read_text(encoding="utf-8"))
    version = str(manifest["version"])
    tag = f"{section('release').get('tag_prefix', 'v')}{version}"
    outputs = sorted(manifest["outputs"].items())
    files = [PlannedFile(rel, int(e["bytes"]), str(e["sha256"])) for rel, e in outputs]
    manifest_path = dataset / MANIFEST
    files.append(PlannedFile(MANIFEST, manifest_path.stat().st_size, sha256_file(manifest_path)))
    files.sort(key=lambda f: f.path)
    name = manifest.get("name") or section("dataset")["name"]
    return PublishPlan(
        repo_id=repo_id,
        version=version,
        tag=tag,
        commit_message=f"Release {name} {tag}",
        commit_description=(
            f"{name} version {version}: {len(files)} files; manifest.json sha256 "
            f"{sha256_file(manifest_path)}. Built by the zh-ai-compute-news builders."
        ),
        files=files,
    )


def resolve_token(explicit: str | None = None) -> str:
    """HF_TOKEN or the stored Hub login; an error (without any secret) when there is none."""
    if explicit:
        return explicit
    from huggingface_hub import get_token

    token = get_token()
    if not token:
        raise PublishError("no Hub token: set HF_TOKEN or log in with `hf auth login`")
    return token


def publish(
    dataset: Path,
    repo_id: str,
    *,
    endpoint: str | None = None,
    token: str | None = None,
    releases: Path | None = None,
    record: bool = True,
) -> PublishResult:
    """Commit the verified folder to ``repo_id`` and tag it; see the module docstring."""
    plan = plan_publish(dataset, repo_id)
    secret = resolve_token(token)
    try:
        return _publish(dataset, plan, secret, endpoint, releases, record)
    except PublishError as exc:
        raise PublishError(_scrub(str(exc), secret)) from None
    except Exception as exc:
        # `from None`: the original exception (and anything it carries) stays out of tracebacks.
        message = f"publishing to {repo_id} failed: {type(exc).__name__}: {exc}"
        raise PublishError(_scrub(message, secret)) from None


def _publish(
    dataset: Path, plan: PublishPlan, token: str, endpoint: str | None, releases: Path | None, record: bool
) -> PublishResult:
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi

    api = HfApi(endpoint=endpoint, token=token)
    refs = api.list_repo_refs(plan.repo_id, repo_type=REPO_TYPE)
    existing = {t.name for t in refs.tags}
    if plan.tag in existing:
        raise PublishError(f"{plan.repo_id}: tag {plan.tag} already exists; a release is never replaced")
    head = next((b.target_commit for b in refs.branches if b.name == "main"), None)
    remote = set(api.list_repo_files(plan.repo_id, repo_type=REPO_TYPE, revision=head)) if head else set()
    planned = {f.path for f in plan.files}
    stale = sorted(p for p in remote if p not in planned and p not in KEEP_REMOTE)
    operations: list[Any] = [CommitOperationDelete(path_in_repo=p) for p in stale]
    for f in plan.files:
        path = dataset / f.path
        # The folder was verified; re-check so that a file changed since is never uploaded.
        if sha256_file(path) != f.sha256:
            raise PublishError(f"{f.path}: changed after verification")
        operations.append(CommitOperationAdd(path_in_repo=f.path, path_or_fileobj=str(path)))
    info = api.create_commit(
        plan.repo_id,
        operations,
        commit_message=plan.commit_message,
        commit_description=plan.commit_description,
        repo_type=REPO_TYPE,
        parent_commit=head,
    )
    log.info("committed %s files to %s: %s", len(plan.files), plan.repo_id, info.oid)
    api.create_tag(
        plan.repo_id, tag=plan.tag, revision=info.oid, tag_message=plan.commit_message, repo_type=REPO_TYPE
    )
    log.info("tagged %s as %s", info.oid, plan.tag)
    recorded = record_release(dataset, releases) if record else None
    return PublishResult(plan=plan, commit_oid=info.oid, commit_url=str(info.commit_url), deleted=stale,
                         release_manifest=recorded)
