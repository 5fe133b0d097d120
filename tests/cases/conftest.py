"""Fixtures shared by the crime-log tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cases.hooks import register_logs_changed, unregister_logs_changed


@pytest.fixture
def seen() -> Iterator[list[set[int]]]:
    """The log ids of each call the `logs_changed` handlers receive, in order."""
    calls: list[set[int]] = []

    def handler(*, log_ids, now):
        calls.append(set(log_ids))

    register_logs_changed(handler)
    yield calls
    unregister_logs_changed(handler)
