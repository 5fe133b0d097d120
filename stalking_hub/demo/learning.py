"""Demo data for organisational learning (idempotent): a year of logs the hub decided are
stalking, attributed to the demo teams' officers by collar number. Two teams miss stalking
often (Local Policing South and Neighbourhood Policing South); Local Policing South is trained
six months ago and records stalking better after it. Learning points from every source,
bulletins partly acknowledged, and the victim's confidence on the ISAC outcomes.

Synthetic throughout: no real names, references or places.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Case, CrimeLog, LogReview, SignalKind
from clinic.models import ClinicReferral
from foundation.accounts.models import User
from foundation.lib.working_time import LONDON
from learning.models import (
    Bulletin,
    BulletinRecipient,
    LearningPoint,
    SourceKind,
    TargetedTraining,
    Theme,
)
from learning.services import audience_users
from learning.summary import refresh_gap_summary
from legal.models import OrderFile
from referrals.models import AdviceRequest, OutcomeMeasure, Referral
from stalking_hub.demo.accounts import demo_email
from training.models import Course, Enrolment, Session, Team, Trainee

SOURCE = "demo-learning"
# (team, decided logs a month, gap rate before the training, gap rate after it)
TEAM_PLAN = {
    "Local Policing South": (7, 0.65, 0.2),
    "Neighbourhood Policing South": (5, 0.55, 0.55),
    "Local Policing North": (3, 0.2, 0.2),
    "Neighbourhood Policing North": (3, 0.1, 0.1),
    "Neighbourhood Policing East": (2, 0.15, 0.15),
    "Local Policing West": (2, 0.2, 0.2),
}
TRAINED_TEAM = "Local Policing South"
ADVICE = "Possible stalking: consider recording it as stalking and completing a risk assessment."

POINTS = [
    (
        SourceKind.LOG_REVIEW,
        Theme.RECORDING,
        "Repeated unwanted messages after a breakup were "
        "recorded as malicious communications; a course of conduct is stalking.",
        "accepted",
    ),
    (
        SourceKind.LOG_REVIEW,
        Theme.RECORDING,
        "Turning up at the victim's workplace three "
        "times in a month was recorded as harassment without the stalking tag.",
        "accepted",
    ),
    (
        SourceKind.CLINIC_DECISION,
        Theme.PARTNERSHIP,
        "The clinic found the mental health trust "
        "had relevant history that no one had asked for before the meeting.",
        "accepted",
    ),
    (
        SourceKind.SPO_OUTCOME,
        Theme.SPO_LEGAL,
        "An interim SPO application was withdrawn "
        "because the evidence of the course of conduct was not gathered in time.",
        "accepted",
    ),
    (
        SourceKind.ADVICE_REQUEST,
        Theme.INVESTIGATION,
        "Officers asked how to evidence "
        "monitoring through shared accounts; digital evidence capture needs covering.",
        "proposed",
    ),
    (
        SourceKind.CASE_CLOSURE,
        Theme.RISK_ASSESSMENT,
        "The case closed without a final risk review although the suspect had just been released.",
        "accepted",
    ),
    (
        SourceKind.ISAC_FEEDBACK,
        Theme.VICTIM_VOICE,
        "Victims say being told what happened "
        "after each report would have helped them keep reporting.",
        "accepted",
    ),
    (
        SourceKind.LOG_REVIEW,
        Theme.RECORDING,
        "Another log recorded as harassment despite a pattern of following.",
        "merged",
    ),
    (
        SourceKind.ADVICE_REQUEST,
        Theme.SAFEGUARDING,
        "A question about a neighbour dispute.",
        "dismissed",
    ),
]


def seed_learning(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    if CrimeLog.objects.filter(source=SOURCE).exists():
        return {"logs": 0}
    users = {
        u.email.split("@")[0]: u
        for u in User.objects.filter(
            email__in=[demo_email(p) for p in ("coordinator", "trainer", "isac")]
        )
    }
    teams = {t.name: t for t in Team.objects.filter(name__in=TEAM_PLAN)}
    if "coordinator" not in users or TRAINED_TEAM not in teams:
        return {"logs": 0}
    rng = random.Random(21)
    with transaction.atomic():
        trained_on = timezone.localdate(now) - timedelta(days=182)
        _train(teams[TRAINED_TEAM], trained_on, users)
        logs = _logs(teams, trained_on, now, users["coordinator"], rng)
        points = _points(users)
        bulletins = _bulletins(users["coordinator"], points, now, rng)
        _confidence(rng)
    # The team report reads the stored summary (learning/summary.py): fill it now rather
    # than wait for beat.
    refresh_gap_summary(now=now)
    return {"logs": logs, "points": len(points), "bulletins": bulletins}


def _train(team: Team, day: date, users: dict[str, User]) -> None:
    course = Course.objects.filter(is_active=True).order_by("pk").first()
    if course is None:
        return
    starts = datetime.combine(day, time(9, 30), tzinfo=LONDON)
    session = Session.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        location="Training room 1, South police station",
        capacity=80,
        trainer=users.get("trainer"),
    )
    people = list(Trainee.objects.filter(team=team, is_active=True))
    Enrolment.objects.bulk_create(
        Enrolment(
            session=session,
            trainee=person,
            status=Enrolment.Status.COMPLETED,
            status_changed_at=starts + timedelta(hours=3),
        )
        for person in people
    )
    TargetedTraining.objects.create(
        team=team, session=session, booked=len(people), by=users["coordinator"]
    )


def _logs(
    teams: dict[str, Team], trained_on: date, now: datetime, by: User, rng: random.Random
) -> int:
    officers = {
        name: list(
            Trainee.objects.filter(team=team, is_active=True)
            .exclude(staff_number="")
            .values_list("staff_number", flat=True)[:20]
        )
        for name, team in teams.items()
    }
    made: list[tuple[CrimeLog, datetime]] = []
    start = now - timedelta(days=365)
    number = 0
    for name, (per_month, before, after) in TEAM_PLAN.items():
        if not officers.get(name):
            continue
        for day in range(0, 365, 2):
            if rng.random() > per_month / 15:
                continue
            at = min(
                start + timedelta(days=day, hours=rng.randrange(8, 20)), now - timedelta(days=2)
            )
            rate = after if timezone.localdate(at) >= trained_on else before
            gap = rng.random() < rate
            area = teams[name].area
            number += 1
            made.append(
                (
                    CrimeLog(
                        source=SOURCE,
                        reference=f"LRN/{number:05d}",
                        recorded_at=at,
                        offence_code="8L" if gap else "8Q",
                        offence="Harassment" if gap else "Stalking",
                        flags=[] if gap else ["STALKING"],
                        area=area.name if area else "",
                        officer=rng.choice(officers[name]),
                        narrative="Synthetic log for the recording-gap demo.",
                        status="open",
                        signal_kinds=[
                            SignalKind.STALKING_INDICATORS.value
                            if gap
                            else SignalKind.TAGGED_STALKING.value
                        ],
                        review_state=CrimeLog.ReviewState.REVIEWED,
                    ),
                    min(at + timedelta(days=rng.randrange(1, 6)), now - timedelta(hours=1)),
                )
            )
    created = CrimeLog.objects.bulk_create([log for log, _ in made])
    LogReview.objects.bulk_create(
        LogReview(
            log=log,
            outcome=LogReview.Outcome.POSSIBLE,
            advice=ADVICE,
            reviewed_by=by,
            reviewed_at=reviewed_at,
        )
        for log, (_, reviewed_at) in zip(created, made, strict=True)
    )
    return len(created)


def _points(users: dict[str, User]) -> list[LearningPoint]:
    log = CrimeLog.objects.filter(source=SOURCE).order_by("pk").first()
    sources = {
        SourceKind.LOG_REVIEW: (log.pk if log else None, None),
        SourceKind.CLINIC_DECISION: _first(ClinicReferral.objects.exclude(state="pending")),
        SourceKind.SPO_OUTCOME: _first(OrderFile.objects.all()),
        SourceKind.ADVICE_REQUEST: (
            AdviceRequest.objects.filter(answered_at__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first(),
            None,
        ),
        SourceKind.CASE_CLOSURE: _first(Case.objects.filter(status=Case.Status.CLOSED), case=True),
        SourceKind.ISAC_FEEDBACK: _first(Referral.objects.filter(outcomes__isnull=False)),
    }
    made: list[LearningPoint] = []
    accepted: LearningPoint | None = None
    for kind, theme, text, state in POINTS:
        source_id, case_id = sources[kind]
        if source_id is None:
            continue
        by = users["isac"] if kind == SourceKind.ISAC_FEEDBACK and "isac" in users else None
        point = LearningPoint.objects.create(
            theme=theme,
            source_kind=kind,
            source_id=source_id,
            case_id=case_id,
            log=log if kind == SourceKind.LOG_REVIEW else None,
            text=text,
            state=state,
            merged_into=accepted if state == "merged" else None,
            dismissal_reason="Not stalking: a neighbour dispute." if state == "dismissed" else "",
            raised_by=by or users["coordinator"],
            triaged_by=None if state == "proposed" else users["coordinator"],
            triaged_at=None if state == "proposed" else timezone.now(),
        )
        if state == "accepted" and accepted is None:
            accepted = point
        made.append(point)
    return made


def _first(queryset: object, *, case: bool = False) -> tuple[int | None, int | None]:
    row = queryset.order_by("pk").first()  # type: ignore[attr-defined]
    if row is None:
        return None, None
    return row.pk, row.pk if case else getattr(row, "case_id", None)


def _bulletins(by: User, points: list[LearningPoint], now: datetime, rng: random.Random) -> int:
    accepted = [p for p in points if p.state == LearningPoint.State.ACCEPTED]
    if len(accepted) < 2:
        return 0
    plans = [
        ("Recording stalking: what the hub found this quarter", "champions", accepted[:2], 60),
        ("Working with partners and the victim's voice", "hub_staff", accepted[2:5], 20),
    ]
    made = 0
    for title, audience, chosen, days_ago in plans:
        published = now - timedelta(days=days_ago)
        bulletin = Bulletin.objects.create(
            title=title,
            body="What the hub learned from its reviews:\n\n"
            + "\n".join(f"- {p.text}" for p in chosen)
            + "\n\n**Record a course of conduct as stalking.**",
            audience=audience,
            state=Bulletin.State.PUBLISHED,
            published_at=published,
            created_by=by,
        )
        bulletin.points.set(chosen)
        readers = list(audience_users(audience=audience).distinct())
        BulletinRecipient.objects.bulk_create(
            BulletinRecipient(
                bulletin=bulletin,
                user=reader,
                emailed_at=published,  # sent at the time: no e-mail on a demo start
                email_claimed_at=published,
                acknowledged_at=min(
                    published + timedelta(days=rng.randrange(1, 30)), now - timedelta(hours=1)
                )
                if rng.random() < 0.55
                else None,
            )
            for reader in readers
        )
        made += 1
    draft = Bulletin.objects.create(
        title="Draft: risk reviews before a case closes",
        body="Check the risk before closing a case.",
        audience="everyone",
        created_by=by,
    )
    draft.points.set(accepted[-1:])
    return made + 1


def _confidence(rng: random.Random) -> None:
    """Intake confidence mostly low, exit mostly higher; a few decline to answer."""
    for measure in OutcomeMeasure.objects.filter(
        police_confidence__isnull=True, confidence_declined=False
    ).order_by("pk"):
        if rng.random() < 0.1:
            measure.confidence_declined = True
        elif measure.stage == OutcomeMeasure.Stage.INTAKE:
            measure.police_confidence = rng.choice([1, 2, 2, 3, 3])
        else:
            measure.police_confidence = rng.choice([3, 4, 4, 5])
            measure.what_would_have_helped = rng.choice(
                ["", "", "Being kept informed after each report."]
            )
        measure.save(
            update_fields=["police_confidence", "confidence_declined", "what_would_have_helped"]
        )
