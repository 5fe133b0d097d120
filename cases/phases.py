"""Wall-clock seconds per phase of the work in this process (the sweep benchmark reads them).

    with phase("upsert"):
        ...
    totals()  # {"upsert": 5.9, ...}

A phase inside another is counted in its own name only (the outer one's time excludes it).
Cheap (two clock reads per phase), always on, nothing logged: `bench/sweep.py` prints the
totals of an import so the next regression is visible in its own phase.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

_totals: dict[str, float] = {}
# Per open phase (innermost last): the seconds its inner phases took.
_inner: list[float] = []


@contextmanager
def phase(name: str) -> Iterator[None]:
    started = time.perf_counter()
    _inner.append(0.0)
    try:
        yield
    finally:
        elapsed = time.perf_counter() - started
        own = elapsed - _inner.pop()
        _totals[name] = _totals.get(name, 0.0) + own
        if _inner:
            _inner[-1] += elapsed


def totals() -> dict[str, float]:
    return dict(_totals)


def reset() -> None:
    _totals.clear()
