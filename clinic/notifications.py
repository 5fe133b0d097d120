"""E-mails from the clinic: invitations (with the calendar request), agenda published, and the
overdue-action chasers.

Every message carries references, dates and a link into the hub, never a victim's or suspect's
name or anything said about a case (DESIGN.md §4). User actions enqueue the
`@outbox_handler` functions (they take ids); the chaser sweep (clinic/reminders.py) calls
`send_action_chaser` under a lease.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from clinic.invitations import build_invitation, meeting_path
from clinic.models import Action, ClinicMeeting, Invitee
from foundation.accounts.models import Role, User
from foundation.lib.mail import send_templated
from foundation.outbox.services import outbox_handler


def _invitees(meeting: ClinicMeeting) -> list[Invitee]:
    return list(meeting.invitees.select_related("user__agency").order_by("id"))


@outbox_handler("clinic.send_invitations")
def send_invitations(*, meeting_id: int, sequence: int) -> None:
    """Send the meeting's invitation (or cancellation) to every invitee, one message each,
    with a `text/calendar; method=REQUEST|CANCEL` part. A message superseded by a later change
    (a higher SEQUENCE) sends nothing: the later one carries the news."""
    meeting = ClinicMeeting.objects.filter(pk=meeting_id).first()
    if meeting is None or meeting.sequence != sequence:
        return
    invitees = _invitees(meeting)
    ics = build_invitation(meeting, invitees).decode()
    method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    context = {"meeting": meeting, "path": meeting_path(meeting), "cancelled": meeting.is_cancelled}
    subject = render_to_string("emails/clinic_invitation_subject.txt", context).strip()
    body = render_to_string("emails/clinic_invitation.txt", context)
    # One message per invitee: nobody learns who else was invited from the headers (the
    # calendar part lists the attendees, as calendar clients need).
    for email in sorted({invitee.address for invitee in invitees if invitee.address}):
        message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        message.attach_alternative(ics, f"text/calendar; method={method}")
        message.send()


@outbox_handler("clinic.send_agenda_published")
def send_agenda_published(*, meeting_id: int) -> None:
    """Tell the invited hub users that the agenda is out (external attendees are not told:
    they never receive the pack)."""
    meeting = ClinicMeeting.objects.filter(pk=meeting_id).first()
    if meeting is None or not meeting.is_published:
        return
    users = User.objects.filter(
        is_active=True, pk__in=meeting.invitees.filter(user__isnull=False).values("user_id")
    )
    context = {
        "meeting": meeting,
        "path": meeting_path(meeting),
        "share_days": settings.HUB_CLINIC_SHARE_DAYS,
    }
    send_templated("clinic_agenda_published", context, (user.email for user in users))


def action_chaser_recipients(action: Action) -> list[str]:
    """The owner; without one, the owning agency's ISAC and partner users (and, for the home
    force, the hub's coordinators)."""
    if action.owner is not None and action.owner.is_active:
        return [action.owner.email]
    users = User.objects.filter(is_active=True, agency_id=action.owner_agency_id).filter(
        roles__overlap=[Role.ISAC, Role.PARTNER, Role.COORDINATOR]
    )
    return [user.email for user in users]


def send_action_chaser(action: Action, *, number: int) -> int:
    """Chase an overdue action. Returns how many were sent."""
    context = {
        "action": action,
        "reference": action.reference,
        "number": number,
        "path": action.get_absolute_url(),
    }
    return send_templated("clinic_action_overdue", context, action_chaser_recipients(action))
