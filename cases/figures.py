"""The case file's figures for the coordinator's dashboard (foundation/lib/figures.py):
the review queue, and stalking logs tagged at source against those found by the sweep."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from django.db.models import Q

from cases.models import CrimeLog, SignalKind
from cases.permissions import can_review_logs
from cases.selectors import tagged_at_source_q
from foundation.lib.figures import (
    FigureLink,
    QueueCount,
    QueueFigure,
    TrendFigure,
    count_by_month,
    queue_count,
    register_figure,
)

# Flagged logs: the partial index crimelog_queue_idx covers exactly these rows.
_FLAGGED = ~Q(review_state=CrimeLog.ReviewState.NOT_FLAGGED)
_TAGGED = tagged_at_source_q()


def review_queue_figure(now: datetime) -> QueueCount:
    """Logs awaiting review, and the earliest recorded of them."""
    return queue_count(
        CrimeLog.objects.filter(review_state=CrimeLog.ReviewState.AWAITING), "recorded_at"
    )


def tagged_by_month(first: date, last: date) -> Mapping[date, int]:
    """Logs recorded as stalking by the force (tagged at source), by month recorded."""
    return count_by_month(CrimeLog.objects.filter(_FLAGGED & _TAGGED), "recorded_at", first, last)


def found_by_month(first: date, last: date) -> Mapping[date, int]:
    """Logs the sweep flagged that were not recorded as stalking, by month recorded."""
    return count_by_month(CrimeLog.objects.filter(_FLAGGED & ~_TAGGED), "recorded_at", first, last)


def register_case_figures() -> None:
    register_figure(
        QueueFigure(
            key="cases.review_queue",
            label="Crime logs awaiting review",
            order=10,
            count=review_queue_figure,
            link=FigureLink("cases:queue", may_open=can_review_logs),
            after_logs_change=True,
        )
    )
    register_figure(
        TrendFigure(
            key="cases.logs_tagged",
            label="Tagged as stalking at source",
            order=10,
            chart="logs",
            monthly=tagged_by_month,
            link=FigureLink(
                "cases:queue",
                may_open=can_review_logs,
                query=f"state=all&signal={SignalKind.TAGGED_STALKING}",
            ),
            after_logs_change=True,
        ),
        chart_title="Stalking logs: tagged at source and found by the sweep",
    )
    register_figure(
        TrendFigure(
            key="cases.logs_found",
            label="Found by the sweep",
            order=11,
            chart="logs",
            monthly=found_by_month,
            link=FigureLink("cases:queue", may_open=can_review_logs, query="state=all"),
            after_logs_change=True,
        )
    )
