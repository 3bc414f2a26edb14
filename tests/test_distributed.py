"""Issue 9: the Ray Data executor (local mode, 2 CPUs) produces byte-identical output to the
local build. Skipped when the optional extra ``[distributed]`` (ray) is not installed."""

from __future__ import annotations

from pathlib import Path

import ray

from benchmarks.generate import generate
from builders import pipeline
from builders.config import Paths, default_paths
from tests.conftest import tree_digest


def test_ray_build_equals_local_build(tmp_path: Path) -> None:
    from builders.executors.ray_data import RayExecutor

    base = default_paths()
    paths = Paths(corpus=generate(tmp_path / "corpus", 30, seed=11), schema=base.schema, docs=base.docs)
    local = tmp_path / "local"
    pipeline.build(local, paths, workers=1)
    distributed = tmp_path / "ray"
    report = pipeline.build(distributed, paths, executor=RayExecutor(num_cpus=2))
    assert report.executor == "ray" and report.documents == 30
    assert not ray.is_initialized(), "the executor shuts down the Ray it started"
    assert tree_digest(distributed) == tree_digest(local)
