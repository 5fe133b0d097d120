"""E-mails about training: a session moved or cancelled, a refresher due, a session short of
bookings, a missed session.

Each carries the course, the date, the place and a link into the hub, never a person's name
(mail leaves the system; DESIGN.md §4). User actions enqueue the `@outbox_handler` functions
(they take ids); the reminder sweeps (training/reminders.py) call the `send_*` functions
under a lease.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.urls import reverse

from foundation.accounts.models import Role, User
from foundation.lib.mail import send_templated as send_mail_templated
from foundation.outbox.services import outbox_handler
from training.models import Enrolment, RefreshReminder, Session, Trainee


def send_templated(template: str, context: Mapping[str, object], emails: Iterable[str]) -> int:
    """One message per address (nobody learns who else was told). Returns how many were sent."""
    return send_mail_templated(
        template, context, (email.strip().lower() for email in emails if email and email.strip())
    )


def _session_context(session: Session) -> dict[str, object]:
    return {
        "session": session,
        "course": session.course.title,
        "reference": session.reference,
        "mine_path": reverse("training:mine"),
        "session_path": reverse("training:session_detail", args=[session.pk]),
    }


def _trainers() -> list[str]:
    return list(
        User.objects.filter(is_active=True, roles__contains=[Role.TRAINER]).values_list(
            "email", flat=True
        )
    )


@outbox_handler("training.send_session_changed_email")
def send_session_changed_email(*, session_id: int, change: str) -> None:
    """Tell the people booked on a session that it moved or was cancelled."""
    session = Session.objects.select_related("course").filter(pk=session_id).first()
    if session is None:
        return
    booked = Trainee.objects.filter(
        enrolments__session=session, enrolments__status=Enrolment.Status.REGISTERED
    ).select_related("user")
    send_templated(
        "training_session_changed",
        {**_session_context(session), "cancelled": change == "cancelled"},
        [trainee.contact_email for trainee in booked],
    )


@outbox_handler("training.send_team_invited_email")
def send_team_invited_email(*, session_id: int, trainee_ids: list[int]) -> None:
    """Tell the people of a team booked on a session (targeted training) who have an account."""
    session = Session.objects.select_related("course").filter(pk=session_id).first()
    if session is None or session.is_cancelled:
        return
    booked = Trainee.objects.filter(
        pk__in=trainee_ids,
        user__isnull=False,
        enrolments__session=session,
        enrolments__status=Enrolment.Status.REGISTERED,
    ).select_related("user")
    send_templated(
        "training_team_invited", _session_context(session), [t.contact_email for t in booked]
    )


def send_refresh_reminder(reminder: RefreshReminder) -> int:
    """Tell a person their training for a course runs out soon."""
    trainee = reminder.trainee
    context = {
        "course": reminder.course.title,
        "expires_on": reminder.expires_on,
        "mine_path": reverse("training:mine"),
    }
    return send_templated("training_refresh_due", context, [trainee.contact_email])


def send_underbooked_reminder(session: Session) -> int:
    """Tell the session's trainer (or, with none, every trainer) it is short of bookings."""
    recipients = [session.trainer.email] if session.trainer is not None else _trainers()
    return send_templated("training_underbooked", _session_context(session), recipients)


def send_no_show_notice(enrolment: Enrolment) -> int:
    """Tell a person who missed a session, and their team's managers, to book again."""
    trainee = enrolment.trainee
    context = _session_context(enrolment.session)
    sent = send_templated("training_no_show", context, [trainee.contact_email])
    if trainee.team_id is not None:
        managers = User.objects.filter(
            is_active=True, is_manager=True, managed_training_teams=trainee.team_id
        ).values_list("email", flat=True)
        sent += send_templated(
            "training_no_show_manager",
            {**context, "team_path": reverse("training:team_detail", args=[trainee.team_id])},
            managers,
        )
    return sent
