"""Legal's entries in the case chronology (cases/chronology.py): order files opened, their
state changes and events, hearings, and orders made, served and ended. Facet ORDERS, as the
orders panel: the hub's staff see files and hearings; an agency whose share carries the facet
sees the orders alone. No free text: the kind of event and the state it led to, never the
solicitor's summary or notes. Three queries at most, one for a case without orders."""

from __future__ import annotations

from django.urls import reverse

from cases.chronology import (
    ChronologyEntry,
    ChronologyProvider,
    day_start,
    register_entry_provider,
)
from cases.models import Case, Facet
from foundation.accounts.models import User
from legal.models import FileState, Hearing, LegalEvent
from legal.permissions import can_read_files, orders_visible_to
from legal.selectors import files_for_case


def _file_entries(case: Case, user: User) -> list[ChronologyEntry]:
    entries: list[ChronologyEntry] = []
    # The files the orders panel reads too (one read for both: cases/shared_reads.py).
    files = {file.pk: file for file in files_for_case(user, case)}
    if not files:
        return entries
    for file in files.values():
        url = reverse("legal:file", args=[file.pk])
        entries.append(
            ChronologyEntry(
                file.opened_at, "Order file", f"{file.get_kind_display()} file opened", url
            )
        )
    events = LegalEvent.objects.filter(file_id__in=files).exclude(kind=LegalEvent.Kind.NOTE)
    for event in events:
        url = reverse("legal:file", args=[event.file_id])
        summary = event.get_kind_display()
        if event.kind == LegalEvent.Kind.STATE and event.to_state:
            summary = f"Moved to {FileState(event.to_state).label.lower()}"
        entries.append(ChronologyEntry(day_start(event.on), "Order file", summary, url))
    for hearing in Hearing.objects.filter(file_id__in=files):
        summary = f"{hearing.get_kind_display()} hearing"
        if hearing.outcome:
            summary += f": {hearing.get_outcome_display().lower()}"
        url = reverse("legal:file", args=[hearing.file_id])
        entries.append(ChronologyEntry(hearing.starts_at, "Hearing", summary, url))
    return entries


def _order_entries(case: Case, user: User) -> list[ChronologyEntry]:
    entries: list[ChronologyEntry] = []
    for order in orders_visible_to(user).filter(file__case=case):
        entries.append(
            ChronologyEntry(day_start(order.made_on), "Order", f"{order.get_kind_display()} made")
        )
        if order.served_on:
            entries.append(
                ChronologyEntry(
                    day_start(order.served_on), "Order", f"{order.get_kind_display()} served"
                )
            )
        if order.ended_on:
            entries.append(
                ChronologyEntry(
                    day_start(order.ended_on), "Order", f"{order.get_kind_display()} ended"
                )
            )
    return entries


def legal_entries(case: Case, user: User) -> list[ChronologyEntry]:
    # The hub's staff read the whole file (its events include orders made and ended);
    # a sharing agency sees only the orders its share's facet opens.
    if can_read_files(user):
        return _file_entries(case, user)
    return _order_entries(case, user)


def register_legal_entries() -> None:
    register_entry_provider(
        ChronologyProvider(
            key="legal.orders",
            label="Orders and SPOs",
            facet=Facet.ORDERS,
            entries=legal_entries,
        )
    )
