"""Who may see and do what with referrals, ISAC casework and advice requests.

Scoping lives here and only here (DESIGN.md §4): every list, detail and action goes through a
`*_visible_to` selector or a `get_<thing>_for_user` access function, which records the access
and answers 404 for anything out of scope.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from django.db.models import Q, QuerySet

from cases.permissions import exclude_hidden_cases, register_case_path
from foundation.accounts.models import Agency, Role, User
from foundation.accounts.roles import RECEIVING_ROLES, is_frontline, is_hub_manager, is_hub_staff
from foundation.audit.access import Need, open_door, register_sensitive
from referrals.models import AdviceCategory, AdviceRequest, Guidance, Referral

for _model in (Referral, AdviceRequest, Guidance):
    register_sensitive(_model)
# Its door hides the referrals (and casework) of restricted cases (cases/permissions.py).
register_case_path(Referral, "case")


class ReferralNeed(StrEnum):
    READ = Need.READ
    EDIT = "edit"
    SEND = "send"
    # Accept or decline: a user of the receiving agency.
    DECIDE = "decide"
    ALLOCATE = "allocate"
    START = "start"
    CLOSE = "close"
    # The ISAC service's casework on the referral: read, or write while it is worked.
    CASEWORK = "casework"
    CASEWORK_WRITE = "casework_write"


class AdviceNeed(StrEnum):
    READ = Need.READ
    ANSWER = "answer"
    RATE = "rate"
    MAKE_GUIDANCE = "make_guidance"


# Casework is the ISAC service's; of the hub only the coordinator reads it, and only where the
# victim consented to the hub seeing it (DESIGN.md §4).
CASEWORK_HUB_ROLES = (Role.COORDINATOR,)
# States in which the receiving agency works the referral.
WORKING_STATES = (Referral.State.ACCEPTED, Referral.State.ACTIVE)
CASEWORK_STATES = (Referral.State.ACCEPTED, Referral.State.ACTIVE, Referral.State.CLOSED)


# --- Referrals ----------------------------------------------------------------------------------


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """The one scoping function for referrals.

    The hub sees all; a receiving agency's users see the referrals addressed to their agency
    once sent (a draft is the hub's own); everybody else, none.
    """
    if not user.is_active:
        return Referral.objects.none()
    if is_hub_staff(user):
        return exclude_hidden_cases(Referral.objects.all(), user)
    if user.has_role(*RECEIVING_ROLES) and user.agency_id:
        return exclude_hidden_cases(
            Referral.objects.filter(agency_id=user.agency_id).exclude(state=Referral.State.DRAFT),
            user,
        )
    return Referral.objects.none()


def can_list_referrals(user: User) -> bool:
    return is_hub_staff(user) or (user.is_active and user.has_role(*RECEIVING_ROLES))


def can_refer(user: User) -> bool:
    """The hub's managers make and manage referrals."""
    return is_hub_manager(user)


def can_authorise_sharing(user: User) -> bool:
    """Sharing without consent is authorised by the hub's managers (docs/referrals.md)."""
    return is_hub_manager(user)


def is_receiving_user(user: User, referral: Referral) -> bool:
    """A user of the agency the referral is addressed to, in a role that works referrals."""
    return (
        user.is_active
        and user.agency_id is not None
        and user.agency_id == referral.agency_id
        and user.has_role(*RECEIVING_ROLES)
    )


def is_isac_of(user: User, agency: Agency) -> bool:
    return (
        user.is_active
        and user.has_role(Role.ISAC)
        and user.agency_id == agency.pk
        and agency.kind == Agency.Kind.ISAC_SERVICE
    )


def is_service_manager(user: User, agency: Agency) -> bool:
    """The ISAC service's manager: allocates referrals and sees the caseload."""
    return is_isac_of(user, agency) and user.is_manager


def can_edit_referral(user: User, referral: Referral) -> bool:
    return can_refer(user) and referral.state == Referral.State.DRAFT


def can_send_referral(user: User, referral: Referral) -> bool:
    return can_refer(user) and referral.state == Referral.State.DRAFT


def can_decide_referral(user: User, referral: Referral) -> bool:
    return is_receiving_user(user, referral) and referral.state == Referral.State.SENT


def can_allocate_referral(user: User, referral: Referral) -> bool:
    """The manager allocates (or reallocates); an ISAC may take an unallocated referral."""
    if referral.state not in WORKING_STATES or not is_isac_of(user, referral.agency):
        return False
    return user.is_manager or referral.caseworker_id is None


def can_start_referral(user: User, referral: Referral) -> bool:
    """Partner agencies mark accepted work as started; ISAC referrals start on allocation."""
    return (
        is_receiving_user(user, referral)
        and referral.state == Referral.State.ACCEPTED
        and not referral.is_isac
    )


def can_close_referral(user: User, referral: Referral) -> bool:
    """The hub withdraws or closes; the receiving agency closes work it accepted."""
    if can_refer(user):
        return referral.state in (Referral.State.SENT, *WORKING_STATES)
    return is_receiving_user(user, referral) and referral.state in WORKING_STATES


def _referral_check(user: User, need: ReferralNeed) -> Callable[[Referral], bool] | None:
    """The need's rule on the referral itself (its agency); the state rules stay with the
    services, which explain a refusal ("already decided") instead of hiding the referral."""
    checks: dict[ReferralNeed, Callable[[Referral], bool]] = {
        ReferralNeed.EDIT: lambda referral: can_refer(user),
        ReferralNeed.SEND: lambda referral: can_refer(user),
        ReferralNeed.DECIDE: lambda referral: is_receiving_user(user, referral),
        ReferralNeed.ALLOCATE: lambda referral: is_isac_of(user, referral.agency),
        ReferralNeed.START: lambda referral: is_receiving_user(user, referral),
        ReferralNeed.CLOSE: lambda referral: can_refer(user) or is_receiving_user(user, referral),
    }
    return checks.get(need)


def get_referral_for_user(
    user: User, referral_id: object, *, need: ReferralNeed = ReferralNeed.READ
) -> Referral:
    """The referral if the user may have it for `need`; else Http404. Records the attempt.

    READ and the actions: the referrals the user sees, with the action's rule on the referral.
    CASEWORK: the ISAC service's own casework, or the coordinator's where the victim consented.
    CASEWORK_WRITE: the ISAC service's users while the referral is worked.
    """
    if need == ReferralNeed.CASEWORK:
        visible = casework_visible_to(user)
    elif need == ReferralNeed.CASEWORK_WRITE:
        visible = casework_visible_to(user)
        if user.has_role(Role.ISAC) and user.agency_id is not None:
            visible = visible.filter(state__in=WORKING_STATES, agency_id=user.agency_id)
        else:
            visible = visible.none()
    else:
        visible = referrals_visible_to(user)
    return open_door(
        visible.select_related(
            "case", "agency", "referred_by", "caseworker", "authorised_by", "decided_by", "share"
        ),
        referral_id,
        user=user,
        need=need,
        check=_referral_check(user, need),
    )


# --- ISAC casework ------------------------------------------------------------------------------


def casework_visible_to(user: User) -> QuerySet[Referral]:
    """Referrals whose ISAC casework the user may read.

    The ISAC service reads all its own casework; the coordinator reads it only where the victim
    consented to sharing; nobody else does (police roles never without consent).
    """
    if not user.is_active:
        return Referral.objects.none()
    isac_referrals = Referral.objects.filter(
        agency__kind=Agency.Kind.ISAC_SERVICE, state__in=CASEWORK_STATES
    )
    scope = Q(pk__in=[])
    if user.has_role(Role.ISAC) and user.agency_id:
        scope |= Q(agency_id=user.agency_id)
    if user.has_role(*CASEWORK_HUB_ROLES):
        scope |= Q(consent=Referral.Consent.GIVEN)
    # Never through a break-glass access: casework belongs to another data controller.
    return exclude_hidden_cases(isac_referrals.filter(scope), user, break_glass=False)


def can_write_casework(user: User, referral: Referral) -> bool:
    """Only the ISAC service writes its casework, while the referral is being worked."""
    return referral.state in WORKING_STATES and is_isac_of(user, referral.agency)


def can_view_caseload(user: User) -> bool:
    return (
        user.is_active
        and user.has_role(Role.ISAC)
        and user.is_manager
        and user.agency is not None
        and user.agency.kind == Agency.Kind.ISAC_SERVICE
    )


def can_view_outcomes(user: User) -> bool:
    """Aggregated intake/exit outcomes: the coordinator (of consented casework only) and ISAC
    service managers (of their own service)."""
    return (user.is_active and user.has_role(*CASEWORK_HUB_ROLES)) or can_view_caseload(user)


# --- Advice requests ----------------------------------------------------------------------------


def is_enhanced_champion(user: User) -> bool:
    return user.has_role(Role.CHAMPION) and user.is_enhanced_champion


def can_submit_advice(user: User) -> bool:
    return is_frontline(user)


def can_use_advice_queue(user: User) -> bool:
    return user.is_active and (is_hub_staff(user) or is_enhanced_champion(user))


def advice_queue_scope(user: User) -> QuerySet[AdviceRequest]:
    """Requests the user answers: all for the hub and enhanced champions; SPO/legal ones for
    the solicitor. Ordinary champions and officers have no queue (only their own requests)."""
    if not user.is_active:
        return AdviceRequest.objects.none()
    if is_hub_manager(user) or is_enhanced_champion(user):
        return AdviceRequest.objects.all()
    if user.has_role(Role.SOLICITOR):
        return AdviceRequest.objects.filter(category=AdviceCategory.SPO_LEGAL)
    return AdviceRequest.objects.none()


def advice_requests_visible_to(user: User) -> QuerySet[AdviceRequest]:
    """The queue the user answers, plus the requests they submitted themselves."""
    if not user.is_active:
        return AdviceRequest.objects.none()
    return AdviceRequest.objects.filter(
        Q(pk__in=advice_queue_scope(user).values("pk")) | Q(requester=user)
    )


def can_answer_advice(user: User, advice: AdviceRequest) -> bool:
    return not advice.is_answered and advice_queue_scope(user).filter(pk=advice.pk).exists()


def can_rate_advice(user: User, advice: AdviceRequest) -> bool:
    return advice.requester_id == user.pk and advice.is_answered


def can_see_linked_log(user: User, advice: AdviceRequest) -> bool:
    """The matched crime log is shown to the queue, never to the requester as such."""
    return (
        advice.crime_log_id is not None and advice_queue_scope(user).filter(pk=advice.pk).exists()
    )


def get_advice_request_for_user(
    user: User, advice_id: object, *, need: AdviceNeed = AdviceNeed.READ
) -> AdviceRequest:
    """An advice request for `need`; else Http404. Records the attempt.

    READ: the requests the user submitted or may answer. ANSWER: the user's queue. RATE: the
    requester, once answered. MAKE_GUIDANCE: guidance editors, from an answered request.
    """
    checks: dict[AdviceNeed, Callable[[AdviceRequest], bool]] = {
        AdviceNeed.RATE: lambda advice: advice.requester_id == user.pk,
        AdviceNeed.MAKE_GUIDANCE: lambda advice: can_manage_guidance(user) and advice.is_answered,
    }
    visible = (
        advice_queue_scope(user)
        if need in (AdviceNeed.ANSWER, AdviceNeed.MAKE_GUIDANCE)
        else advice_requests_visible_to(user)
    )
    return open_door(
        visible.select_related("requester", "answered_by", "crime_log"),
        advice_id,
        user=user,
        need=need,
        check=checks.get(need),
    )


def can_manage_guidance(user: User) -> bool:
    return is_hub_manager(user)


def get_guidance_for_user(user: User, guidance_id: object, *, need: Need = Need.CHANGE) -> Guidance:
    """Guidance to edit, for its editors; else Http404 (recorded)."""
    return open_door(
        Guidance.objects.all(),
        guidance_id,
        user=user,
        need=need,
        permitted=can_manage_guidance(user),
    )
