"""The recording-gap summary: the stored rows equal the live computation, and an import, a
review decision and a risk assessment refresh the months they change (through the outbox)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connections
from django.utils import timezone

from cases.models import CrimeLog, LogReview
from cases.services.logs import logs_changed
from cases.services.reviews import bulk_review, record_review
from foundation.outbox.models import OutboxMessage
from foundation.outbox.services import run_message
from learning.gaps import gap_report
from learning.models import GapSummaryMonth, GapSummaryRow
from learning.selectors import team_report
from learning.summary import computed_at, refresh_gap_summary, stored_rows
from tests.factories import AgencyFactory, CaseFactory, CrimeLogFactory, LogReviewFactory
from tests.factories.risk import RiskAssessmentFactory
from tests.factories.training import TeamFactory, TraineeFactory
from tests.learning.conftest import decided

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
FIRST, LAST = date(2026, 1, 1), date(2026, 12, 1)
HANDLER = "learning.refresh_gap_months"


def _world() -> dict[str, int]:
    """Teams matched by collar number and by e-mail, an unmatched and an ambiguous officer,
    logs on both sides of both clock changes, tagged and not, assessed within 7 days or not."""
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    TraineeFactory(team=north, staff_number="PC1234", email="n.one@force.example")
    TraineeFactory(team=south, staff_number="PC9", email="s.two@force.example")
    other = TeamFactory(organisation=AgencyFactory(name="Neighbouring force"))
    TraineeFactory(team=north, staff_number="DC77")
    TraineeFactory(team=other, staff_number="DC77")  # DC77: ambiguous
    moments = [
        # British Summer Time from 29 March: 23:30 UTC on 31 March is April in London.
        datetime(2026, 3, 31, 22, 59, tzinfo=UTC),
        datetime(2026, 3, 31, 23, 30, tzinfo=UTC),
        # GMT from 25 October: 23:30 UTC on 31 October is still October.
        datetime(2026, 10, 31, 23, 30, tzinfo=UTC),
        datetime(2026, 11, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 6, 10, 10, 0, tzinfo=UTC),
    ]
    officers = ["pc 1234", "N.One@Force.example", "PC9", "stranger@x.example", "DC77", ""]
    for index, at in enumerate(moments):
        for number, officer in enumerate(officers):
            decided(
                officer=officer,
                at=at,
                tagged=(index + number) % 3 == 0,
                area=("NS-NORTH", "NS-SOUTH")[number % 2],
                outcome=(LogReview.Outcome.CONFIRMED, LogReview.Outcome.POSSIBLE)[index % 2],
            )
    # Not counted: not stalking, and not reviewed.
    decided(officer="PC9", at=moments[4], tagged=False, outcome=LogReview.Outcome.NOT_STALKING)
    CrimeLogFactory(officer="PC9", recorded_at=moments[4])
    # Assessed within 7 days of the decision, and one assessed too late.
    for days, officer in ((3, "PC9"), (20, "PC1234")):
        case = CaseFactory()
        log = CrimeLogFactory(
            officer=officer, recorded_at=moments[4], review_state=CrimeLog.ReviewState.REVIEWED
        )
        reviewed_at = moments[4] + timedelta(days=1)
        LogReviewFactory(
            log=log, outcome=LogReview.Outcome.CONFIRMED, case=case, reviewed_at=reviewed_at
        )
        RiskAssessmentFactory(case=case, completed_at=reviewed_at + timedelta(days=days))
    return {"north": north.pk, "south": south.pk}


def _same(first: date = FIRST, last: date = LAST) -> None:
    live = gap_report(first=first, last=last)
    stored = gap_report(first=first, last=last, rows=stored_rows(first, last))
    assert stored.by_team == live.by_team
    assert stored.by_area == live.by_area
    assert stored.officers == live.officers


def test_the_summary_equals_the_live_computation(coordinator):
    teams = _world()
    refresh_gap_summary(now=NOW)
    _same()
    _same(date(2026, 4, 1), date(2026, 4, 1))  # one month, across the spring clock change
    _same(date(2026, 10, 1), date(2026, 11, 1))
    live = gap_report(first=FIRST, last=LAST)
    # The fixture did what it says: both teams, the unknown row, both clock-change months.
    assert live.team_total(teams["north"]).decided == 11  # with the late-assessed log
    assert live.team_total(teams["south"]).decided == 6  # with the assessed log
    assert live.team_total(None).decided == 15  # stranger, DC77 (ambiguous) and blank: 5 each
    assert set(live.by_team[None]) == {
        date(2026, 3, 1),
        date(2026, 4, 1),
        date(2026, 6, 1),
        date(2026, 10, 1),
        date(2026, 11, 1),
    }
    assert {(o.officer, o.state) for o in live.officers} == {
        ("stranger@x.example", "unmatched"),
        ("DC77", "ambiguous"),
        ("(blank)", "unmatched"),
    }
    assert live.total.assessed == 1
    # The page's reading (the stored rows) gives the same team totals as the live one.
    report = team_report(coordinator, first=FIRST, last=LAST, today=NOW.date())
    shown = {row.team_id: row.counts for row in report.teams}
    assert shown[teams["north"]] == live.team_total(teams["north"])
    assert shown[None] == live.team_total(None)
    assert report.computed_at == NOW


def test_a_roster_change_shows_without_a_refresh():
    team = TeamFactory()
    decided(officer="PC5", at=datetime(2026, 6, 1, 12, tzinfo=UTC), tagged=False)
    refresh_gap_summary(now=NOW)
    rows = stored_rows(FIRST, LAST)
    assert gap_report(first=FIRST, last=LAST, rows=rows).team_total(team.pk).decided == 0
    TraineeFactory(team=team, staff_number="PC5")
    assert gap_report(first=FIRST, last=LAST, rows=rows).team_total(team.pk).decided == 1


def test_computed_at_says_when_and_none_before_the_first_refresh():
    assert computed_at(FIRST, LAST) is None
    refresh_gap_summary(now=NOW)
    assert computed_at(FIRST, LAST) == NOW
    # Next month too (empty until it starts): no "not computed" in its first minutes.
    assert computed_at(date(2027, 1, 1), date(2027, 1, 1)) == NOW
    assert computed_at(date(2027, 2, 1), date(2027, 2, 1)) is None
    # A month refreshed later: the window is as old as its oldest month.
    later = NOW + timedelta(minutes=5)
    refresh_gap_summary(now=later, months=[date(2026, 6, 1)])
    assert computed_at(date(2026, 6, 1), date(2026, 6, 1)) == later
    assert computed_at(FIRST, LAST) == NOW
    # Months of no logs are vouched for too (zeros, not "not computed").
    assert GapSummaryMonth.objects.filter(month=date(2024, 1, 1)).exists()
    assert not GapSummaryRow.objects.exists()
    empty = gap_report(first=FIRST, last=FIRST, rows=stored_rows(FIRST, FIRST))
    assert (empty.total.decided, empty.total.gap_rate, empty.by_team) == (0, None, {})


def _messages() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(handler=HANDLER, completed_at=None).order_by("pk"))


def _run_all() -> None:
    for message in _messages():
        run_message(message_id=message.pk)


def test_an_import_of_new_logs_queues_nothing_and_one_of_decided_logs_their_months():
    new = CrimeLogFactory(recorded_at=datetime(2026, 6, 1, 12, tzinfo=UTC))
    logs_changed(log_ids=[new.pk], now=NOW)
    assert _messages() == []
    spring = decided(officer="PC1", at=datetime(2026, 3, 31, 23, 30, tzinfo=UTC), tagged=False)
    autumn = decided(officer="PC1", at=datetime(2026, 10, 31, 23, 30, tzinfo=UTC), tagged=False)
    OutboxMessage.objects.all().delete()  # the reviews' own messages
    logs_changed(log_ids=[new.pk, spring.pk, autumn.pk], now=NOW)
    [message] = _messages()
    assert message.kwargs == {"months": ["2026-04-01", "2026-10-01"]}
    _run_all()
    _same()
    assert GapSummaryRow.objects.filter(month__in=[date(2026, 4, 1), date(2026, 10, 1)]).count()


def test_an_import_that_retags_a_decided_log_refreshes_its_month():
    log = decided(officer="PC1", at=datetime(2026, 6, 1, 12, tzinfo=UTC), tagged=False)
    refresh_gap_summary(now=NOW)
    assert gap_report(first=FIRST, last=LAST, rows=stored_rows(FIRST, LAST)).total.tagged == 0
    # The force re-sends the log recorded as stalking.
    CrimeLog.objects.filter(pk=log.pk).update(offence_code="8Q", flags=["STALKING"])
    logs_changed(log_ids=[log.pk], now=NOW)
    _run_all()
    assert gap_report(first=FIRST, last=LAST, rows=stored_rows(FIRST, LAST)).total.tagged == 1
    _same()


def test_review_decisions_refresh_their_month(coordinator):
    at = datetime(2026, 6, 1, 12, tzinfo=UTC)
    log = CrimeLogFactory(recorded_at=at, officer="PC1", review_state="awaiting")
    refresh_gap_summary(now=NOW)
    # A first decision that is not stalking changes nothing the report counts: no message.
    record_review(log=log, outcome=LogReview.Outcome.NOT_STALKING, advice="", by=coordinator)
    assert _messages() == []
    # Changed to possible stalking: its month is refreshed.
    record_review(log=log, outcome=LogReview.Outcome.POSSIBLE, advice="Advice.", by=coordinator)
    [message] = _messages()
    assert message.kwargs == {"months": ["2026-06-01"]}
    _run_all()
    assert gap_report(first=FIRST, last=LAST, rows=stored_rows(FIRST, LAST)).total.decided == 1
    # And back to not stalking: it leaves the summary.
    record_review(log=log, outcome=LogReview.Outcome.NOT_STALKING, advice="", by=coordinator)
    _run_all()
    assert gap_report(first=FIRST, last=LAST, rows=stored_rows(FIRST, LAST)).total.decided == 0
    _same()


def test_a_bulk_review_of_one_month_queues_one_refresh(coordinator):
    at = datetime(2026, 6, 1, 12, tzinfo=UTC)
    logs = [decided(officer="PC1", at=at + timedelta(days=n), tagged=False) for n in range(3)]
    _run_all()
    bulk_review(
        logs=logs, outcome=LogReview.Outcome.NOT_STALKING, note="Not stalking.", by=coordinator
    )
    [message] = _messages()
    assert message.kwargs == {"months": ["2026-06-01"]}
    _run_all()
    assert gap_report(first=FIRST, last=LAST, rows=stored_rows(FIRST, LAST)).total.decided == 0


def test_a_risk_assessment_refreshes_the_months_of_its_cases_decided_logs():
    case = CaseFactory()
    at = datetime(2026, 6, 1, 12, tzinfo=UTC)
    log = CrimeLogFactory(recorded_at=at, officer="PC1", review_state="reviewed")
    LogReviewFactory(log=log, outcome=LogReview.Outcome.CONFIRMED, case=case, reviewed_at=at)
    refresh_gap_summary(now=NOW)
    OutboxMessage.objects.all().delete()
    RiskAssessmentFactory(case=case, completed_at=at + timedelta(days=2))
    [message] = _messages()
    assert message.kwargs == {"months": ["2026-06-01"]}
    _run_all()
    assert gap_report(first=FIRST, last=LAST, rows=stored_rows(FIRST, LAST)).total.assessed == 1
    _same()


def test_a_message_run_twice_stores_the_same_rows():
    decided(officer="PC1", at=datetime(2026, 6, 1, 12, tzinfo=UTC), tagged=False)
    [message] = _messages()
    run_message(message_id=message.pk)
    run_message(message_id=message.pk)  # delivered twice: done once
    first = list(GapSummaryRow.objects.values_list("officer", "month", "decided"))
    refresh_gap_summary(now=NOW, months=[date(2026, 6, 1)])  # and again, directly
    assert list(GapSummaryRow.objects.values_list("officer", "month", "decided")) == first
    assert first == [("PC1", date(2026, 6, 1), 1)]


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_store_the_rows_once():
    for day in range(1, 6):
        decided(officer=f"PC{day}", at=datetime(2026, 6, day, 12, tzinfo=UTC), tagged=False)
    errors: list[BaseException] = []

    def run(months: list[date] | None) -> None:
        try:
            refresh_gap_summary(now=timezone.now(), months=months)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(months,))
        for months in (None, [date(2026, 6, 1)], None, [date(2026, 6, 1)])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert GapSummaryRow.objects.count() == 5
    _same()
