"""The plan checklist's default lines: the usual lines of enquiry in a stalking investigation.

Migration 0002 wrote them when the app was installed; the hub edits them in the admin after
that. `ensure_checklist` puts them back only where the checklist is empty (a fresh test
database flushed of migration data, the demo).
"""

from __future__ import annotations

from typing import Final

from oversight.models import PlanLineTemplate

DEFAULT_LINES: Final[tuple[tuple[str, str, str], ...]] = (
    (
        "victim_account",
        "Victim's account and diary",
        "A full account from the victim, and a diary or log of every incident kept going.",
    ),
    (
        "digital_evidence",
        "Digital and phone evidence",
        "Phones, call and message records, e-mails, tracking devices and apps; download or "
        "preserve.",
    ),
    (
        "social_media",
        "Social media",
        "Posts, messages and accounts (including fake ones); capture before they are deleted.",
    ),
    (
        "cctv",
        "CCTV",
        "Home, workplace, transport and doorbell footage; request before it is overwritten.",
    ),
    ("witnesses", "Witnesses", "Neighbours, colleagues, friends and family who saw the behaviour."),
    (
        "suspect_history",
        "The suspect's history and previous victims",
        "Police, probation and court records; earlier partners or victims of similar conduct.",
    ),
    (
        "bail_conditions",
        "Bail conditions",
        "Conditions that protect the victim while the investigation continues; how breaches "
        "are reported.",
    ),
    (
        "spo_considered",
        "Stalking Protection Order considered",
        "Whether an interim or full SPO is sought, with the hub's solicitor.",
    ),
    (
        "cps_advice",
        "Charging advice sought from the CPS",
        "Early investigative advice and the charging decision.",
    ),
)


def ensure_checklist() -> int:
    """Create the default lines if the checklist has none. Returns how many were made."""
    if PlanLineTemplate.objects.exists():
        return 0
    PlanLineTemplate.objects.bulk_create(
        PlanLineTemplate(key=key, title=title, guidance=guidance, position=index * 10)
        for index, (key, title, guidance) in enumerate(DEFAULT_LINES)
    )
    return len(DEFAULT_LINES)
