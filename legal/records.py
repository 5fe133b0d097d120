"""Order files as a record type of information management (foundation/records): kept while
any order on them could be in force, then reviewed a number of years after."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from django.db.models import Exists, Max, OuterRef, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from foundation.records.history import delete_with_history
from foundation.records.registry import (
    RecordType,
    RuleDefault,
    SubjectEntry,
    register_record_type,
    years_before,
)
from legal.models import Breach, FileState, OrderFile, ProtectiveOrder
from legal.selectors import subject_access_entries


def order_files_due(now: datetime, years: int) -> QuerySet[OrderFile]:
    """Ended files none of whose orders could still be in force: every order has ended or
    has a fixed end, and the latest of those dates (and the file's own end) is `years` years
    ago or more. An order "until further order" that has not ended keeps its file."""
    cutoff = years_before(timezone.localdate(now), years)
    open_ended = ProtectiveOrder.objects.filter(
        file=OuterRef("pk"), ended_on__isnull=True, fixed_end_on__isnull=True
    )
    return (
        OrderFile.objects.filter(state=FileState.ENDED, ended_on__isnull=False)
        .exclude(Exists(open_ended))
        .alias(last_order=Max(Coalesce("orders__ended_on", "orders__fixed_end_on")))
        .alias(last=Greatest("ended_on", Coalesce("last_order", "ended_on")))
        .filter(last__lte=cutoff)
    )


def dispose_order_files(ids: Sequence[int], now: datetime) -> int:
    """The files with their hearings, orders, terms, notifications, breaches, events and
    reminders, history included."""
    orders = ProtectiveOrder.objects.filter(file_id__in=ids)
    delete_with_history(Breach.objects.filter(order__in=orders))
    # An order that replaced another protects it: unlink them, then delete them together.
    ProtectiveOrder.objects.filter(file_id__in=ids, replaces__isnull=False).update(replaces=None)
    delete_with_history(ProtectiveOrder.objects.filter(file_id__in=ids))
    return delete_with_history(OrderFile.objects.filter(pk__in=ids))


def order_file_entries(person_ids: Collection[int]) -> list[SubjectEntry]:
    """The files naming the persons (legal's own search: privileged notes are noted, never
    disclosed). One query per person id (a merged subject has a handful)."""
    entries: list[SubjectEntry] = []
    seen: set[int] = set()
    for person_id in sorted(person_ids):
        for found in subject_access_entries(person_id):
            if found.file_id in seen:
                continue
            seen.add(found.file_id)
            entries.append(
                SubjectEntry(
                    record_type="legal.orderfile",
                    object_id=found.file_id,
                    role=found.role,
                    at=None,
                    summary=f"Order file on case {found.case_reference}",
                    details=(
                        (
                            "Privileged legal advice",
                            "exists and is withheld (legal professional privilege)"
                            if found.privileged_notes_exist
                            else "",
                        ),
                    ),
                )
            )
    return entries


def register_legal_records() -> None:
    register_record_type(
        RecordType(
            key="legal.orderfile",
            label="Order files (orders, hearings, breaches)",
            order=90,
            rule=RuleDefault(
                years=6, basis="after the file ended and no order on it could be in force"
            ),
            due=order_files_due,
            dispose=dispose_order_files,
            subject_access=order_file_entries,
        )
    )
