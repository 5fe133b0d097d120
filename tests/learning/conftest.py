"""Fixtures for learning: decided logs attributed to roster people."""

from __future__ import annotations

from datetime import datetime

from cases.models import CrimeLog, LogReview, SignalKind
from tests.factories import CrimeLogFactory, LogReviewFactory


def decided(
    *,
    officer: str,
    at: datetime,
    tagged: bool,
    area: str = "NS-NORTH",
    outcome: str = LogReview.Outcome.CONFIRMED,
    reviewer=None,
) -> CrimeLog:
    """A log the hub decided on (confirmed by default), tagged at source or not."""
    log = CrimeLogFactory(
        officer=officer,
        recorded_at=at,
        area=area,
        review_state=CrimeLog.ReviewState.REVIEWED,
        signal_kinds=[SignalKind.TAGGED_STALKING.value]
        if tagged
        else [SignalKind.STALKING_INDICATORS.value],
    )
    extra = {"reviewed_by": reviewer} if reviewer is not None else {}
    LogReviewFactory(log=log, outcome=outcome, **extra)
    return log
