"""Access records past their own period: the one exception to the append-only trigger
(docs/information-management.md)."""

from __future__ import annotations

import logging
from datetime import datetime

import pgtrigger
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth

from foundation.audit.models import AccessRecord
from foundation.records.models import AccessRecordDisposal
from foundation.records.registry import years_before

logger = logging.getLogger(__name__)

# --- Access records past their own period -------------------------------------------------


ACCESS_RECORD_TRIGGER = "audit.AccessRecord:access_record_append_only"


def dispose_old_access_records(*, now: datetime, batch_size: int = 5000) -> int:
    """Delete access records older than HUB_ACCESS_RECORD_YEARS, a batch per transaction,
    leaving a count per month. The one exception to the append-only trigger: it is lifted
    for this statement only, in this transaction only (docs/information-management.md)."""
    years = settings.HUB_ACCESS_RECORD_YEARS
    cutoff = years_before(now, years)
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                AccessRecord.objects.filter(at__lt=cutoff)
                .order_by("at", "id")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            counts = (
                AccessRecord.objects.filter(pk__in=ids)
                .annotate(month=TruncMonth("at"))
                .order_by()
                .values_list("month")
                .annotate(n=Count("pk"))
            )
            rows = [
                AccessRecordDisposal(
                    month=month.date() if isinstance(month, datetime) else month,
                    count=n,
                    disposed_at=now,
                    kept_years=years,
                )
                for month, n in counts
            ]
            with pgtrigger.ignore(ACCESS_RECORD_TRIGGER):
                deleted, _ = AccessRecord.objects.filter(pk__in=ids).delete()
            AccessRecordDisposal.objects.bulk_create(rows)
            total += deleted
    if total:
        logger.info("Access records past %s years deleted: %s", years, total)
    return total
