"""Meeting invitations that calendar clients treat as real invitations (RFC 5545/5546).

One VEVENT per meeting: a UID stable across every update (the meeting's uuid), a SEQUENCE the
services raise by one with each change, DTSTAMP, ORGANIZER, one ATTENDEE per invitee, the
start and end in Europe/London with its VTIMEZONE, and METHOD:REQUEST (METHOD:CANCEL and
STATUS:CANCELLED once cancelled). The summary, description and location carry no case data:
the agenda is behind the sign-in, and external attendees never receive it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import icalendar
from django.conf import settings
from django.urls import reverse

from clinic.models import ClinicMeeting, Invitee
from foundation.lib.working_time import LONDON

PRODID = "-//Stalking Hub//Clinic//EN"
SUMMARY = "Multi-agency stalking clinic"


def _london_timezone() -> icalendar.Timezone:
    """Europe/London as the two rules calendar clients expect (EU summer time since 1996)."""
    tz = icalendar.Timezone()
    tz.add("tzid", "Europe/London")
    daylight = icalendar.TimezoneDaylight()
    daylight.add("tzname", "BST")
    daylight.add("dtstart", datetime(1970, 3, 29, 1, 0, 0))  # noqa: DTZ001 (local by definition)
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    daylight.add("tzoffsetfrom", icalendar.vUTCOffset.from_ical("+0000"))
    daylight.add("tzoffsetto", icalendar.vUTCOffset.from_ical("+0100"))
    standard = icalendar.TimezoneStandard()
    standard.add("tzname", "GMT")
    standard.add("dtstart", datetime(1970, 10, 25, 2, 0, 0))  # noqa: DTZ001
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    standard.add("tzoffsetfrom", icalendar.vUTCOffset.from_ical("+0100"))
    standard.add("tzoffsetto", icalendar.vUTCOffset.from_ical("+0000"))
    tz.add_component(daylight)
    tz.add_component(standard)
    return tz


def _address(email: str, name: str, **params: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    address.params["CN"] = icalendar.vText(name)
    for key, value in params.items():
        address.params[key] = icalendar.vText(value)
    return address


def organizer_email() -> str:
    return str(settings.DEFAULT_FROM_EMAIL)


def meeting_path(meeting: ClinicMeeting) -> str:
    return reverse("clinic:meeting_detail", args=[meeting.pk])


def build_invitation(
    meeting: ClinicMeeting, invitees: Sequence[Invitee], *, now: datetime | None = None
) -> bytes:
    """The meeting's iCalendar file: REQUEST, or CANCEL once cancelled."""
    cancelled = meeting.is_cancelled
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    calendar.add_component(_london_timezone())
    event = icalendar.Event()
    event.add("uid", f"{meeting.uid}@stalking-hub")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(LONDON))
    event.add("dtend", meeting.ends_at.astimezone(LONDON))
    event.add("summary", SUMMARY)
    where = ", ".join(part for part in (meeting.location, meeting.video_link) if part)
    if where:
        event.add("location", where)
    event.add(
        "description",
        "The stalking hub's multi-agency clinic. Invited agencies read the agenda in the hub: "
        f"{settings.HUB_SITE_URL.rstrip('/')}{meeting_path(meeting)}",
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", _address(organizer_email(), "Stalking hub clinic"), encode=False)
    for invitee in invitees:
        if not invitee.address:
            continue
        event.add(
            "attendee",
            _address(
                invitee.address,
                invitee.display_name,
                ROLE="REQ-PARTICIPANT",
                PARTSTAT="NEEDS-ACTION",
                RSVP="TRUE",
            ),
            encode=False,
        )
    calendar.add_component(event)
    return bytes(calendar.to_ical())
