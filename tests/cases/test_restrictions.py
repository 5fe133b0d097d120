"""Restricted cases, break-glass and restricted persons (issue 19 part B,
docs/information-management-access.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    BreakGlassAccess,
    CaseLog,
    CaseParty,
    CaseRestriction,
    PartyRole,
    PersonRestriction,
)
from cases.permissions import cases_visible_to, get_case_for_user, logs_visible_to
from cases.services import break_glass, restrict_case, restrict_person
from cases.services.restrictions import link_logs_to_restricted_cases, send_break_glass_alert
from cases.signals.notify import send_high_risk_alert
from foundation.audit.models import AccessRecord
from foundation.outbox.models import OutboxMessage
from foundation.outbox.services import run_message
from tests.factories import CaseFactory, UserFactory
from tests.factories.cases import CrimeLogFactory, LogPartyFactory, PersonFactory
from tests.factories.referrals import ReferralFactory

pytestmark = pytest.mark.django_db

SECRET = "Quillon Restrictedperson"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from foundation.outbox.tasks import run_outbox_message

    monkeypatch.setattr(run_outbox_message, "apply_async", lambda *args, **kwargs: None)


@pytest.fixture
def named(home_force):
    """The one coordinator the tactical lead names on the case (not the coordinator persona)."""
    return UserFactory(email="named@example.test", roles=["coordinator"], agency=home_force)


@pytest.fixture
def restricted(coordinator, tactical_lead, named):
    case = CaseFactory(owner=coordinator)
    suspect = PersonFactory(name=SECRET)
    CaseParty.objects.create(case=case, person=suspect, role=PartyRole.SUSPECT)
    restrict_case(
        case=case, members=[named], reason="The suspect is a serving officer.", by=tactical_lead
    )
    return case


def denied(user, case) -> bool:
    return AccessRecord.objects.filter(
        user=user, object_type="cases.case", object_id=str(case.pk), outcome="denied"
    ).exists()


# --- Restricted cases -----------------------------------------------------------------------


def test_only_named_users_open_a_restricted_case(
    client, restricted, named, tactical_lead, coordinator, solicitor
):
    for user in (named, tactical_lead):
        client.force_login(user)
        response = client.get(reverse("cases:detail", args=[restricted.pk]))
        assert response.status_code == 200
        assert "Restricted case." in response.content.decode()
    for user in (coordinator, solicitor):
        client.force_login(user)
        response = client.get(reverse("cases:detail", args=[restricted.pk]))
        assert response.status_code == 404
        assert SECRET not in response.content.decode()
        assert denied(user, restricted)


def test_a_restricted_case_leaves_the_lists_and_the_search(client, restricted, coordinator):
    other = CaseFactory(owner=coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("cases:list")).content.decode()
    assert other.reference in page
    assert restricted.reference not in page
    found = client.post(reverse("cases:case_search"), {"search-text": restricted.reference})
    assert found.context["hits"] == []


def test_a_restriction_overrides_every_share(client, restricted, isac, coordinator):
    from cases.services import share_case

    share_case(case=restricted, agency=isac.agency, facets=["existence"], by=coordinator)
    client.force_login(isac)
    assert client.get(reverse("cases:detail", args=[restricted.pk])).status_code == 404
    assert restricted not in cases_visible_to(isac)


def test_the_tactical_lead_restricts_a_case_and_lifts_it(client, tactical_lead, coordinator, named):
    case = CaseFactory(owner=coordinator)
    client.force_login(tactical_lead)
    url = reverse("cases:restrict", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"members": [named.pk], "reason": "A high-profile suspect."})
    assert response.status_code == 302
    restriction = CaseRestriction.objects.get(case=case)
    assert set(restriction.members.all()) == {named, tactical_lead}
    assert AccessRecord.objects.filter(
        user=tactical_lead, object_id=str(case.pk), need="restrict"
    ).exists()
    client.force_login(coordinator)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    client.force_login(tactical_lead)
    client.post(reverse("cases:lift_restriction", args=[case.pk]))
    assert not CaseRestriction.objects.filter(case=case).exists()
    client.force_login(coordinator)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_a_restriction_needs_a_reason_and_saves_nothing_without_one(
    client, tactical_lead, coordinator, named
):
    case = CaseFactory(owner=coordinator)
    client.force_login(tactical_lead)
    response = client.post(
        reverse("cases:restrict", args=[case.pk]), {"members": [named.pk], "reason": "short"}
    )
    assert response.status_code == 400
    assert "at least 10 characters" in response.content.decode()
    assert not CaseRestriction.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator", "solicitor", "auditor"], indirect=True)
def test_only_the_tactical_lead_restricts(client, persona, coordinator):
    case = CaseFactory(owner=coordinator)
    client.force_login(persona)
    assert client.get(reverse("cases:restrict", args=[case.pk])).status_code == 404
    assert not CaseRestriction.objects.exists()


def test_the_admin_gets_404_on_a_restricted_case(client, restricted, admin_user):
    client.force_login(admin_user)
    listing = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert restricted.reference not in listing
    response = client.get(reverse("admin:cases_case_change", args=[restricted.pk]))
    assert response.status_code == 404
    assert denied(admin_user, restricted)


def test_the_sweep_links_new_logs_and_tells_only_the_named_users(
    restricted, named, tactical_lead, coordinator
):
    suspect = restricted.parties.get().person
    log = CrimeLogFactory(high_risk=True)
    LogPartyFactory(log=log, person=suspect, role=PartyRole.SUSPECT, position=0)
    link_logs_to_restricted_cases(log_ids=[log.pk], now=NOW)
    link_logs_to_restricted_cases(log_ids=[log.pk], now=NOW)  # twice: linked and told once
    assert CaseLog.objects.filter(case=restricted, log=log).count() == 1
    message = OutboxMessage.objects.get(handler="cases.send_restricted_case_alert")
    run_message(message_id=message.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([named.email, tactical_lead.email])
    assert SECRET not in mail.outbox[0].body
    # The coordinators' high-risk alert leaves the restricted case's log out.
    mail.outbox.clear()
    send_high_risk_alert(log_ids=[log.pk])
    assert mail.outbox == []
    # The coordinator does not see the linked log either.
    assert log not in logs_visible_to(coordinator)


def test_the_sweep_links_a_log_only_where_the_person_has_the_cases_role_on_that_log(restricted):
    suspect = restricted.parties.get().person
    earlier = CrimeLogFactory()
    LogPartyFactory(log=earlier, person=suspect, role=PartyRole.SUSPECT, position=0)
    # The new log names the case's suspect as a victim: not the same role, not linked.
    log = CrimeLogFactory()
    LogPartyFactory(log=log, person=suspect, role=PartyRole.VICTIM, position=0)
    link_logs_to_restricted_cases(log_ids=[log.pk], now=NOW)
    # Neither the new log nor the earlier one (outside the batch) joins the case.
    assert not CaseLog.objects.filter(case=restricted).exists()


# --- Break-glass ----------------------------------------------------------------------------


def test_a_coordinator_breaks_glass_with_a_reason_and_the_lead_and_auditor_are_told(
    client, restricted, coordinator, tactical_lead, auditor
):
    client.force_login(coordinator)
    url = reverse("cases:break_glass")
    response = client.post(
        url, {"reference": restricted.reference, "reason": "Victim at risk tonight."}
    )
    assert response.status_code == 302
    assert client.get(reverse("cases:detail", args=[restricted.pk])).status_code == 200
    access = BreakGlassAccess.objects.get()
    assert access.expires_at - access.started_at == timedelta(hours=4)
    message = OutboxMessage.objects.get(handler="cases.send_break_glass_alert")
    run_message(message_id=message.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([tactical_lead.email, auditor.email])
    assert SECRET not in mail.outbox[0].body
    assert "Victim at risk" not in mail.outbox[0].body
    client.force_login(auditor)
    page = client.get(reverse("cases:break_glass_list")).content.decode()
    assert restricted.reference in page
    assert "Victim at risk tonight." in page


def test_break_glass_expires(settings, restricted, coordinator):
    settings.HUB_BREAK_GLASS_HOURS = 2
    with time_machine.travel(NOW, tick=False):
        break_glass(case=restricted, by=coordinator, reason="Victim at risk tonight.", now=NOW)
        assert get_case_for_user(coordinator, restricted.pk) == restricted
    with time_machine.travel(NOW + timedelta(hours=2) - timedelta(seconds=1), tick=False):
        assert restricted in cases_visible_to(coordinator)
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        assert restricted not in cases_visible_to(coordinator)


def test_break_glass_needs_a_reason_and_a_restricted_case(client, restricted, coordinator):
    client.force_login(coordinator)
    url = reverse("cases:break_glass")
    short = client.post(url, {"reference": restricted.reference, "reason": "now"})
    assert short.status_code == 400
    unknown = client.post(url, {"reference": "SH-NOPE", "reason": "Victim at risk tonight."})
    assert unknown.status_code == 400
    assert "No restricted case" in unknown.content.decode()
    open_case = CaseFactory(owner=coordinator)
    plain = client.post(url, {"reference": open_case.reference, "reason": "Victim at risk."})
    assert plain.status_code == 400
    assert not BreakGlassAccess.objects.exists()
    assert not OutboxMessage.objects.filter(handler="cases.send_break_glass_alert").exists()


@pytest.mark.parametrize("persona", ["isac", "partner", "officer", "auditor"], indirect=True)
def test_only_the_hubs_staff_break_glass(client, persona, restricted):
    client.force_login(persona)
    assert client.get(reverse("cases:break_glass")).status_code == 404


def test_break_glass_never_opens_isac_casework(client, restricted, coordinator, isac_service):
    referral = ReferralFactory(case=restricted, agency=isac_service, active=True)
    now = timezone.now()
    break_glass(case=restricted, by=coordinator, reason="Victim at risk tonight.", now=now)
    client.force_login(coordinator)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200
    assert client.get(reverse("referrals:casework", args=[referral.pk])).status_code == 404


def test_the_alert_skips_nobody_when_no_lead_is_active(restricted, coordinator, auditor):
    access = break_glass(case=restricted, by=coordinator, reason="Victim at risk tonight.", now=NOW)
    send_break_glass_alert(access_id=access.pk)
    assert auditor.email in [m.to[0] for m in mail.outbox]


# --- Restricted persons ---------------------------------------------------------------------


@pytest.fixture
def person_on_cases(coordinator, information_manager):
    person = PersonFactory(name=SECRET)
    plain = CaseFactory(owner=coordinator)
    live_high = CaseFactory(owner=coordinator, current_risk="high")
    for case in (plain, live_high):
        CaseParty.objects.create(case=case, person=person, role=PartyRole.VICTIM)
    log = CrimeLogFactory()
    LogPartyFactory(log=log, person=person, role=PartyRole.VICTIM, position=0)
    restrict_person(person=person, reason="Accuracy contested (s.47).", by=information_manager)
    return person, plain, live_high, log


def test_a_restricted_persons_records_are_hidden_but_a_live_high_risk_case_stays(
    client, person_on_cases, coordinator
):
    _person, plain, live_high, log = person_on_cases
    client.force_login(coordinator)
    assert client.get(reverse("cases:detail", args=[plain.pk])).status_code == 404
    assert client.get(reverse("cases:log_detail", args=[log.pk])).status_code == 404
    page = client.get(reverse("cases:detail", args=[live_high.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert SECRET not in body
    assert "Details withheld" in body


def test_a_restricted_person_overrides_a_share_even_on_a_high_risk_case(
    client, person_on_cases, isac, coordinator
):
    from cases.services import share_case

    _, _, live_high, _ = person_on_cases
    share_case(case=live_high, agency=isac.agency, facets=["victim_identity"], by=coordinator)
    client.force_login(isac)
    assert client.get(reverse("cases:detail", args=[live_high.pk])).status_code == 404


def test_the_information_manager_restricts_and_lifts(client, information_manager, coordinator):
    person = PersonFactory(name=SECRET)
    case = CaseFactory(owner=coordinator)
    CaseParty.objects.create(case=case, person=person, role=PartyRole.SUSPECT)
    client.force_login(information_manager)
    found = client.post(reverse("cases:restricted_people"), {"find-name": "quillon"})
    assert SECRET in found.content.decode()
    url = reverse("cases:person_restrict", args=[person.pk])
    bad = client.post(url, {"reason": "no"})
    assert bad.status_code == 400
    assert not PersonRestriction.objects.exists()
    client.post(url, {"reason": "Accuracy contested under s.47."})
    assert PersonRestriction.objects.filter(person=person).exists()
    page = client.get(url).content.decode()
    assert "is restricted" in page
    client.force_login(coordinator)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    client.force_login(information_manager)
    client.post(reverse("cases:person_lift_restriction", args=[person.pk]))
    client.force_login(coordinator)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["coordinator", "tactical_lead", "auditor"], indirect=True)
def test_only_the_information_manager_restricts_persons(client, persona):
    person = PersonFactory(name=SECRET)
    client.force_login(persona)
    assert client.get(reverse("cases:restricted_people")).status_code == 404
    assert client.get(reverse("cases:person_restrict", args=[person.pk])).status_code == 404


def test_dashboard_counts_still_include_restricted_records(person_on_cases, coordinator):
    from django.utils import timezone

    from cases.figures import review_queue_figure
    from cases.models import CrimeLog

    _, _, _, log = person_on_cases
    CrimeLog.objects.filter(pk=log.pk).update(review_state=CrimeLog.ReviewState.AWAITING)
    # The dashboard's figure counts the log (a number, no reference); the queue hides it.
    assert review_queue_figure(timezone.now()).size == 1
    assert not logs_visible_to(coordinator).filter(pk=log.pk).exists()


def test_break_glass_never_opens_privileged_legal_notes(client, restricted, solicitor):
    from legal import services as legal
    from tests.legal.conftest import open_spo

    file = open_spo(restricted, solicitor)
    legal.update_file(file=file, by=solicitor, privileged_notes="PRIVILEGED-NOTE weak case")
    break_glass(case=restricted, by=solicitor, reason="Hearing this morning.", now=timezone.now())
    client.force_login(solicitor)
    page = client.get(reverse("legal:file", args=[file.pk]))
    assert page.status_code == 200
    assert "PRIVILEGED-NOTE" not in page.content.decode()
    assert client.get(reverse("legal:file_edit", args=[file.pk])).status_code == 404
