"""Writes of the dashboard: evaluation exports (queued, run with a lease, progress shown) and
the monthly reports (frozen when first generated)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from foundation.accounts.models import Role, User
from foundation.audit.models import AccessRecord
from foundation.audit.services import record_access
from foundation.outbox.services import enqueue, outbox_handler
from stalking_hub.dashboard.evaluation import export_csv
from stalking_hub.dashboard.models import EvaluationExport, MonthlyReport
from stalking_hub.dashboard.report import generate_report, previous_month

EXPORT_LEASE = timedelta(minutes=15)


@transaction.atomic
def request_export(*, include_short_follow_up: bool, by: User) -> EvaluationExport:
    """Queue a pseudonymised evaluation export; a worker builds it (run_export)."""
    export = EvaluationExport.objects.create(
        requested_by=by, include_short_follow_up=include_short_follow_up
    )
    enqueue(run_export_message, export_id=export.pk)
    return export


def claim_export(*, export_id: int, now: datetime) -> bool:
    """Take the export to build it: once, unless a claim older than the lease lapsed."""
    lapsed = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - EXPORT_LEASE)
    return (
        EvaluationExport.objects.filter(
            lapsed,
            pk=export_id,
            state__in=[EvaluationExport.State.QUEUED, EvaluationExport.State.RUNNING],
        ).update(claimed_at=now, state=EvaluationExport.State.RUNNING)
        == 1
    )


def run_export(*, export_id: int, now: datetime) -> bool:
    """Build a claimed export, saving progress after each chunk (the page shows it); the file
    is stored and the export marked done only once it is complete. Idempotent: a second run
    (a redelivery) finds it claimed or done and does nothing."""
    if not claim_export(export_id=export_id, now=now):
        return False
    export = EvaluationExport.objects.get(pk=export_id)

    def progress(done: int, total: int) -> None:
        EvaluationExport.objects.filter(pk=export_id).update(
            done=done, total=total, claimed_at=timezone.now()
        )

    try:
        content, _rows = export_csv(
            now=now, include_short=export.include_short_follow_up, progress=progress
        )
    except Exception:
        EvaluationExport.objects.filter(pk=export_id).update(state=EvaluationExport.State.FAILED)
        raise
    EvaluationExport.objects.filter(pk=export_id).update(
        content=content, state=EvaluationExport.State.DONE, finished_at=timezone.now()
    )
    return True


@outbox_handler("dashboard.run_evaluation_export")
def run_export_message(*, export_id: int) -> None:
    run_export(export_id=export_id, now=timezone.now())


def record_export_disclosure(*, user: User | None, object_id: object, rows: int, via: str) -> None:
    """The pseudonymised file leaving the hub is a disclosure (DESIGN.md §4). Raises
    AuditUnavailable if it cannot be recorded (the file is then not served)."""
    record_access(
        user=user,
        action=AccessRecord.Action.DISCLOSE,
        object_type="dashboard.evaluationexport",
        object_id=object_id,
        need="disclose",
        justification=f"pseudonymised evaluation export ({via}): {rows} cases",
    )


# --- The monthly report -------------------------------------------------------------------------


def generate_previous_month(*, now: datetime) -> tuple[MonthlyReport, bool]:
    """Beat, on the 1st: last month's report (frozen if it exists already); when this call
    created it, the coordinators are told, through the outbox, in the same transaction."""
    with transaction.atomic():
        report, created = generate_report(month=previous_month(now), now=now)
        if created:
            enqueue(send_report_ready, report_id=report.pk)
    return report, created


@outbox_handler("dashboard.send_report_ready")
def send_report_ready(*, report_id: int) -> None:
    """Tell the active coordinators the month's report is ready: a link, no figures."""
    report = MonthlyReport.objects.get(pk=report_id)
    recipients = sorted(
        User.objects.filter(is_active=True, roles__contains=[Role.COORDINATOR]).values_list(
            "email", flat=True
        )
    )
    if not recipients:
        return
    context = {
        "month": report.month,
        "generated_at": report.generated_at,
        "url": settings.HUB_SITE_URL + reverse("dashboard:report", args=[report.pk]),
    }
    subject = render_to_string("emails/monthly_report_ready_subject.txt", context).strip()
    body = render_to_string("emails/monthly_report_ready.txt", context)
    send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients])
