"""Legal's dashboard figures (through the registry, as the dashboard reads them) on a
hand-computed fixture, and its case-chronology entries by role and facet."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cases.chronology import chronology_for
from foundation.lib.figures import DeadlineCount, DeadlineFigure, TrendFigure, registered_figures
from legal import services
from tests.legal.conftest import open_spo, to_state

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 4, 15, 12, tzinfo=UTC)


def _figure(key: str):
    return {figure.key: figure for figure in registered_figures()}[key]


def _trend(key: str) -> dict[date, int]:
    figure = _figure(key)
    assert isinstance(figure, TrendFigure)
    assert figure.chart == "outcomes"
    return dict(figure.monthly(date(2026, 1, 1), date(2026, 4, 1)))


def test_spo_trends_hand_computed(legal_case, solicitor):
    """Applied 5 Jan; interim 12 Jan; full 2 Mar; a breach of the full order 20 Mar.
    Applied {Jan: 1}; granted {Jan: 1, Mar: 1}; breaches {Mar: 1}; nothing in April."""
    file = open_spo(legal_case, solicitor)
    for key, on in (("prepare", date(2026, 1, 2)), ("apply", date(2026, 1, 5))):
        services.transition_file(file=file, key=key, on=on, reasons="r", by=solicitor, now=NOW)
    services.record_order(
        file=file,
        kind="interim",
        made_on=date(2026, 1, 12),
        fixed_end_on=date(2026, 3, 30),
        by=solicitor,
        now=NOW,
    )
    full = services.record_order(
        file=file, kind="full", made_on=date(2026, 3, 2), fixed_end_on=None, by=solicitor, now=NOW
    )
    services.record_breach(
        order=full,
        occurred_on=date(2026, 3, 20),
        log_source="rms",
        log_reference="NS/DASH1",
        by=solicitor,
        now=NOW,
    )
    assert _trend("legal.spo_applied") == {date(2026, 1, 1): 1}
    assert _trend("legal.spo_granted") == {date(2026, 1, 1): 1, date(2026, 3, 1): 1}
    assert _trend("legal.breaches") == {date(2026, 3, 1): 1}


def test_hearings_due_overdue_today_and_this_week(legal_case, solicitor):
    file = open_spo(legal_case, solicitor)
    # Yesterday (no outcome recorded yet: overdue), this afternoon, this week, later.
    for day, hour in ((14, 10), (15, 15), (18, 10), (30, 10)):
        services.schedule_hearing(
            file=file,
            court="Magistrates' court",
            starts_at=datetime(2026, 4, day, hour, tzinfo=UTC),
            kind="interim",
            by=solicitor,
            now=datetime(2026, 4, 1, tzinfo=UTC),
        )
    figure = _figure("legal.hearings")
    assert isinstance(figure, DeadlineFigure)
    assert figure.count(NOW) == DeadlineCount(overdue=1, today=1, week=1)


def test_chronology_by_role_and_facet(
    legal_case, spo_file, solicitor, coordinator, isac, isac_share, partner, partner_share
):
    to_state(spo_file, solicitor, "in_force", on=date(2026, 11, 1))

    def legal_summaries(user) -> list[str]:
        chronology = chronology_for(legal_case, user, record=False)
        return [
            entry.summary
            for entry in chronology.entries
            if entry.kind in {"Order file", "Order", "Hearing"}
        ]

    staff = legal_summaries(coordinator)
    assert "SPO file opened" in staff or any(s.endswith("file opened") for s in staff)
    assert any(s.startswith("Moved to") for s in staff)
    # The ISAC's share carries orders: the orders, not the file's workings.
    agency = legal_summaries(isac)
    assert agency
    assert all(not s.startswith("Moved to") for s in agency)
    assert any(s.endswith("made") for s in agency)
    # Probation's share does not carry orders: nothing of the legal workflow.
    assert legal_summaries(partner) == []
