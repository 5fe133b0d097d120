"""Bad input is refused with a clear message and nothing half-saved; notifications, service,
the clinic's decision, people told, and the victim told."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from clinic.errors import ClinicError
from clinic.models import DecisionType
from foundation.outbox.models import OutboxMessage
from legal import services
from legal.models import (
    FileState,
    Hearing,
    LegalEvent,
    Notification,
    OrderFile,
    OrderTerm,
    ProtectiveOrder,
    Reminder,
)
from tests.factories import CaseFactory, ReferralFactory
from tests.factories.clinic import AgendaItemFactory
from tests.legal.conftest import open_spo, to_state

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        ProtectiveOrder.objects.count(),
        OrderTerm.objects.count(),
        LegalEvent.objects.count(),
        Notification.objects.count(),
        Hearing.objects.count(),
        Reminder.objects.count(),
    )


def test_a_fixed_term_under_two_years_is_refused_and_nothing_saved(spo_file, solicitor):
    file = to_state(spo_file, solicitor, "applied")
    before = _counts()
    made = date(2026, 3, 3)
    with pytest.raises(services.LegalError, match=r"at least two years.*2 March 2028"):
        services.record_order(
            file=file,
            kind="full",
            made_on=made,
            fixed_end_on=date(2028, 3, 1),
            terms=[services.TermSpec("prohibition", "Not to enter Northtown")],
            by=solicitor,
        )
    file.refresh_from_db()
    assert file.state == FileState.APPLIED
    assert _counts() == before
    services.record_order(
        file=file, kind="full", made_on=made, fixed_end_on=date(2028, 3, 2), by=solicitor
    )


def test_terms_without_wording_are_refused_whole(spo_file, solicitor):
    file = to_state(spo_file, solicitor, "applied")
    before = _counts()
    with pytest.raises(services.LegalError, match="wording"):
        services.record_order(
            file=file,
            kind="full",
            made_on=timezone.localdate(),
            fixed_end_on=None,
            terms=[
                services.TermSpec("prohibition", "Not to contact the victim"),
                services.TermSpec("requirement", "   "),
            ],
            by=solicitor,
        )
    assert _counts() == before
    file.refresh_from_db()
    assert file.state == FileState.APPLIED


def test_an_interim_order_needs_its_period(spo_file, solicitor):
    file = to_state(spo_file, solicitor, "applied")
    with pytest.raises(services.LegalError, match="period the court sets"):
        services.record_order(
            file=file, kind="interim", made_on=timezone.localdate(), fixed_end_on=None, by=solicitor
        )
    # No two-year minimum for an interim order (s.5).
    services.record_order(
        file=file,
        kind="interim",
        made_on=timezone.localdate(),
        fixed_end_on=timezone.localdate() + timedelta(days=28),
        by=solicitor,
    )


def test_a_service_date_before_the_made_date_is_refused(spo_file, solicitor):
    file = to_state(spo_file, solicitor, "in_force")
    order = file.orders.get()
    with pytest.raises(services.LegalError, match="before the day it was made"):
        services.record_service(
            order=order, served_on=order.made_on - timedelta(days=1), by=solicitor
        )
    order.refresh_from_db()
    assert order.served_on is None
    assert not Notification.objects.exists()


def test_a_hearing_in_the_past_is_refused_as_upcoming(spo_file, solicitor):
    with pytest.raises(services.LegalError, match="past"):
        services.schedule_hearing(
            file=spo_file,
            court="Northtown Magistrates' Court",
            starts_at=timezone.now() - timedelta(hours=1),
            kind="interim",
            by=solicitor,
        )
    assert not Hearing.objects.exists()
    assert not Reminder.objects.exists()


def test_a_hearing_gets_its_reminders_7_days_and_1_day_before(spo_file, solicitor):
    now = datetime(2026, 6, 1, 9, tzinfo=UTC)
    hearing = services.schedule_hearing(
        file=spo_file,
        court="Northtown Magistrates' Court",
        starts_at=datetime(2026, 6, 20, 10, tzinfo=UTC),
        kind="full",
        by=solicitor,
        now=now,
    )
    assert sorted(hearing.reminders.values_list("send_on", flat=True)) == [
        date(2026, 6, 13),
        date(2026, 6, 19),
    ]
    soon = services.schedule_hearing(
        file=spo_file,
        court="Northtown Magistrates' Court",
        starts_at=datetime(2026, 6, 4, 10, tzinfo=UTC),
        kind="interim",
        by=solicitor,
        now=now,
    )
    assert list(soon.reminders.values_list("kind", flat=True)) == [Reminder.Kind.HEARING_DAY]


def test_an_outcome_waits_for_the_hearing(spo_file, solicitor):
    hearing = services.schedule_hearing(
        file=spo_file,
        court="Court",
        starts_at=timezone.now() + timedelta(days=2),
        kind="interim",
        by=solicitor,
    )
    with pytest.raises(services.LegalError, match="taken place"):
        services.record_hearing_outcome(hearing=hearing, outcome="granted", notes="", by=solicitor)
    services.record_hearing_outcome(
        hearing=hearing, outcome="", notes="Bundle lodged", by=solicitor
    )


def test_service_opens_the_notification_period_and_a_missed_one_is_flagged(spo_file, solicitor):
    file = to_state(spo_file, solicitor, "in_force", on=date(2026, 11, 1))
    order = file.orders.get()
    services.record_service(order=order, served_on=date(2026, 11, 6), by=solicitor)  # a Friday
    notification = Notification.objects.get()
    assert notification.due_on == date(2026, 11, 8)  # s.9: the Sunday
    with pytest.raises(services.LegalError, match="before its period"):
        services.record_notified(
            notification=notification, notified_on=date(2026, 11, 5), by=solicitor
        )
    services.record_notified(notification=notification, notified_on=date(2026, 11, 9), by=solicitor)
    assert LegalEvent.objects.filter(kind="notification", summary__contains="late").exists()


def test_soa_part_2_notification_exempts_and_recomputes(spo_file, solicitor):
    file = to_state(spo_file, solicitor, "in_force", on=date(2026, 11, 1))
    order = file.orders.get()
    services.record_service(order=order, served_on=date(2026, 11, 2), by=solicitor)
    notification = Notification.objects.get()
    assert notification.due_on == date(2026, 11, 4)
    services.update_file(
        file=file, by=solicitor, soa_notification_from=date(2019, 5, 1), soa_notification_to=None
    )
    notification.refresh_from_db()
    assert notification.due_on is None
    assert notification.exemption == "soa_part2"
    with pytest.raises(services.LegalError, match="cannot end before"):
        services.update_file(
            file=file,
            by=solicitor,
            soa_notification_from=date(2019, 5, 1),
            soa_notification_to=date(2018, 1, 1),
        )


def test_no_second_notification_when_the_full_order_replaces_the_interim(spo_file, solicitor):
    file = to_state(spo_file, solicitor, "interim", on=date(2026, 10, 1))
    services.record_service(order=file.orders.get(), served_on=date(2026, 10, 2), by=solicitor)
    full = services.record_order(
        file=file, kind="full", made_on=date(2026, 11, 1), fixed_end_on=None, by=solicitor
    )
    services.record_service(order=full, served_on=date(2026, 11, 2), by=solicitor)
    second = Notification.objects.get(order=full)
    assert second.exemption == "replaces_interim"
    assert second.due_on is None


def test_the_respondent_must_be_a_suspect_and_protected_persons_on_the_case(
    legal_case, solicitor, victim
):
    other = CaseFactory()
    with pytest.raises(services.LegalError, match="suspect"):
        services.open_file(
            case=legal_case,
            respondent=victim,
            kind="spo",
            applying_force="Northshire Police",
            force_basis="lives_in",
            solicitor=solicitor,
            protected_persons=[],
            by=solicitor,
        )
    assert not OrderFile.objects.exists()
    assert other.pk


def test_a_second_live_spo_file_for_the_same_respondent_is_refused(spo_file, solicitor):
    with pytest.raises(services.LegalError, match="already has a live SPO file"):
        open_spo(spo_file.case, solicitor)
    assert OrderFile.objects.count() == 1


def test_only_the_solicitor_writes(spo_file, coordinator):
    with pytest.raises(services.NotAllowed):
        services.transition_file(
            file=spo_file, key="prepare", on=timezone.localdate(), by=coordinator
        )


def test_the_clinic_decision_to_pursue_an_spo_opens_a_file(legal_case, coordinator, solicitor):
    from clinic.models import Decision

    item = AgendaItemFactory(referral__case=legal_case)
    decision = Decision.objects.create(
        item=item,
        decision_type=DecisionType.objects.get(key="pursue_spo"),
        recorded_by=coordinator,
    )
    files = services.open_file_from_clinic_decision(decision=decision, by=coordinator)
    assert len(files) == 1
    file = files[0]
    assert file.state == FileState.CONSIDERING
    assert file.solicitor == solicitor
    assert [p.pk for p in file.protected_persons.all()] == [
        legal_case.parties.get(role="victim").person_id
    ]
    # Idempotent for the same decision.
    assert services.open_file_from_clinic_decision(decision=decision, by=coordinator) == []


def test_the_clinic_decision_through_the_clinic_service(legal_case, coordinator, solicitor):
    from clinic.services.minutes import record_decision

    item = AgendaItemFactory(referral__case=legal_case)
    record_decision(
        item=item,
        decision_type=DecisionType.objects.get(key="pursue_spo"),
        notes="",
        by=coordinator,
    )
    assert OrderFile.objects.filter(case=legal_case, state="considering").count() == 1


def test_a_clinic_decision_on_a_case_without_suspect_is_refused(coordinator):
    from clinic.models import Decision

    item = AgendaItemFactory()
    decision = Decision.objects.create(
        item=item, decision_type=DecisionType.objects.get(key="pursue_spo"), recorded_by=coordinator
    )
    with pytest.raises(ClinicError, match="suspect"):
        services.open_file_from_clinic_decision(decision=decision, by=coordinator)


def test_people_are_told_without_names_or_terms(
    spo_file, solicitor, isac, officer, mailoutbox, django_capture_on_commit_callbacks
):
    ReferralFactory(case=spo_file.case, agency=isac.agency, state="active", caseworker=isac)
    file = to_state(spo_file, solicitor, "applied")
    services.record_order(
        file=file,
        kind="full",
        made_on=timezone.localdate(),
        fixed_end_on=None,
        terms=[services.TermSpec("prohibition", "SECRET-TERM not to enter Quarry Lane")],
        by=solicitor,
    )
    from foundation.outbox.services import run_message

    message = OutboxMessage.objects.filter(handler="legal.send_order_event_email").get()
    run_message(message_id=message.pk)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([isac.email, officer.email])
    for mail in mailoutbox:
        assert file.case.reference in mail.body
        assert "SECRET-TERM" not in mail.body
        assert file.respondent.name not in mail.body
        assert file.respondent.name not in mail.subject


def test_the_victim_told_is_recorded_on_the_event(spo_file, solicitor):
    file = to_state(spo_file, solicitor, "in_force")
    event = LegalEvent.objects.get(file=file, kind="order_made")
    with pytest.raises(services.LegalError, match="before it happened"):
        services.mark_victim_told(event=event, told_on=event.on - timedelta(days=1), by=solicitor)
    services.mark_victim_told(event=event, told_on=timezone.localdate(), by=solicitor)
    event.refresh_from_db()
    assert event.victim_told_on == timezone.localdate()


def test_a_renewal_moves_the_end_and_its_reviews(spo_file, solicitor):
    file = to_state(spo_file, solicitor, "applied")
    made = timezone.localdate()
    order = services.record_order(
        file=file,
        kind="full",
        made_on=made,
        fixed_end_on=made + timedelta(days=800),
        by=solicitor,
    )
    assert order.reminders.count() == 2
    with pytest.raises(services.LegalError, match="new end"):
        services.record_event(
            file=file, kind="renewal", on=made, summary="Renewed", new_end_on=None, by=solicitor
        )
    services.record_event(
        file=file,
        kind="renewal",
        on=made,
        summary="Renewed for two more years",
        new_end_on=made + timedelta(days=1500),
        by=solicitor,
    )
    order.refresh_from_db()
    assert order.fixed_end_on == made + timedelta(days=1500)
    assert max(order.reminders.values_list("send_on", flat=True)) > made + timedelta(days=1400)


def test_a_subject_access_search_notes_privileged_notes_without_them(spo_file, solicitor, victim):
    from legal.selectors import subject_access_entries

    services.update_file(file=spo_file, by=solicitor, privileged_notes="Advice: weak on s.1")
    entries = subject_access_entries(victim.pk)
    assert [(e.file_id, e.role, e.privileged_notes_exist) for e in entries] == [
        (spo_file.pk, "protected person", True)
    ]
    assert "weak" not in repr(entries)
    assert subject_access_entries(spo_file.respondent_id)[0].role == "respondent"
