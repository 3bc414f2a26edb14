"""Run the per-document stages on Ray Data (optional extra ``[distributed]``).

    from builders.executors.ray_data import RayExecutor
    build(out, paths, executor=RayExecutor(num_cpus=2))            # local Ray, 2 CPUs
    build(out, paths, executor=RayExecutor(address="auto"))        # an existing cluster

The executor only replaces *who runs* ``process_with(ctx, source)`` (ingest → clean → enrich →
annotate → encoded, validated rows and signatures): the sources become a Ray Dataset, the same
function runs in ``map_batches`` tasks, and the results come back to the driver in source order
(``preserve_order``). The driver then does exactly what a local build does (spill, near-
duplicates, split, Parquet, card, manifest), so the output is byte-identical to a local build;
``tests/test_distributed.py`` checks that on a generated corpus.

Why Ray Data: it streams (bounded blocks in flight, backpressure), preserves order on request,
runs the same Python functions without a JVM (Spark) and starts a local cluster in seconds for
CI; Dask bags would do too, but give no ordered streaming iterator with backpressure.

On a cluster every node needs the builders installed and the corpus folder at the same path
(a shared file system), since workers read the raw pages themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import numpy as np

from builders.pipeline import Processed, _Context, chunk_size, process_with
from builders.record import Source


class _Stages:
    """The per-document stages in a Ray worker; the build context is fetched once per worker."""

    def __init__(self, ctx_ref: Any) -> None:
        import ray

        self.ctx: _Context = ray.get(ctx_ref[0]) if isinstance(ctx_ref, list) else ctx_ref

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        # Sources travel as JSON; results as Python objects in an object column, which Ray
        # serialises itself between its own processes (nothing from the corpus is unpickled
        # by our code).
        out = np.empty(len(batch["source"]), dtype=object)
        for i, fields in enumerate(batch["source"]):
            out[i] = process_with(self.ctx, Source(**json.loads(fields)))
        return {"ordinal": batch["ordinal"], "result": out}


class RayExecutor:
    """``executor(ctx, sources)`` for :func:`builders.pipeline.build`, on Ray Data."""

    name = "ray"

    def __init__(
        self,
        num_cpus: int | None = None,
        address: str | None = None,
        init_kwargs: dict[str, Any] | None = None,
        shutdown: bool = True,
    ) -> None:
        self.num_cpus = num_cpus
        self.address = address
        self.init_kwargs = init_kwargs or {}
        self.shutdown = shutdown

    def _init(self) -> bool:
        import ray

        if ray.is_initialized():
            return False
        kwargs: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "configure_logging": False,
            **self.init_kwargs,
        }
        if self.address:
            kwargs["address"] = self.address
        else:
            kwargs["num_cpus"] = self.num_cpus
        ray.init(**kwargs)
        return True

    def __call__(self, ctx: _Context, sources: list[Source]) -> Iterator[Processed]:
        import ray
        import ray.data

        started = self._init()
        try:
            data_ctx = ray.data.DataContext.get_current()
            data_ctx.execution_options.preserve_order = True  # results in source order
            data_ctx.enable_progress_bars = False
            cpus = int(ray.cluster_resources().get("CPU", 1))
            # The context (line index, curated annotations) goes to the object store once.
            ctx_ref = [ray.put(ctx)]
            items = [
                {"ordinal": i, "source": json.dumps(asdict(s), ensure_ascii=False)}
                for i, s in enumerate(sources)
            ]
            size = chunk_size(len(sources), cpus)
            ds = ray.data.from_items(items, override_num_blocks=max(1, min(len(items), cpus * 8)))
            ds = ds.map_batches(
                _Stages,
                fn_constructor_args=(ctx_ref,),
                batch_size=size,
                batch_format="default",
                concurrency=cpus,
                num_cpus=1,
            )
            expected = 0
            for batch in ds.iter_batches(batch_size=size, batch_format="default", prefetch_batches=1):
                for ordinal, result in zip(batch["ordinal"], batch["result"], strict=True):
                    if int(ordinal) != expected:
                        raise RuntimeError(f"Ray returned document {ordinal} where {expected} was expected")
                    expected += 1
                    yield result
        finally:
            if started and self.shutdown:
                ray.shutdown()
