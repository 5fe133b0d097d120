"""An occurrence range in the wrong order is rejected per row (docs/log-feed.md)."""

from __future__ import annotations

import pytest

from cases.feed import RowError
from tests.cases.test_feed_parsing import jsonl, parse

HEADER = "reference,recorded_at,occurred_from,occurred_to\r\n"


@pytest.mark.parametrize(
    ("began", "ended", "accepted"),
    [
        ("2025-01-05T10:00", "2025-01-05T09:59", False),
        ("2025-01-06", "2025-01-05", False),
        ("2025-01-05T10:00", "2025-01-05T10:00", True),
        ("2025-01-05", "2025-01-07T18:00", True),
        ("2025-01-05", "", True),
        ("", "2025-01-05", True),
    ],
)
def test_an_offence_cannot_end_before_it_began(began, ended, accepted):
    records, errors = parse(HEADER + f"NS/1,2025-01-08,{began},{ended}\r\nNS/2,2025-01-08,,\r\n")
    assert [record.reference for record in records] == (["NS/1", "NS/2"] if accepted else ["NS/2"])
    if not accepted:
        assert errors == [RowError(1, "occurred_to", "occurred_to is before occurred_from")]


def test_the_same_rule_in_json_lines():
    records, errors = parse(
        jsonl(
            {
                "reference": "NS/1",
                "recorded_at": "2025-01-08",
                "occurred_from": "2025-01-06",
                "occurred_to": "2025-01-05",
            }
        ),
        fmt="jsonl",
    )
    assert records == []
    assert errors == [RowError(1, "occurred_to", "occurred_to is before occurred_from")]
