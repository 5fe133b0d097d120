"""Reads for the clinic's pages, each starting from a scoped selector in clinic.permissions;
the joins a page needs happen here, so every page runs a bounded number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from cases.models import Case, CaseParty, PartyRole
from cases.permissions import cases_visible_to
from cases.shared_reads import shared_read
from clinic.models import (
    Action,
    ActionChase,
    AgendaItem,
    ClinicMeeting,
    ClinicReferral,
    ClinicSchedule,
    Invitee,
    Minutes,
    Research,
)
from clinic.permissions import (
    actions_visible_to,
    clinic_referrals_visible_to,
    items_visible_to,
    meetings_visible_to,
    schedules_visible_to,
)
from foundation.accounts.models import User


def referral_list(user: User, *, state: str = "") -> QuerySet[ClinicReferral]:
    referrals = clinic_referrals_visible_to(user).select_related(
        "case", "referred_by", "agenda_item__meeting"
    )
    if state:
        referrals = referrals.filter(state=state)
    return referrals.order_by("-referred_at", "-id")


def waiting_list(user: User) -> QuerySet[ClinicReferral]:
    """Accepted referrals not yet discussed, by priority then age, with where they are listed
    (never a restricted case the user may not open)."""
    return (
        clinic_referrals_visible_to(user)
        .filter(state=ClinicReferral.State.ACCEPTED)
        .select_related("case", "agenda_item__meeting")
        .order_by("priority", "referred_at", "id")
    )


def schedule_list(user: User) -> QuerySet[ClinicSchedule]:
    return (
        schedules_visible_to(user)
        .select_related("chair")
        .annotate(
            upcoming=Count("meetings", filter=Q(meetings__status=ClinicMeeting.Status.SCHEDULED))
        )
    )


def meeting_list(user: User, *, now: datetime, past: bool = False) -> QuerySet[ClinicMeeting]:
    meetings = meetings_visible_to(user).annotate(listed=Count("items", distinct=True))
    if past:
        return meetings.filter(starts_at__lte=now).order_by("-starts_at", "-id")
    return meetings.filter(starts_at__gt=now).order_by("starts_at", "id")


def invitees_of(meeting: ClinicMeeting) -> list[Invitee]:
    return list(meeting.invitees.select_related("user__agency").order_by("id"))


@dataclass(frozen=True)
class AgendaRow:
    item: AgendaItem
    victims: list[str]
    suspects: list[str]
    research: list[Research]
    # Open actions from earlier meetings on this case (a returning case).
    outstanding: list[Action]


def agenda_rows(meeting: ClinicMeeting, user: User) -> list[AgendaRow]:
    """The agenda as the user may see it (a partner: the listed cases shared with their
    agency), with each case's people, every agency's research and outstanding actions.
    Five queries, whatever the agenda's length."""
    items = list(
        items_visible_to(user)
        .filter(meeting=meeting)
        .select_related("case", "referral")
        .prefetch_related(
            Prefetch("research", queryset=Research.objects.select_related("agency")),
            "decisions__decision_type",
            Prefetch("actions", queryset=Action.objects.select_related("owner", "owner_agency")),
        )
        .order_by("position", "id")
    )
    case_ids = [item.case_id for item in items]
    names: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for party in CaseParty.objects.filter(case_id__in=case_ids).select_related("person"):
        names[party.case_id][party.role].append(party.person.name)
    outstanding: dict[int, list[Action]] = defaultdict(list)
    for action in (
        Action.objects.filter(case_id__in=case_ids, status__in=Action.OPEN_STATUSES)
        .exclude(item__meeting=meeting)
        .select_related("owner_agency")
        .order_by("due_on", "id")
    ):
        outstanding[action.case_id].append(action)
    return [
        AgendaRow(
            item=item,
            victims=names[item.case_id][PartyRole.VICTIM],
            suspects=names[item.case_id][PartyRole.SUSPECT],
            research=list(item.research.all()),
            outstanding=outstanding[item.case_id],
        )
        for item in items
    ]


def action_list(user: User, *, status: str = "open") -> QuerySet[Action]:
    actions = actions_visible_to(user).select_related(
        "case", "owner", "owner_agency", "item__meeting"
    )
    if status == "open":
        actions = actions.filter(status__in=Action.OPEN_STATUSES)
    elif status:
        actions = actions.filter(status=status)
    return actions.order_by("due_on", "id")


def chases_sent() -> QuerySet[ActionChase]:
    return ActionChase.objects.select_related(
        "action__case", "action__owner_agency", "action__owner"
    ).order_by("-sent_at", "-id")


def cases_linkable(user: User, case_ids: list[int]) -> set[int]:
    """Which of these cases the user may open (one query): a partner keeps their action after
    the share ends, but sees its case reference only."""
    return set(cases_visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))


def case_id_by_reference(user: User, reference: str) -> int | None:
    """The id of a case the user may see, by its reference (the forms take references); the
    view then opens it through the case door."""
    return (
        cases_visible_to(user)
        .filter(reference__iexact=reference.strip())
        .values_list("pk", flat=True)
        .first()
    )


def minutes_id_of(meeting: ClinicMeeting) -> int | None:
    """The meeting's minutes' id, if drafted (the page then opens them through their door)."""
    return Minutes.objects.filter(meeting=meeting).values_list("pk", flat=True).first()


def future_meetings_with_room(
    *, now: datetime, exclude: int | None = None
) -> QuerySet[ClinicMeeting]:
    meetings = ClinicMeeting.objects.filter(
        status=ClinicMeeting.Status.SCHEDULED, starts_at__gt=now
    ).order_by("starts_at")
    if exclude is not None:
        meetings = meetings.exclude(pk=exclude)
    return meetings[:26]


def case_people(case_id: int) -> list[CaseParty]:
    """The case's victims and suspects (names only: never addresses or contact details)."""
    return list(
        CaseParty.objects.filter(case_id=case_id, role__in=[PartyRole.VICTIM, PartyRole.SUSPECT])
        .select_related("person")
        .only("role", "person__name", "case_id")
    )


def outstanding_actions(item: AgendaItem) -> list[Action]:
    """Open actions on the item's case from earlier meetings (a returning case)."""
    return list(
        Action.objects.filter(case_id=item.case_id, status__in=Action.OPEN_STATUSES)
        .exclude(item__meeting_id=item.meeting_id)
        .select_related("owner", "owner_agency")
        .order_by("due_on", "id")
    )


# --- The case page: one read each for the clinic panel and the chronology ----------------------


def case_clinic_referrals(case: Case) -> list[ClinicReferral]:
    """The case's clinic referrals, newest first (cases/shared_reads.py: the panel and the
    chronology read them once)."""
    return shared_read(
        ("clinic.referrals", case.pk),
        lambda: list(ClinicReferral.objects.filter(case=case).order_by("-referred_at")),
    )


def case_clinic_items(user: User, case: Case) -> list[AgendaItem]:
    """The case's agenda items the user may see, with their meeting and decisions, latest
    meeting first."""
    return shared_read(
        ("clinic.items", user.pk, case.pk),
        lambda: list(
            items_visible_to(user)
            .filter(case=case)
            .select_related("meeting")
            .prefetch_related("decisions__decision_type")
            .order_by("-meeting__starts_at")
        ),
    )


def case_clinic_actions(case: Case) -> list[Action]:
    """Every action agreed on the case, soonest due first, with its owners."""
    return shared_read(
        ("clinic.actions", case.pk),
        lambda: list(
            Action.objects.filter(case=case)
            .select_related("owner", "owner_agency")
            .order_by("due_on", "id")
        ),
    )
