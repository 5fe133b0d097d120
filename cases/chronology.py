"""The case's chronology: everything that happened on a case, merged by date, from entry
providers each app registers (DESIGN.md §2; docs/adding-an-app.md, "Chronology entries").

`cases` cannot import the apps above it, so each registers a `ChronologyProvider` in its
AppConfig.ready() with `register_entry_provider`. A provider:
- declares the facet of the case its entries disclose (as a panel does): the case page asks it
  only for a user who may see that facet (`facets_for`), so a partner sees the entries their
  agency's live shares open and nothing else;
- is set-based: `entries(case, user)` answers with a bounded number of queries (one, ideally)
  however long the case's history, reading the app's own scoped selectors, and may return
  fewer entries for a user its own rules restrict (e.g. the hub's decisions for hub staff);
- writes entries without narrative or free text: what happened, to what, when.
The page records each provider whose entries it shows as a consultation of the case with the
provider's facet as the need, exactly as it records a panel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Facet, LogReview
from cases.permissions import facets_for
from cases.selectors import case_logs
from foundation.accounts.models import User
from foundation.accounts.roles import is_hub_staff
from foundation.audit.access import object_type_of
from foundation.audit.services import record_consultations

# The longest chronology the page shows: the newest entries, with a note that there are more.
CHRONOLOGY_LIMIT = 200


@dataclass(frozen=True)
class ChronologyEntry:
    at: datetime
    # What kind of event, in a word or two ("Crime log", "Risk assessment").
    kind: str
    # What happened, without narrative or free text.
    summary: str
    # A page about it, where the user may open one ("" otherwise).
    url: str = ""
    # Set by `chronology_for`: which provider it came from.
    source: str = field(default="", compare=False)


EntryFunction = Callable[[Case, User], Iterable[ChronologyEntry]]


@dataclass(frozen=True)
class ChronologyProvider:
    key: str
    label: str
    # The facet of the case the entries disclose; nothing else decides who may see them.
    facet: Facet
    entries: EntryFunction


_providers: dict[str, ChronologyProvider] = {}


def register_entry_provider(provider: ChronologyProvider) -> ChronologyProvider:
    """Add or replace the provider with this key (a second ready() must not double entries)."""
    _providers[provider.key] = provider
    return provider


def unregister_entry_provider(key: str) -> None:
    _providers.pop(key, None)


def entry_providers() -> tuple[ChronologyProvider, ...]:
    return tuple(sorted(_providers.values(), key=lambda provider: provider.key))


def day_start(day: date) -> datetime:
    """A date-only event (a due date, an order's date) placed at the start of its day."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Chronology:
    entries: list[ChronologyEntry]
    total: int
    # The facets of the providers shown: what the access record says was consulted.
    needs: list[str]

    @property
    def truncated(self) -> bool:
        return self.total > len(self.entries)


def chronology_for(
    case: Case, user: User, *, facets: frozenset[Facet] | None = None, record: bool = True
) -> Chronology:
    """Every registered provider's entries this user may see on this case, newest first; each
    provider shown is recorded (raises AuditUnavailable if it cannot be; nothing is served).
    `record=False`: the caller records `Chronology.needs` itself, in the same insert as its
    panels' (the case page)."""
    visible = facets_for(user, case) if facets is None else facets
    merged: list[ChronologyEntry] = []
    shown: list[str] = []
    for provider in entry_providers():
        if provider.facet not in visible:
            continue
        found = [
            ChronologyEntry(entry.at, entry.kind, entry.summary, entry.url, provider.key)
            for entry in provider.entries(case, user)
        ]
        if found:
            merged.extend(found)
            shown.append(provider.facet)
    merged.sort(key=lambda entry: entry.at, reverse=True)
    if record:
        record_consultations(
            user=user, object_type=object_type_of(Case), object_id=case.pk, needs=shown
        )
    return Chronology(entries=merged[:CHRONOLOGY_LIMIT], total=len(merged), needs=shown)


# --- The case file's own entries -----------------------------------------------------------------


def case_events(case: Case, user: User) -> list[ChronologyEntry]:
    """The case opened and closed (part of its existence)."""
    entries = [ChronologyEntry(case.opened_at, "Case", "Case opened")]
    if case.closed_at:
        reason = case.get_closure_reason_display() or "no reason recorded"
        entries.append(ChronologyEntry(case.closed_at, "Case", f"Case closed: {reason}"))
    return entries


def log_events(case: Case, user: User) -> list[ChronologyEntry]:
    """The case's crime logs, when recorded and with what outcome; the hub's reviews of them
    for its own staff. One query, the one the case page's log table reads too."""
    hub_staff = is_hub_staff(user)
    entries: list[ChronologyEntry] = []
    for link in case_logs(case):
        log = link.log
        url = reverse("cases:log_detail", args=[log.pk]) if hub_staff else ""
        offence = " ".join(part for part in (log.offence_code, log.offence) if part)
        entries.append(
            ChronologyEntry(
                log.recorded_at, "Crime log", f"{log.reference} recorded: {offence}", url
            )
        )
        if log.outcome and log.outcome_date:
            entries.append(
                ChronologyEntry(
                    day_start(log.outcome_date),
                    "Crime outcome",
                    f"{log.reference}: {log.get_outcome_display()}",
                    url,
                )
            )
        review: LogReview | None = getattr(log, "review", None) if hub_staff else None
        if review is not None:
            entries.append(
                ChronologyEntry(
                    review.reviewed_at,
                    "Hub review",
                    f"{log.reference} reviewed: {review.get_outcome_display()}",
                    url,
                )
            )
    return entries


def register_case_entries() -> None:
    register_entry_provider(
        ChronologyProvider(
            key="cases.case", label="Case", facet=Facet.EXISTENCE, entries=case_events
        )
    )
    register_entry_provider(
        ChronologyProvider(
            key="cases.logs", label="Crime logs", facet=Facet.LOG_SUMMARIES, entries=log_events
        )
    )
