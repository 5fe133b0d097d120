"""Demo order files: one in every state, hearings ahead, orders with terms, service and
notification (one missed), breaches linked to demo logs (one without a police response), a
restraining order, and the privileged notes and pack text of an application in preparation.

Built through the legal services (the rules hold), on open demo cases with a suspect, with the
people-told e-mails of this history removed before they are sent. Idempotent: nothing happens
once any order file exists. Synthetic text only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseParty, LogParty, PartyRole, Person
from foundation.accounts.models import User
from foundation.lib.working_time import LONDON
from foundation.outbox.models import OutboxMessage
from legal import services
from legal.deadlines import full_order_earliest_end
from legal.models import LegalEvent, OrderFile
from stalking_hub.demo.accounts import demo_email

FORCE = "Northshire Police"
TERMS = (
    services.TermSpec("prohibition", "Not to contact the protected persons by any means."),
    services.TermSpec(
        "prohibition", "Not to enter the exclusion zone shown on the map annexed to the order."
    ),
    services.TermSpec(
        "requirement",
        "To attend the stalking perpetrator assessment appointment the probation service offers.",
    ),
)


def _cases(count: int) -> list[tuple[Case, Person, list[Person]]]:
    """Open demo cases with a suspect and a victim, high risk first."""
    chosen: list[tuple[Case, Person, list[Person]]] = []
    cases = Case.objects.filter(status=Case.Status.OPEN).order_by("-current_risk", "pk")
    for case in cases.iterator():
        parties = list(CaseParty.objects.filter(case=case).select_related("person"))
        suspects = [p.person for p in parties if p.role == PartyRole.SUSPECT]
        victims = [p.person for p in parties if p.role == PartyRole.VICTIM]
        if suspects and victims:
            chosen.append((case, suspects[0], victims))
        if len(chosen) == count:
            break
    return chosen


def _open(
    case: Case, respondent: Person, victims: list[Person], by: User, kind: str = "spo"
) -> OrderFile:
    return services.open_file(
        case=case,
        respondent=respondent,
        kind=kind,
        applying_force=FORCE,
        force_basis="lives_in",
        solicitor=by,
        protected_persons=victims,
        by=by,
    )


def _latest_log_of(person: Person) -> tuple[str, str, date] | None:
    party = (
        LogParty.objects.filter(person=person, role=PartyRole.SUSPECT)
        .select_related("log")
        .order_by("-log__recorded_at")
        .first()
    )
    if party is None:
        return None
    log = party.log
    return log.source, log.reference, timezone.localdate(log.recorded_at)


def _hearing_at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def seed_legal(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    if OrderFile.objects.exists():
        return {"files": 0}
    solicitor = User.objects.filter(email=demo_email("solicitor")).first()
    if solicitor is None:
        return {"files": 0}
    picked = _cases(9)
    if len(picked) < 9:
        return {"files": 0}
    today = timezone.localdate(now)
    first_message = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        step = lambda file, key, on, reasons="": services.transition_file(  # noqa: E731
            file=file, key=key, on=on, reasons=reasons, by=solicitor, now=now
        )
        files = []
        # 1. Considering: opened last week after the clinic's discussion.
        (case, respondent, victims) = picked[0]
        files.append(_open(case, respondent, victims, solicitor))

        # 2. Preparing: the pack's text written, privileged notes kept.
        case, respondent, victims = picked[1]
        file = _open(case, respondent, victims, solicitor)
        step(file, "prepare", today - timedelta(days=3))
        services.update_file(
            file=file,
            by=solicitor,
            privileged_notes="Counsel's view: the diary evidence is strong; seek an interim "
            "order at the first hearing.",
            pack_summary="Over seven months the respondent has repeatedly attended the victim's "
            "workplace and home and sent unwanted messages after being told to stop.",
            pack_acts="Waited outside the victim's workplace on at least nine occasions\n"
            "Sent over 200 messages across three social media accounts\n"
            "Followed the victim's car home twice",
            pack_proposed_terms="Not to contact the protected persons\n"
            "Not to enter the exclusion zone around the victim's workplace",
        )
        files.append(file)

        # 3. Applied: the full hearing in five days.
        case, respondent, victims = picked[2]
        file = _open(case, respondent, victims, solicitor)
        step(file, "prepare", today - timedelta(days=20))
        step(file, "apply", today - timedelta(days=12))
        services.schedule_hearing(
            file=file,
            court="Northtown Magistrates' Court",
            starts_at=_hearing_at(today + timedelta(days=5)),
            kind="full",
            by=solicitor,
            now=now,
        )
        files.append(file)

        # 4. Interim order in force, served, notified in time; full hearing next week.
        case, respondent, victims = picked[3]
        file = _open(case, respondent, victims, solicitor)
        step(file, "prepare", today - timedelta(days=30))
        step(file, "apply", today - timedelta(days=21))
        interim = services.record_order(
            file=file,
            kind="interim",
            made_on=today - timedelta(days=20),
            court="Northtown Magistrates' Court",
            fixed_end_on=today + timedelta(days=15),
            terms=list(TERMS[:1]),
            by=solicitor,
            now=now,
        )
        services.record_service(order=interim, served_on=today - timedelta(days=19), by=solicitor)
        services.record_notified(
            notification=interim.notifications.get(),
            notified_on=today - timedelta(days=18),
            by=solicitor,
        )
        services.update_file(file=file, by=solicitor, pnc_entered_on=today - timedelta(days=19))
        services.schedule_hearing(
            file=file,
            court="Northtown Magistrates' Court",
            starts_at=_hearing_at(today + timedelta(days=8), 14),
            kind="full",
            by=solicitor,
            now=now,
        )
        files.append(file)

        # 5. Full SPO for the minimum term, ending within three months (renewal review due);
        #    a breach linked to the respondent's latest demo log, answered by a charge.
        case, respondent, victims = picked[4]
        made = today - timedelta(days=640)
        file = _open(case, respondent, victims, solicitor)
        step(file, "prepare", made - timedelta(days=40))
        step(file, "apply", made - timedelta(days=30))
        full = services.record_order(
            file=file,
            kind="full",
            made_on=made,
            court="Southby Magistrates' Court",
            fixed_end_on=full_order_earliest_end(made),
            terms=list(TERMS),
            by=solicitor,
            now=now,
        )
        services.record_service(order=full, served_on=made + timedelta(days=1), by=solicitor)
        services.record_notified(
            notification=full.notifications.get(),
            notified_on=made + timedelta(days=2),
            by=solicitor,
        )
        services.update_file(file=file, by=solicitor, pnc_entered_on=made + timedelta(days=1))
        log = _latest_log_of(respondent)
        if log is not None and log[2] > made:
            breach = services.record_breach(
                order=full,
                occurred_on=log[2],
                log_source=log[0],
                log_reference=log[1],
                by=solicitor,
            )
            services.record_breach_response(breach=breach, response="charged", by=solicitor)
        files.append(file)

        # 6. Full SPO until further order, served five days ago: the notification is missed,
        #    not yet on the PNC, and a breach (a log not yet imported) has no police response.
        case, respondent, victims = picked[5]
        file = _open(case, respondent, victims, solicitor)
        step(file, "prepare", today - timedelta(days=60))
        step(file, "apply", today - timedelta(days=45))
        full = services.record_order(
            file=file,
            kind="full",
            made_on=today - timedelta(days=6),
            court="Northtown Magistrates' Court",
            fixed_end_on=None,
            terms=list(TERMS[:2]),
            by=solicitor,
            now=now,
        )
        services.record_service(order=full, served_on=today - timedelta(days=5), by=solicitor)
        services.record_breach(
            order=full,
            occurred_on=today - timedelta(days=2),
            log_source="rms",
            log_reference=f"NS/{today:%y}/DEMO-BREACH",
            notes="Reported by the victim's ISAC; the log is not yet in the feed.",
            by=solicitor,
        )
        files.append(file)

        # 7. Ended: decided not to apply, with the reasons.
        case, respondent, victims = picked[6]
        file = _open(case, respondent, victims, solicitor)
        step(
            file,
            "decline",
            today - timedelta(days=40),
            "The respondent was remanded in custody and a restraining order on conviction is "
            "expected; reconsider on release.",
        )
        files.append(file)

        # 8. Ended: the application refused.
        case, respondent, victims = picked[7]
        file = _open(case, respondent, victims, solicitor)
        step(file, "prepare", today - timedelta(days=120))
        step(file, "apply", today - timedelta(days=100))
        step(file, "refuse", today - timedelta(days=70))
        files.append(file)

        # 9. A restraining order on conviction, recorded for its breaches.
        case, respondent, victims = picked[8]
        file = _open(case, respondent, victims, solicitor, kind="restraining")
        services.record_order(
            file=file,
            kind="other",
            made_on=today - timedelta(days=200),
            court="Northshire Crown Court",
            fixed_end_on=today + timedelta(days=900),
            terms=list(TERMS[:1]),
            by=solicitor,
            now=now,
        )
        files.append(file)

        # Each file was opened a week before its first step (a consistent timeline).
        for file in files:
            opening = file.timeline.get(kind=LegalEvent.Kind.STATE, summary="File opened")
            later = file.timeline.exclude(pk=opening.pk).order_by("on").first()
            opened_on = (later.on if later else today - timedelta(days=5)) - timedelta(days=7)
            opening.on = opened_on
            opening.save(update_fields=["on"])
            OrderFile.objects.filter(pk=file.pk).update(
                opened_at=datetime.combine(opened_on, time(9), tzinfo=LONDON)
            )
        # The history is seeded, not happening: nobody is e-mailed about it.
        OutboxMessage.objects.filter(
            pk__gt=first_message, handler="legal.send_order_event_email"
        ).delete()
    return {"files": len(files)}
