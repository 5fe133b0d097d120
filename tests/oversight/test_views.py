"""Every oversight page for every role persona (docs/access.md, "Investigative oversight"):
allowed, or 404 with no data and the denied attempt recorded; shares and order files; the
officer's acknowledgement on their feedback page; query counts of the list at two sizes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Facet, RiskLevel
from cases.services import share_case
from foundation.audit.models import AccessRecord
from oversight import services
from oversight.models import Direction
from tests.conftest import ROLE_FIXTURES
from tests.factories import CaseFactory, DirectionFactory

pytestmark = pytest.mark.django_db

SECRET = "DIRECTION-SECRET interview the neighbour"


@pytest.fixture
def direction(plan, tactical_lead) -> Direction:
    return services.give_direction(
        case=plan.case,
        text=SECRET,
        due_on=timezone.localdate() + timedelta(days=5),
        plan_line=plan.lines.first(),
        by=tactical_lead,
    )


def _persona(request, role: str):
    return request.getfixturevalue(role)


# (url name, how to build its args, method, the personas allowed)
PAGES = [
    ("oversight:plan", "plan", "get", {"coordinator", "tactical_lead", "officer"}),
    ("oversight:direction_create", "plan", "get", {"tactical_lead"}),
    ("oversight:review_create", "plan", "get", {"tactical_lead"}),
    ("oversight:line", "line", "get", {"tactical_lead", "officer"}),
    ("oversight:direction", "direction", "get", {"coordinator", "tactical_lead", "officer"}),
]


@pytest.mark.parametrize(("url_name", "target", "method", "allowed"), PAGES)
@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_record_pages_for_every_role(
    client, request, direction, plan, url_name, target, method, allowed, role
):
    user = _persona(request, role)
    pk = {"plan": plan.pk, "line": plan.lines.first().pk, "direction": direction.pk}[target]
    client.force_login(user)
    AccessRecord.objects.all().count()  # (nothing to clear: the table is append-only)
    before = AccessRecord.objects.filter(user=user, outcome="denied").count()
    last = AccessRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = getattr(client, method)(reverse(url_name, args=[pk]))
    outcomes = set(
        AccessRecord.objects.filter(pk__gt=last, user=user).values_list("outcome", flat=True)
    )
    # The audit outcome of the cell: allowed and nothing denied, or denied and nothing allowed.
    assert outcomes == {"allowed" if role in allowed else "denied"}, (url_name, role, outcomes)
    if role in allowed:
        assert response.status_code == 200, (url_name, role)
    else:
        assert response.status_code == 404, (url_name, role)
        body = response.content.decode()
        assert SECRET not in body
        assert plan.case.reference not in body
        assert "<table" not in body
        assert AccessRecord.objects.filter(user=user, outcome="denied").count() == before + 1


POSTS = [
    ("oversight:plan_start", "case", {"tactical_lead"}, {}),
    ("oversight:line_delegate", "line", {"tactical_lead"}, {"delegated": "on"}),
    ("oversight:direction_acknowledge", "direction", {"officer"}, {}),
    ("oversight:direction_withdraw", "direction", {"tactical_lead"}, {}),
]


@pytest.mark.parametrize(("url_name", "target", "allowed", "data"), POSTS)
@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_actions_for_every_role(
    client, request, direction, plan, coordinator, url_name, target, allowed, data, role
):
    user = _persona(request, role)
    fresh_case = CaseFactory(owner=coordinator, current_risk=RiskLevel.HIGH)
    pk = {
        "case": fresh_case.pk,
        "line": plan.lines.first().pk,
        "direction": direction.pk,
    }[target]
    client.force_login(user)
    last = AccessRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.post(reverse(url_name, args=[pk]), data)
    outcomes = set(
        AccessRecord.objects.filter(pk__gt=last, user=user).values_list("outcome", flat=True)
    )
    assert outcomes == {"allowed" if role in allowed else "denied"}, (url_name, role, outcomes)
    if role in allowed:
        assert response.status_code == 302, (url_name, role)
    else:
        assert response.status_code == 404, (url_name, role)
        assert AccessRecord.objects.filter(user=user, outcome="denied").exists()
    direction.refresh_from_db()
    expected_state = {
        "oversight:direction_acknowledge": "acknowledged",
        "oversight:direction_withdraw": "withdrawn",
    }.get(url_name)
    if expected_state and role not in allowed:
        assert direction.status == "open"
    if expected_state and role in allowed:
        assert direction.status == expected_state


def test_the_coordinator_updates_a_delegated_line(client, plan, tactical_lead, coordinator):
    line = plan.lines.first()
    client.force_login(coordinator)
    assert client.get(reverse("oversight:line", args=[line.pk])).status_code == 404
    services.delegate_plan_line(line=line, delegated=True, by=tactical_lead)
    response = client.post(
        reverse("oversight:line", args=[line.pk]), {"status": "done", "note": "Done."}
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == "done"


def test_a_line_marked_not_applicable_without_a_reason_is_refused(client, plan, tactical_lead):
    line = plan.lines.first()
    client.force_login(tactical_lead)
    response = client.post(reverse("oversight:line", args=[line.pk]), {"status": "na", "note": ""})
    assert response.status_code == 200
    assert "Say why the line does not apply." in response.content.decode()
    line.refresh_from_db()
    assert line.status == "todo"


def test_a_direction_due_yesterday_is_refused_on_the_form(client, plan, tactical_lead):
    client.force_login(tactical_lead)
    response = client.post(
        reverse("oversight:direction_create", args=[plan.pk]),
        {"text": "Late", "due_on": (timezone.localdate() - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert "The due date is in the past." in response.content.decode()
    assert not Direction.objects.exists()


def test_partners_and_isacs_see_oversight_only_through_a_share_carrying_the_facet(
    client, plan, direction, partner, isac, coordinator
):
    url = reverse("oversight:plan", args=[plan.pk])
    share_case(case=plan.case, agency=partner.agency, facets=[Facet.RISK_SUMMARY], by=coordinator)
    client.force_login(partner)
    assert client.get(url).status_code == 404
    case_page = client.get(reverse("cases:detail", args=[plan.case_id])).content.decode()
    assert "Investigative oversight" not in case_page
    share_case(case=plan.case, agency=partner.agency, facets=[Facet.OVERSIGHT], by=coordinator)
    assert client.get(url).status_code == 200
    case_page = client.get(reverse("cases:detail", args=[plan.case_id])).content.decode()
    assert "Investigative oversight" in case_page
    assert AccessRecord.objects.filter(
        user=partner, object_type="cases.case", need=Facet.OVERSIGHT
    ).exists()
    client.force_login(isac)
    assert client.get(url).status_code == 404


def test_the_solicitor_sees_plans_of_cases_with_an_order_file(client, plan, solicitor, fake_orders):
    url = reverse("oversight:plan", args=[plan.pk])
    client.force_login(solicitor)
    assert client.get(url).status_code == 404
    case_page = client.get(reverse("cases:detail", args=[plan.case_id])).content.decode()
    assert "Investigative oversight" not in case_page
    fake_orders.case_ids.add(plan.case_id)
    assert client.get(url).status_code == 200
    case_page = client.get(reverse("cases:detail", args=[plan.case_id])).content.decode()
    assert "Investigative oversight" in case_page


def test_the_case_page_shows_outcomes_and_the_detection_state(client, plan, coordinator):
    from tests.factories import CrimeLogFactory

    charged = CrimeLogFactory(outcome="1", reference="NS/26/CHARGED")
    plan.case.case_logs.create(log=charged, added_by=coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", args=[plan.case_id])).content.decode()
    assert "1 Charged/summonsed" in page
    assert "Charged or summonsed" in page


def test_the_officer_acknowledges_on_their_feedback_page(client, direction, officer, champion):
    client.force_login(champion)
    assert SECRET not in client.get(reverse("cases:my_logs")).content.decode()
    client.force_login(officer)
    page = client.get(reverse("cases:my_logs")).content.decode()
    assert SECRET in page
    assert "Acknowledge" in page
    response = client.post(reverse("oversight:direction_acknowledge", args=[direction.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:my_logs")
    response = client.post(
        reverse("oversight:direction", args=[direction.pk]),
        {"text": "Neighbour interviewed; statement attached to the log.", "done": "on"},
    )
    assert response.status_code == 302
    direction.refresh_from_db()
    assert direction.status == "done"
    # Done: no longer listed as open on the officer's page.
    assert SECRET not in client.get(reverse("cases:my_logs")).content.decode()


def _fill(coordinator, officer, tactical_lead, count: int) -> None:
    for _ in range(count):
        case = CaseFactory(
            owner=coordinator,
            officer_in_charge=officer,
            current_risk=RiskLevel.HIGH,
            current_risk_at=timezone.now() - timedelta(days=30),
        )
        services.start_plan(case=case, by=tactical_lead)
        DirectionFactory(
            case=case, officer=officer, due_on=timezone.localdate() - timedelta(days=2)
        )
        services.record_review(case=case, summary="ok", next_review_on=None, by=tactical_lead)


def test_the_oversight_list_runs_the_same_queries_at_two_sizes(
    client, coordinator, officer, tactical_lead, django_assert_max_num_queries, fake_orders
):
    client.force_login(tactical_lead)
    _fill(coordinator, officer, tactical_lead, 3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("oversight:list"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 3
    _fill(coordinator, officer, tactical_lead, 12)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("oversight:list"))
    assert len(response.context["rows"]) == 15
    assert "overdue" in response.content.decode()


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_ending_a_cover_early_for_every_role(
    client, request, role, solicitor, coordinator, home_force
):
    from foundation.accounts.cover import create_cover
    from foundation.accounts.models import Role, RoleCover
    from tests.factories import UserFactory

    second = UserFactory(roles=[Role.SOLICITOR], agency=home_force)
    now = timezone.now()
    cover = create_cover(
        user=second,
        role=Role.SOLICITOR,
        covered_user=solicitor,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=3),
        by=coordinator,
    )
    user = _persona(request, role)
    client.force_login(user)
    response = client.post(reverse("oversight:cover_end", args=[cover.pk]))
    cover.refresh_from_db()
    # Whoever may approve it (coordinator, tactical lead, the administrator) and the person covered.
    if role in {"coordinator", "tactical_lead", "solicitor", "admin_user"}:
        assert response.status_code == 302
        assert cover.ended_early_by == user
    else:
        assert response.status_code == 404
        assert cover.ended_early_at is None
        assert AccessRecord.objects.filter(
            user=user, object_type="accounts.rolecover", outcome="denied"
        ).exists()
    assert RoleCover.objects.count() == 1
