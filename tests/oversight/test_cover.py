"""Cover and deputising: a cover grants exactly the covered role for its period, through the
same predicates every door uses; actions under it are marked in the access audit; the rules
refuse bad covers with nothing saved; notifications and work reach the person covering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from foundation.accounts import cover as covers
from foundation.accounts.models import Agency, Role, RoleCover
from foundation.accounts.roles import is_hub_manager, is_tactical_lead
from foundation.audit.models import AccessRecord
from oversight.models import OversightReview
from referrals.notifications import send_templated
from tests.factories import AgencyFactory, DirectionFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
END = datetime(2026, 6, 8, 8, 0, tzinfo=UTC)


@pytest.fixture
def system_admin(home_force):
    return UserFactory(email="sysadmin@example.test", roles=[Role.ADMIN], agency=home_force)


@pytest.fixture
def cover(coordinator, tactical_lead, system_admin) -> RoleCover:
    with time_machine.travel(START - timedelta(days=1), tick=False):
        return covers.create_cover(
            user=coordinator,
            role=Role.TACTICAL_LEAD,
            covered_user=tactical_lead,
            starts_at=START,
            ends_at=END,
            by=system_admin,
        )


def review_page(client, plan, user) -> int:
    # Signed in afresh at each moment: sessions expire after 30 idle minutes.
    client.force_login(user)
    return client.get(reverse("oversight:review_create", args=[plan.pk])).status_code


def test_the_cover_grants_the_role_from_its_start_to_one_second_before_its_end(
    client, cover, coordinator, plan
):
    moments = [
        (START - timedelta(seconds=1), 404),
        (START, 200),
        (END - timedelta(seconds=1), 200),
        (END, 404),
        (END + timedelta(seconds=1), 404),
    ]
    for moment, status in moments:
        with time_machine.travel(moment, tick=False):
            assert review_page(client, plan, coordinator) == status, moment
            # The same predicate every door asks: nothing else decides.
            coordinator.forget_covers()
            assert is_tactical_lead(coordinator) is (status == 200)
    # The coordinator's own role is untouched throughout.
    assert is_hub_manager(coordinator)


def test_ending_early_takes_the_role_away_at_once_and_is_recorded(
    client, cover, coordinator, tactical_lead, plan
):
    middle = START + timedelta(days=2)
    with time_machine.travel(middle, tick=False):
        assert review_page(client, plan, coordinator) == 200
        client.force_login(tactical_lead)  # back from leave early: ends their own cover
        response = client.post(reverse("oversight:cover_end", args=[cover.pk]))
        assert response.status_code == 302
        assert review_page(client, plan, coordinator) == 404
    cover.refresh_from_db()
    assert (cover.ended_early_at, cover.ended_early_by) == (middle, tactical_lead)
    assert cover.effective_end == middle
    # Audited: the history of the cover and the door's record of who ended it.
    assert RoleCover.pgh_event_model.objects.filter(
        pgh_obj=cover, ended_early_by=tactical_lead
    ).exists()
    assert AccessRecord.objects.filter(
        user=tactical_lead, object_type="accounts.rolecover", need="end_early", outcome="allowed"
    ).exists()


def test_actions_under_cover_are_marked_in_the_audit_and_on_the_record(
    client, cover, coordinator, plan, auditor, system_admin
):
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        client.force_login(coordinator)
        # Reading the case is the coordinator's own right: not under cover.
        client.get(reverse("cases:detail", args=[plan.case_id]))
        response = client.post(
            reverse("oversight:review_create", args=[plan.pk]),
            {"summary": "Reviewed while the tactical lead is on leave.", "next_review_on": ""},
        )
        assert response.status_code == 302
    review = OversightReview.objects.get()
    assert review.reviewed_by == coordinator
    assert review.under_cover == cover
    case_read = AccessRecord.objects.get(
        user=coordinator, object_type="cases.case", need="read", object_id=str(plan.case_id)
    )
    assert case_read.under_cover is None
    lead = AccessRecord.objects.filter(
        user=coordinator, object_type="oversight.investigationplan", need="lead"
    )
    assert lead.count() == 1
    assert lead.get().under_cover == cover
    # The plan page shows it on the review.
    with time_machine.travel(START + timedelta(hours=4), tick=False):
        client.force_login(coordinator)
        page = client.get(reverse("oversight:plan", args=[plan.pk])).content.decode()
    assert f"approved by {system_admin.full_name}, acting for the tactical lead" in page
    # The auditor sees it, and can list only what was done under cover.
    client.force_login(auditor)
    page = client.get(reverse("audit:access_records"), {"under_cover": "on"})
    assert page.status_code == 200
    rows = list(page.context["page"])
    assert rows
    assert all(record.under_cover_id == cover.pk for record in rows)
    assert "acting for the tactical lead" in page.content.decode()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("overlap", "already covered"),
        ("partner_covers_lead", "different"),
        ("coordinator_approves_lead", "system administrator"),
        ("own_approval", "approves their own"),
        ("role_not_held", "does not hold"),
        ("self", "own role"),
        ("admin_role", "cannot be covered"),
        ("backwards", "end after"),
        ("past", "already be over"),
    ],
)
def test_bad_covers_are_refused_with_nothing_saved(
    case, message, coordinator, tactical_lead, partner, system_admin, solicitor, cover
):
    before = RoleCover.objects.count()
    args = {
        "user": coordinator,
        "role": Role.TACTICAL_LEAD,
        "covered_user": tactical_lead,
        "starts_at": END + timedelta(days=1),
        "ends_at": END + timedelta(days=3),
        "by": system_admin,
    }
    if case == "overlap":
        args |= {"user": solicitor, "starts_at": END - timedelta(days=1)}
    elif case == "partner_covers_lead":
        args |= {"user": partner}
    elif case == "coordinator_approves_lead":
        args |= {"user": solicitor, "by": coordinator}
    elif case == "own_approval":
        args |= {"role": Role.SOLICITOR, "covered_user": solicitor, "by": coordinator}
    elif case == "role_not_held":
        args |= {"covered_user": solicitor}
    elif case == "self":
        args |= {"user": tactical_lead}
    elif case == "admin_role":
        args |= {"role": Role.ADMIN}
    elif case == "backwards":
        args |= {"ends_at": args["starts_at"] - timedelta(hours=1)}
    elif case == "past":
        args |= {"starts_at": START - timedelta(days=30), "ends_at": START - timedelta(days=20)}
    with time_machine.travel(START, tick=False), pytest.raises(covers.CoverError, match=message):
        covers.create_cover(**args)
    assert RoleCover.objects.count() == before


def test_a_partner_in_the_force_may_still_not_cover_a_hub_role(
    tactical_lead, system_admin, home_force
):
    odd = UserFactory(roles=[Role.PARTNER], agency=home_force)
    with pytest.raises(covers.CoverError, match="partner or ISAC"):
        covers.create_cover(
            user=odd,
            role=Role.TACTICAL_LEAD,
            covered_user=tactical_lead,
            starts_at=START,
            ends_at=END,
            by=system_admin,
            now=START,
        )


def test_an_isac_covers_another_isacs_caseload_and_gets_their_work_and_mail(
    client, isac, isac_service, coordinator
):
    colleague = UserFactory(roles=[Role.ISAC], agency=isac_service, email="isac-away@example.test")
    referral = ReferralFactory(agency=isac_service, active=True, caseworker=colleague)
    with time_machine.travel(START, tick=False):
        covers.create_cover(
            user=isac,
            role=Role.ISAC,
            covered_user=colleague,
            starts_at=START,
            ends_at=END,
            by=coordinator,
        )
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        client.force_login(isac)
        response = client.get(reverse("oversight:covered_work"))
        assert response.status_code == 200
        assert referral.reference in response.content.decode()
        # A new notification addressed to the absent caseworker reaches both.
        send_templated(
            "referral_allocated",
            {"reference": "RF-1", "case_reference": "SH-1", "agency": "x", "path": "/"},
            [colleague],
        )
    assert sorted(message.to[0] for message in mail.outbox) == sorted([colleague.email, isac.email])
    # After the cover, the list is gone and mail goes to the caseworker only.
    with time_machine.travel(END + timedelta(seconds=1), tick=False):
        client.force_login(isac)
        assert client.get(reverse("oversight:covered_work")).status_code == 404
        mail.outbox.clear()
        send_templated(
            "referral_allocated",
            {"reference": "RF-1", "case_reference": "SH-1", "agency": "x", "path": "/"},
            [colleague],
        )
    assert [message.to[0] for message in mail.outbox] == [colleague.email]


def test_an_officer_covering_another_sees_and_answers_their_directions(
    client, officer, home_force, coordinator, tactical_lead
):
    away = UserFactory(roles=[Role.OFFICER], agency=home_force, email="away@example.test")
    direction = DirectionFactory(officer=away, due_on=(START + timedelta(days=3)).date())
    with time_machine.travel(START, tick=False):
        covers.create_cover(
            user=officer,
            role=Role.OFFICER,
            covered_user=away,
            starts_at=START,
            ends_at=END,
            by=coordinator,
        )
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        client.force_login(officer)
        page = client.get(reverse("cases:my_logs")).content.decode()
        assert direction.case.reference in page
        assert "you cover" in page
        response = client.post(reverse("oversight:direction_acknowledge", args=[direction.pk]))
        assert response.status_code == 302
    direction.refresh_from_db()
    assert direction.status == "acknowledged"
    update = direction.updates.get()
    assert update.by == officer
    assert update.under_cover is not None
    with time_machine.travel(END + timedelta(seconds=1), tick=False):
        client.force_login(officer)
        response = client.get(reverse("oversight:direction", args=[direction.pk]))
        assert response.status_code == 404


def test_the_cover_pages_are_for_those_who_approve(
    client, coordinator, tactical_lead, officer, isac
):
    for user, status in ((coordinator, 200), (tactical_lead, 200), (officer, 404), (isac, 404)):
        client.force_login(user)
        assert client.get(reverse("oversight:covers")).status_code == status
        assert client.get(reverse("oversight:cover_create")).status_code == status


def test_the_cover_form_saves_through_the_rules(client, coordinator, solicitor, home_force):
    second = UserFactory(roles=[Role.SOLICITOR], agency=home_force, full_name="Second Solicitor")
    client.force_login(coordinator)
    with time_machine.travel(START, tick=False):
        response = client.post(
            reverse("oversight:cover_create"),
            {
                "user": second.pk,
                "role": Role.SOLICITOR,
                "covered_user": solicitor.pk,
                "starts_at": "2026-06-01T10:00",
                "ends_at": "2026-06-05T18:00",
            },
        )
        assert response.status_code == 302
        response = client.post(
            reverse("oversight:cover_create"),
            {
                "user": UserFactory(roles=[Role.SOLICITOR], agency=home_force).pk,
                "role": Role.SOLICITOR,
                "covered_user": solicitor.pk,
                "starts_at": "2026-06-02T10:00",
                "ends_at": "2026-06-03T18:00",
            },
        )
    assert response.status_code == 200
    assert "already covered" in response.content.decode()
    assert RoleCover.objects.count() == 1


def test_agency_kinds_limit_the_roles_a_cover_can_give(system_admin, coordinator):
    probation = AgencyFactory(name="Probation Two", kind=Agency.Kind.PROBATION)
    partner_a = UserFactory(roles=[Role.PARTNER], agency=probation)
    partner_b = UserFactory(roles=[Role.PARTNER], agency=probation)
    covers.create_cover(
        user=partner_a,
        role=Role.PARTNER,
        covered_user=partner_b,
        starts_at=START,
        ends_at=END,
        by=coordinator,
        now=START,
    )
    # A probation user holding the officer role by mistake cannot pass it on by cover.
    misfiled = UserFactory(roles=[Role.OFFICER], agency=probation)
    with pytest.raises(covers.CoverError, match="agency may not hold"):
        covers.create_cover(
            user=partner_a,
            role=Role.OFFICER,
            covered_user=misfiled,
            starts_at=START,
            ends_at=END,
            by=coordinator,
            now=START,
        )
