"""Deleting records together with their change history (pghistory event rows).

Disposal must leave nothing behind: the rows themselves, everything that cascades from them,
and every history row of each (docs/information-management.md). Django's deletion collector
says what a delete will remove; each tracked model's event tables are then cleared of those
ids. A record still protected by another (an assessment on a case) raises `ProtectedError`
and nothing is deleted.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import connection, router, transaction
from django.db.models import Model, QuerySet
from django.db.models.deletion import Collector


def _event_models(model: type[Model]) -> list[type[Model]]:
    found = getattr(model, "pgh_event_models", None)
    return list(found.values()) if isinstance(found, dict) else []


@transaction.atomic
def delete_with_history(queryset: QuerySet[Any]) -> int:
    """Delete these rows, what cascades from them and the history of all of it; returns the
    number of rows of `queryset`'s model deleted. Raises ProtectedError (nothing deleted)."""
    # Bulk paths set the trigger settings so each history trigger reads them without error
    # (docs: PACKAGES, pghistory cost in large transactions).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL pgtrigger.ignore = '{}'")
    collector = Collector(using=router.db_for_write(queryset.model))
    collector.collect(queryset)
    doomed: dict[type[Model], set[Any]] = defaultdict(set)
    for model, instances in collector.data.items():
        doomed[model].update(obj.pk for obj in instances)
    for fast in collector.fast_deletes:
        if isinstance(fast, QuerySet):
            doomed[fast.model].update(fast.values_list("pk", flat=True))
    model_label = queryset.model._meta.label
    _, per_model = collector.delete()
    for model, pks in doomed.items():
        for event_model in _event_models(model):
            event_model._default_manager.filter(pgh_obj_id__in=pks).delete()
    return per_model.get(model_label, 0)


def history_count(model: type[Model], pks: list[Any]) -> int:
    """How many history rows these ids still have (tests and the disposal report)."""
    return sum(
        event_model._default_manager.filter(pgh_obj_id__in=pks).count()
        for event_model in _event_models(model)
    )
