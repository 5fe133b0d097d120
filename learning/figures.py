"""Organisational learning's figures for the coordinator's dashboard (foundation/lib/figures.py):
recording gaps by month, learning points by theme, bulletin reach, the victim's confidence.

Each is one GROUP BY over this app's tables or another app's selectors' querysets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta

from django.db.models import F

from cases.selectors import tagged_at_source_q
from foundation.lib.figures import FigureLink, TrendFigure, count_by_month, register_figure
from learning.gaps import decided_logs
from learning.models import BulletinRecipient, LearningPoint, Theme
from learning.permissions import can_triage_points, can_view_gap_report
from referrals.permissions import can_view_outcomes
from referrals.selectors import outcome_measures

REACH_DAYS = 14


def decided_by_month(first: date, last: date) -> Mapping[date, int]:
    """Logs the hub decided are stalking, by month recorded."""
    return count_by_month(decided_logs(first, last), "recorded_at", first, last)


def decided_tagged_by_month(first: date, last: date) -> Mapping[date, int]:
    """Of those, the ones tagged at source (the rest are recording gaps)."""
    logs = decided_logs(first, last).filter(tagged_at_source_q())
    return count_by_month(logs, "recorded_at", first, last)


def _points_of(theme: str) -> Callable[[date, date], Mapping[date, int]]:
    def monthly(first: date, last: date) -> Mapping[date, int]:
        points = LearningPoint.objects.filter(theme=theme).exclude(
            state=LearningPoint.State.DISMISSED
        )
        return count_by_month(points, "raised_at", first, last)

    return monthly


def bulletin_recipients_by_month(first: date, last: date) -> Mapping[date, int]:
    """Bulletin recipients, by the month the bulletin was published."""
    readers = BulletinRecipient.objects.filter(bulletin__published_at__isnull=False)
    return count_by_month(readers, "bulletin__published_at", first, last)


def bulletin_reached_by_month(first: date, last: date) -> Mapping[date, int]:
    """Of those, the ones who acknowledged within 14 days of publication."""
    readers = BulletinRecipient.objects.filter(
        bulletin__published_at__isnull=False,
        acknowledged_at__lte=F("bulletin__published_at") + timedelta(days=REACH_DAYS),
    )
    return count_by_month(readers, "bulletin__published_at", first, last)


def _confident_at(stage: str) -> Callable[[date, date], Mapping[date, int]]:
    def monthly(first: date, last: date) -> Mapping[date, int]:
        measures = outcome_measures().filter(stage=stage, police_confidence__gte=4)
        return count_by_month(measures, "recorded_at", first, last)

    return monthly


def register_learning_figures() -> None:
    gaps = FigureLink("learning:gaps", may_open=can_view_gap_report)
    register_figure(
        TrendFigure(
            key="learning.decided",
            label="Decided as stalking by the hub",
            order=60,
            chart="learning_gaps",
            monthly=decided_by_month,
            link=gaps,
            after_logs_change=True,
        ),
        chart_title="Recording gaps: logs the hub decided are stalking, and those tagged at source",
    )
    register_figure(
        TrendFigure(
            key="learning.decided_tagged",
            label="Of which tagged at source",
            order=61,
            chart="learning_gaps",
            monthly=decided_tagged_by_month,
            link=gaps,
            after_logs_change=True,
        )
    )
    for index, (theme, label) in enumerate(Theme.choices):
        register_figure(
            TrendFigure(
                key=f"learning.points_{theme}",
                label=f"Learning points: {label}",
                order=70 + index,
                chart="learning_points",
                monthly=_points_of(theme),
                link=FigureLink(
                    "learning:points", may_open=can_triage_points, query=f"theme={theme}"
                ),
            ),
            chart_title="Learning points raised, by theme" if index == 0 else "",
        )
    bulletins = FigureLink("learning:bulletins", may_open=can_triage_points)
    register_figure(
        TrendFigure(
            key="learning.bulletin_recipients",
            label="Bulletin recipients",
            order=80,
            chart="learning_reach",
            monthly=bulletin_recipients_by_month,
            link=bulletins,
        ),
        chart_title="Bulletin reach: recipients and those who acknowledged within 14 days",
    )
    register_figure(
        TrendFigure(
            key="learning.bulletin_reached",
            label="Acknowledged within 14 days",
            order=81,
            chart="learning_reach",
            monthly=bulletin_reached_by_month,
            link=bulletins,
        )
    )
    register_figure(
        TrendFigure(
            key="learning.confident_intake",
            label="Confident in the police (4-5) at ISAC intake",
            order=90,
            chart="learning_confidence",
            monthly=_confident_at("intake"),
            link=FigureLink("referrals:outcomes", may_open=can_view_outcomes),
        ),
        chart_title="Victims' confidence in the police: intake against exit (ISAC outcomes)",
    )
    register_figure(
        TrendFigure(
            key="learning.confident_exit",
            label="Confident in the police (4-5) at ISAC exit",
            order=91,
            chart="learning_confidence",
            monthly=_confident_at("exit"),
            link=FigureLink("referrals:outcomes", may_open=can_view_outcomes),
        )
    )
