"""The printable agenda pack and minutes (PDF), each generation recorded as a disclosure.

Neither carries an address or contact details: no address, phone or e-mail field is ever put
in their context, and free text (research, discussion: the `redact` filter in clinic_tags)
has anything shaped like a UK postcode, phone number or e-mail address blacked out before
rendering (docs/clinic.md, "Packs").
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from cases.models import Case, Facet
from clinic.models import ClinicMeeting, Minutes
from clinic.selectors import agenda_rows, invitees_of
from foundation.accounts.models import User
from foundation.audit.access import object_type_of
from foundation.audit.models import AccessRecord
from foundation.audit.services import record_access
from foundation.lib.pdf import render_pdf


def _record_disclosures(user: User, case_ids: list[int], *, justification: str) -> None:
    for case_id in case_ids:
        record_access(
            user=user,
            action=AccessRecord.Action.DISCLOSE,
            object_type=object_type_of(Case),
            object_id=case_id,
            need=Facet.CLINIC_DISCUSSION,
            justification=justification,
        )


def _context(meeting: ClinicMeeting, user: User) -> dict[str, object]:
    rows = agenda_rows(meeting, user)
    return {
        "meeting": meeting,
        "rows": rows,
        "attendees": [invitee for invitee in invitees_of(meeting) if invitee.user_id is not None],
        "generated_at": timezone.now(),
        "generated_by": user,
        "share_days": settings.HUB_CLINIC_SHARE_DAYS,
    }


def agenda_pack(meeting: ClinicMeeting, user: User, *, base_url: str) -> bytes:
    """The agenda pack the user may have (a partner: the cases shared with their agency).
    The caller opened the meeting with ClinicNeed.DISCLOSE; each case in it is recorded too."""
    context = _context(meeting, user)
    rows = context["rows"]
    assert isinstance(rows, list)
    _record_disclosures(
        user, [row.item.case_id for row in rows], justification=f"agenda pack, meeting {meeting.pk}"
    )
    return render_pdf("clinic/pdf/agenda_pack.html", context, base_url=base_url)


def minutes_pdf(meeting: ClinicMeeting, minutes: Minutes, user: User, *, base_url: str) -> bytes:
    context = _context(meeting, user)
    context["minutes"] = minutes
    context["amendments"] = list(minutes.amendments.select_related("by", "item__case"))
    rows = context["rows"]
    assert isinstance(rows, list)
    _record_disclosures(
        user, [row.item.case_id for row in rows], justification=f"minutes, meeting {meeting.pk}"
    )
    return render_pdf("clinic/pdf/minutes.html", context, base_url=base_url)
