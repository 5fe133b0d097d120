"""Who may open the dashboard's pages, exports and reports: recorded like doors (docs/access.md).

The pages show the hub's aggregate figures, not one record, so there is no object to fetch:
`open_page` records the attempt (allowed, or denied and a 404) with the page as the object."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet
from django.http import Http404

from foundation.accounts.models import User
from foundation.accounts.roles import is_hub_manager
from foundation.audit.access import Need, open_door, register_sensitive
from foundation.audit.models import AccessRecord
from foundation.audit.services import record_access
from stalking_hub.dashboard.models import CaseOutcomeRow, EvaluationExport, MonthlyReport

for _model in (CaseOutcomeRow, EvaluationExport, MonthlyReport):
    register_sensitive(_model)

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


class ExportNeed(StrEnum):
    READ = Need.READ
    DISCLOSE = Need.DISCLOSE
    # Regenerate a frozen monthly report.
    CHANGE = Need.CHANGE


def exports_visible_to(user: User) -> QuerySet[EvaluationExport]:
    """A user's own evaluation exports (coordinator and tactical lead only)."""
    if not can_use_dashboard(user):
        return EvaluationExport.objects.none()
    return EvaluationExport.objects.filter(requested_by=user)


def get_export_for_user(
    user: User, export_id: object, *, need: ExportNeed = ExportNeed.READ, justification: str = ""
) -> EvaluationExport:
    """One of the user's evaluation exports; else Http404. Records the attempt (DISCLOSE for
    the download: the pseudonymised file leaving the hub). Raises AuditUnavailable."""
    return open_door(
        exports_visible_to(user), export_id, user=user, need=need, justification=justification
    )


def reports_visible_to(user: User) -> QuerySet[MonthlyReport]:
    """The monthly reports: the coordinator and the tactical lead."""
    return MonthlyReport.objects.all() if can_use_dashboard(user) else MonthlyReport.objects.none()


def get_report_for_user(
    user: User, report_id: object, *, need: ExportNeed = ExportNeed.READ
) -> MonthlyReport:
    """A monthly report (coordinator and tactical lead); else Http404. Records the attempt
    (DISCLOSE for a download, CHANGE for a regeneration). Raises AuditUnavailable."""
    visible = reports_visible_to(user)
    if need == ExportNeed.READ:
        visible = visible.defer("pdf", "csv")
    return open_door(visible, report_id, user=user, need=need)
