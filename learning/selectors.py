"""Reads of organisational learning, scoped to a user; every page a bounded number of queries.

The recording-gap rule and the officer matching are in `learning.gaps`; the before-and-after
method in `learning.comparison` (docs/learning.md).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Lower, Replace, TruncDate, Upper
from django.utils import timezone

from cases.selectors import tagged_at_source_q
from foundation.accounts.models import User
from foundation.lib.figures import add_months, month_range
from foundation.lib.working_time import LONDON
from learning.comparison import WINDOW_MONTHS, Comparison, Side, compare
from learning.gaps import NOT_KNOWN, GapCounts, GapReport, decided_logs, gap_report, match_officers
from learning.models import (
    Bulletin,
    BulletinRecipient,
    LearningPoint,
    TargetedTraining,
    Theme,
)
from learning.permissions import (
    bulletins_visible_to,
    points_visible_to,
    report_teams,
    sees_every_team,
)
from learning.summary import computed_at, stored_rows
from referrals.selectors import guidance_list, published_guidance
from training.models import Enrolment, Session, Team, Trainee
from training.selectors import compliance_by_team

if TYPE_CHECKING:
    from referrals.models import Guidance


@dataclass(frozen=True)
class TeamRow:
    team_id: int | None
    name: str
    area: str
    counts: GapCounts
    compliance_percent: int | None
    compliance_total: int


@dataclass(frozen=True)
class AreaRow:
    area: str
    counts: GapCounts


@dataclass(frozen=True)
class TeamReport:
    first: date
    last: date
    teams: list[TeamRow]
    areas: list[AreaRow]
    report: GapReport
    whole: bool  # every team, the areas and the officers to resolve
    # When the stored figures were computed (learning/summary.py); None: not yet.
    computed_at: datetime | None = None

    @property
    def total(self) -> GapCounts:
        return self.report.total


def team_report(user: User, *, first: date, last: date, today: date) -> TeamReport:
    """Each team the user sees with its gaps over the months, ranked by the number of gaps
    (then the rate), with its mandatory-training currency; the areas; the officers not matched
    or matched twice. Read from the stored summary (learning/summary.py), never the logs: five
    queries whatever the data."""
    whole = sees_every_team(user)
    teams = list(report_teams(user).select_related("area").order_by("name"))
    team_ids = [team.pk for team in teams]
    report = gap_report(
        first=first,
        last=last,
        team_ids=None if whole else team_ids,
        rows=stored_rows(first, last),
    )
    currency = compliance_by_team(None if whole else team_ids, today=today)
    rows = []
    for team in teams:
        held = currency.get(team.pk)
        rows.append(
            TeamRow(
                team.pk,
                team.name,
                team.area.name if team.area else "",
                report.team_total(team.pk),
                held.percent if held else None,
                held.total if held else 0,
            )
        )
    if whole:
        rows.append(TeamRow(NOT_KNOWN, "Team not known", "", report.team_total(NOT_KNOWN), None, 0))
    rows.sort(key=lambda row: (-row.counts.gaps, -(row.counts.gap_rate or 0), row.name))
    areas = (
        sorted(
            (AreaRow(area or "(no area)", report.area_total(area)) for area in report.by_area),
            key=lambda row: (-row.counts.gaps, row.area),
        )
        if whole
        else []
    )
    return TeamReport(
        report.first, report.last, rows, areas, report, whole, computed_at(first, last)
    )


def team_trend(team: Team, *, first: date, last: date) -> list[tuple[date, GapCounts]]:
    """The team's gaps month by month (zeros for months with no logs), from the stored summary.
    Two queries."""
    report = gap_report(first=first, last=last, team_ids=[team.pk], rows=stored_rows(first, last))
    months = report.by_team.get(team.pk, {})
    return [(month, months.get(month, GapCounts())) for month in month_range(first, last)]


def team_trainings(team: Team) -> QuerySet[TargetedTraining]:
    return (
        TargetedTraining.objects.filter(team=team)
        .select_related("session__course", "by")
        .order_by("session__starts_at", "id")
    )


# A day is a training date of a team when at least this share of its active roster attended
# a session that day (docs/learning.md, "Training dates").
TRAINED_SHARE = 0.5


@dataclass(frozen=True)
class TrainingDay:
    day: date
    attended: int  # the team's active roster people who attended a session that day
    roster: int  # the team's active roster
    invited: bool  # a session the team was invited to from the report took place that day


def training_days(team: Team, *, now: datetime) -> list[TrainingDay]:
    """The team's training dates up to `now`: each day (Europe/London) on which at least half
    of its active roster attended a course session (enrolment attended or completed; sessions
    not cancelled; any course, booked however), and each day a session the team was invited
    to from the report took place, whatever the attendance. Three queries."""
    roster = Trainee.objects.filter(team=team, is_active=True).count()
    attended = dict(
        Enrolment.objects.filter(
            trainee__team=team,
            trainee__is_active=True,
            status__in=[Enrolment.Status.ATTENDED, Enrolment.Status.COMPLETED],
            session__status=Session.Status.SCHEDULED,
            session__starts_at__lte=now,
        )
        .annotate(day=TruncDate("session__starts_at", tzinfo=LONDON))
        .order_by()
        .values("day")
        .annotate(people=Count("trainee", distinct=True))
        .values_list("day", "people")
    )
    invited = {
        timezone.localtime(t.session.starts_at, LONDON).date()
        for t in team_trainings(team).filter(session__status=Session.Status.SCHEDULED)
        if t.session.starts_at <= now
    }
    days = invited | {
        day for day, people in attended.items() if roster and people >= TRAINED_SHARE * roster
    }
    return [TrainingDay(day, attended.get(day, 0), roster, day in invited) for day in sorted(days)]


def before_after(team: Team, *, now: datetime | None = None) -> list[Comparison]:
    """For each training date of the team (`training_days`), the gap rate in the 3 months
    before against the 3 months after. Six queries whatever the data."""
    now = now or timezone.now()
    trained = training_days(team, now=now)
    if not trained:
        return []
    days = [t.day for t in trained]
    people = Trainee.objects.filter(team=team, is_active=True).values_list("staff_number", "email")
    numbers, emails = set(), set()
    for number, email in people:
        if number:
            numbers.add(number)
        if email:
            emails.add(email.lower())
    low = add_months(days[0].replace(day=1), -WINDOW_MONTHS)
    high = add_months(days[-1].replace(day=1), WINDOW_MONTHS)
    rows = list(
        decided_logs(low, high)
        .order_by()
        .annotate(
            officer_number=Upper(Replace("officer", Value(" "), Value(""))),
            officer_email=Lower("officer"),
        )
        .filter(Q(officer_number__in=numbers) | Q(officer_email__in=emails))
        .annotate(
            day=TruncDate("recorded_at", tzinfo=LONDON),
            is_tagged=ExpressionWrapper(tagged_at_source_q(), output_field=BooleanField()),
        )
        .values("officer", "day")
        .annotate(decided=Count("pk"), tagged=Count("pk", filter=Q(is_tagged=True)))
    )
    matches = match_officers({row["officer"] for row in rows})
    ours = [row for row in rows if matches[row["officer"]].team_id == team.pk]
    today = timezone.localdate(now)
    comparisons = []
    for training in trained:
        day = training.day
        start = _same_day(day, -WINDOW_MONTHS)
        end = _same_day(day, WINDOW_MONTHS)
        before = [r for r in ours if start <= r["day"] < day]
        after = [r for r in ours if day <= r["day"] < end]
        comparisons.append(
            compare(
                trained_on=day,
                before=_side(before),
                after=_side(after),
                after_incomplete=end > today,
                attended=training.attended,
                roster=training.roster,
                invited=training.invited,
            )
        )
    return comparisons


def _side(rows: Sequence[Mapping[str, Any]]) -> Side:
    decided = sum(int(r["decided"]) for r in rows)
    tagged = sum(int(r["tagged"]) for r in rows)
    return Side(decided=decided, gaps=decided - tagged)


def _same_day(day: date, months: int) -> date:
    """The same day of the month `months` away (the month's last day where it has fewer)."""
    first = add_months(day.replace(day=1), months)
    return first.replace(day=min(day.day, calendar.monthrange(first.year, first.month)[1]))


# --- Learning points ----------------------------------------------------------------------------


def points_list(user: User, *, state: str = "", theme: str = "") -> QuerySet[LearningPoint]:
    points = points_visible_to(user).select_related("raised_by", "merged_into")
    if state:
        points = points.filter(state=state)
    if theme:
        points = points.filter(theme=theme)
    return points.order_by("-raised_at", "-id")


# --- Bulletins ----------------------------------------------------------------------------------

# Learning themes and the advice categories whose standing guidance sits beside them.
GUIDANCE_CATEGORY = {
    Theme.RECORDING: "recording",
    Theme.RISK_ASSESSMENT: "risk",
    Theme.INVESTIGATION: "investigation",
    Theme.SAFEGUARDING: "safeguarding",
    Theme.SPO_LEGAL: "spo_legal",
}


def bulletin_archive(user: User, *, theme: str = "", text: str = "") -> QuerySet[Bulletin]:
    bulletins = bulletins_visible_to(user)
    if theme:
        bulletins = bulletins.filter(points__theme=theme)
    if text:
        bulletins = bulletins.filter(Q(title__icontains=text) | Q(body__icontains=text))
    acknowledged = BulletinRecipient.objects.filter(
        bulletin=OuterRef("pk"), user=user, acknowledged_at__isnull=False
    )
    return (
        bulletins.distinct()
        .annotate(read_by_me=Exists(acknowledged))
        .order_by(F("published_at").desc(nulls_first=True), "-id")
    )


def standing_guidance(theme: str = "") -> QuerySet[Guidance]:
    """The advice requests' published guidance (referrals), for a theme or all of it."""
    guidance = guidance_list().filter(is_published=True)
    if theme:
        category = GUIDANCE_CATEGORY.get(Theme(theme))
        if category is None:
            return guidance.none()
        return published_guidance(category)
    return guidance


@dataclass(frozen=True)
class Reach:
    recipients: int
    acknowledged: int
    within_14_days: int


def bulletin_reach(bulletin: Bulletin) -> Reach:
    window = (bulletin.published_at or timezone.now()) + timedelta(days=14)
    counts = BulletinRecipient.objects.filter(bulletin=bulletin).aggregate(
        recipients=Count("pk"),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        within=Count("pk", filter=Q(acknowledged_at__lte=window)),
    )
    return Reach(counts["recipients"], counts["acknowledged"], counts["within"])


def own_receipt(user: User, bulletin: Bulletin) -> BulletinRecipient | None:
    return BulletinRecipient.objects.filter(bulletin=bulletin, user=user).first()


def accepted_points() -> QuerySet[LearningPoint]:
    return LearningPoint.objects.filter(state=LearningPoint.State.ACCEPTED).order_by(
        "theme", "-raised_at"
    )
