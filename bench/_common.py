"""Helpers shared by the benchmarks: timing, percentiles, peak memory, temp homes."""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def temp_home() -> Path:
    """Point every Coordinator folder at a throwaway directory."""
    home = Path(tempfile.mkdtemp(prefix="coordinator-bench-"))
    os.environ["COORDINATOR_HOME"] = str(home)
    return home


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(samples: list[float]) -> str:
    return (f"p50 {percentile(samples, 50) * 1000:.1f} ms, p95 {percentile(samples, 95) * 1000:.1f}"
            f" ms, max {max(samples) * 1000:.1f} ms (n={len(samples)}, mean "
            f"{statistics.mean(samples) * 1000:.1f} ms)")


def peak_memory_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 if sys.platform != "darwin" else rss / (1024 * 1024)


def target(label: str, value: float, limit: float, unit: str = "") -> str:
    mark = "meets" if value <= limit else "MISSES"
    return f"{label}: {value:.2f}{unit} ({mark} target <= {limit}{unit})"
