"""The monthly report: the hub's figures for one calendar month, as PDF and CSV
(docs/dashboard.md, "Monthly report").

A month is **frozen** when first generated: `generate_report` returns the stored report on any
later run (beat's on the 1st, a coordinator's click, two workers at once: a transaction-scoped
advisory lock makes them queue, and the second finds the first's row). Regenerating after late
imports is the explicit `regenerate_report`, which keeps the figures it replaces and is recorded
in the access audit with its reason.

Sections: volumes (every registered monthly figure for the month, so `legal`'s SPOs and
breaches join when it registers them), timeliness, risk mix. No personal data: counts only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from cases.models import Case, LogReview, RiskLevel
from clinic.models import AgendaItem, ClinicReferral
from foundation.accounts.models import User
from foundation.audit.models import AccessRecord
from foundation.audit.services import record_access
from foundation.lib.figures import TrendFigure, add_months, month_start, registered_figures
from foundation.lib.pdf import render_pdf
from referrals.models import AdviceRequest, Referral
from risk.models import RiskAssessment
from stalking_hub.dashboard.models import MonthlyReport, MonthlyReportRegeneration

# An arbitrary constant for pg_advisory_xact_lock (the month is the second key).
_LOCK_KEY = 7415


@dataclass(frozen=True)
class Line:
    section: str
    measure: str
    value: str


def _bounds(month: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime(month.year, month.month, 1, tzinfo=zone)
    end_month = add_months(month, 1)
    return start, datetime(end_month.year, end_month.month, 1, tzinfo=zone)


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}% ({part} of {whole})" if whole else "none due"


def _days(value: timedelta | None) -> str:
    return f"{value.total_seconds() / 86400:.1f} days" if value is not None else "none"


def monthly_figures(month: date) -> list[Line]:
    """The report's lines for `month` (a first day of month), computed now."""
    start, end = _bounds(month)
    lines: list[Line] = []
    for figure in registered_figures():
        if isinstance(figure, TrendFigure):
            value = figure.monthly(month, month).get(month, 0)
            lines.append(Line("Volumes", figure.label, str(value)))
    lines.append(
        Line(
            "Volumes",
            "Cases opened",
            str(Case.objects.filter(opened_at__gte=start, opened_at__lt=end).count()),
        )
    )
    # Timeliness.
    reviews = LogReview.objects.filter(reviewed_at__gte=start, reviewed_at__lt=end).aggregate(
        n=Count("pk"), wait=Avg(F("reviewed_at") - F("log__created_at"))
    )
    lines.append(Line("Timeliness", "Logs reviewed", str(reviews["n"])))
    lines.append(Line("Timeliness", "Average time from import to review", _days(reviews["wait"])))
    advice = AdviceRequest.objects.filter(due_at__gte=start, due_at__lt=end).aggregate(
        due=Count("pk"), on_time=Count("pk", filter=Q(answered_at__lte=F("due_at")))
    )
    lines.append(
        Line(
            "Timeliness",
            "Advice requests answered within their SLA",
            _share(advice["on_time"], advice["due"]),
        )
    )
    referrals = Referral.objects.filter(sent_at__gte=start, sent_at__lt=end).aggregate(
        sent=Count("pk"), in_time=Count("pk", filter=Q(decided_at__lte=F("response_due_at")))
    )
    lines.append(
        Line(
            "Timeliness",
            "Referrals answered within 2 working days",
            _share(referrals["in_time"], referrals["sent"]),
        )
    )
    target = timedelta(days=settings.HUB_CLINIC_TARGET_DAYS)
    discussed = AgendaItem.objects.filter(
        meeting__starts_at__gte=start,
        meeting__starts_at__lt=end,
        referral__state=ClinicReferral.State.DISCUSSED,
    ).aggregate(
        n=Count("pk"),
        in_time=Count("pk", filter=Q(meeting__starts_at__lte=F("referral__referred_at") + target)),
    )
    lines.append(
        Line(
            "Timeliness",
            f"Clinic cases discussed within {settings.HUB_CLINIC_TARGET_DAYS} days of referral",
            _share(discussed["in_time"], discussed["n"]),
        )
    )
    # Risk mix: the assessments completed in the month, by final level.
    levels = dict(
        RiskAssessment.objects.filter(completed_at__gte=start, completed_at__lt=end)
        .order_by()
        .values("final_level")
        .annotate(n=Count("pk"))
        .values_list("final_level", "n")
    )
    for level, label in RiskLevel.choices:
        lines.append(
            Line("Risk mix", f"Assessments ending {label.lower()}", str(levels.get(level, 0)))
        )
    return lines


def _csv(month: date, lines: list[Line]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["month", "section", "measure", "value"])
    for line in lines:
        writer.writerow([f"{month:%Y-%m}", line.section, line.measure, line.value])
    return out.getvalue()


def _build(month: date, now: datetime, by: User | None) -> tuple[list[dict[str, str]], bytes, str]:
    lines = monthly_figures(month)
    pdf = render_pdf(
        "dashboard/pdf/monthly_report.html",
        {"month": month, "lines": lines, "generated_at": now, "generated_by": by},
        base_url=settings.HUB_SITE_URL,
    )
    figures = [
        {"section": line.section, "measure": line.measure, "value": line.value} for line in lines
    ]
    return figures, pdf, _csv(month, lines)


def _lock(month: date) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_KEY, month.toordinal()])


def generate_report(
    *, month: date, now: datetime, by: User | None = None
) -> tuple[MonthlyReport, bool]:
    """The month's report and whether this call created it. Frozen: an existing report is
    returned unchanged. Safe under concurrency (an advisory lock per month)."""
    month = month_start(month)
    with transaction.atomic():
        _lock(month)
        existing = MonthlyReport.objects.filter(month=month).first()
        if existing is not None:
            return existing, False
        figures, pdf, text = _build(month, now, by)
        report = MonthlyReport.objects.create(
            month=month, figures=figures, pdf=pdf, csv=text, generated_at=now, generated_by=by
        )
    return report, True


def regenerate_report(
    *, report: MonthlyReport, reason: str, now: datetime, by: User
) -> MonthlyReport:
    """Recompute a frozen month after late imports: the figures it replaces are kept, and the
    regeneration is recorded with its reason (raises AuditUnavailable: then nothing changes).
    Raises ValueError without a reason."""
    reason = reason.strip()
    if not reason:
        raise ValueError("Say why the month is regenerated (for example, late imports).")
    with transaction.atomic():
        _lock(report.month)
        report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        record_access(
            user=by,
            action=AccessRecord.Action.CONSULT,
            object_type="dashboard.monthlyreport",
            object_id=report.pk,
            need="regenerate",
            justification=reason,
        )
        MonthlyReportRegeneration.objects.create(
            report=report,
            by=by,
            at=now,
            reason=reason,
            previous_figures=report.figures,
            previous_generated_at=report.generated_at,
        )
        report.figures, report.pdf, report.csv = _build(report.month, now, by)
        report.generated_at, report.generated_by = now, by
        report.regenerations += 1
        report.save()
    return report


def previous_month(now: datetime) -> date:
    return add_months(month_start(timezone.localdate(now)), -1)
