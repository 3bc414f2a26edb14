"""One way to time a call in the benchmarks: the median of repeated process-CPU measurements."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def cpu_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median process CPU time of ``fn()`` in milliseconds over ``repeat`` runs."""
    runs = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        runs.append((time.process_time() - start) * 1000)
    return statistics.median(runs)
