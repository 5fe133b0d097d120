"""Who may see and do what in the legal workflow (docs/access.md, "SPO legal workflow").

- The solicitor (or whoever covers the role): everything, including the privileged notes.
- The coordinator and the tactical lead: read every file, order and hearing, never the notes.
- An ISAC or partner: an order and its terms only where a live share of the case with their
  agency carries the `orders` facet (a referral that ticked it, a clinic share); never a file,
  never notes.
- Champions, officers and everyone else: nothing.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.db.models import QuerySet

from cases.models import Facet
from cases.permissions import (
    cases_with_facet,
    exclude_hidden_cases,
    opened_by_break_glass,
    register_case_path,
)
from foundation.accounts.models import Role, User
from foundation.accounts.roles import is_hub_staff, is_receiving_user
from foundation.audit.access import Need, open_door, register_sensitive
from legal.models import (
    Breach,
    BreachCandidate,
    Hearing,
    Notification,
    OrderFile,
    ProtectiveOrder,
)

for _model in (OrderFile, ProtectiveOrder, Hearing, Notification, Breach, BreachCandidate):
    register_sensitive(_model)
# Every door of these hides the records of restricted cases (cases/permissions.py).
register_case_path(OrderFile, "case")
for _model in (ProtectiveOrder, Hearing):
    register_case_path(_model, "file__case")
for _model in (Notification, Breach, BreachCandidate):
    register_case_path(_model, "order__file__case")


class LegalNeed(StrEnum):
    READ = Need.READ
    # Every write of the workflow: the solicitor.
    MANAGE = "manage"
    # The file's legal-advice notes: the solicitor.
    PRIVILEGED = "privileged"
    # Generating the application pack (a disclosure): the solicitor.
    DISCLOSE = Need.DISCLOSE


def can_manage_legal(user: User) -> bool:
    """The solicitor, or whoever covers the role now."""
    return user.is_active and user.has_role(Role.SOLICITOR)


def can_read_privileged(user: User, case_id: int | None = None) -> bool:
    """Privileged legal advice: users holding the solicitor role, nobody else — and never
    through a break-glass access to the case.

    See docs/information-management-access.md.
    """
    if not can_manage_legal(user):
        return False
    return case_id is None or not opened_by_break_glass(user, case_id)


def can_read_files(user: User) -> bool:
    """Order files and the solicitor's page: the hub's staff."""
    return is_hub_staff(user)


def files_visible_to(user: User) -> QuerySet[OrderFile]:
    """The one scoping function for order files."""
    if not can_read_files(user):
        return OrderFile.objects.none()
    return exclude_hidden_cases(OrderFile.objects.all(), user)


def orders_visible_to(user: User) -> QuerySet[ProtectiveOrder]:
    """Orders the user may read: all for the hub's staff; for an ISAC or partner, those of
    cases whose live share with their agency carries the `orders` facet."""
    if can_read_files(user):
        return exclude_hidden_cases(ProtectiveOrder.objects.all(), user, "file__case")
    if is_receiving_user(user):
        return ProtectiveOrder.objects.filter(
            file__case__in=cases_with_facet(user, Facet.ORDERS).values("pk")
        )
    return ProtectiveOrder.objects.none()


def _permitted(user: User, need: LegalNeed) -> bool:
    if need == LegalNeed.READ:
        return True
    return can_manage_legal(user)


def get_file_for_user(
    user: User, file_id: object, *, need: LegalNeed = LegalNeed.READ
) -> OrderFile:
    """An order file for `need`; else Http404. Records the attempt. READ: the hub's staff;
    MANAGE, PRIVILEGED, DISCLOSE: the solicitor."""
    return open_door(
        files_visible_to(user).select_related("case", "respondent", "solicitor"),
        file_id,
        user=user,
        need=need,
        permitted=_permitted(user, need),
    )


def get_order_for_user(
    user: User, order_id: object, *, need: LegalNeed = LegalNeed.READ
) -> ProtectiveOrder:
    """An order for `need`; else Http404. Records the attempt. READ: `orders_visible_to`;
    MANAGE: the solicitor."""
    return open_door(
        orders_visible_to(user).select_related("file__case", "replaces"),
        order_id,
        user=user,
        need=need,
        permitted=_permitted(user, need),
    )


def _managed[M: models.Model](queryset: QuerySet[M], pk: object, user: User) -> M:
    return open_door(
        queryset, pk, user=user, need=LegalNeed.MANAGE, permitted=can_manage_legal(user)
    )


def get_hearing_for_user(user: User, hearing_id: object) -> Hearing:
    """A hearing to record its outcome: the solicitor; else Http404. Records the attempt."""
    return _managed(Hearing.objects.select_related("file__case"), hearing_id, user)


def get_notification_for_user(user: User, notification_id: object) -> Notification:
    """A notification period to record it: the solicitor; else Http404. Records the attempt."""
    return _managed(Notification.objects.select_related("order__file__case"), notification_id, user)


def get_breach_for_user(user: User, breach_id: object) -> Breach:
    """A breach to record the police response: the solicitor; else Http404."""
    return _managed(Breach.objects.select_related("order__file__case"), breach_id, user)


def get_candidate_for_user(user: User, candidate_id: object) -> BreachCandidate:
    """A breach candidate to confirm or dismiss: the solicitor; else Http404."""
    return _managed(
        BreachCandidate.objects.select_related("order__file__case", "log"), candidate_id, user
    )
