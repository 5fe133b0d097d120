"""Recording gaps: logs the hub decided are stalking that the force did not record as stalking.

A log is *decided as stalking* when its review says confirmed, or possible stalking (advice to
the officer). It is *tagged at source* by the one rule the dashboard uses
(`cases.selectors.tagged_at_source_q`). A decided log not tagged at source is a *gap*.

Each log counts for its own area (the log's area column) and for the training team of its
officer in charge: the log's `officer` is matched to a roster person by staff/collar number
(compared without spaces and case), then by e-mail (without case). An officer matching no one
is *not known*; one whose number (or e-mail, when the number matches nobody) matches two or
more people is *ambiguous*; both count once, under "team not known", and are listed for the
trainer to resolve. docs/learning.md says the same.

Months are calendar months in Europe/London of the log's recording time. Every function here
runs a fixed number of queries whatever the number of logs, officers or teams.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Extract, TruncMonth
from django.utils import timezone

from cases.models import CrimeLog, LogReview
from cases.selectors import tagged_at_source_q
from foundation.lib.figures import add_months, month_start
from foundation.lib.working_time import LONDON
from risk.models import RiskAssessment
from training.models import Trainee, normalise_email, normalise_staff_number

DECIDED_AS_STALKING = (LogReview.Outcome.CONFIRMED, LogReview.Outcome.POSSIBLE)
ASSESSMENT_WITHIN = timedelta(days=7)
NOT_KNOWN = None  # the team key of logs whose officer matched no one, or more than one


@dataclass(frozen=True)
class Match:
    """Whom a log's officer field names on the rosters."""

    team_id: int | None
    state: str  # "matched", "unmatched" or "ambiguous"
    by: str = ""  # "number" or "email"


@dataclass
class GapCounts:
    decided: int = 0
    tagged: int = 0
    decision_days: float = 0.0  # the sum, for the mean
    assessed: int = 0  # with a risk assessment within 7 days of the decision

    @property
    def gaps(self) -> int:
        return self.decided - self.tagged

    @property
    def gap_rate(self) -> float | None:
        return self.gaps / self.decided if self.decided else None

    @property
    def gap_percent(self) -> int | None:
        rate = self.gap_rate
        return None if rate is None else round(100 * rate)

    @property
    def mean_days_to_decision(self) -> float | None:
        return round(self.decision_days / self.decided, 1) if self.decided else None

    @property
    def assessed_percent(self) -> int | None:
        return round(100 * self.assessed / self.decided) if self.decided else None

    def add(self, other: GapCounts) -> None:
        self.decided += other.decided
        self.tagged += other.tagged
        self.decision_days += other.decision_days
        self.assessed += other.assessed


@dataclass
class OfficerRow:
    officer: str
    state: str
    logs: int = 0


@dataclass
class GapReport:
    first: date
    last: date
    # {team id or None: {month: counts}}; {area: {month: counts}}
    by_team: dict[int | None, dict[date, GapCounts]] = field(default_factory=dict)
    by_area: dict[str, dict[date, GapCounts]] = field(default_factory=dict)
    officers: list[OfficerRow] = field(default_factory=list)  # unmatched and ambiguous

    def team_total(self, team_id: int | None) -> GapCounts:
        return _total(self.by_team.get(team_id, {}).values())

    def area_total(self, area: str) -> GapCounts:
        return _total(self.by_area.get(area, {}).values())

    @property
    def total(self) -> GapCounts:
        return _total(counts for months in self.by_team.values() for counts in months.values())


def _total(items: Iterable[GapCounts]) -> GapCounts:
    total = GapCounts()
    for item in items:
        total.add(item)
    return total


def month_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The instants (Europe/London) that open the month `first` and close the month `last`."""
    end = add_months(month_start(last), 1)
    return (
        datetime(first.year, first.month, 1, tzinfo=LONDON),
        datetime(end.year, end.month, 1, tzinfo=LONDON),
    )


def decided_logs(first: date, last: date) -> QuerySet[CrimeLog]:
    """Logs the hub decided are stalking, recorded in the months `first`..`last`."""
    low, high = month_bounds(first, last)
    return CrimeLog.objects.filter(
        review__outcome__in=DECIDED_AS_STALKING, recorded_at__gte=low, recorded_at__lt=high
    )


def officer_keys(officer: str) -> tuple[str, str]:
    return normalise_staff_number(officer), normalise_email(officer)


def match_officers(officers: Iterable[str]) -> dict[str, Match]:
    """{officer field: match} for each distinct field. One query."""
    wanted = {officer: officer_keys(officer) for officer in officers if officer.strip()}
    numbers = {number for number, _ in wanted.values() if number}
    emails = {email for _, email in wanted.values() if "@" in email}
    by_number: dict[str, list[int | None]] = {}
    by_email: dict[str, list[int | None]] = {}
    people = (
        Trainee.objects.filter(is_active=True)
        .filter(Q(staff_number__in=numbers) | Q(email__in=emails))
        .values_list("staff_number", "email", "team_id")
    )
    for number, email, team_id in people:
        if number in numbers:
            by_number.setdefault(number, []).append(team_id)
        if email and email.lower() in emails:
            by_email.setdefault(email.lower(), []).append(team_id)
    found: dict[str, Match] = {}
    for officer, (number, email) in wanted.items():
        for teams, how in (
            (by_number.get(number, []), "number"),
            (by_email.get(email, []), "email"),
        ):
            if len(teams) == 1:
                found[officer] = Match(teams[0], "matched", how)
                break
            if len(teams) > 1:
                found[officer] = Match(NOT_KNOWN, "ambiguous", how)
                break
        else:
            found[officer] = Match(NOT_KNOWN, "unmatched")
    return found


def grouped_rows(logs: QuerySet[CrimeLog]) -> Iterable[Mapping[str, Any]]:
    """Decided logs grouped by (officer, area, month): `decided`, `tagged`, `assessed` (a risk
    assessment within 7 days of the decision) and `seconds` (recording to decision, summed).
    One GROUP BY; the summary (learning/summary.py) stores exactly these rows."""
    assessed = Exists(
        RiskAssessment.objects.filter(
            case_id=OuterRef("review__case_id"),
            completed_at__lte=OuterRef("review__reviewed_at") + ASSESSMENT_WITHIN,
        )
    )
    return (
        logs.order_by()
        .annotate(
            month=TruncMonth("recorded_at", tzinfo=LONDON),
            is_tagged=ExpressionWrapper(tagged_at_source_q(), output_field=BooleanField()),
            was_assessed=assessed,
        )
        .values("officer", "area", "month")
        .annotate(
            decided=Count("pk"),
            tagged=Count("pk", filter=Q(is_tagged=True)),
            assessed=Count("pk", filter=Q(was_assessed=True)),
            seconds=Sum(Extract(F("review__reviewed_at") - F("recorded_at"), "epoch")),
        )
    )


def gap_report(
    *,
    first: date,
    last: date,
    team_ids: Iterable[int] | None = None,
    rows: Iterable[Mapping[str, Any]] | None = None,
) -> GapReport:
    """Recording gaps by team and by area, month by month, for the months `first`..`last`.

    `team_ids` limits the teams kept (a team manager's own); None keeps all, with the areas
    and the unmatched and ambiguous officers. `rows`: the grouped rows to read (the stored
    summary's, learning/summary.py); None computes them live from the logs. Two queries
    whatever the data.
    """
    report = GapReport(first=month_start(first), last=month_start(last))
    if rows is None:
        rows = grouped_rows(decided_logs(report.first, report.last))
    rows = list(rows)
    matches = match_officers({row["officer"] for row in rows})
    keep = None if team_ids is None else set(team_ids)
    officers: dict[str, OfficerRow] = {}
    for row in rows:
        month = (
            row["month"].astimezone(LONDON).date()
            if isinstance(row["month"], datetime)
            else row["month"]
        )
        counts = GapCounts(
            decided=row["decided"],
            tagged=row["tagged"],
            decision_days=float(row["seconds"] or 0) / 86400,
            assessed=row["assessed"],
        )
        match = matches.get(row["officer"], Match(NOT_KNOWN, "unmatched"))
        if keep is None or match.team_id in keep:
            _add(report.by_team.setdefault(match.team_id, {}), month, counts)
        if keep is None:
            _add(report.by_area.setdefault(row["area"], {}), month, counts)
            if match.state != "matched":
                officer = officers.setdefault(
                    row["officer"], OfficerRow(row["officer"] or "(blank)", match.state)
                )
                officer.logs += row["decided"]
    report.officers = sorted(officers.values(), key=lambda o: (-o.logs, o.officer))
    return report


def _add(months: dict[date, GapCounts], month: date, counts: GapCounts) -> None:
    months.setdefault(month, GapCounts()).add(counts)


def default_months(now: datetime | None = None) -> tuple[date, date]:
    """The report's default window: the last twelve calendar months, this one included."""
    today = timezone.localdate(now or timezone.now())
    last = month_start(today)
    return add_months(last, -11), last
