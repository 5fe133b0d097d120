"""Reads of the training app, scoped to a user; every list is a bounded number of queries.

The dashboard reads compliance and training delivered from here (`compliance_overview`,
`completions_by_month`), never the models.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from foundation.accounts.models import Role, User
from foundation.accounts.roles import HUB_STAFF
from training.compliance import Counts, PersonState, Scope, counts_by_day, counts_by_team
from training.compliance import person_states as _person_states
from training.models import (
    PLACE_HOLDING,
    Area,
    ChampionProfile,
    Course,
    CpdActivity,
    Enrolment,
    ImportReport,
    Requirement,
    Session,
    Team,
    Trainee,
    completion_q,
)
from training.permissions import (
    can_oversee_training,
    managed_teams,
    own_trainee_q,
    teams_visible_to,
)

TREND_MONTHS = 12


# --- Programme ------------------------------------------------------------------------------------


def courses_list() -> QuerySet[Course]:
    return Course.objects.annotate(
        session_count=Count("sessions", distinct=True),
        requirement_count=Count("requirements", distinct=True),
    ).order_by("-is_active", "title")


def sessions_list(*, upcoming: bool, now: datetime) -> QuerySet[Session]:
    """Sessions to come (soonest first) or past (latest first), with their bookings."""
    sessions = Session.objects.select_related("course", "trainer").annotate(
        booked=Count("enrolments", filter=Q(enrolments__status__in=PLACE_HOLDING))
    )
    if upcoming:
        return sessions.filter(ends_at__gte=now).order_by("starts_at", "id")
    return sessions.filter(ends_at__lt=now).order_by("-starts_at", "-id")


def course_sessions(course: Course, *, now: datetime) -> QuerySet[Session]:
    """A course's sessions to come, with their bookings."""
    return sessions_list(upcoming=True, now=now).filter(course=course)


def course_requirements(course: Course) -> QuerySet[Requirement]:
    return requirements_list().filter(course=course)


def session_enrolments(session: Session) -> QuerySet[Enrolment]:
    return session.enrolments.select_related(
        "trainee__team", "trainee__organisation", "trainee__user"
    ).order_by("trainee__name", "id")


def recent_imports(session: Session) -> QuerySet[ImportReport]:
    return session.imports.select_related("by").order_by("-at", "-id")[:5]


def requirements_list() -> QuerySet[Requirement]:
    return Requirement.objects.select_related("course", "team", "organisation").order_by(
        "course__title", "role", "team__name", "organisation__name"
    )


def known_roles() -> list[str]:
    """The roles on the rosters, for the requirement form's suggestions."""
    return sorted(
        set(Trainee.objects.exclude(role="").values_list("role", flat=True).distinct()),
        key=str.casefold,
    )


# --- Teams and people -----------------------------------------------------------------------------


def teams_list(user: User) -> QuerySet[Team]:
    return (
        teams_visible_to(user)
        .select_related("organisation", "area")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("organisation__name", "name")
    )


def team_members(team: Team) -> QuerySet[Trainee]:
    return team.members.select_related("organisation", "user").order_by("-is_active", "name", "id")


def trainee_enrolments(trainee: Trainee) -> QuerySet[Enrolment]:
    return trainee.enrolments.select_related("session__course").order_by(
        "-session__starts_at", "-id"
    )


# --- Compliance -----------------------------------------------------------------------------------


def compliance_scope(user: User) -> Scope:
    if can_oversee_training(user):
        return Scope(all_teams=True)
    return Scope(team_ids=tuple(managed_teams(user).values_list("pk", flat=True)))


def month_ends(today: date, months: int = TREND_MONTHS) -> list[date]:
    """The last day of each of the past `months` months, ending with today."""
    days: list[date] = []
    year, month = today.year, today.month
    for _ in range(months):
        last = date(year, month, calendar.monthrange(year, month)[1])
        days.append(min(last, today))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return sorted(days)


@dataclass(frozen=True)
class TeamCompliance:
    team_id: int | None
    name: str
    organisation: str
    area: str
    counts: Counts


@dataclass(frozen=True)
class ComplianceOverview:
    teams: list[TeamCompliance]
    totals: Counts
    trend: list[tuple[date, Counts]]


def compliance_overview(user: User, *, today: date) -> ComplianceOverview:
    """Each visible team's counts on `today` (worst first), the totals, and the monthly trend
    of the whole scope. Four queries whatever the data."""
    scope = compliance_scope(user)
    by_team = counts_by_team(scope, today=today)
    rows = [
        TeamCompliance(
            team_id=team.pk,
            name=team.name,
            organisation=team.organisation.name,
            area=team.area.name if team.area else "",
            counts=by_team.get(team.pk, Counts()),
        )
        for team in teams_visible_to(user).select_related("organisation", "area")
    ]
    if scope.all_teams and None in by_team:
        rows.append(TeamCompliance(None, "No team", "", "", by_team[None]))
    rows.sort(key=lambda row: (row.counts.percent is None, row.counts.percent or 0, row.name))
    totals = Counts(
        **{
            state: sum(getattr(row.counts, state) for row in rows)
            for state in ("current", "due", "expired", "never")
        }
    )
    trend = list(counts_by_day(scope, days=month_ends(today)).items())
    return ComplianceOverview(teams=rows, totals=totals, trend=trend)


def compliance_by_team(team_ids: list[int] | None, *, today: date) -> dict[int | None, Counts]:
    """Mandatory-training counts on `today` for the given teams (None: every team, and those
    on no team under None), for other apps' reports beside their own figures. One query."""
    scope = Scope(all_teams=True) if team_ids is None else Scope(team_ids=tuple(team_ids))
    return counts_by_team(scope, today=today)


def team_states(
    user: User, *, today: date, team: Team | None, state: str | None = None
) -> list[PersonState]:
    """The drill-down: one team's people (or, with `team=None`, those on no team, for those
    who oversee all) and their state for each required course. One query."""
    scope = compliance_scope(user)
    if team is None:
        return _person_states(scope, today=today, no_team=True, state=state)
    return _person_states(scope, today=today, team_id=team.pk, state=state)


def states_in_scope(user: User, *, today: date, state: str | None = None) -> list[PersonState]:
    """Every (person, course) the user may see, for the export. One query."""
    return _person_states(compliance_scope(user), today=today, state=state)


def trainee_states(trainee: Trainee, *, today: date) -> list[PersonState]:
    return _person_states(Scope(trainee_ids=(trainee.pk,)), today=today)


def completions_by_month(*, start: date, end: date) -> dict[date, int]:
    """Training delivered: completions per month between two dates (the dashboard's "before
    and after a training push"). One query."""
    rows = (
        Enrolment.objects.filter(completion_q())
        .filter(session__starts_at__date__gte=start, session__starts_at__date__lte=end)
        .annotate(month=TruncMonth("session__starts_at"))
        .values("month")
        .annotate(number=Count("id"))
        .order_by("month")
    )
    return {row["month"].date(): row["number"] for row in rows}


# --- Mine -----------------------------------------------------------------------------------------


def own_enrolments(user: User) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(own_trainee_q(user, "trainee__"))
        .select_related("session__course")
        .order_by("-session__starts_at", "-id")
    )


def own_trainee(user: User) -> Trainee | None:
    """The user's record (the linked one first)."""
    return Trainee.objects.filter(own_trainee_q(user)).order_by("user_id", "pk").first()


# --- CPD and champions ----------------------------------------------------------------------------


def _hours_in(year: int) -> Subquery:
    return Subquery(
        CpdActivity.objects.filter(user=OuterRef("pk"), done_on__year=year)
        .values("user")
        .annotate(total=Sum("hours"))
        .values("total"),
        output_field=DecimalField(max_digits=7, decimal_places=2),
    )


def cpd_totals(*, year: int) -> QuerySet[User]:
    """The hub's staff (and anyone else with CPD that year), each with the year's hours."""
    recorded = CpdActivity.objects.filter(done_on__year=year).values("user")
    return (
        User.objects.filter(Q(is_active=True, roles__overlap=list(HUB_STAFF)) | Q(pk__in=recorded))
        .annotate(cpd_hours=Coalesce(_hours_in(year), Value(Decimal(0))))
        .select_related("agency")
        .order_by("full_name", "id")
    )


def cpd_of(person: User) -> QuerySet[CpdActivity]:
    return CpdActivity.objects.filter(user=person).order_by("-done_on", "-id")


def cpd_year_total(person: User, *, year: int) -> Decimal:
    total = CpdActivity.objects.filter(user=person, done_on__year=year).aggregate(
        total=Sum("hours")
    )["total"]
    return total or Decimal(0)


@dataclass(frozen=True)
class AreaChampions:
    area: str
    champions: list[User]
    has_active: bool


def champions_by_area(*, year: int) -> tuple[list[AreaChampions], list[Area]]:
    """Champions grouped by area (those with no area last), each with their completed courses
    and the year's CPD hours; and the areas without an active champion. Three queries."""
    completions = Subquery(
        Enrolment.objects.filter(completion_q(), trainee__user=OuterRef("pk"))
        .values("trainee__user")
        .annotate(number=Count("id"))
        .values("number")
    )
    people = (
        User.objects.filter(roles__contains=[Role.CHAMPION], is_active=True)
        .select_related("champion_profile__area", "agency")
        .annotate(
            cpd_hours=Coalesce(_hours_in(year), Value(Decimal(0))),
            completed_courses=Coalesce(completions, Value(0)),
        )
        .order_by("full_name", "id")
    )
    groups: dict[str, list[User]] = {}
    for person in people:
        profile = getattr(person, "champion_profile", None)
        area = profile.area.name if profile is not None and profile.area else ""
        groups.setdefault(area, []).append(person)
    areas = [
        AreaChampions(
            area=name or "No area recorded",
            champions=members,
            has_active=any(_is_active_champion(member) for member in members),
        )
        for name, members in sorted(groups.items(), key=lambda item: (not item[0], item[0]))
    ]
    active = ChampionProfile.objects.filter(
        is_active=True,
        user__is_active=True,
        user__roles__contains=[Role.CHAMPION],
        area__isnull=False,  # NOT IN with a NULL in the list would exclude every area
    ).values("area")
    gaps = list(Area.objects.filter(is_active=True).exclude(pk__in=active).order_by("name"))
    return areas, gaps


def _is_active_champion(user: User) -> bool:
    profile = getattr(user, "champion_profile", None)
    return profile is not None and profile.is_active


def champion_profile(user: User) -> ChampionProfile | None:
    return ChampionProfile.objects.filter(user=user).select_related("area").first()
