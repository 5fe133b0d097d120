"""The demo feed's courses of conduct (stalking_hub/demo/feed.py): its repeated pairs are mostly
courses already recorded as stalking, so the course-of-conduct signal flags a few percent of
the demo's logs, not a quarter of them, while the demo keeps pairs with several logs for its
cases and clinic. The pinned default output is checked in test_feedgen_pinned.py."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from stalking_hub.demo.feedgen import STALKING_CODES, generate_rows

START = datetime(2025, 1, 1)  # feeds carry naive local times


def _recorded_as_stalking(row: dict[str, str]) -> bool:
    return row["offence_code"] in STALKING_CODES or "STALKING" in row["flags"].split(";")


def _repeated_pairs(*, demo: bool) -> tuple[int, list[list[dict[str, str]]]]:
    rows = list(generate_rows(6_000, seed=2026, start=START, span=timedelta(days=365), demo=demo))
    by_pair: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_pair[(row["victim_id"], row["suspect_id"])].append(row)
    return len(rows), [logs for logs in by_pair.values() if len(logs) > 1]


def test_demo_repeats_continue_courses_recorded_as_stalking() -> None:
    total, repeated = _repeated_pairs(demo=True)
    untagged = sum(
        len(logs) for logs in repeated if not any(_recorded_as_stalking(r) for r in logs)
    )
    assert untagged / total < 0.03  # the courses of conduct the sweep should find
    # Enough pairs with several logs for the demo's cases, referrals and clinic.
    assert sum(len(logs) for logs in repeated) / total > 0.15
    assert sum(1 for logs in repeated if len(logs) >= 3) >= 100


def test_the_default_output_still_repeats_any_pair() -> None:
    total, repeated = _repeated_pairs(demo=False)
    untagged = sum(
        len(logs) for logs in repeated if not any(_recorded_as_stalking(r) for r in logs)
    )
    assert untagged / total > 0.15
