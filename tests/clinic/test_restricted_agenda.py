"""A restricted case's agenda item stays out of the clinic meeting's pages for everyone the
tactical lead did not name (docs/information-management-access.md), while the rest of the
meeting reads as before."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.services import restrict_case
from tests.clinic.conftest import DISCUSSION_SECRET, SUSPECT_NAME, VICTIM_NAME

pytestmark = pytest.mark.django_db

PAGES = ("clinic:meeting_detail", "clinic:minutes")


@pytest.fixture
def restricted_item(published, item, tactical_lead, solicitor):
    restrict_case(
        case=item.referral.case,
        members=[solicitor],
        reason="The suspect is a serving officer.",
        by=tactical_lead,
    )
    return item


@pytest.mark.parametrize("page", PAGES)
def test_an_unnamed_invitee_sees_the_meeting_without_the_restricted_item(
    client, restricted_item, coordinator, page
):
    client.force_login(coordinator)
    response = client.get(reverse(page, args=[restricted_item.meeting_id]))
    assert response.status_code == 200
    body = response.content.decode()
    for secret in (VICTIM_NAME, SUSPECT_NAME, DISCUSSION_SECRET):
        assert secret not in body
    assert restricted_item.get_absolute_url() not in body
    assert restricted_item.referral.case.reference not in body


def test_a_named_user_still_sees_the_restricted_item(client, restricted_item, solicitor):
    client.force_login(solicitor)
    response = client.get(reverse("clinic:meeting_detail", args=[restricted_item.meeting_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert restricted_item.get_absolute_url() in body
    assert restricted_item.referral.case.reference in body
