"""Who may open the dashboard's pages, recorded like a door (docs/access.md, "Dashboard").

The pages show the hub's aggregate figures, not one record, so there is no object to fetch:
`open_page` records the attempt (allowed, or denied and a 404) with the page as the object."""

from __future__ import annotations

from django.http import Http404

from foundation.accounts.models import User
from foundation.accounts.roles import is_hub_manager
from foundation.audit.models import AccessRecord
from foundation.audit.services import record_access

PAGE_OBJECT_TYPE = "dashboard.page"


def can_use_dashboard(user: User) -> bool:
    """The dashboard, capacity, evaluation and monthly reports: coordinator and tactical lead."""
    return is_hub_manager(user)


def open_page(user: User, page: str, *, permitted: bool | None = None) -> None:
    """Record the attempt to open `page`; raise Http404 when the user may not (nothing served).
    Raises AuditUnavailable when the record cannot be written."""
    allowed = can_use_dashboard(user) if permitted is None else permitted
    record_access(
        user=user,
        action=AccessRecord.Action.CONSULT,
        object_type=PAGE_OBJECT_TYPE,
        object_id=page,
        outcome=AccessRecord.Outcome.ALLOWED if allowed else AccessRecord.Outcome.DENIED,
    )
    if not allowed:
        raise Http404
