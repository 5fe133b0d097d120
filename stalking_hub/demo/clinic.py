"""The demo stalking clinic: a year of fortnightly meetings at about 50 referrals a month, with
research, decisions, actions in every state and approved minutes; six months of meetings ahead
from the schedule; and a surge of referrals in the last weeks, so the waiting list shows a
capacity shortfall in the coming month.

Built with bulk inserts (not the services, so seeding a history sends no e-mails), then the
real allocation and the real publication of the next agenda. Idempotent: nothing happens once
the demo schedule exists. Synthetic names and text only.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from cases.models import Case, CaseParty, CaseShare, PartyRole, Person, RiskLevel
from cases.names import normalise_name
from clinic.allocation import allocate
from clinic.models import (
    Action,
    AgendaItem,
    ClinicMeeting,
    ClinicReferral,
    ClinicSchedule,
    Decision,
    DecisionType,
    Invitee,
    Minutes,
    Research,
)
from clinic.services.agenda import CLINIC_FACETS, publish_agenda
from clinic.services.meetings import generate_meetings
from foundation.accounts.models import Agency, User
from foundation.lib.working_time import LONDON
from stalking_hub.demo.accounts import demo_email

SCHEDULE_NAME = "Northshire multi-agency stalking clinic"
LOCATION = "Northshire Police HQ, conference room 2"
CAPACITY = 22
MINUTES_PER_CASE = 10
PER_MONTH = 50
SURGE = 64  # referrals in the last ten days: more than the coming month's places
FIRST = ("Alex", "Sam", "Jo", "Chris", "Robin", "Morgan", "Jamie", "Taylor", "Casey", "Drew")
LAST = ("Ashdown", "Brook", "Carrow", "Dale", "Elmsworth", "Fenn", "Garth", "Holt", "Ivel", "Kerr")
DISCUSSIONS = (
    "Agencies shared what they hold. Contact continues through social media despite warnings.",
    "Suspect released under investigation; the victim reports being followed after work.",
    "Risk remains high; the victim's voice: she wants the contact to stop and to feel safe.",
)
RESEARCH = (
    "Known to the service; last contact three weeks ago. No new concerns recorded.",
    "On licence; conditions include no contact with the victim. Compliance being checked.",
    "The victim is engaged with advocacy and has a safety plan in place.",
)
ACTIONS = (
    "Check the suspect's licence conditions and report any breach.",
    "Review the safety plan with the victim.",
    "Consider an application for a Stalking Protection Order.",
    "Share the risk summary with the housing provider (with consent).",
)


def seed_clinic(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    if ClinicSchedule.objects.filter(name=SCHEDULE_NAME).exists():
        return {"meetings": 0, "referrals": 0}
    users = {
        key: User.objects.filter(email=demo_email(key)).first()
        for key in ("coordinator", "tactical", "solicitor", "isac", "partner")
    }
    if not all(users.values()):
        return {"meetings": 0, "referrals": 0}
    rng = random.Random(12)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Bulk writes on history-tracked tables (PACKAGES.md).
            cursor.execute("SET LOCAL pgtrigger.ignore = '{}'")
        counts = _seed(users, now, rng)  # type: ignore[arg-type]
    return counts


def _cases(owner: User, count: int, rng: random.Random) -> list[Case]:
    cases = Case.objects.bulk_create(
        Case(
            reference=f"SH-CL-{n:05d}",
            owner=owner,
            relationship="ex_partner" if n % 3 else "acquaintance",
            summary="Synthetic clinic demo case.",
            current_risk=RiskLevel.HIGH,
            current_risk_at=timezone.now() - timedelta(days=400),
        )
        for n in range(1, count + 1)
    )
    names = [
        f"{rng.choice(FIRST)} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {rng.choice(LAST)}"
        for _ in range(2 * count)
    ]
    people = Person.objects.bulk_create(
        Person(name=name, name_normalised=normalise_name(name)) for name in names
    )
    CaseParty.objects.bulk_create(
        CaseParty(case=case, person=people[2 * n + offset], role=role)
        for n, case in enumerate(cases)
        for offset, role in ((0, PartyRole.VICTIM), (1, PartyRole.SUSPECT))
    )
    return cases


def _seed(users: dict[str, User], now: datetime, rng: random.Random) -> dict[str, int]:
    coordinator, tactical = users["coordinator"], users["tactical"]
    today = now.astimezone(LONDON).date()
    start = today - timedelta(days=364)
    start += timedelta(days=(1 - start.weekday()) % 7)  # a Tuesday
    schedule = ClinicSchedule.objects.create(
        name=SCHEDULE_NAME,
        frequency=ClinicSchedule.Frequency.FORTNIGHTLY,
        weekday=1,
        start_time=time(10, 0),
        duration_minutes=CAPACITY * MINUTES_PER_CASE + 20,
        location=LOCATION,
        capacity=CAPACITY,
        minutes_per_case=MINUTES_PER_CASE,
        starts_on=start,
        bank_holiday_rule=ClinicSchedule.BankHolidayRule.MOVE,
        chair=tactical,
        created_by=coordinator,
    )
    invited = [users[key] for key in ("coordinator", "tactical", "solicitor", "isac", "partner")]
    agencies = list(
        Agency.objects.filter(pk__in={u.agency_id for u in invited}).exclude(
            kind=Agency.Kind.POLICE_FORCE
        )
    )
    # Past meetings: every other Tuesday for the last year.
    past_days = []
    day = start
    while day < today:
        past_days.append(day)
        day += timedelta(days=14)
    meetings = ClinicMeeting.objects.bulk_create(
        ClinicMeeting(
            schedule=schedule,
            occurrence_on=day,
            starts_at=datetime.combine(day, time(10, 0), tzinfo=LONDON),
            ends_at=datetime.combine(day, time(10, 0), tzinfo=LONDON)
            + timedelta(minutes=schedule.duration_minutes),
            location=LOCATION,
            capacity=CAPACITY,
            minutes_per_case=MINUTES_PER_CASE,
            chair=tactical,
            agenda_published_at=datetime.combine(day - timedelta(days=5), time(9), tzinfo=LONDON),
            agenda_published_by=coordinator,
        )
        for day in past_days
    )
    Invitee.objects.bulk_create(
        [
            Invitee(
                meeting=meeting, user=user, attendance=rng.choice(["attended"] * 5 + ["apologies"])
            )
            for meeting in meetings
            for user in invited
        ]
        + [
            Invitee(
                meeting=meeting,
                name="Dr Rowan Marsh",
                agency_name="Northshire GP federation",
                email="rowan.marsh@gp.example",
                attendance="attended",
            )
            for meeting in meetings
        ]
    )
    # About 50 referrals a month over the year, each discussed at the next meeting with room.
    per_meeting = round(PER_MONTH * 12 / 26)
    listed = min(per_meeting, CAPACITY)
    total = len(meetings) * listed
    cases = _cases(coordinator, total + SURGE + 6, rng)
    referrals: list[ClinicReferral] = []
    for index, meeting in enumerate(meetings):
        for n in range(listed):
            referrals.append(
                ClinicReferral(
                    case=cases[index * listed + n],
                    criterion=rng.choice(ClinicReferral.Criterion.values[:3]),
                    priority=rng.choice([1, 2, 2, 3, 3, 3]),
                    state=ClinicReferral.State.DISCUSSED,
                    reason="Synthetic: high risk on the hub's assessment.",
                    referred_at=meeting.starts_at - timedelta(days=rng.randint(3, 13)),
                    referred_by=coordinator,
                    decided_by=coordinator,
                    decided_at=meeting.starts_at - timedelta(days=2),
                )
            )
    ClinicReferral.objects.bulk_create(referrals)
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meetings[index // listed],
            referral=referral,
            case_id=referral.case_id,
            position=index % listed,
            slot_starts_at=meetings[index // listed].starts_at
            + timedelta(minutes=(index % listed) * MINUTES_PER_CASE),
            discussion=rng.choice(DISCUSSIONS),
            victim_voice="Relayed by the ISAC: wants the contact to stop.",
        )
        for index, referral in enumerate(referrals)
    )
    shares = CaseShare.objects.bulk_create(
        CaseShare(
            case_id=item.case_id,
            agency=agency,
            facets=sorted(CLINIC_FACETS),
            shared_by=coordinator,
            ends_at=item.meeting.ends_at + timedelta(days=14),
        )
        for item in items
        for agency in agencies
    )
    through = AgendaItem.shares.through
    through.objects.bulk_create(
        through(agendaitem_id=items[n // len(agencies)].pk, caseshare_id=share.pk)
        for n, share in enumerate(shares)
    )
    Research.objects.bulk_create(
        Research(item=item, agency=agency, summary=rng.choice(RESEARCH), recorded_by=user)
        for item in items
        for agency, user in zip(agencies, [users["isac"], users["partner"]], strict=False)
        if rng.random() < 0.7
    )
    decision_types = list(DecisionType.objects.filter(is_active=True))
    Decision.objects.bulk_create(
        Decision(item=item, decision_type=rng.choice(decision_types), recorded_by=coordinator)
        for item in items
    )
    Minutes.objects.bulk_create(
        Minutes(
            meeting=meeting,
            drafted_by=coordinator,
            general_notes="All invited agencies present or sent research.",
            state=Minutes.State.APPROVED if meeting is not meetings[-1] else Minutes.State.DRAFT,
            approved_by=tactical if meeting is not meetings[-1] else None,
            approved_at=meeting.ends_at + timedelta(days=2)
            if meeting is not meetings[-1]
            else None,
        )
        for meeting in meetings
    )
    owners = [
        (users["partner"].agency, users["partner"]),
        (users["isac"].agency, users["isac"]),
        (coordinator.agency, coordinator),
    ]
    actions = []
    for item in items:
        if rng.random() < 0.5:
            continue
        agency, owner = rng.choice(owners)
        due = item.meeting.starts_at.astimezone(LONDON).date() + timedelta(
            days=rng.choice([7, 14, 28])
        )
        age = (today - due).days
        status = (
            rng.choice(["done", "done", "done", "cancelled", "open"])
            if age > 30
            else rng.choice(["open", "in_progress", "done"])
        )
        actions.append(
            Action(
                item=item,
                case_id=item.case_id,
                description=rng.choice(ACTIONS),
                owner_agency=agency,
                owner=owner,
                due_on=due,
                status=status,
                created_by=coordinator,
                completed_at=now if status == "done" else None,
            )
        )
    Action.objects.bulk_create(actions)
    # The surge: more referrals in the last ten days than the coming month can take in time.
    surge = cases[total : total + SURGE]
    ClinicReferral.objects.bulk_create(
        ClinicReferral(
            case=case,
            criterion=ClinicReferral.Criterion.HIGH_RISK,
            priority=rng.choice([1, 2, 3, 3]),
            state=ClinicReferral.State.ACCEPTED,
            reason="Synthetic: high risk on the hub's assessment.",
            referred_at=now - timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8)),
            referred_by=coordinator,
            decided_by=coordinator,
            decided_at=now,
        )
        for case in surge
    )
    # Repeats awaiting the coordinator (the case flag), and cases high risk but not referred.
    ClinicReferral.objects.bulk_create(
        ClinicReferral(
            case=case,
            criterion=ClinicReferral.Criterion.REPEAT,
            priority=ClinicReferral.Priority.HIGH,
            state=ClinicReferral.State.PENDING,
            reason="A new incident within 12 months of the last clinic referral.",
            referred_at=now - timedelta(days=1),
            incident_on=today - timedelta(days=2),
        )
        for case in cases[:3]
    )
    Case.objects.filter(pk__in=[case.pk for case in cases[-6:]]).update(current_risk_at=now)
    # Ahead: the schedule's next six months, the standing invitees, the allocation, and the
    # next meeting's agenda published (the partner sees its cases).
    ahead = generate_meetings(schedule=schedule, today=today)
    Invitee.objects.bulk_create(
        Invitee(meeting=meeting, user=user) for meeting in ahead for user in invited
    )
    allocate(now=now)
    if ahead:
        publish_agenda(meeting=ahead[0], by=coordinator)
        Research.objects.bulk_create(
            Research(
                item=item,
                agency=users["isac"].agency,
                summary=rng.choice(RESEARCH),
                recorded_by=users["isac"],
            )
            for item in AgendaItem.objects.filter(meeting=ahead[0])[: CAPACITY // 2]
        )
    return {"meetings": len(meetings) + len(ahead), "referrals": len(referrals) + SURGE + 3}
