"""The dashboard's demo figures: the summary tables computed from the demo data just seeded,
so `make run` opens on a dashboard with a year of figures (idempotent: upserts)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from stalking_hub.dashboard.summary import refresh_figures


def seed_dashboard() -> None:
    with transaction.atomic():
        refresh_figures(now=timezone.now())
