"""Risk's entries in the case chronology (cases/chronology.py): each assessment, its level and
its review date. Facet RISK_SUMMARY; one query."""

from __future__ import annotations

from django.urls import reverse

from cases.chronology import ChronologyEntry, ChronologyProvider, register_entry_provider
from cases.models import Case, Facet
from foundation.accounts.models import User
from risk.permissions import can_view_risk
from risk.selectors import case_assessments


def risk_entries(case: Case, user: User) -> list[ChronologyEntry]:
    linked = can_view_risk(user)
    return [
        ChronologyEntry(
            assessment.completed_at,
            "Risk assessment",
            f"{assessment.instrument.name}: {assessment.get_final_level_display()} risk; "
            f"review by {assessment.review_date:%d %b %Y}",
            reverse("risk:detail", args=[case.pk, assessment.pk]) if linked else "",
        )
        for assessment in case_assessments(user, case)
    ]


def register_risk_entries() -> None:
    register_entry_provider(
        ChronologyProvider(
            key="risk.assessments", label="Risk", facet=Facet.RISK_SUMMARY, entries=risk_entries
        )
    )
