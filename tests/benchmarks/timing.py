"""Small timing helpers shared by the benchmarks: alternating rounds, medians."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def per_call_microseconds(
    functions: dict[str, Callable[[], object]], *, calls: int, rounds: int, best: bool = False
) -> dict[str, float]:
    """Median per-call time of each function, over `rounds` rounds run in alternation; with
    `best`, the fastest round's (what the call costs: the machine's noise only adds to it).

    Alternating the contenders round by round spreads any drift of the machine (another
    process, frequency changes) over all of them alike.
    """
    samples: dict[str, list[float]] = {name: [] for name in functions}
    for function in functions.values():  # warm up: imports, caches, connection pools
        for _ in range(50):
            function()
    for _ in range(rounds):
        for name, function in functions.items():
            started = time.perf_counter()
            for _ in range(calls):
                function()
            samples[name].append((time.perf_counter() - started) / calls * 1e6)
    pick = min if best else statistics.median
    return {name: pick(values) for name, values in samples.items()}
