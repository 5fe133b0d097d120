"""Demo risk assessment histories on the seeded cases. Synthetic throughout; idempotent.

Runs after the cases are seeded (stalking_hub/demo/cases.py); with no cases it creates
nothing. Each case gets a history chosen by its position: FOUR screening, then DASH or
S-DASH, then for some high-risk cases an SRP by a trained assessor. A few cases are left
unassessed (the "no risk assessment" flag) and a few have overdue reviews.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from foundation.accounts.models import Agency, User
from risk.definitions import Level
from risk.models import Instrument, RiskAssessment
from risk.scoring import compute_result, decide_final_level
from risk.sync import definition_of, sync_instruments
from stalking_hub.demo.accounts import demo_email

FOUR_CORE = ("four_fixated", "four_obsessive", "four_unwanted", "four_repeated")


@dataclass(frozen=True)
class Step:
    instrument: str
    answers: dict[str, str]
    by: str  # demo user local part
    level: str | None = None
    reason: str = ""
    rationale: str = ""
    plan_note: str = ""


def _four(core_yes: int, *, escalation: bool = False, fear: bool = False) -> dict[str, str]:
    answers = {key: "yes" if i < core_yes else "no" for i, key in enumerate(FOUR_CORE)}
    answers["four_ex_partner"] = "yes"
    answers["four_escalation"] = "yes" if escalation else "no"
    answers["four_fear"] = "yes" if fear else "unknown"
    return answers


def _dash(yes: int, unknown: int = 1) -> dict[str, str]:
    answers = {f"dash_{i:02d}": "no" for i in range(1, 25)}
    for i in range(1, 25):
        if i <= yes:
            answers[f"dash_{i:02d}"] = "yes"
        elif i <= yes + unknown:
            answers[f"dash_{i:02d}"] = "unknown"
    return answers


def _sdash(yes: int) -> dict[str, str]:
    return {f"sdash_{i:02d}": "yes" if i <= yes else "no" for i in range(1, 12)}


def _srp(stalker_type: str, violence: str, persistence: str, recurrence: str) -> dict[str, str]:
    return {
        "stalker_type": stalker_type,
        "violence": violence,
        "violence_rationale": "Threats to harm in recent messages; one earlier assault.",
        "persistence": persistence,
        "persistence_rationale": "Contact has continued for months despite police warnings.",
        "recurrence": recurrence,
        "recurrence_rationale": "Similar conduct towards a previous partner.",
        "psychosocial_damage": "moderate",
        "psychosocial_damage_rationale": "Lost job and housing; drinking more.",
        "management_recommendations": (
            "Refer to the stalking clinic; consider an interim SPO; probation to review "
            "licence conditions; victim's safety plan with the ISAC."
        ),
    }


def _sam() -> dict[str, str]:
    answers = {f"sam_{s}_{i:02d}": "no" for s in ("ns", "pr", "vv") for i in range(1, 11)}
    for key in ("sam_ns_01", "sam_ns_03", "sam_ns_04", "sam_pr_02", "sam_pr_05", "sam_vv_01"):
        answers[key] = "yes"
    answers |= {
        "case_prioritisation": "high",
        "continued_stalking": "high",
        "violence": "moderate",
        "rationale": "Persistent and escalating; victim isolated after moving area.",
        "management_recommendations": "Clinic referral; joint visit with the ISAC.",
    }
    return answers


# Histories by case position; None leaves the case unassessed (so the 7-day flag shows).
HISTORIES: tuple[tuple[Step, ...] | None, ...] = (
    (
        Step("four", _four(4, fear=True), "coordinator", rationale="Clear course of conduct."),
        Step("dash", _dash(16), "coordinator", plan_note="MARAC referral made."),
        Step(
            "srp",
            _srp("rejected", "high", "high", "moderate"),
            "coordinator",
            level=Level.HIGH,
            rationale="Rejected ex-partner; persistent and threatening.",
            plan_note="Clinic next week; SPO application in preparation.",
        ),
    ),
    (
        Step("four", _four(3), "coordinator"),
        Step(
            "sdash",
            _sdash(6),
            "coordinator",
            level=Level.MEDIUM,
            reason="Six indicators, no threats so far; victim frightened but coping.",
            plan_note="Safety advice given; ISAC referral offered.",
        ),
    ),
    None,
    (
        Step("four", _four(4), "coordinator"),
        Step("dash", _dash(11), "isac", rationale="Specialist assessment at first contact."),
    ),
    (
        Step("four", _four(4, escalation=True), "tactical"),
        Step("sam", _sam(), "tactical", level=Level.HIGH, plan_note="Discuss at clinic."),
        Step(
            "srp",
            _srp("resentful", "moderate", "high", "high"),
            "tactical",
            level=Level.HIGH,
            rationale="Grievance-driven; high persistence.",
        ),
    ),
    (Step("four", _four(1), "coordinator", rationale="Single incident; not stalking yet."),),
    (
        Step("four", _four(4), "coordinator"),
        Step("dash", _dash(9), "coordinator"),
        Step(
            "dash",
            _dash(12),
            "coordinator",
            level=Level.HIGH,
            reason="New threats to kill reported since the last assessment.",
        ),
    ),
    None,
)


def _when(case: Case, now: datetime, position: int, steps: int) -> datetime:
    """Spread a case's assessments between a day after its opening and now."""
    start, end = case.opened_at + timedelta(days=1), now - timedelta(hours=1)
    if end <= start:  # opened in the last day
        start, end = case.opened_at, now
    return start + (end - start) * position / (steps + 1)


def _review_date(index: int, last: datetime, today: date) -> date:
    # Every third assessed case is overdue; the others fall due in the coming weeks. A review
    # date always comes after the assessment was completed.
    completed = timezone.localdate(last)
    if index % 3 == 0:
        overdue = max(today - timedelta(days=2 + index % 9), completed + timedelta(days=1))
        if overdue < today:
            return overdue
    review = completed + timedelta(days=28)
    return review if review > today else today + timedelta(days=5 + index % 20)


@transaction.atomic
def seed_risk_assessments(*, now: datetime | None = None) -> int:
    """Add histories to seeded cases that have none (idempotent). Returns how many were made."""
    now = timezone.now() if now is None else now
    sync_instruments(now=now)
    cases = list(Case.objects.order_by("opened_at", "pk"))
    if not cases:
        return 0
    users = {
        user.email: user
        for user in User.objects.filter(
            email__in=[demo_email(p) for p in ("coordinator", "tactical", "isac")]
        )
    }
    instruments = {instrument.key: instrument for instrument in Instrument.objects.all()}
    isac_agency_ids = set(
        Agency.objects.filter(kind=Agency.Kind.ISAC_SERVICE).values_list("pk", flat=True)
    )
    assessed = set(RiskAssessment.objects.values_list("case_id", flat=True).distinct())
    created = 0
    today = timezone.localdate(now)
    for index, case in enumerate(cases):
        history = HISTORIES[index % len(HISTORIES)]
        if case.pk in assessed or history is None:
            continue
        # The ISAC assesses only once the case is shared with its service.
        isac_since = (
            case.shares.filter(agency_id__in=isac_agency_ids, ended_at__isnull=True)
            .order_by("shared_at")
            .values_list("shared_at", flat=True)
            .first()
        )
        previous: RiskAssessment | None = None
        for position, step in enumerate(history, start=1):
            completed = _when(case, now, position, len(history))
            isac_may = isac_since is not None and isac_since <= completed
            by = step.by if step.by != "isac" or isac_may else "coordinator"
            assessor = users.get(demo_email(by)) or case.owner
            instrument = instruments[step.instrument]
            definition = definition_of(instrument)
            computed = compute_result(definition, step.answers)
            level = decide_final_level(definition, computed, step.level, step.reason)
            last = position == len(history)
            if previous is not None:
                previous.superseded_at = completed
                previous.save(update_fields=["superseded_at"])
            previous = RiskAssessment.objects.create(
                case=case,
                instrument=instrument,
                instrument_version=definition.version,
                answers=step.answers,
                result=computed.as_dict(),
                computed_band=computed.band.value if computed.band else "",
                final_level=level.value,
                judgement_reason=step.reason,
                rationale=step.rationale,
                plan_note=step.plan_note,
                review_date=(
                    _review_date(index, completed, today)
                    if last
                    else timezone.localdate(completed) + timedelta(days=28)
                ),
                assessor=assessor,
                completed_at=completed,
            )
            created += 1
        if previous is not None:
            case.current_risk = previous.final_level
            case.current_risk_at = previous.completed_at
            case.save(update_fields=["current_risk", "current_risk_at"])
    return created
