"""Demo referrals, ISAC casework and advice requests, so those pages are worth a look.

Referrals in every state on the seeded open cases (none if there are no cases yet), ISAC
caseloads for the two demo ISACs (isac@ is the service's manager) with contacts, safety-plan
versions, risk assessments, needs, milestones and intake/exit outcomes; and an advice-request
history from the demo officer and champions (answered and rated, open, overdue) with some
published guidance.

Built with the ORM rather than the services so that seeding a history sends no e-mails; every
row is what the services would have written, transitions and case shares included. Idempotent:
each part does nothing once the demo users have rows of that kind. Synthetic text only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseShare, CrimeLog
from foundation.accounts.models import Agency, User
from foundation.lib.working_time import subtract_working_time
from referrals.models import (
    AdviceCategory,
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
from referrals.models.referrals import FACETS_BEFORE_ACCEPTANCE
from referrals.services.advice import DUE_SOON_NOTICE, due_at_for
from referrals.services.referrals import response_due_at
from stalking_hub.demo.accounts import ISAC, demo_email

PROBATION = "Northshire Probation Delivery Unit"
MENTAL_HEALTH = "Northshire Mental Health NHS Trust"
State = Referral.State


def seed_referrals(*, now: datetime | None = None) -> dict[str, int]:
    """Seed referrals (when there are open cases) and the advice history. Returns counts."""
    now = timezone.now() if now is None else now
    users = {
        user.email.split("@")[0]: user
        for user in User.objects.filter(
            email__in=[
                demo_email(name)
                for name in (
                    "coordinator",
                    "tactical",
                    "solicitor",
                    "isac",
                    "isac2",
                    "partner",
                    "champion",
                    "enhanced",
                    "officer",
                )
            ]
        )
    }
    if len(users) < 9:
        return {"referrals": 0, "advice_requests": 0, "guidance": 0}
    with transaction.atomic():
        advice, guidance = _seed_advice(users, now)
        referrals = _seed_referrals(users, now)
    return {"referrals": referrals, "advice_requests": advice, "guidance": guidance}


# --- Referrals and casework ---------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    agency: str
    path: tuple[str, ...]
    consent: str = Referral.Consent.GIVEN
    urgency: str = Referral.Urgency.ROUTINE
    caseworker: str = ""
    days_ago: int = 30
    casework: bool = False


PLANS = (
    Plan(ISAC, (State.DRAFT,), days_ago=0),
    Plan(ISAC, (State.DRAFT, State.SENT), urgency=Referral.Urgency.URGENT, days_ago=6),
    Plan(PROBATION, (State.DRAFT, State.SENT), days_ago=1),
    Plan(ISAC, (State.DRAFT, State.SENT, State.ACCEPTED), days_ago=3),
    Plan(
        ISAC,
        (State.DRAFT, State.SENT, State.ACCEPTED, State.ACTIVE),
        caseworker="isac2",
        days_ago=45,
        casework=True,
    ),
    Plan(
        ISAC,
        (State.DRAFT, State.SENT, State.ACCEPTED, State.ACTIVE),
        consent=Referral.Consent.REFUSED,
        urgency=Referral.Urgency.URGENT,
        caseworker="isac",
        days_ago=20,
        casework=True,
    ),
    Plan(
        ISAC,
        (State.DRAFT, State.SENT, State.ACCEPTED, State.ACTIVE),
        caseworker="isac2",
        days_ago=12,
        casework=True,
    ),
    Plan(
        ISAC,
        (State.DRAFT, State.SENT, State.ACCEPTED, State.ACTIVE, State.CLOSED),
        caseworker="isac",
        days_ago=120,
        casework=True,
    ),
    Plan(PROBATION, (State.DRAFT, State.SENT, State.DECLINED), days_ago=25),
    Plan(PROBATION, (State.DRAFT, State.SENT, State.ACCEPTED, State.ACTIVE), days_ago=40),
)

REASONS = (
    "The victim has asked for specialist support; contact is escalating and she is frightened "
    "to leave the house.",
    "Repeat victim; the suspect has turned up at her workplace twice this month.",
    "The suspect is on licence; probation to consider licence conditions and a risk review.",
    "High-risk case: the victim needs safety planning and support through the court process.",
)
# What the victim agreed to share: an advocacy service needs to reach her; probation works with
# the suspect and does not get her contact details (docs/access.md, tick by tick).
SHARED_ITEMS: dict[bool, list[str]] = {
    True: [
        Referral.SharedItem.CASE_SUMMARY,
        Referral.SharedItem.VICTIM_CONTACT,
        Referral.SharedItem.RISK_ASSESSMENT,
        Referral.SharedItem.SAFETY_CONCERNS,
    ],
    False: [
        Referral.SharedItem.CASE_SUMMARY,
        Referral.SharedItem.SUSPECT_DETAILS,
        Referral.SharedItem.CRIME_LOGS,
    ],
}
SAFE_CONTACT = (
    "Never leave voicemail: the suspect may have access to her phone. Text first from a "
    "withheld number and call only between 10:00 and 14:00.",
    "Do not write to the home address. E-mail only, to the address on the case file.",
    "",
)


def _seed_referrals(users: dict[str, User], now: datetime) -> int:
    if Referral.objects.filter(referred_by=users["coordinator"]).exists():
        return 0
    cases = list(Case.objects.filter(status=Case.Status.OPEN).order_by("opened_at", "pk"))
    if not cases:
        return 0  # no cases seeded yet: advice requests only
    agencies = {agency.name: agency for agency in Agency.objects.all()}
    chosen = _cases_for_plans(cases, now)
    made = 0
    for index, plan in enumerate(PLANS):
        case = chosen[index]
        agency = agencies.get(plan.agency)
        if agency is None:
            continue
        referral = _walk(plan, case, agency, index, users, now)
        if plan.casework:
            _casework(referral, index, users, now)
        made += 1
    return made


def _cases_for_plans(cases: list[Case], now: datetime) -> list[Case]:
    """A case for each plan, the longest histories on the oldest cases, so that no referral
    is older than its case and the long casework histories (plan versions, contacts) fit."""
    free = list(cases)  # oldest first
    chosen: dict[int, Case] = {}
    for index in sorted(range(len(PLANS)), key=lambda i: -PLANS[i].days_ago):
        if not free:
            chosen[index] = cases[index % len(cases)]
            continue
        wanted = now - timedelta(days=PLANS[index].days_ago + 1)
        case = next((case for case in free if case.opened_at <= wanted), free[0])
        free.remove(case)
        chosen[index] = case
    return [chosen[index] for index in range(len(PLANS))]


def _walk(
    plan: Plan, case: Case, agency: Agency, index: int, users: dict[str, User], now: datetime
) -> Referral:
    """Create the referral and move it along its path, backdated like a real history."""
    coordinator = users["coordinator"]
    receiver = users["isac"] if agency.kind == Agency.Kind.ISAC_SERVICE else users["partner"]
    # Never before the case was opened: a referral is made from an open case.
    created = max(now - timedelta(days=plan.days_ago, hours=2), case.opened_at + timedelta(hours=1))
    if created >= now - timedelta(minutes=30):
        created = case.opened_at + (now - case.opened_at) / 4
    without_consent = plan.consent != Referral.Consent.GIVEN
    referral = Referral.objects.create(
        case=case,
        agency=agency,
        urgency=plan.urgency,
        reason=REASONS[index % len(REASONS)],
        consent=plan.consent,
        lawful_basis=Referral.LawfulBasis.RISK_OF_SERIOUS_HARM if without_consent else "",
        lawful_reason=(
            "Threats to kill and an escalating pattern; the risk to life outweighs the "
            "victim's refusal. Discussed with the tactical lead."
            if without_consent
            else ""
        ),
        authorised_by=users["tactical"] if without_consent else None,
        shared_items=SHARED_ITEMS[agency.kind == Agency.Kind.ISAC_SERVICE],
        safe_contact=SAFE_CONTACT[index % len(SAFE_CONTACT)],
        referred_by=coordinator,
        created_at=created,
        state_changed_at=created,
    )
    ReferralTransition.objects.create(
        referral=referral, from_state="", to_state=State.DRAFT, at=created, by=coordinator
    )
    at = created
    steps: dict[str, tuple[timedelta, User]] = {
        State.SENT: (timedelta(hours=1), coordinator),
        State.ACCEPTED: (timedelta(hours=20), receiver),
        State.DECLINED: (timedelta(hours=26), receiver),
        State.ACTIVE: (timedelta(hours=4), users.get(plan.caseworker) or receiver),
        State.CLOSED: (timedelta(days=plan.days_ago - 10), users.get(plan.caseworker) or receiver),
    }
    for state in plan.path[1:]:
        step, by = steps[state]
        # Backdated like a real history, each step after the last and all before now.
        at = min(at + step, at + (now - at) / 2)
        ReferralTransition.objects.create(
            referral=referral, from_state=referral.state, to_state=state, at=at, by=by
        )
        referral.state = state
        referral.state_changed_at = at
        if state == State.SENT:
            referral.sent_at = at
            referral.response_due_at = response_due_at(sent_at=at, urgency=plan.urgency)
            referral.share = CaseShare.objects.create(
                case=case,
                agency=agency,
                facets=sorted(FACETS_BEFORE_ACCEPTANCE),
                shared_by=coordinator,
                shared_at=at,
            )
        elif state in (State.ACCEPTED, State.DECLINED):
            referral.decided_at = at
            referral.decided_by = by
            if state == State.ACCEPTED and referral.share is not None:
                referral.share.facets = sorted({*FACETS_BEFORE_ACCEPTANCE, *referral.shared_facets})
                referral.share.save(update_fields=["facets"])
            if state == State.DECLINED:
                referral.decline_reason = (
                    "The suspect is not under our supervision; please refer to the "
                    "neighbouring probation unit."
                )
        elif state == State.ACTIVE and plan.caseworker:
            referral.caseworker = users[plan.caseworker]
            referral.allocated_at = at
        elif state == State.CLOSED:
            referral.closed_at = at
            referral.closure_reason = Referral.ClosureReason.SUPPORT_COMPLETED
            referral.closure_notes = "Support plan completed; the victim feels able to cope."
        if state in (State.DECLINED, State.CLOSED) and referral.share_id is not None:
            CaseShare.objects.filter(pk=referral.share_id, ended_at=None).update(ended_at=at)
    # The chase has already gone out for the overdue one: no flood of reminders on first run.
    if referral.state == State.SENT and referral.response_due_at and referral.response_due_at < now:
        referral.chased_at = now - timedelta(hours=3)
        referral.chase_count = 2
    referral.save()
    return referral


def _between(start: datetime, wanted: datetime, now: datetime) -> datetime:
    """`wanted`, or, if that is not yet past, a moment after `start` and before now."""
    return min(wanted, start + (now - start) * 0.8)


def _casework(referral: Referral, index: int, users: dict[str, User], now: datetime) -> None:
    worker = referral.caseworker or users["isac"]
    start = referral.state_changed_at if referral.state != State.CLOSED else referral.sent_at
    assert start is not None
    contacts = (
        (1, Contact.Channel.PHONE, Contact.Outcome.ATTEMPTED, "No answer. No voicemail left."),
        (2, Contact.Channel.TEXT, Contact.Outcome.MADE, "Agreed a call time by text."),
        (
            3,
            Contact.Channel.PHONE,
            Contact.Outcome.MADE,
            "Introductory call: explained the service, talked through safety concerns.",
        ),
        (
            9,
            Contact.Channel.IN_PERSON,
            Contact.Outcome.MADE,
            "Home visit to agree the safety plan.",
        ),
        (16, Contact.Channel.PHONE, Contact.Outcome.ATTEMPTED, "No answer; text sent instead."),
        (17, Contact.Channel.PHONE, Contact.Outcome.MADE, "Weekly check-in; new incident logged."),
    )
    for days, channel, outcome, notes in contacts:
        at = start + timedelta(days=days, hours=2)
        if at >= now:
            break
        Contact.objects.create(
            referral=referral,
            contact_at=at,
            channel=channel,
            outcome=outcome,
            notes=notes,
            recorded_by=worker,
        )
    SpecialistRiskAssessment.objects.create(
        referral=referral,
        level=("high", "medium", "high", "standard")[index % 4],
        rationale="Fixated behaviour, escalating frequency, visits to the home; the victim "
        "reports feeling unable to go out alone.",
        assessed_by=worker,
        assessed_at=_between(start, start + timedelta(days=3), now),
    )
    today = timezone.localdate(now)
    versions = (
        (
            "Change phone number and social-media privacy settings. Keep a diary of every "
            "incident. Agree a code word with a neighbour.",
            "Victim: diary and privacy settings. Caseworker: weekly call. Police: marker on the "
            "address.",
        ),
        (
            "As before, plus a video doorbell and a personal alarm. Vary the route to work.",
            "Victim: vary routes. Caseworker: weekly call, court support. Police: fit the "
            "doorbell, marker on the address. Employer: reception told not to confirm shifts.",
        ),
    )
    for number, (measures, responsibilities) in enumerate(versions, start=1):
        created = start + timedelta(days=4 + 10 * (number - 1))
        if created >= now and number > 1:
            break
        created = _between(start, created, now)
        current = number == len(versions) or start + timedelta(days=14) >= now
        review_on = today + timedelta(days=(-1, 7, 14)[index % 3]) if current else created.date()
        # A review date is never before the plan was made.
        review_on = max(review_on, timezone.localdate(created))
        SafetyPlan.objects.create(
            referral=referral,
            version=number,
            is_current=current,
            measures=measures,
            responsibilities=responsibilities,
            review_on=review_on,
            created_by=worker,
            created_at=created,
            # A review already due is shown in the caseload; its reminder has gone out.
            review_reminded_at=now if current and review_on <= today else None,
        )
        if current:
            break
    for kind, status, notes in (
        (SupportNeed.Kind.SECURITY, SupportNeed.Status.MET, "Locks changed; doorbell camera."),
        (SupportNeed.Kind.EMOTIONAL, SupportNeed.Status.OPEN, "Referred for counselling."),
        (SupportNeed.Kind.JUSTICE, SupportNeed.Status.OPEN, "Court familiarisation visit."),
    ):
        SupportNeed.objects.create(
            referral=referral, kind=kind, status=status, notes=notes, recorded_by=worker
        )
    for days, milestone, note in (
        (-10, JusticeMilestone.Kind.REPORTED, "Latest incident reported at the front counter."),
        (5, JusticeMilestone.Kind.ARREST, "Suspect arrested and bailed with conditions."),
        (20, JusticeMilestone.Kind.CHARGE, "Charged with stalking (s.2A)."),
    ):
        happened = timezone.localdate(start) + timedelta(days=days)
        # Not before the case was opened, and (past events only) not in the future.
        happened = max(happened, timezone.localdate(referral.case.opened_at))
        if happened <= today:
            JusticeMilestone.objects.create(
                referral=referral,
                kind=milestone,
                happened_on=happened,
                note=note,
                recorded_by=worker,
            )
    OutcomeMeasure.objects.create(
        referral=referral,
        stage=OutcomeMeasure.Stage.INTAKE,
        abuse=OutcomeMeasure.Abuse.CONTINUING,
        feels_safe=1 + index % 2,
        quality_of_life=2,
        recorded_by=worker,
    )
    if referral.state == State.CLOSED:
        OutcomeMeasure.objects.create(
            referral=referral,
            stage=OutcomeMeasure.Stage.EXIT,
            abuse=OutcomeMeasure.Abuse.STOPPED,
            feels_safe=4,
            quality_of_life=4,
            notes="No contact from the suspect since the order was made.",
            recorded_by=worker,
        )


# --- Advice requests and guidance -------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    asker: str
    category: str
    urgency: str
    text: str
    hours_ago: float
    answerer: str = ""
    answer: str = ""
    rating: str = ""


ANSWER_RECORDING = (
    "Record it as stalking. Two or more incidents against the same person that are fixated, "
    "obsessive, unwanted and repeated make a course of conduct, even if each one on its own "
    "looks like harassment or criminal damage."
)
QUESTIONS = (
    Question(
        "officer",
        AdviceCategory.RECORDING,
        AdviceRequest.Urgency.ROUTINE,
        "The suspect has damaged the victim's car twice and sent messages. Harassment or stalking?",
        300,
        "coordinator",
        ANSWER_RECORDING,
        AdviceRequest.Rating.USEFUL,
    ),
    Question(
        "champion",
        AdviceCategory.RISK,
        AdviceRequest.Urgency.URGENT,
        "Victim says he has started turning up at her child's school. Should I re-do the "
        "risk assessment today?",
        200,
        "enhanced",
        "Yes, today: a new location and a child involved are escalation. Complete the S-DASH "
        "again and call the hub if it comes out high.",
        AdviceRequest.Rating.USEFUL,
    ),
    Question(
        "officer",
        AdviceCategory.SPO_LEGAL,
        AdviceRequest.Urgency.ROUTINE,
        "Can we apply for an interim SPO before the suspect is charged?",
        150,
        "solicitor",
        "Yes. An SPO does not need a charge or conviction; an interim order can be sought "
        "while the full application is decided. Send me the risk assessment and a summary.",
        AdviceRequest.Rating.USEFUL,
    ),
    Question(
        "champion",
        AdviceCategory.INVESTIGATION,
        AdviceRequest.Urgency.ROUTINE,
        "What evidence should I ask the victim to keep?",
        120,
        "coordinator",
        "A diary of every incident (date, time, what happened, how it made her feel), "
        "screenshots with dates, call logs, and any gifts or notes in a sealed bag.",
        AdviceRequest.Rating.NOT_USEFUL,
    ),
    Question(
        "enhanced",
        AdviceCategory.SAFEGUARDING,
        AdviceRequest.Urgency.ROUTINE,
        "The victim's teenage son is being contacted by the suspect online. Who do I refer to?",
        70,
        "tactical",
        "Make a referral to children's services today and add it to the case; the hub will "
        "raise it at the next clinic.",
    ),
    Question(
        "officer",
        AdviceCategory.RECORDING,
        AdviceRequest.Urgency.ROUTINE,
        "Neighbour keeps watching the victim's house and leaving notes. Is that stalking?",
        40,
        "enhanced",
        ANSWER_RECORDING,
    ),
    Question(
        "champion",
        AdviceCategory.RISK,
        AdviceRequest.Urgency.ROUTINE,
        "Do I need a new DASH every time the victim reports a new incident?",
        240,
    ),
    Question(
        "officer",
        AdviceCategory.INVESTIGATION,
        AdviceRequest.Urgency.URGENT,
        "Suspect has been arrested; custody wants to know if the hub has concerns about bail.",
        1.5,
    ),
    Question(
        "champion",
        AdviceCategory.OTHER,
        AdviceRequest.Urgency.ROUTINE,
        "Is there a leaflet for victims about what stalking is?",
        2,
    ),
    Question(
        "officer",
        AdviceCategory.SPO_LEGAL,
        AdviceRequest.Urgency.ROUTINE,
        "The suspect breached his SPO by messaging her. What do I charge?",
        5,
    ),
)

GUIDANCE = (
    (
        "Harassment or stalking?",
        AdviceCategory.RECORDING,
        "Think FOUR: fixated, obsessive, unwanted, repeated. If the behaviour fits, record "
        "stalking, even when each incident on its own is criminal damage or a malicious "
        "message. Link earlier logs with the same victim and suspect.",
    ),
    (
        "When to repeat the risk assessment",
        AdviceCategory.RISK,
        "Repeat it whenever something changes: a new location, a new kind of contact, a "
        "threat, a breach, or the victim telling you she is more frightened. Escalation "
        "matters more than the number of incidents.",
    ),
    (
        "Evidence the victim can keep",
        AdviceCategory.INVESTIGATION,
        "A dated diary, screenshots that show the date and sender, call logs, and any items "
        "left for her. Ask her not to reply to the suspect.",
    ),
)


def _seed_advice(users: dict[str, User], now: datetime) -> tuple[int, int]:
    askers = [users[name] for name in ("officer", "champion", "enhanced")]
    made = 0
    if not AdviceRequest.objects.filter(requester__in=askers).exists():
        log = CrimeLog.objects.order_by("pk").first()
        for index, question in enumerate(QUESTIONS):
            submitted = now - timedelta(hours=question.hours_ago)
            due = due_at_for(urgency=question.urgency, submitted_at=submitted)
            answered_at = (
                min(submitted + timedelta(hours=1 + index % 5), now) if question.answer else None
            )
            AdviceRequest.objects.create(
                requester=users[question.asker],
                category=question.category,
                urgency=question.urgency,
                question=question.text,
                crime_log_reference=log.reference if log and index == 1 else "",
                crime_log=log if index == 1 else None,
                submitted_at=submitted,
                due_at=due,
                due_soon_at=subtract_working_time(due, DUE_SOON_NOTICE),
                answer=question.answer,
                answered_by=users[question.answerer] if question.answerer else None,
                answered_at=answered_at,
                rating=question.rating,
                rated_at=answered_at + timedelta(hours=2)
                if question.rating and answered_at
                else None,
                # Past reminders are history: mark them sent so the first run sends none.
                due_soon_sent_at=now if due <= now else None,
                overdue_sent_at=now if due <= now else None,
            )
            made += 1
    guidance = 0
    if not Guidance.objects.filter(created_by=users["coordinator"]).exists():
        source = AdviceRequest.objects.filter(answer=ANSWER_RECORDING).order_by("pk").first()
        for title, category, body in GUIDANCE:
            Guidance.objects.create(
                title=title,
                category=category,
                body=body,
                is_published=True,
                source_request=source if category == AdviceCategory.RECORDING else None,
                created_by=users["coordinator"],
            )
            guidance += 1
        Guidance.objects.create(
            title="Bail conditions and SPOs (draft)",
            category=AdviceCategory.SPO_LEGAL,
            body="To be written with the force solicitor.",
            is_published=False,
            created_by=users["coordinator"],
        )
        guidance += 1
    return made, guidance
