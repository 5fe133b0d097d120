"""Demo reviews and cases on the imported logs, so every hub page is worth a look on first run.

Runs after the demo accounts and the demo feed import. It reviews a handful of flagged logs
the way a coordinator would (confirmed stalking opening ~15 cases, a few closed; possible
stalking with advice; not stalking; duplicates) through the real services. With no import yet
it first creates a few synthetic logs of its own. Synthetic names only. Idempotent: once the
demo reviewers have reviewed anything, it does nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cases.models import (
    Case,
    CrimeLog,
    LogParty,
    LogReview,
    PartyRole,
    Relationship,
    SignalKind,
)
from cases.names import normalise_name
from cases.services import (
    NewCaseData,
    close_case,
    record_review,
    relationship_from_log,
)
from cases.services.logs import logs_changed
from foundation.accounts.models import User
from stalking_hub.demo.accounts import demo_email

CASE_COUNT = 15
CLOSED_CASES = 3
DEMO_SOURCE = "demo"
# With fewer flagged logs than this, the feed import has not run: make a few of our own.
ENOUGH_FLAGGED = 40
CASE_SIGNALS = [
    SignalKind.COURSE_OF_CONDUCT,
    SignalKind.FORMER_PARTNER,
    SignalKind.TAGGED_STALKING,
    SignalKind.ORDER_BREACH,
]

# A summary that fits the relationship the case is opened with.
CASE_SUMMARIES: dict[str, str] = {
    Relationship.EX_PARTNER: "Former partner turning up at the victim's home and workplace "
    "since the relationship ended; monitoring her social media and contacting her family.",
    Relationship.PARTNER: "Controlling partner tracking the victim's phone and following her "
    "to work; the victim is planning to leave.",
    Relationship.NEIGHBOUR: "Neighbour watching the victim's house and following her to the "
    "shops; notes left on her car.",
    Relationship.COLLEAGUE: "Former colleague sending repeated unwanted messages and leaving "
    "gifts at the victim's office.",
    Relationship.ONLINE: "Online contact who moved from messages to appearing outside the "
    "victim's gym.",
    Relationship.FAMILY: "Family member repeatedly turning up at the victim's new address and "
    "contacting her friends to find her.",
}
DEFAULT_SUMMARY = (
    "Repeated unwanted contact and loitering near the victim's home; the victim is fearful."
)
CONFIRMED_ADVICE = (
    "The hub has opened a case. Please re-record as stalking (8Q), complete the S-DASH with "
    "the victim and consider a Stalking Protection Order."
)
POSSIBLE_ADVICE = (
    "Together with the earlier report this may be a course of conduct. Please speak to the "
    "victim about other incidents, consider recording as stalking, and call the hub to talk "
    "it through.",
    "The narrative describes loitering and repeated contact (fixated, unwanted, repeated). "
    "Please complete the FOUR screening questions with the victim and update the log.",
    "Single incident for now, but the behaviour fits stalking. Please give the victim "
    "stalking safety advice and flag any further report to the hub.",
)
NOT_STALKING_NOTE = (
    "A single dispute with no pattern of fixation or repeated unwanted contact. No hub "
    "action; re-refer if there are further incidents."
)
CLOSURES = (
    (Case.ClosureReason.ORDER_IN_PLACE, "Full SPO made for two years; no breaches since."),
    (Case.ClosureReason.CONVICTED, "Suspect convicted of stalking (s.2A); restraining order."),
    (Case.ClosureReason.STALKING_STOPPED, "No further contact in six months; victim agrees."),
)

# Used only when no feed has been imported: pairs of synthetic people and their logs.
_FALLBACK_PAIRS = (
    ("Harriet Quillfeather", "1986-03-14", "Dorian Ashcombe", "1983-11-02", "ex-partner"),
    ("Maya Thistlewood", "1992-07-21", "Conrad Pell", "1979-01-30", "neighbour"),
    ("Priya Vantongeren", "1990-05-05", "Lewis Harrowgate", "1988-09-17", "colleague"),
    ("Jonah Blakemere", "1975-12-12", "Ellis Strand", "1981-04-08", "online contact"),
    ("Sofia Merriweather", "1999-02-27", "Tobias Grindle", "1996-06-19", "ex-partner"),
    ("Aisha Penhallow", "1984-10-03", "Gareth Lowick", "1970-08-25", "acquaintance"),
)
_FALLBACK_LOGS = (
    (
        "8L",
        "Harassment",
        "",
        "Suspect kept turning up at the victim's workplace and waiting "
        "outside; sent repeated messages after being told to stop.",
    ),
    (
        "195/94",
        "Malicious communications",
        "",
        "Victim received dozens of unwanted messages "
        "and the suspect contacted her friends asking where she was.",
    ),
    (
        "8Q",
        "Stalking",
        "STALKING",
        "Suspect followed the victim home and was seen loitering "
        "outside her address late at night; threatened to hurt her.",
    ),
)


def seed_cases(*, now: datetime | None = None) -> int:
    """Review demo logs and open the demo cases (idempotent). Returns how many reviews it made."""
    now = timezone.now() if now is None else now
    reviewers = list(
        User.objects.filter(email__in=[demo_email("coordinator"), demo_email("tactical")])
    )
    if len(reviewers) < 2 or LogReview.objects.filter(reviewed_by__in=reviewers).exists():
        return 0
    with transaction.atomic():
        if CrimeLog.objects.filter(review_state=CrimeLog.ReviewState.AWAITING).count() < (
            ENOUGH_FLAGGED
        ):
            _create_fallback_logs(now=now)
        return _review(now=now)


def _review(*, now: datetime) -> int:
    coordinator = User.objects.get(email=demo_email("coordinator"))
    tactical = User.objects.get(email=demo_email("tactical"))
    officer = User.objects.get(email=demo_email("officer"))
    champion = User.objects.filter(email=demo_email("champion")).first()
    reviewed = 0
    used_people: set[int] = set()

    pairs = _case_pairs(limit=CASE_COUNT)
    # A few closed cases, fewer when there is little to show.
    first_closed = len(pairs) - min(CLOSED_CASES, len(pairs) // 4)
    for index, log_ids in enumerate(pairs):
        logs = list(CrimeLog.objects.filter(pk__in=log_ids).order_by("-recorded_at", "-pk"))
        # Spread the openings over the past weeks (within this year: references carry it). A
        # case reviews the logs recorded before it was opened; the pair's later logs stay in
        # the queue, as new incidents on an open case do.
        opened = max(now - timedelta(days=7 * index, hours=3), _start_of_year(now))
        before = [log for log in logs if log.recorded_at + timedelta(hours=2) <= opened]
        if not before:
            opened = min(max(opened, logs[-1].recorded_at + timedelta(hours=2)), now)
            before = [log for log in logs if log.recorded_at <= opened] or logs[-1:]
            opened = max(opened, before[0].recorded_at)
        logs = before
        owner = tactical if index % 3 == 2 else coordinator
        relationship = relationship_from_log(logs[0].relationship)
        first = record_review(
            log=logs[0],
            outcome=LogReview.Outcome.CONFIRMED,
            advice=CONFIRMED_ADVICE,
            by=owner,
            new_case=NewCaseData(
                relationship=relationship,
                summary=CASE_SUMMARIES.get(relationship, DEFAULT_SUMMARY),
                owner=owner,
                officer_in_charge=officer if index % 3 == 0 else None,
            ),
        )
        case = first.case
        assert case is not None
        for log in logs[1:]:
            record_review(
                log=log,
                outcome=LogReview.Outcome.CONFIRMED,
                advice="",
                by=owner,
                existing_case=case,
            )
        reviewed += len(logs)
        used_people.update(_people_on(log_ids))
        Case.objects.filter(pk=case.pk).update(opened_at=opened)
        LogReview.objects.filter(case=case).update(reviewed_at=opened)
        if index >= first_closed:
            reason, notes = CLOSURES[index % len(CLOSURES)]
            close_case(case=case, closure_reason=reason, outcome_notes=notes, by=owner)

    reviewed += _officer_feedback(
        officer=officer, champion=champion, by=coordinator, avoid=used_people
    )
    reviewed += _dismissals(by=coordinator, avoid=used_people)
    return reviewed


def _case_pairs(*, limit: int) -> list[list[int]]:
    """Up to `limit` victim-suspect pairs with flagged logs, each pair's awaiting log ids.

    Pairs share no person, so no two demo cases are about the same people.
    """
    flagged = list(
        CrimeLog.objects.filter(
            review_state=CrimeLog.ReviewState.AWAITING, signal_kinds__overlap=CASE_SIGNALS
        )
        .order_by("-is_high_risk", "-recorded_at", "-pk")
        .values_list("pk", flat=True)[:2000]
    )
    roles: dict[int, dict[str, int]] = defaultdict(dict)
    for log_id, role, person_id in LogParty.objects.filter(
        log_id__in=flagged, role__in=[PartyRole.VICTIM, PartyRole.SUSPECT], person__isnull=False
    ).values_list("log_id", "role", "person_id"):
        roles[log_id].setdefault(role, person_id)
    pairs: dict[tuple[int, int], list[int]] = {}
    taken: set[int] = set()
    for log_id in flagged:
        victim = roles[log_id].get(PartyRole.VICTIM)
        suspect = roles[log_id].get(PartyRole.SUSPECT)
        if victim is None or suspect is None:
            continue
        key = (victim, suspect)
        if key in pairs:
            if len(pairs[key]) < 5:
                pairs[key].append(log_id)
            continue
        if len(pairs) >= limit or victim in taken or suspect in taken:
            continue
        pairs[key] = [log_id]
        taken.update(key)
    return list(pairs.values())


def _people_on(log_ids: list[int]) -> set[int]:
    return set(
        LogParty.objects.filter(log_id__in=log_ids, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )


def _awaiting(*, kinds: list[str], avoid: set[int]) -> list[CrimeLog]:
    logs = (
        CrimeLog.objects.filter(
            review_state=CrimeLog.ReviewState.AWAITING, signal_kinds__overlap=kinds
        )
        .exclude(parties__person_id__in=avoid)
        .defer("narrative")
        .order_by("-recorded_at", "-pk")
    )
    return list(logs[:50])


def _officer_feedback(*, officer: User, champion: User | None, by: User, avoid: set[int]) -> int:
    """Give the demo officer (and champion) reviewed logs of their own to read feedback on.

    Imported logs name officers by e-mail or collar number; a demo user with no logs of their
    own takes the collar number of a feed officer with flagged logs, so the feed stays as is.
    """
    reviewed = 0
    plans = (
        (officer, (LogReview.Outcome.POSSIBLE, LogReview.Outcome.POSSIBLE, "not_stalking")),
        (champion, (LogReview.Outcome.POSSIBLE, LogReview.Outcome.NOT_STALKING)),
    )
    for user, outcomes in plans:
        if user is None:
            continue
        awaiting = CrimeLog.objects.filter(review_state=CrimeLog.ReviewState.AWAITING).exclude(
            parties__person_id__in=avoid
        )
        if not user.collar_number and not awaiting.filter(officer__iexact=user.email).exists():
            taken = list(
                User.objects.exclude(collar_number="").values_list("collar_number", flat=True)
            )
            busiest = (
                awaiting.filter(officer__regex=r"^NS[0-9]+$")
                .exclude(officer__in=taken)
                .values("officer")
                .annotate(n=Count("pk"))
                .order_by("-n", "officer")
                .first()
            )
            if busiest is not None:
                user.collar_number = busiest["officer"]
                user.save(update_fields=["collar_number"])
        match = Q(officer__iexact=user.email)
        if user.collar_number:
            match |= Q(officer__iexact=user.collar_number)
        own = awaiting.filter(match).defer("narrative").order_by("-recorded_at", "-pk")
        for position, log in enumerate(own[: len(outcomes)]):
            outcome = outcomes[position]
            advice = (
                POSSIBLE_ADVICE[position % len(POSSIBLE_ADVICE)]
                if outcome == LogReview.Outcome.POSSIBLE
                else NOT_STALKING_NOTE
            )
            record_review(log=log, outcome=outcome, advice=advice, by=by)
            reviewed += 1
    return reviewed


def _dismissals(*, by: User, avoid: set[int]) -> int:
    """A few possible-stalking advices, not-stalking decisions and duplicates from the queue."""
    reviewed = 0
    indicators = _awaiting(kinds=[SignalKind.STALKING_INDICATORS], avoid=avoid)
    for position, log in enumerate(indicators[:3]):
        record_review(
            log=log,
            outcome=LogReview.Outcome.POSSIBLE,
            advice=POSSIBLE_ADVICE[position % len(POSSIBLE_ADVICE)],
            by=by,
        )
        reviewed += 1
    for log in indicators[3:7]:
        record_review(
            log=log, outcome=LogReview.Outcome.NOT_STALKING, advice=NOT_STALKING_NOTE, by=by
        )
        reviewed += 1
    # Two logs of one pair recorded twice by the same force: the later is a duplicate.
    duplicates = 0
    for log in indicators[7:]:
        if duplicates == 2:
            break
        original = (
            CrimeLog.objects.filter(parties__person_id__in=_people_on([log.pk]))
            .exclude(pk=log.pk)
            .order_by("recorded_at", "pk")
            .first()
        )
        if original is not None:
            record_review(
                log=log,
                outcome=LogReview.Outcome.DUPLICATE,
                advice="Same incident as the earlier log; reviewed there.",
                by=by,
                duplicate_of=original,
            )
            duplicates += 1
    return reviewed + duplicates


def _start_of_year(now: datetime) -> datetime:
    return timezone.localtime(now).replace(
        month=1, day=1, hour=0, minute=0, second=0, microsecond=0
    )


def _create_fallback_logs(*, now: datetime) -> None:
    """A few synthetic logs in pairs, linked and evaluated like imported ones would be."""
    officer_email = demo_email("officer")
    created: list[int] = []
    for pair_index, (victim, victim_dob, suspect, suspect_dob, relationship) in enumerate(
        _FALLBACK_PAIRS
    ):
        for log_index, (code, offence, flags, narrative) in enumerate(_FALLBACK_LOGS):
            if pair_index % 2 and log_index == 2:
                continue  # some pairs have two logs, some three
            recorded = now - timedelta(days=20 * (pair_index + 1) - 6 * log_index, hours=3)
            log, made = CrimeLog.objects.get_or_create(
                source=DEMO_SOURCE,
                reference=f"DEMO/{pair_index + 1:02d}/{log_index + 1}",
                defaults={
                    "recorded_at": recorded.astimezone(UTC),
                    "offence_code": code,
                    "offence": offence,
                    "flags": [flag for flag in flags.split(";") if flag],
                    "area": "WM" if pair_index == 3 and log_index == 1 else "NS-NORTH",
                    "officer": officer_email if log_index == 0 else "NS2041",
                    "relationship": relationship,
                    "narrative": narrative,
                    "status": "open",
                },
            )
            if not made:
                continue
            created.append(log.pk)
            LogParty.objects.bulk_create(
                [
                    LogParty(
                        log=log,
                        role=PartyRole.VICTIM,
                        name=victim,
                        name_normalised=normalise_name(victim),
                        date_of_birth=victim_dob,
                    ),
                    LogParty(
                        log=log,
                        role=PartyRole.SUSPECT,
                        name=suspect,
                        name_normalised=normalise_name(suspect),
                        date_of_birth=suspect_dob,
                    ),
                ]
            )
    if created:
        logs_changed(log_ids=created, now=now)
