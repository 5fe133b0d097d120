"""Wall-clock seconds per phase of the work in this process (the sweep benchmark reads them).

    with phase("upsert"):
        ...
    totals()  # {"upsert": 5.9, ...}

Cheap (two clock reads per phase), always on, nothing logged: `bench/sweep.py` prints the
totals of an import so the next regression is visible in its own phase.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

_totals: dict[str, float] = {}


@contextmanager
def phase(name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        _totals[name] = _totals.get(name, 0.0) + time.perf_counter() - started


def totals() -> dict[str, float]:
    return dict(_totals)


def reset() -> None:
    _totals.clear()
