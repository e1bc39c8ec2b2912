"""Benchmark: read and extract an 835 of 10,000 claims, against a bare split into segments."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explainer.extract.era import extract_era  # noqa: E402
from tests.x12_factory import build_835, many_claims  # noqa: E402

CLAIMS = 10_000
TARGET_SECONDS = 2.0
RUNS = 3


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The fastest of `runs` timings of `work`, in seconds (time.perf_counter)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def bare_split(data: bytes) -> int:
    """The floor: split into segments and elements, nothing else."""
    return sum(len(segment.split(b"*")) for segment in data.split(b"~"))


def full_pipeline(data: bytes) -> Callable[[], object] | None:
    """explain(extract_era(...)) when the whole engine imports and its content loads."""
    try:
        from explainer import explain
        from explainer.content import library

        library()
    except Exception as error:  # the rest of the engine may still be under construction
        print(f"full pipeline: skipped ({type(error).__name__}: {str(error)[:80]})")
        return None
    return lambda: explain(extract_era(data, "bench.835"))


def main() -> int:
    """Print the timings in milliseconds and their ratios; non-zero if over the target."""
    data = build_835(many_claims(CLAIMS, lines=2))
    documents = extract_era(data, "bench.835")
    lines = sum(len(document.lines) for document in documents)
    print(f"835 of {CLAIMS:,} claims, {lines:,} lines, {len(data) / 1e6:.1f} MB, best of {RUNS}")
    split = best_of(RUNS, lambda: bare_split(data))
    read = best_of(RUNS, lambda: extract_era(data, "bench.835"))
    print(f"bare split:          {split * 1000:8.1f} ms")
    print(f"read + extract_era:  {read * 1000:8.1f} ms  ({read / split:.1f}× the bare split)")
    pipeline = full_pipeline(data)
    if pipeline is not None:
        full = best_of(RUNS, pipeline)
        print(f"read + explain:      {full * 1000:8.1f} ms  ({full / split:.1f}× the bare split)")
    within = read < TARGET_SECONDS
    print(f"target: read + extract under {TARGET_SECONDS:.0f} s: {'met' if within else 'MISSED'}")
    return 0 if within else 1


if __name__ == "__main__":
    raise SystemExit(main())
