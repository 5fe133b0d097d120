"""Partner access opens at publication and closes after the window: 404 on the case and the
agenda item after, the partner's own action still visible with the case reference only.
Removing an item from a published agenda ends its share; bad publishing is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from cases.models import CaseShare, Facet
from clinic.errors import ClinicError
from clinic.services.agenda import CLINIC_FACETS, publish_agenda, remove_item
from tests.clinic.conftest import DISCUSSION_SECRET, VICTIM_NAME
from tests.factories.clinic import AgendaItemFactory, ClinicMeetingFactory

pytestmark = pytest.mark.django_db


def test_partner_sees_nothing_before_publication(client, item, partner):
    client.force_login(partner)
    assert client.get(reverse("clinic:item_detail", args=[item.pk])).status_code == 404
    assert client.get(reverse("cases:detail", args=[item.case_id])).status_code == 404
    response = client.get(reverse("clinic:meeting_detail", args=[item.meeting_id]))
    assert response.status_code == 200  # invited: the meeting, not its cases
    assert item.case.reference not in response.content.decode()


def test_publication_shares_each_case_with_each_invited_agency(published, partner, isac):
    shares = CaseShare.objects.filter(case=published.case)
    assert {share.agency_id for share in shares} == {partner.agency_id, isac.agency_id}
    assert all(set(share.facets) == set(CLINIC_FACETS) for share in shares)
    assert Facet.RISK_FULL not in CLINIC_FACETS
    assert Facet.LOG_SUMMARIES not in CLINIC_FACETS
    end = published.meeting.ends_at + timedelta(days=14)
    assert all(share.ends_at == end for share in shares)
    assert set(published.shares.all()) == set(shares)


def test_partner_access_opens_at_publication_and_closes_after_the_window(
    client, published, partner, partner_action, outsider_partner
):
    item = published
    client.force_login(partner)
    page = client.get(reverse("clinic:item_detail", args=[item.pk]))
    assert page.status_code == 200
    assert VICTIM_NAME in page.content.decode()
    assert client.get(reverse("cases:detail", args=[item.case_id])).status_code == 200
    client.force_login(outsider_partner)
    assert client.get(reverse("clinic:item_detail", args=[item.pk])).status_code == 404

    after = item.meeting.ends_at + timedelta(days=14, minutes=1)
    with time_machine.travel(after, tick=False):
        client.force_login(partner)
        for url in (
            reverse("clinic:item_detail", args=[item.pk]),
            reverse("cases:detail", args=[item.case_id]),
        ):
            response = client.get(url)
            assert response.status_code == 404
            assert VICTIM_NAME not in response.content.decode()
        actions = client.get(reverse("clinic:action_list"))
        body = actions.content.decode()
        assert partner_action.reference in body
        assert item.case.reference in body
        assert reverse("cases:detail", args=[item.case_id]) not in body
        detail = client.get(reverse("clinic:action_detail", args=[partner_action.pk]))
        assert detail.status_code == 200
        assert DISCUSSION_SECRET not in detail.content.decode()


def test_removing_an_item_from_a_published_agenda_ends_its_share(
    published, coordinator, partner, client
):
    share_ids = list(published.shares.values_list("pk", flat=True))
    remove_item(item=published, by=coordinator)
    assert all(share.ended_at is not None for share in CaseShare.objects.filter(pk__in=share_ids))
    client.force_login(partner)
    assert client.get(reverse("cases:detail", args=[published.case_id])).status_code == 404


def test_publishing_with_no_invitees_is_refused(coordinator, clinic_case):
    meeting = ClinicMeetingFactory()
    AgendaItemFactory(meeting=meeting, referral__case=clinic_case)
    with pytest.raises(ClinicError, match="no invitees"):
        publish_agenda(meeting=meeting, by=coordinator)
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is None
    assert not CaseShare.objects.exists()


def test_publishing_twice_is_refused(published, coordinator):
    with pytest.raises(ClinicError, match="already published"):
        publish_agenda(meeting=published.meeting, by=coordinator)


def test_every_invited_agency_sees_every_agencys_research(client, published, partner, isac):
    from clinic.services.agenda import record_research

    record_research(item=published, summary="Probation: on licence until 2027.", by=partner)
    record_research(item=published, summary="ISAC: victim wants a non-contact condition.", by=isac)
    client.force_login(partner)
    body = client.get(reverse("clinic:item_detail", args=[published.pk])).content.decode()
    assert "on licence until 2027" in body
    assert "non-contact condition" in body


def test_an_agency_user_updates_their_agencys_action(client, item, partner, outsider_partner):
    from tests.factories.clinic import ActionFactory

    action = ActionFactory(item=item, owner_agency=partner.agency)
    url = reverse("clinic:action_detail", args=[action.pk])
    client.force_login(outsider_partner)
    assert client.post(url, {"status": "done"}).status_code == 404
    client.force_login(partner)
    assert client.post(url, {"status": "done", "note": "Licence checked."}).status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    assert action.completed_at is not None


def test_the_next_agenda_shows_outstanding_actions_on_a_returning_case(
    client, item, coordinator, partner
):
    from tests.factories.clinic import ActionFactory, AgendaItemFactory, ClinicReferralFactory

    earlier = ActionFactory(item=item, owner_agency=partner.agency, description="Earlier action")
    later = ClinicMeetingFactory(starts_at=item.meeting.starts_at + timedelta(days=14))
    returning = AgendaItemFactory(meeting=later, referral=ClinicReferralFactory(case=item.case))
    client.force_login(coordinator)
    body = client.get(reverse("clinic:item_detail", args=[returning.pk])).content.decode()
    assert "Outstanding actions from earlier meetings" in body
    assert earlier.reference in body
