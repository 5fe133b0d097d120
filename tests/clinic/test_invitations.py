"""Invitations parsed back with icalendar: METHOD, one ATTENDEE per invitee, a stable UID, a
SEQUENCE that increases with each change, CANCEL; the e-mail's text/calendar part; the
download; external attendees; no case data."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from clinic.errors import ClinicError
from clinic.forms import MeetingForm
from clinic.invitations import build_invitation
from clinic.services.meetings import (
    MeetingDetails,
    cancel_meeting,
    invite_external,
    invite_user,
    reschedule_meeting,
)
from foundation.lib.working_time import LONDON
from foundation.outbox.models import OutboxMessage
from foundation.outbox.services import run_message
from tests.clinic.conftest import SUSPECT_NAME, VICTIM_NAME

pytestmark = pytest.mark.django_db


def parse(meeting):
    calendar = icalendar.Calendar.from_ical(build_invitation(meeting, list(meeting.invitees.all())))
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def attendees(event) -> list[str]:
    value = event.get("attendee")
    return [str(a) for a in (value if isinstance(value, list) else [value])]


def run_outbox() -> None:
    for message in OutboxMessage.objects.filter(completed_at=None):
        run_message(message_id=message.pk)


def test_request_with_one_attendee_per_invitee_and_a_london_timezone(meeting, published):
    calendar, event = parse(meeting)
    assert calendar["METHOD"] == "REQUEST"
    assert len(attendees(event)) == meeting.invitees.count() == 5
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert event["DTSTART"].dt.tzinfo is not None
    assert "DTSTAMP" in event
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    text = build_invitation(meeting, list(meeting.invitees.all())).decode()
    for secret in (VICTIM_NAME, SUSPECT_NAME, published.case.reference):
        assert secret not in text


def test_uid_is_stable_and_sequence_increases_then_cancel(meeting, coordinator, solicitor):
    _, first = parse(meeting)
    start = meeting.starts_at + timedelta(days=1)
    form_data = MeetingForm.initial_for(meeting)
    form_data["day"] = start.astimezone(LONDON).date()
    form_data.pop("kind")
    reschedule_meeting(meeting=meeting, details=MeetingDetails(**form_data), by=coordinator)
    meeting.refresh_from_db()
    _, second = parse(meeting)
    invite_external(
        meeting=meeting,
        name="Dr Ada External",
        agency_name="GP practice",
        email="ada@gp.example",
        by=coordinator,
    )
    meeting.refresh_from_db()
    _, third = parse(meeting)
    cancel_meeting(meeting=meeting, reason="Chair unavailable", by=coordinator)
    meeting.refresh_from_db()
    calendar, fourth = parse(meeting)
    assert first["UID"] == second["UID"] == third["UID"] == fourth["UID"]
    assert [e["SEQUENCE"] for e in (first, second, third, fourth)] == [0, 1, 2, 3]
    assert len(attendees(third)) == 6
    assert calendar["METHOD"] == "CANCEL"
    assert fourth["STATUS"] == "CANCELLED"


def test_the_email_carries_a_calendar_request_part(meeting, coordinator, settings):
    invite_external(
        meeting=meeting,
        name="Dr Ada External",
        agency_name="GP practice",
        email="ada@gp.example",
        by=coordinator,
    )
    run_outbox()
    assert len(mail.outbox) == 6
    message = next(m for m in mail.outbox if m.to == ["ada@gp.example"])
    content, mimetype = message.alternatives[0]
    assert mimetype == "text/calendar; method=REQUEST"
    assert icalendar.Calendar.from_ical(content)["METHOD"] == "REQUEST"
    assert VICTIM_NAME not in message.body


def test_an_external_attendee_with_an_invalid_email_is_refused(meeting, coordinator):
    with pytest.raises(ClinicError, match="not a valid e-mail"):
        invite_external(
            meeting=meeting, name="X", agency_name="Y", email="not-an-address", by=coordinator
        )
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert meeting.invitees.count() == 5


def test_a_user_cannot_be_invited_twice(meeting, coordinator, partner):
    with pytest.raises(ClinicError, match="already invited"):
        invite_user(meeting=meeting, user=partner, by=coordinator)


def test_the_ics_download(client, meeting, partner, outsider_partner):
    url = reverse("clinic:invitation_ics", args=[meeting.pk])
    assert url == f"/clinic/meetings/{meeting.pk}/invitation.ics"
    client.force_login(partner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert icalendar.Calendar.from_ical(response.content)["METHOD"] == "REQUEST"
    client.force_login(outsider_partner)
    assert client.get(url).status_code == 404
