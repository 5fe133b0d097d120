"""Who may see and do what in the stalking clinic: one door per model, scoped selectors.

The hub's managers (coordinator, tactical lead) run the clinic; the tactical lead chairs and
approves minutes; the solicitor views the meetings they are invited to. An ISAC or partner user
sees clinic records only through their agency's live case shares, which a published agenda
opens (`cases.permissions.cases_with_facet(user, Facet.CLINIC_DISCUSSION)`), and their own and
their agency's actions. Everything else is 404 (docs/access.md, "The stalking clinic").
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from django.db.models import Q, QuerySet

from cases.models import Facet
from cases.permissions import (
    cases_visible_to,
    cases_with_facet,
    exclude_hidden_cases,
    register_case_path,
)
from clinic.models import (
    Action,
    AgendaItem,
    ClinicMeeting,
    ClinicReferral,
    ClinicSchedule,
    Minutes,
    Research,
)
from foundation.accounts.models import Role, User
from foundation.accounts.roles import is_hub_manager, is_hub_staff, is_receiving_user
from foundation.audit.access import Need, open_door, register_sensitive

for _model in (
    ClinicReferral,
    ClinicSchedule,
    ClinicMeeting,
    AgendaItem,
    Research,
    Minutes,
    Action,
):
    register_sensitive(_model)
# Their doors hide the records of restricted cases (cases/permissions.py).
for _model in (ClinicReferral, AgendaItem, Action):
    register_case_path(_model, "case")
register_case_path(Research, "item__case")


class ClinicNeed(StrEnum):
    READ = Need.READ
    CHANGE = Need.CHANGE
    # A PDF pack: recorded as a disclosure.
    DISCLOSE = Need.DISCLOSE
    # Accept or return a clinic referral.
    DECIDE = "decide"
    # Move, pin or remove agenda items; run the allocation.
    ALLOCATE = "allocate"
    PUBLISH = "publish"
    # An agency's research summary on an agenda case.
    RESEARCH = "research"
    # The discussion, decisions, actions and the minutes' draft.
    DRAFT = "draft"
    APPROVE = "approve"
    # An action's owner (or their agency) updates its status.
    UPDATE = "update"


# --- Role rules -------------------------------------------------------------------------------


def can_manage_clinic(user: User) -> bool:
    """Coordinator and tactical lead: referrals, schedules, meetings, allocation, minutes."""
    return is_hub_manager(user)


def can_chair(user: User) -> bool:
    """The tactical lead chairs the clinic and approves its minutes."""
    return user.is_active and user.has_role(Role.TACTICAL_LEAD)


def is_solicitor(user: User) -> bool:
    return user.is_active and user.has_role(Role.SOLICITOR)


def can_list_clinic_referrals(user: User) -> bool:
    return is_hub_staff(user) or is_receiving_user(user)


def can_raise_repeat(user: User) -> bool:
    """An ISAC or partner user raises a repeat incident on a case shared with their agency."""
    return is_receiving_user(user)


def can_list_meetings(user: User) -> bool:
    return is_hub_staff(user) or is_receiving_user(user)


def can_list_actions(user: User) -> bool:
    return user.is_active and bool(user.roles) and not _only_oversight(user)


def _only_oversight(user: User) -> bool:
    # The auditor sees the clinic only through the access audit; the admin manages reference
    # data, not cases (docs/access.md).
    return set(user.roles) <= {Role.AUDITOR, Role.INFORMATION_MANAGER, Role.ADMIN}


# --- Clinic referrals -------------------------------------------------------------------------


def clinic_referrals_visible_to(user: User) -> QuerySet[ClinicReferral]:
    """The hub's staff see all; an ISAC or partner user sees the repeats they raised."""
    if is_hub_staff(user):
        return exclude_hidden_cases(ClinicReferral.objects.all(), user)
    if is_receiving_user(user):
        return exclude_hidden_cases(ClinicReferral.objects.filter(referred_by=user), user)
    return ClinicReferral.objects.none()


def get_clinic_referral_for_user(
    user: User, referral_id: object, *, need: ClinicNeed = ClinicNeed.READ
) -> ClinicReferral:
    """A clinic referral for `need` (READ: as listed; DECIDE: the hub's managers); else 404."""
    return open_door(
        clinic_referrals_visible_to(user).select_related("case", "referred_by", "decided_by"),
        referral_id,
        user=user,
        need=need,
        permitted=need == ClinicNeed.READ or can_manage_clinic(user),
    )


# --- Schedules --------------------------------------------------------------------------------


def schedules_visible_to(user: User) -> QuerySet[ClinicSchedule]:
    return (
        ClinicSchedule.objects.all() if can_manage_clinic(user) else ClinicSchedule.objects.none()
    )


def get_schedule_for_user(
    user: User, schedule_id: object, *, need: ClinicNeed = ClinicNeed.READ
) -> ClinicSchedule:
    """A schedule, for the hub's managers only; else 404."""
    return open_door(
        schedules_visible_to(user).select_related("chair"), schedule_id, user=user, need=need
    )


# --- Meetings ---------------------------------------------------------------------------------


def meetings_visible_to(user: User) -> QuerySet[ClinicMeeting]:
    """All for the hub's managers; the solicitor's own invitations; for an ISAC or partner
    user, the meetings their agency is invited to."""
    if can_manage_clinic(user):
        return ClinicMeeting.objects.all()
    scope = Q(pk__in=[])
    if is_solicitor(user):
        scope |= Q(invitees__user=user)
    if is_receiving_user(user):
        scope |= Q(invitees__user__agency_id=user.agency_id)
    return ClinicMeeting.objects.filter(pk__in=ClinicMeeting.objects.filter(scope).values("pk"))


_MEETING_MANAGER_NEEDS = {
    ClinicNeed.CHANGE,
    ClinicNeed.ALLOCATE,
    ClinicNeed.PUBLISH,
    ClinicNeed.DRAFT,
}


def _meeting_permitted(user: User, need: ClinicNeed) -> bool:
    if need in _MEETING_MANAGER_NEEDS:
        return can_manage_clinic(user)
    if need == ClinicNeed.APPROVE:
        return can_chair(user)
    return need in (ClinicNeed.READ, ClinicNeed.DISCLOSE)


def get_meeting_for_user(
    user: User,
    meeting_id: object,
    *,
    need: ClinicNeed = ClinicNeed.READ,
    published: bool = False,
    with_minutes: bool = False,
) -> ClinicMeeting:
    """A meeting for `need`; else 404 (recorded). READ/DISCLOSE: those who see it; CHANGE,
    ALLOCATE, PUBLISH, DRAFT: the hub's managers; APPROVE: the tactical lead (the chair).

    `published`: only a published agenda, except for the managers (the agenda pack).
    `with_minutes`: only a meeting whose minutes the user may open. Either refusal is a
    denied attempt on the meeting, recorded as such by the door.
    """
    checks: list[Callable[[ClinicMeeting], bool]] = []
    if published and not can_manage_clinic(user):
        checks.append(lambda meeting: meeting.is_published)
    if with_minutes:
        checks.append(lambda meeting: minutes_visible_to(user).filter(meeting=meeting).exists())
    return open_door(
        meetings_visible_to(user).select_related("schedule", "chair"),
        meeting_id,
        user=user,
        need=need,
        permitted=_meeting_permitted(user, need),
        check=(lambda meeting: all(check(meeting) for check in checks)) if checks else None,
    )


# --- Agenda items and research ----------------------------------------------------------------


def items_visible_to(user: User) -> QuerySet[AgendaItem]:
    """Agenda items: all for the managers; those of the solicitor's meetings; for an ISAC or
    partner user, the published agenda's cases whose live share with their agency carries the
    clinic discussion, at meetings their agency is invited to."""
    if can_manage_clinic(user):
        return exclude_hidden_cases(AgendaItem.objects.all(), user)
    scope = Q(pk__in=[])
    if is_solicitor(user):
        scope |= Q(meeting__invitees__user=user)
    if is_receiving_user(user):
        scope |= Q(
            case__in=cases_with_facet(user, Facet.CLINIC_DISCUSSION),
            meeting__agenda_published_at__isnull=False,
            meeting__invitees__user__agency_id=user.agency_id,
        )
    return exclude_hidden_cases(
        AgendaItem.objects.filter(pk__in=AgendaItem.objects.filter(scope).values("pk")), user
    )


def _item_check(user: User, need: ClinicNeed) -> Callable[[AgendaItem], bool] | None:
    if need == ClinicNeed.RESEARCH:
        return lambda item: is_receiving_user(user)
    return None


def get_item_for_user(
    user: User, item_id: object, *, need: ClinicNeed = ClinicNeed.READ
) -> AgendaItem:
    """An agenda item for `need`; else 404 (recorded). READ: as listed; RESEARCH: an ISAC or
    partner user who sees it; ALLOCATE and DRAFT: the hub's managers."""
    permitted = need in (ClinicNeed.READ, ClinicNeed.RESEARCH) or can_manage_clinic(user)
    return open_door(
        items_visible_to(user).select_related("meeting", "referral", "case"),
        item_id,
        user=user,
        need=need,
        permitted=permitted,
        check=_item_check(user, need),
    )


def research_visible_to(user: User) -> QuerySet[Research]:
    """Every invited agency's research on the agenda cases the user sees."""
    return Research.objects.filter(item__in=items_visible_to(user))


def get_research_for_user(
    user: User, research_id: object, *, need: ClinicNeed = ClinicNeed.READ
) -> Research:
    """One research summary; CHANGE only for a user of the agency that wrote it; else 404."""
    check = (
        (lambda research: research.agency_id == user.agency_id)
        if need == ClinicNeed.CHANGE
        else None
    )
    return open_door(
        research_visible_to(user).select_related("item", "agency"),
        research_id,
        user=user,
        need=need,
        check=check,
    )


# --- Minutes ----------------------------------------------------------------------------------


def minutes_visible_to(user: User) -> QuerySet[Minutes]:
    """Minutes: the managers' (drafts too); the solicitor's meetings; for an ISAC or partner
    user, approved minutes of meetings with agenda cases they still see."""
    if can_manage_clinic(user):
        return Minutes.objects.all()
    scope = Q(pk__in=[])
    if is_solicitor(user):
        scope |= Q(meeting__invitees__user=user)
    if is_receiving_user(user):
        scope |= Q(
            state=Minutes.State.APPROVED,
            meeting__items__in=items_visible_to(user),
        )
    return Minutes.objects.filter(pk__in=Minutes.objects.filter(scope).values("pk"))


def get_minutes_for_user(
    user: User, minutes_id: object, *, need: ClinicNeed = ClinicNeed.READ
) -> Minutes:
    """Minutes for `need`; else 404. DRAFT: the managers; APPROVE: the chair (tactical lead)."""
    permitted = {
        ClinicNeed.DRAFT: can_manage_clinic(user),
        ClinicNeed.APPROVE: can_chair(user),
    }.get(need, True)
    return open_door(
        minutes_visible_to(user).select_related("meeting", "approved_by", "drafted_by"),
        minutes_id,
        user=user,
        need=need,
        permitted=permitted,
    )


# --- Actions ----------------------------------------------------------------------------------


def actions_visible_to(user: User) -> QuerySet[Action]:
    """All for the managers; otherwise the user's own, and for an ISAC or partner user their
    agency's too. Never through the case: an owner keeps their action after the share ends."""
    if can_manage_clinic(user):
        return exclude_hidden_cases(Action.objects.all(), user)
    if not user.is_active or _only_oversight(user):
        return Action.objects.none()
    scope = Q(owner=user)
    if is_receiving_user(user):
        scope |= Q(owner_agency_id=user.agency_id)
    return exclude_hidden_cases(Action.objects.filter(scope), user)


def get_action_for_user(
    user: User, action_id: object, *, need: ClinicNeed = ClinicNeed.READ
) -> Action:
    """An action for `need` (READ or UPDATE: as listed); else 404 (recorded)."""
    return open_door(
        actions_visible_to(user).select_related("case", "owner", "owner_agency", "item__meeting"),
        action_id,
        user=user,
        need=need,
    )


def can_see_case(user: User, case_id: int) -> bool:
    """Whether a link to the case page would open (a partner's share may have ended)."""
    return cases_visible_to(user).filter(pk=case_id).exists()
