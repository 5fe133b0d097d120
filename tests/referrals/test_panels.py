"""The "Referrals" panel on the case page: hub roles only; the tasks read the clock."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from cases.models import CaseShare
from foundation.lib.working_time import LONDON
from referrals import tasks
from referrals.panels import referrals_panel_context
from tests.factories.referrals import ReferralFactory

pytestmark = pytest.mark.django_db


def test_hub_roles_see_the_panel_with_state_and_time(client, coordinator, open_case, isac_service):
    referral = ReferralFactory(case=open_case, agency=isac_service, sent=True)
    client.force_login(coordinator)
    body = client.get(reverse("cases:detail", args=[open_case.pk])).content.decode()
    assert 'id="panel-referrals"' in body
    assert referral.reference in body
    assert isac_service.name in body
    assert f"{reverse('referrals:create')}?case={open_case.pk}" in body


def test_solicitor_sees_the_panel_without_the_refer_button(solicitor, open_case):
    context = referrals_panel_context(open_case, solicitor)
    assert context is not None
    assert context.can_refer is False


@pytest.mark.parametrize("who", ["isac", "partner", "officer", "champion"])
def test_others_do_not_see_the_panel(client, request, who, open_case, isac_service, probation):
    user = request.getfixturevalue(who)
    assert referrals_panel_context(open_case, user) is None
    # Even with the case shared with them, where else it went is not shown.
    CaseShare.objects.create(
        case=open_case,
        agency=user.agency,
        facets=["existence"],
        shared_by=open_case.owner,
    )
    client.force_login(user)
    response = client.get(reverse("cases:detail", args=[open_case.pk]))
    assert 'id="panel-referrals"' not in response.content.decode()


def test_panel_queries_do_not_grow_with_referrals(coordinator, open_case, isac_service):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ReferralFactory.create_batch(2, case=open_case, agency=isac_service, sent=True)
    with CaptureQueriesContext(connection) as few:
        referrals_panel_context(open_case, coordinator)
    ReferralFactory.create_batch(10, case=open_case, agency=isac_service, sent=True)
    with CaptureQueriesContext(connection) as many:
        referrals_panel_context(open_case, coordinator)
    assert len(few) == len(many)


def test_tasks_read_the_clock_and_call_the_sweeps(isac_service, coordinator, isac):
    ReferralFactory(
        agency=isac_service,
        referred_by=coordinator,
        sent=True,
        response_due_at=datetime(2026, 5, 13, 9, 0, tzinfo=LONDON),
    )
    with time_machine.travel(datetime(2026, 5, 13, 10, 0, tzinfo=LONDON), tick=False):
        assert tasks.chase_overdue_referrals() == 1
        assert tasks.chase_overdue_referrals() == 0
        assert tasks.remind_advice_queue() == 0
        assert tasks.remind_safety_plan_reviews() == 0
