"""Session settings for the bulk statements of the signal engine and person linking."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection

# JIT compilation costs ~0.3 s per statement here and the plans it speeds up are short; the
# sorts and hashes of a 50,000-log batch fit in 64 MB instead of spilling to disk.
_SETTINGS = {"jit": "off", "work_mem": "64MB"}


@contextmanager
def bulk_session() -> Iterator[None]:
    """Apply the bulk settings for the enclosed statements, then restore the caller's.

    Transaction-local (set_config(..., true)), and put back explicitly at the end because the
    caller's transaction (e.g. an import batch) carries on after us.
    """
    names = list(_SETTINGS)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("current_setting(%s), set_config(%s, %s, true)" for _ in names),
            [value for name in names for value in (name, name, _SETTINGS[name])],
        )
        row = cursor.fetchone()
    previous = dict(zip(names, row[0::2] if row else [], strict=False))
    try:
        yield
    finally:
        if previous:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in previous),
                    [value for item in previous.items() for value in item],
                )


def int_array(values: Iterable[int]) -> str:
    """A Postgres array literal: far cheaper for psycopg to send than a list of 50,000 ints."""
    return "{" + ",".join(map(str, values)) + "}"
