"""Wall-clock seconds per phase of the work in this process (the sweep benchmark reads them).

    with phase("upsert"):
        ...
    totals()  # {"upsert": 5.9, ...}

A phase inside another is counted in its own name only (the outer one's time excludes it).
Cheap (two clock reads per phase), always on, nothing logged: `bench/sweep.py` prints the
totals of an import so the next regression is visible in its own phase.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_totals: dict[str, float] = {}
# Phases timed on another thread than the main one (the import's evaluation thread, which
# overlaps the main thread's work): counted apart, so the main thread's phases still add up to
# its wall-clock time.
_background: dict[str, float] = {}
_lock = threading.Lock()
_local = threading.local()


def _stack() -> list[float]:
    # Per thread, per open phase (innermost last): the seconds its inner phases took.
    stack: list[float] | None = getattr(_local, "inner", None)
    if stack is None:
        stack = _local.inner = []
    return stack


@contextmanager
def phase(name: str) -> Iterator[None]:
    inner = _stack()
    started = time.perf_counter()
    inner.append(0.0)
    try:
        yield
    finally:
        elapsed = time.perf_counter() - started
        own = elapsed - inner.pop()
        into = _totals if threading.current_thread() is threading.main_thread() else _background
        with _lock:
            into[name] = into.get(name, 0.0) + own
        if inner:
            inner[-1] += elapsed


def totals() -> dict[str, float]:
    """Seconds per phase on the main thread."""
    with _lock:
        return dict(_totals)


def background_totals() -> dict[str, float]:
    """Seconds per phase on other threads (overlapping the main thread's)."""
    with _lock:
        return dict(_background)


def reset() -> None:
    with _lock:
        _totals.clear()
        _background.clear()
