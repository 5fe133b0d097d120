"""A clinic world: a meeting with a published agenda of one case shared with probation (the
partner persona's agency) and the ISAC service, the solicitor invited in person; a named
victim and suspect with an address and a phone number that must never leak."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cases.models import CaseParty, PartyRole, PersonAddress
from clinic.services.agenda import publish_agenda
from foundation.outbox.tasks import run_outbox_message
from tests.factories import CaseFactory, PersonFactory
from tests.factories.clinic import (
    ActionFactory,
    AgendaItemFactory,
    ClinicMeetingFactory,
    ClinicReferralFactory,
    InviteeFactory,
)

VICTIM_NAME = "Ottoline Synthetic-Victim"
SUSPECT_NAME = "Barnaby Synthetic-Suspect"
VICTIM_ADDRESS = "12 Quarry Lane, Northtown"
VICTIM_POSTCODE = "NT4 7QX"
DISCUSSION_SECRET = "DISCUSSION-SECRET the suspect waits outside her work"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch) -> list[int]:
    published: list[int] = []
    monkeypatch.setattr(
        run_outbox_message, "apply_async", lambda args, **kwargs: published.append(args[0])
    )
    return published


@pytest.fixture
def victim():
    person = PersonFactory(name=VICTIM_NAME)
    PersonAddress.objects.create(person=person, address=VICTIM_ADDRESS, postcode=VICTIM_POSTCODE)
    return person


@pytest.fixture
def suspect():
    return PersonFactory(name=SUSPECT_NAME)


@pytest.fixture
def clinic_case(coordinator, victim, suspect):
    case = CaseFactory(owner=coordinator, current_risk="high")
    CaseParty.objects.create(case=case, person=victim, role=PartyRole.VICTIM)
    CaseParty.objects.create(case=case, person=suspect, role=PartyRole.SUSPECT)
    return case


@pytest.fixture
def meeting(coordinator, tactical_lead, solicitor, partner, isac):
    meeting = ClinicMeetingFactory(
        starts_at=datetime.now(UTC) + timedelta(days=3), chair=tactical_lead
    )
    for user in (coordinator, tactical_lead, solicitor, partner, isac):
        InviteeFactory(meeting=meeting, user=user)
    return meeting


@pytest.fixture
def item(meeting, clinic_case):
    return AgendaItemFactory(
        meeting=meeting,
        referral=ClinicReferralFactory(case=clinic_case),
        discussion=DISCUSSION_SECRET,
    )


@pytest.fixture
def published(item, coordinator):
    publish_agenda(meeting=item.meeting, by=coordinator)
    item.meeting.refresh_from_db()
    return item


@pytest.fixture
def partner_action(item, partner):
    return ActionFactory(item=item, owner_agency=partner.agency, owner=partner)
