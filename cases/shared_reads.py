"""One read shared by the case page's panels and chronology entry providers.

The case page asks every app twice about the same case: once for its panel
(cases/panels.py) and once for its chronology entries (cases/chronology.py). Both ask the same
scoped selector for the same user and case (the risk assessments, the referrals, the order
files...), which cost the page a second query and its ORM work for each app (bench/README.md,
"Dashboard bench: the case page and the filtered queue").

Inside `sharing_reads()` (the case page's view), `shared_read(key, read)` runs `read` once per
key and hands every later caller the same result; outside it, `read` runs every time, so a
selector called from anywhere else behaves exactly as before. The key names the read, the
user and the case (`("risk.assessments", user.pk, case.pk)`): a read scoped to a user is
never shared with another. The result is shared, not copied: callers must not change it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_reads: ContextVar[dict[Hashable, Any] | None] = ContextVar("case_page_reads", default=None)


@contextmanager
def sharing_reads() -> Iterator[None]:
    """Share reads by key until the block ends (one page's rendering)."""
    token = _reads.set({})
    try:
        yield
    finally:
        _reads.reset(token)


def shared_read[T](key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, made once per key inside `sharing_reads()`; every time outside it."""
    memo = _reads.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    result: T = memo[key]
    return result
