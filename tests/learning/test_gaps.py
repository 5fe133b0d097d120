"""Recording gaps: attribution to teams and areas, the tagged-at-source rule, month bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cases.models import LogReview
from cases.signals import evaluate_logs
from learning.gaps import gap_report, match_officers
from tests.factories import AgencyFactory, CrimeLogFactory, LogReviewFactory
from tests.factories.training import TeamFactory, TraineeFactory
from tests.learning.conftest import decided

pytestmark = pytest.mark.django_db

JUNE = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)


def test_officers_match_by_collar_number_then_email_unmatched_and_ambiguous():
    north, south = TeamFactory(), TeamFactory()
    TraineeFactory(team=north, staff_number="PC1234", email="a.one@force.example")
    TraineeFactory(team=south, staff_number="PC9", email="b.two@force.example")
    # The same number on two organisations' rosters: ambiguous.
    TraineeFactory(team=north, staff_number="DC77")
    council = TeamFactory(organisation=AgencyFactory(name="Council"))
    TraineeFactory(team=council, staff_number="DC77", email="c@council.example")
    matches = match_officers(["pc 1234", "B.Two@Force.example", "nobody@x.example", "DC77", ""])
    assert matches["pc 1234"].team_id == north.pk
    assert matches["pc 1234"].by == "number"
    assert matches["B.Two@Force.example"].team_id == south.pk
    assert matches["B.Two@Force.example"].by == "email"
    assert matches["nobody@x.example"].state == "unmatched"
    assert matches["DC77"].state == "ambiguous"
    assert matches["DC77"].team_id is None
    assert "" not in matches


def test_gaps_attributed_to_team_and_area_and_unknown_officers_listed():
    team = TeamFactory()
    TraineeFactory(team=team, staff_number="PC1234")
    decided(officer="PC 1234", at=JUNE, tagged=False, area="NS-NORTH")
    decided(officer="PC1234", at=JUNE, tagged=True, area="NS-SOUTH")
    decided(
        officer="pc1234", at=JUNE, tagged=False, area="NS-NORTH", outcome=LogReview.Outcome.POSSIBLE
    )
    decided(officer="stranger@force.example", at=JUNE, tagged=False)
    # Not decided as stalking: not counted at all.
    decided(officer="PC1234", at=JUNE, tagged=False, outcome=LogReview.Outcome.NOT_STALKING)
    CrimeLogFactory(officer="PC1234", recorded_at=JUNE)  # not reviewed

    report = gap_report(first=date(2026, 6, 1), last=date(2026, 6, 1))
    mine = report.team_total(team.pk)
    assert (mine.decided, mine.tagged, mine.gaps) == (3, 1, 2)
    assert mine.gap_percent == 67
    unknown = report.team_total(None)
    assert (unknown.decided, unknown.gaps) == (1, 1)
    assert report.area_total("NS-NORTH").gaps == 3
    assert report.area_total("NS-SOUTH").gaps == 0
    assert [(o.officer, o.state, o.logs) for o in report.officers] == [
        ("stranger@force.example", "unmatched", 1)
    ]


def test_an_ambiguous_officer_counts_once_under_team_not_known():
    first = TeamFactory()
    second = TeamFactory(organisation=AgencyFactory(name="Neighbouring force"))
    TraineeFactory(team=first, staff_number="PC5")
    TraineeFactory(team=second, staff_number="PC5")
    decided(officer="PC5", at=JUNE, tagged=False)
    report = gap_report(first=date(2026, 6, 1), last=date(2026, 6, 1))
    assert report.team_total(None).decided == 1
    assert report.team_total(first.pk).decided == 0
    assert report.team_total(second.pk).decided == 0
    assert [(o.officer, o.state) for o in report.officers] == [("PC5", "ambiguous")]


def test_tagged_by_flag_and_by_offence_code_both_count_as_tagged_at_source():
    team = TeamFactory()
    TraineeFactory(team=team, staff_number="PC1")
    by_flag = CrimeLogFactory(
        officer="PC1", recorded_at=JUNE, offence_code="8L", flags=["STALKING"]
    )
    by_code = CrimeLogFactory(officer="PC1", recorded_at=JUNE, offence_code="8Q", flags=[])
    neither = CrimeLogFactory(
        officer="PC1",
        recorded_at=JUNE,
        offence_code="8L",
        flags=[],
        narrative="He keeps following her and turning up at her work.",
    )
    evaluate_logs(log_ids=[by_flag.pk, by_code.pk, neither.pk], now=JUNE)
    for log in (by_flag, by_code, neither):
        LogReviewFactory(log=log, outcome=LogReview.Outcome.CONFIRMED)
    counts = gap_report(first=date(2026, 6, 1), last=date(2026, 6, 1)).team_total(team.pk)
    assert (counts.decided, counts.tagged, counts.gaps) == (3, 2, 1)


@pytest.mark.parametrize(
    ("at", "month"),
    [
        # British Summer Time starts 29 March 2026: 23:30 UTC on 31 March is 00:30 on 1 April.
        (datetime(2026, 3, 31, 23, 30, tzinfo=UTC), date(2026, 4, 1)),
        (datetime(2026, 3, 31, 22, 59, tzinfo=UTC), date(2026, 3, 1)),
        # GMT again from 25 October 2026: 23:30 UTC on 31 October is still October.
        (datetime(2026, 10, 31, 23, 30, tzinfo=UTC), date(2026, 10, 1)),
        (datetime(2026, 10, 31, 23, 59, tzinfo=UTC), date(2026, 10, 1)),
        (datetime(2026, 11, 1, 0, 0, tzinfo=UTC), date(2026, 11, 1)),
        # Winter: midnight UTC is midnight in London.
        (datetime(2026, 1, 31, 23, 59, tzinfo=UTC), date(2026, 1, 1)),
    ],
)
def test_months_are_calendar_months_in_london_across_the_clock_change(at, month):
    team = TeamFactory()
    TraineeFactory(team=team, staff_number="PC1")
    decided(officer="PC1", at=at, tagged=False)
    report = gap_report(first=date(2026, 1, 1), last=date(2026, 12, 1))
    assert list(report.by_team[team.pk]) == [month]


def test_a_month_with_no_logs_gives_zeros_not_an_error():
    report = gap_report(first=date(2026, 2, 1), last=date(2026, 2, 1))
    assert report.total.decided == 0
    assert report.total.gap_rate is None
    assert report.total.mean_days_to_decision is None
