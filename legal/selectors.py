"""Reads of the legal workflow: the solicitor's page, a file's page, the orders panel, the
figures (set-based, so the dashboard registers them in one line each) and what oversight
reads of orders in force.

Lists start from a scoping function (legal/permissions.py) and run a bounded number of queries
whatever the data size. The figures are plain functions of dates: callers decide who sees them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import Case
from cases.shared_reads import shared_read
from foundation.accounts.models import User
from legal import deadlines, transitions
from legal.models import (
    IN_FORCE_STATES,
    SPO_KINDS,
    Breach,
    BreachCandidate,
    EndedReason,
    FileState,
    Hearing,
    LegalEvent,
    Notification,
    OrderFile,
    OrderTerm,
    ProtectiveOrder,
)
from legal.permissions import can_read_privileged, files_visible_to, orders_visible_to


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- Figures (counted each on the date of its own event) -----------------------------------


@dataclass(frozen=True)
class SpoFigures:
    considered: int = 0
    applied: int = 0
    interim: int = 0
    full: int = 0
    refused: int = 0
    withdrawn: int = 0
    breaches: int = 0


def _month(day: date) -> date:
    return day.replace(day=1)


def spo_figures_by_month(*, start: date, end: date) -> dict[date, SpoFigures]:
    """SPO figures for each month from `start` to `end` (inclusive; keys are the 1st of each
    month): files considered (opened), applications made, interim and full orders made,
    refusals, withdrawals and breaches, each on its own date. Four queries whatever the size."""
    counts: dict[date, dict[str, int]] = defaultdict(dict)
    start_at, end_at = _start_of(start), _start_of(end + timedelta(days=1))
    opened = (
        OrderFile.objects.filter(kind__in=SPO_KINDS, opened_at__gte=start_at, opened_at__lt=end_at)
        .annotate(month=TruncMonth("opened_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    for moment, n in opened:
        counts[timezone.localdate(moment).replace(day=1)]["considered"] = n
    states = (
        LegalEvent.objects.filter(
            kind=LegalEvent.Kind.STATE, on__gte=start, on__lte=end, file__kind__in=SPO_KINDS
        )
        .annotate(month=TruncMonth("on"))
        .values("month")
        .annotate(
            applied=Count("pk", filter=Q(to_state=FileState.APPLIED)),
            refused=Count("pk", filter=Q(ended_reason=EndedReason.REFUSED)),
            withdrawn=Count("pk", filter=Q(ended_reason=EndedReason.WITHDRAWN)),
        )
        .values_list("month", "applied", "refused", "withdrawn")
    )
    for month, applied, refused, withdrawn in states:
        counts[month].update(applied=applied, refused=refused, withdrawn=withdrawn)
    orders = (
        ProtectiveOrder.objects.filter(
            made_on__gte=start, made_on__lte=end, file__kind__in=SPO_KINDS
        )
        .annotate(month=TruncMonth("made_on"))
        .values("month")
        .annotate(
            interim=Count("pk", filter=Q(kind=ProtectiveOrder.Kind.INTERIM)),
            full=Count("pk", filter=Q(kind=ProtectiveOrder.Kind.FULL)),
        )
        .values_list("month", "interim", "full")
    )
    for month, interim, full in orders:
        counts[month].update(interim=interim, full=full)
    for month, n in breaches_by_month(start=start, end=end, spo_only=True).items():
        counts[month]["breaches"] = n
    months: dict[date, SpoFigures] = {}
    month = _month(start)
    while month <= end:
        months[month] = SpoFigures(**counts.get(month, {}))
        month = deadlines.add_months(month, 1)
    return months


def spo_figures(*, start: date, end: date) -> SpoFigures:
    """The SPO figures for any period (inclusive), each counted on its own event's date."""
    total: dict[str, int] = defaultdict(int)
    for figures in spo_figures_by_month(start=start, end=end).values():
        for key, value in figures.__dict__.items():
            total[key] += value
    return SpoFigures(**total)


def breaches_by_month(*, start: date, end: date, spo_only: bool = False) -> dict[date, int]:
    """Breaches by the month they occurred (SPOs and interim SPOs only with `spo_only`)."""
    breaches = Breach.objects.filter(occurred_on__gte=start, occurred_on__lte=end)
    if spo_only:
        breaches = breaches.filter(order__file__kind__in=SPO_KINDS)
    return {
        row["month"]: row["n"]
        for row in breaches.annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(n=Count("pk"))
    }


def upcoming_hearings(*, now: datetime, days: int = 7) -> QuerySet[Hearing]:
    """Hearings from now to `days` ahead, soonest first (one query)."""
    return (
        Hearing.objects.filter(starts_at__gte=now, starts_at__lt=now + timedelta(days=days))
        .select_related("file__case")
        .order_by("starts_at", "pk")
    )


def notification_deadlines(*, today: date, days: int = 14) -> QuerySet[Notification]:
    """Notifications not yet recorded, due up to `days` ahead or already overdue."""
    return (
        Notification.objects.filter(
            notified_on__isnull=True,
            due_on__isnull=False,
            due_on__lte=today + timedelta(days=days),
        )
        .select_related("order__file__case")
        .order_by("due_on", "pk")
    )


def open_files_by_state() -> dict[str, int]:
    """How many files are in each state (one query)."""
    return dict(
        OrderFile.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )


# --- The solicitor's page -------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    on: date
    kind: str
    file: OrderFile
    detail: str
    overdue: bool


def deadlines_list(user: User, *, today: date, horizon_days: int = 120) -> list[Deadline]:
    """Deadlines in date order: notifications (overdue ones first by date), renewal reviews,
    interim orders' ends, and orders not yet on the PNC (three queries)."""
    files = files_visible_to(user)
    horizon = today + timedelta(days=horizon_days)
    found: list[Deadline] = []
    for notification in notification_deadlines(today=today, days=horizon_days).filter(
        order__file__in=files
    ):
        assert notification.due_on is not None
        found.append(
            Deadline(
                notification.due_on,
                "Notification",
                notification.order.file,
                f"{notification.get_trigger_display()} on {notification.starts_on:%d %b %Y}",
                notification.due_on < today,
            )
        )
    orders = (
        ProtectiveOrder.objects.filter(
            file__in=files, ended_on__isnull=True, fixed_end_on__isnull=False
        )
        .filter(fixed_end_on__lte=horizon + timedelta(days=92))
        .select_related("file__case")
    )
    for order in orders:
        assert order.fixed_end_on is not None
        if order.kind == ProtectiveOrder.Kind.INTERIM:
            found.append(Deadline(order.fixed_end_on, "Interim order ends", order.file, "", False))
            continue
        for review in deadlines.renewal_review_dates(order.fixed_end_on):
            if today <= review <= horizon:
                found.append(
                    Deadline(
                        review,
                        "Renewal review",
                        order.file,
                        f"order ends {order.fixed_end_on:%d %b %Y}",
                        False,
                    )
                )
        if order.fixed_end_on <= horizon:
            found.append(Deadline(order.fixed_end_on, "Order ends", order.file, "", False))
    for file in files.filter(state__in=IN_FORCE_STATES, pnc_entered_on__isnull=True).select_related(
        "case"
    ):
        found.append(Deadline(today, "Put the order on the PNC", file, "not yet recorded", True))
    return sorted(found, key=lambda d: (d.on, d.kind, d.file.pk))


@dataclass(frozen=True)
class SolicitorPage:
    counts: dict[str, int]
    files: list[OrderFile]
    hearings: list[Hearing]
    deadlines: list[Deadline]
    candidates: list[BreachCandidate]
    figures: SpoFigures


def solicitor_page(
    user: User, *, now: datetime, state: str, period: tuple[date, date]
) -> SolicitorPage:
    """Everything on the solicitor's page, in a bounded number of queries."""
    today = timezone.localdate(now)
    files = files_visible_to(user)
    listed = files.select_related("case", "respondent", "solicitor").order_by("-opened_at", "-pk")
    if state:
        listed = listed.filter(state=state)
    return SolicitorPage(
        counts=dict(files.values_list("state").annotate(n=Count("pk")).values_list("state", "n")),
        files=list(listed[:200]),
        hearings=list(
            Hearing.objects.filter(
                file__in=files,
                # This week: today and the six days after it.
                starts_at__gte=_start_of(today),
                starts_at__lt=_start_of(today + timedelta(days=7)),
            )
            .select_related("file__case")
            .order_by("starts_at")
        ),
        deadlines=deadlines_list(user, today=today),
        candidates=list(
            BreachCandidate.objects.filter(
                state=BreachCandidate.State.PENDING, order__file__in=files
            ).select_related("order__file__case", "log")
        ),
        figures=spo_figures(start=period[0], end=period[1]),
    )


# --- A file's page --------------------------------------------------------------------------


@dataclass(frozen=True)
class FilePage:
    orders: list[ProtectiveOrder]
    hearings: list[Hearing]
    events: list[LegalEvent]
    protected: list[object]
    candidates: list[BreachCandidate]
    transitions: list[transitions.Transition]
    show_privileged: bool
    missed: set[int] = field(default_factory=set)


def order_queryset() -> QuerySet[ProtectiveOrder]:
    return ProtectiveOrder.objects.select_related("replaces").prefetch_related(
        Prefetch("terms", queryset=OrderTerm.objects.order_by("kind", "pk")),
        Prefetch("notifications", queryset=Notification.objects.order_by("starts_on", "pk")),
        Prefetch("breaches", queryset=Breach.objects.select_related("log")),
    )


def file_page(user: User, file: OrderFile, *, today: date) -> FilePage:
    orders = list(order_queryset().filter(file=file))
    missed = {
        n.pk
        for order in orders
        for n in order.notifications.all()
        if n.due_on is not None
        and deadlines.notification_missed(n.due_on, notified_on=n.notified_on, today=today)
    }
    return FilePage(
        orders=orders,
        hearings=list(file.hearings.order_by("starts_at", "pk")),
        events=list(file.timeline.select_related("by").order_by("-on", "-pk")),
        protected=list(file.protected_persons.order_by("name", "pk")),
        candidates=list(
            BreachCandidate.objects.filter(
                order__file=file, state=BreachCandidate.State.PENDING
            ).select_related("log")
        ),
        transitions=[
            t
            for t in transitions.available(
                is_spo=file.is_spo, state=file.state, ended_reason=file.ended_reason
            )
            if not t.by_order
        ],
        show_privileged=can_read_privileged(user, file.case_id),
        missed=missed,
    )


def orders_for_case(user: User, case: Case) -> list[ProtectiveOrder]:
    """The case's orders the user may read, newest first, terms prefetched (two queries)."""
    return list(
        ProtectiveOrder.objects.filter(pk__in=orders_visible_to(user).values("pk"), file__case=case)
        .select_related("file")
        .prefetch_related(Prefetch("terms", queryset=OrderTerm.objects.order_by("kind", "pk")))
        .order_by("-made_on", "-pk")
    )


def files_for_case(user: User, case: Case) -> list[OrderFile]:
    """The case's order files the user may read; one read for the case page's orders panel
    and chronology (cases/shared_reads.py)."""
    return shared_read(
        ("legal.files", user.pk, case.pk),
        lambda: list(
            files_visible_to(user).filter(case=case).select_related("respondent", "solicitor")
        ),
    )


# --- What oversight reads (registered by oversight, which sits above legal) -----------------


@dataclass(frozen=True)
class OrderInForceRow:
    respondent_person_id: int
    label: str
    in_force_from: datetime
    in_force_until: datetime | None
    url: str


def orders_in_force(*, now: datetime) -> list[OrderInForceRow]:
    """Every order in force at `now`, labelled without personal data (one query)."""
    today = timezone.localdate(now)
    orders = (
        ProtectiveOrder.objects.filter(made_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .filter(Q(fixed_end_on__isnull=True) | Q(fixed_end_on__gte=today))
        .select_related("file")
        .order_by("pk")
    )
    return [
        OrderInForceRow(
            respondent_person_id=order.file.respondent_id,
            label=f"{order.get_kind_display()}, made {order.made_on:%d %b %Y}",
            in_force_from=_start_of(order.made_on),
            in_force_until=(
                _start_of(order.fixed_end_on + timedelta(days=1)) if order.fixed_end_on else None
            ),
            url=order.get_absolute_url(),
        )
        for order in orders
    ]


def cases_with_order_file(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases of `cases` with an order file (SQL)."""
    return cases.filter(pk__in=OrderFile.objects.values("case_id"))


# --- Subject access -------------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectAccessEntry:
    file_id: int
    case_reference: str
    role: str
    # Privileged legal advice is never disclosed: a subject-access search only notes it exists.
    privileged_notes_exist: bool


def subject_access_entries(person_id: int) -> list[SubjectAccessEntry]:
    """What a subject-access search of `person_id` finds in the legal workflow: the files that
    name them (as respondent or protected person), and whether privileged notes exist — never
    the notes themselves (one query)."""
    files = (
        OrderFile.objects.filter(Q(respondent_id=person_id) | Q(protected_persons__id=person_id))
        .distinct()
        .select_related("case")
        .only("pk", "respondent_id", "case__reference", "privileged_notes")
        .order_by("pk")
    )
    return [
        SubjectAccessEntry(
            file_id=file.pk,
            case_reference=file.case.reference,
            role="respondent" if file.respondent_id == person_id else "protected person",
            privileged_notes_exist=bool(file.privileged_notes.strip()),
        )
        for file in files
    ]


# --- What the hub's evaluation reads (stalking_hub/dashboard/evaluation.py) ------------------


def orders_made_by_case(case_ids: Sequence[int]) -> dict[int, tuple[date, int]]:
    """For each of these cases with an order made (any kind): the date of its first order and
    how many orders were made (one query)."""
    rows = (
        ProtectiveOrder.objects.filter(file__case_id__in=case_ids)
        .order_by()
        .values("file__case_id")
        .annotate(first=Min("made_on"), n=Count("pk"))
        .values_list("file__case_id", "first", "n")
    )
    return {case_id: (first, n) for case_id, first, n in rows}
