"""Case services: open, join, update, close; the rules they keep."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.apps import apps

from cases.models import Case, CaseLog, CaseParty, PartyRole
from cases.services import (
    CaseError,
    add_log_to_case,
    close_case,
    cross_border_areas,
    officer_user_for,
    open_case,
    update_case,
)
from tests.factories import (
    CaseFactory,
    CrimeLogFactory,
    LogPartyFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
def test_open_case_numbers_and_links_the_logs(coordinator, officer):
    victim, suspect = PersonFactory(), PersonFactory()
    first = CrimeLogFactory(area="NS-NORTH")
    LogPartyFactory(log=first, victim=True, person=victim)
    LogPartyFactory(log=first, suspect=True, person=suspect)
    second = CrimeLogFactory(area="wm")
    LogPartyFactory(log=second, victim=True, person=victim)
    LogPartyFactory(log=second, witness=True, person=PersonFactory())

    case = open_case(
        logs=[first, second],
        relationship="ex_partner",
        summary="  Two incidents.  ",
        owner=coordinator,
        officer_in_charge=officer,
        by=coordinator,
    )
    assert case.reference == "SH-2026-00001"
    assert case.summary == "Two incidents."
    assert set(case.logs.all()) == {first, second}
    # Witnesses are not case parties; victims and suspects are, once each.
    assert set(CaseParty.objects.values_list("person_id", "role")) == {
        (victim.pk, PartyRole.VICTIM),
        (suspect.pk, PartyRole.SUSPECT),
    }
    assert case.cross_border_forces == ["WM"]


def test_adding_a_log_twice_links_it_once(coordinator):
    case = CaseFactory(owner=coordinator)
    log = CrimeLogFactory()
    LogPartyFactory(log=log, victim=True, linked=True)
    add_log_to_case(case=case, log=log, by=coordinator)
    add_log_to_case(case=case, log=log, by=coordinator)
    assert CaseLog.objects.filter(case=case).count() == 1
    assert CaseParty.objects.filter(case=case).count() == 1


def test_a_party_area_outside_the_force_is_cross_border(coordinator, settings):
    settings.HUB_HOME_AREAS = ["NS-NORTH"]
    case = CaseFactory(owner=coordinator, cross_border_forces=["GM"])
    log = CrimeLogFactory(area="NS-NORTH")
    LogPartyFactory(log=log, suspect=True, area="wm ")
    add_log_to_case(case=case, log=log, by=coordinator)
    case.refresh_from_db()
    assert case.cross_border_forces == ["GM", "WM"]
    assert cross_border_areas(["ns-north", "", " "]) == set()


def test_a_merged_person_joins_as_the_person_kept(coordinator):
    kept = PersonFactory()
    merged = PersonFactory(merged_into=kept)
    log = CrimeLogFactory()
    LogPartyFactory(log=log, victim=True, person=merged)
    case = CaseFactory(owner=coordinator)
    add_log_to_case(case=case, log=log, by=coordinator)
    assert list(CaseParty.objects.values_list("person_id", flat=True)) == [kept.pk]


def test_a_closed_case_takes_no_more_logs(coordinator):
    case = CaseFactory(owner=coordinator, closed=True)
    with pytest.raises(CaseError, match="closed"):
        add_log_to_case(case=case, log=CrimeLogFactory(), by=coordinator)
    assert not CaseLog.objects.exists()


def test_only_hub_staff_open_or_own_cases(coordinator, officer, solicitor):
    with pytest.raises(CaseError):
        open_case(
            logs=[],
            relationship="unknown",
            summary="",
            owner=coordinator,
            officer_in_charge=None,
            by=solicitor,
        )
    with pytest.raises(CaseError, match="owned by"):
        open_case(
            logs=[],
            relationship="unknown",
            summary="",
            owner=officer,
            officer_in_charge=None,
            by=coordinator,
        )
    with pytest.raises(CaseError, match="relationship"):
        open_case(
            logs=[],
            relationship="pen-pal",
            summary="",
            owner=coordinator,
            officer_in_charge=None,
            by=coordinator,
        )
    assert not Case.objects.exists()


def test_update_case_keeps_history(coordinator, tactical_lead, officer):
    case = CaseFactory(owner=coordinator)
    update_case(
        case=case,
        owner=tactical_lead,
        officer_in_charge=officer,
        relationship="stranger",
        summary="Handed over.",
        by=coordinator,
    )
    case.refresh_from_db()
    assert (case.owner, case.officer_in_charge, case.relationship) == (
        tactical_lead,
        officer,
        "stranger",
    )
    events = apps.get_model("cases", "CaseEvent").objects.filter(pgh_obj_id=case.pk)
    assert events.count() == 2  # the insert and the change


@time_machine.travel(datetime(2026, 7, 9, 15, 30, tzinfo=UTC))
def test_close_case(coordinator):
    case = CaseFactory(owner=coordinator)
    close_case(case=case, closure_reason="convicted", outcome_notes="Guilty plea.", by=coordinator)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.closed_at == datetime(2026, 7, 9, 15, 30, tzinfo=UTC)
    assert (case.closure_reason, case.outcome_notes) == ("convicted", "Guilty plea.")


@pytest.mark.parametrize(
    ("reason", "notes", "message"),
    [("", "x", "Choose why"), ("made_up", "x", "Choose why"), ("other", "  ", "what came of")],
)
def test_close_case_rules(coordinator, reason, notes, message):
    case = CaseFactory(owner=coordinator)
    with pytest.raises(CaseError, match=message):
        close_case(case=case, closure_reason=reason, outcome_notes=notes, by=coordinator)
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_a_closed_case_cannot_close_again(coordinator):
    case = CaseFactory(owner=coordinator, closed=True)
    with pytest.raises(CaseError, match="already closed"):
        close_case(case=case, closure_reason="other", outcome_notes="x", by=coordinator)


def test_officer_user_for_matches_email_or_collar_number(home_force):
    officer = UserFactory(email="pc.ray@example.test", collar_number="NS101", agency=home_force)
    UserFactory(email="gone@example.test", is_active=False, agency=home_force)
    assert officer_user_for("PC.Ray@example.test") == officer
    assert officer_user_for(" ns101 ") == officer
    assert officer_user_for("gone@example.test") is None
    assert officer_user_for("") is None


def test_demo_seeding_opens_cases_and_gives_officers_feedback_once():
    from cases.selectors import officer_feedback
    from foundation.accounts.models import User
    from stalking_hub.demo.accounts import demo_email, seed_accounts
    from stalking_hub.demo.cases import seed_cases

    seed_accounts()
    made = seed_cases()
    assert made > 0
    cases = Case.objects.count()
    assert cases >= 5
    assert Case.objects.filter(status=Case.Status.CLOSED).exists()
    assert CaseParty.objects.exists()
    officer = User.objects.get(email=demo_email("officer"))
    assert officer_feedback(officer).exists()
    # Idempotent: a second run changes nothing.
    assert seed_cases() == 0
    assert Case.objects.count() == cases
