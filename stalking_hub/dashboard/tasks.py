"""Thin Celery wrappers: read the clock, call the plain functions."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from stalking_hub.dashboard.evaluation import refresh_outcomes
from stalking_hub.dashboard.services import generate_previous_month
from stalking_hub.dashboard.summary import refresh_figures


@shared_task(name="dashboard.refresh_figures", acks_late=True, reject_on_worker_lost=True)
def refresh_figures_task() -> int:
    """Every registered figure into the summary tables (idempotent upserts)."""
    with transaction.atomic():
        return refresh_figures(now=timezone.now())


@shared_task(name="dashboard.refresh_evaluation", acks_late=True, reject_on_worker_lost=True)
def refresh_evaluation_task() -> int:
    """Every case's evaluation outcome into the stored table (idempotent upserts)."""
    return refresh_outcomes(now=timezone.now())


@shared_task(name="dashboard.monthly_report", acks_late=True, reject_on_worker_lost=True)
def monthly_report_task() -> int:
    """Last month's report, on the 1st (frozen: a second run returns the stored one)."""
    report, _created = generate_previous_month(now=timezone.now())
    return report.pk
