"""Reads for referrals, casework and advice requests, always starting from a scoped queryset
(referrals/permissions.py). Joins and prefetches happen here, so pages stay at a fixed number
of queries however many rows they show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from cases.models import Case
from cases.shared_reads import shared_read
from foundation.accounts.models import Agency, Role, User
from referrals.models import (
    AdviceRequest,
    Contact,
    Guidance,
    JusticeMilestone,
    OutcomeMeasure,
    Referral,
    ReferralTransition,
    SafetyPlan,
    SpecialistRiskAssessment,
    SupportNeed,
)
from referrals.permissions import (
    advice_queue_scope,
    casework_visible_to,
    referrals_visible_to,
)

# --- Referrals ----------------------------------------------------------------------------------


def referral_list(user: User, *, state: str = "") -> QuerySet[Referral]:
    referrals = referrals_visible_to(user).select_related(
        "case", "agency", "caseworker", "referred_by"
    )
    if state:
        referrals = referrals.filter(state=state)
    return referrals.order_by("-state_changed_at", "-id")


def referrals_for_case(case: Case, user: User) -> list[Referral]:
    """The case's referrals, for the case page's panel and chronology (one read for both:
    cases/shared_reads.py)."""
    return shared_read(
        ("referrals.for_case", user.pk, case.pk),
        lambda: list(
            referrals_visible_to(user)
            .filter(case=case)
            .select_related("agency", "caseworker")
            .order_by("-created_at", "-id")
        ),
    )


@dataclass(frozen=True)
class StatePeriod:
    state: str
    label: str
    entered_at: datetime
    left_at: datetime | None
    by: User

    def duration(self, now: datetime) -> timedelta:
        return (self.left_at or now) - self.entered_at


def referral_history(referral: Referral) -> list[StatePeriod]:
    """Each state the referral has been in, when, for how long and who moved it there."""
    transitions = list(
        ReferralTransition.objects.filter(referral=referral)
        .select_related("by")
        .order_by("at", "id")
    )
    periods: list[StatePeriod] = []
    for index, transition in enumerate(transitions):
        following = transitions[index + 1] if index + 1 < len(transitions) else None
        periods.append(
            StatePeriod(
                state=transition.to_state,
                label=Referral.State(transition.to_state).label,
                entered_at=transition.at,
                left_at=following.at if following else None,
                by=transition.by,
            )
        )
    return periods


def receiving_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).exclude(kind=Agency.Kind.POLICE_FORCE)


def sharing_authorisers() -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, roles__overlap=[Role.COORDINATOR, Role.TACTICAL_LEAD]
    ).order_by("full_name")


def service_caseworkers(agency: Agency) -> QuerySet[User]:
    return User.objects.filter(is_active=True, agency=agency, roles__contains=[Role.ISAC]).order_by(
        "full_name"
    )


# --- Casework -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Casework:
    referral: Referral
    contacts: list[Contact]
    risk: SpecialistRiskAssessment | None
    plan: SafetyPlan | None
    needs: list[SupportNeed]
    milestones: list[JusticeMilestone]
    intake: OutcomeMeasure | None
    exit: OutcomeMeasure | None


def casework_for(referral: Referral) -> Casework:
    """Everything on the casework page, in a handful of queries."""
    outcomes = {o.stage: o for o in referral.outcomes.all()}
    return Casework(
        referral=referral,
        contacts=list(referral.contacts.select_related("recorded_by").order_by("-contact_at")),
        risk=referral.risk_assessments.select_related("assessed_by").first(),
        plan=referral.safety_plans.filter(is_current=True).select_related("created_by").first(),
        needs=list(referral.support_needs.all()),
        milestones=list(referral.milestones.all()),
        intake=outcomes.get(OutcomeMeasure.Stage.INTAKE),
        exit=outcomes.get(OutcomeMeasure.Stage.EXIT),
    )


def what_would_have_helped(referral_id: int, stage: str) -> str:
    """The victim's "what would have helped" at `stage` (intake or exit) of a referral the
    caller has already opened through its door; "" when there is none."""
    if stage not in OutcomeMeasure.Stage.values:
        return ""
    answer = (
        OutcomeMeasure.objects.filter(referral_id=referral_id, stage=stage)
        .values_list("what_would_have_helped", flat=True)
        .first()
    )
    return answer or ""


def safety_plan_versions(referral: Referral) -> QuerySet[SafetyPlan]:
    return referral.safety_plans.select_related("created_by").order_by("-version")


def casework_list(user: User) -> QuerySet[Referral]:
    return casework_visible_to(user).select_related("case", "agency", "caseworker")


# Casework with no contact (made or attempted) for this long is overdue a contact
# (docs/referrals.md, "Team caseload").
CONTACT_DUE_AFTER = timedelta(days=14)


@dataclass(frozen=True)
class CaseloadRow:
    """One open referral on the caseload, with what is overdue on it."""

    referral: Referral
    contact_overdue: bool
    review_overdue: bool


@dataclass(frozen=True)
class CaseworkerLoad:
    caseworker: User
    open_count: int
    referrals: list[CaseloadRow]

    @property
    def overdue_count(self) -> int:
        return sum(row.contact_overdue or row.review_overdue for row in self.referrals)


def _caseload_row(referral: Referral, now: datetime) -> CaseloadRow:
    last = referral.last_contact or referral.decided_at or referral.state_changed_at  # type: ignore[attr-defined]
    review_on = referral.review_on  # type: ignore[attr-defined]
    return CaseloadRow(
        referral=referral,
        contact_overdue=last is not None and last < now - CONTACT_DUE_AFTER,
        review_overdue=review_on is not None and review_on < timezone.localdate(now),
    )


def caseload(agency: Agency, *, now: datetime) -> tuple[list[CaseworkerLoad], list[CaseloadRow]]:
    """Open casework per caseworker of the service, and accepted referrals nobody holds yet;
    each flagged when a contact or the safety plan's review is overdue."""
    open_work = (
        Referral.objects.filter(
            agency=agency, state__in=[Referral.State.ACCEPTED, Referral.State.ACTIVE]
        )
        .select_related("case")
        .annotate(
            last_contact=Max("contacts__contact_at"),
            review_on=Subquery(
                SafetyPlan.objects.filter(referral=OuterRef("pk"), is_current=True).values(
                    "review_on"
                )[:1]
            ),
        )
        .order_by("state_changed_at", "id")
    )
    workers = service_caseworkers(agency).annotate(
        open_count=Count(
            "isac_caseload",
            filter=Q(
                isac_caseload__state__in=[Referral.State.ACCEPTED, Referral.State.ACTIVE],
                isac_caseload__agency=agency,
            ),
        )
    )
    by_worker: dict[int | None, list[CaseloadRow]] = {}
    for referral in open_work:
        by_worker.setdefault(referral.caseworker_id, []).append(_caseload_row(referral, now))
    loads = [
        CaseworkerLoad(
            caseworker=worker,
            open_count=worker.open_count,
            referrals=by_worker.get(worker.pk, []),
        )
        for worker in workers
    ]
    return loads, by_worker.get(None, [])


@dataclass(frozen=True)
class OutcomeSummary:
    closed_with_both: int
    abuse_at_exit: dict[str, int]
    safer: int
    better_life: int
    average_safety_change: float | None
    average_life_change: float | None


def advocacy_outcomes(referrals: QuerySet[Referral]) -> OutcomeSummary:
    """Intake against exit for casework that has both: did advocacy help?"""
    pairs = (
        referrals.filter(outcomes__stage=OutcomeMeasure.Stage.EXIT)
        .filter(outcomes__stage=OutcomeMeasure.Stage.INTAKE)
        .distinct()
        .prefetch_related(Prefetch("outcomes", queryset=OutcomeMeasure.objects.all()))
    )
    abuse: dict[str, int] = dict.fromkeys(OutcomeMeasure.Abuse.values, 0)
    safety_changes: list[int] = []
    life_changes: list[int] = []
    for referral in pairs:
        stages = {o.stage: o for o in referral.outcomes.all()}
        intake, exit_ = stages[OutcomeMeasure.Stage.INTAKE], stages[OutcomeMeasure.Stage.EXIT]
        abuse[exit_.abuse] += 1
        safety_changes.append(exit_.feels_safe - intake.feels_safe)
        life_changes.append(exit_.quality_of_life - intake.quality_of_life)
    count = len(safety_changes)
    return OutcomeSummary(
        closed_with_both=count,
        abuse_at_exit=abuse,
        safer=sum(1 for change in safety_changes if change > 0),
        better_life=sum(1 for change in life_changes if change > 0),
        average_safety_change=sum(safety_changes) / count if count else None,
        average_life_change=sum(life_changes) / count if count else None,
    )


# --- Advice requests ----------------------------------------------------------------------------


def own_advice_requests(user: User) -> QuerySet[AdviceRequest]:
    return AdviceRequest.objects.filter(requester=user).select_related("answered_by")


def advice_queue(user: User, *, show: str = "open") -> QuerySet[AdviceRequest]:
    """The requests the user answers; open ones soonest due first."""
    requests = advice_queue_scope(user).select_related("requester", "answered_by")
    if show == "answered":
        return requests.filter(answered_at__isnull=False).order_by("-answered_at", "-id")
    if show == "all":
        return requests.order_by("-submitted_at", "-id")
    return requests.filter(answered_at__isnull=True).order_by("due_at", "id")


def published_guidance(category: str) -> QuerySet[Guidance]:
    return Guidance.objects.filter(category=category, is_published=True).order_by("title")


def guidance_list() -> QuerySet[Guidance]:
    return Guidance.objects.select_related("created_by").order_by("category", "title")


# --- Work of people someone covers (oversight lists it for their cover) -------------------------


def referrals_allocated_to(user_ids: list[int]) -> QuerySet[Referral]:
    """Referrals these caseworkers are working (accepted or active)."""
    return Referral.objects.filter(
        caseworker_id__in=user_ids,
        state__in=[Referral.State.ACCEPTED, Referral.State.ACTIVE],
    ).order_by("pk")


def advice_requests_waiting_for(user_ids: list[int]) -> QuerySet[AdviceRequest]:
    """Requests these people asked that still wait for an answer, or whose answer is unrated."""
    return AdviceRequest.objects.filter(requester_id__in=user_ids, rated_at__isnull=True).order_by(
        "due_at", "pk"
    )


def outcome_measures() -> QuerySet[OutcomeMeasure]:
    """Every ISAC intake and exit answer, for aggregate figures only (counts, never a row)."""
    return OutcomeMeasure.objects.all()
