"""Learning points and bulletin acknowledgements as record types of information management
(foundation/records). A point's text is checked to name no party before it is accepted, but it
still concerns a case or a log: a subject-access search finds the points of the cases and logs
naming the subject. Acknowledgements are staff records, kept on the training schedule."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from django.db.models import Q, QuerySet

from foundation.records.history import delete_with_history
from foundation.records.registry import (
    RecordType,
    RuleDefault,
    SubjectEntry,
    register_record_type,
    years_before,
)
from learning.models import BulletinRecipient, LearningPoint


def points_due(now: datetime, years: int) -> QuerySet[LearningPoint]:
    return LearningPoint.objects.filter(raised_at__lte=years_before(now, years))


def dispose_points(ids: Sequence[int], now: datetime) -> int:
    return delete_with_history(LearningPoint.objects.filter(pk__in=ids))


def point_entries(person_ids: Collection[int]) -> list[SubjectEntry]:
    """Points raised on a case or a log naming the persons (one query)."""
    points = (
        LearningPoint.objects.filter(
            Q(case__parties__person_id__in=person_ids) | Q(log__parties__person_id__in=person_ids)
        )
        .distinct()
        .order_by("pk")
    )
    return [
        SubjectEntry(
            record_type="learning.learningpoint",
            object_id=point.pk,
            role="named on the case or crime log it came from",
            at=point.raised_at,
            summary=f"Learning point ({point.get_theme_display().lower()})",
            details=(("Text", point.text),),
        )
        for point in points
    ]


def acknowledgements_due(now: datetime, years: int) -> QuerySet[BulletinRecipient]:
    return BulletinRecipient.objects.filter(bulletin__published_at__lte=years_before(now, years))


def dispose_acknowledgements(ids: Sequence[int], now: datetime) -> int:
    return delete_with_history(BulletinRecipient.objects.filter(pk__in=ids))


def no_entries(person_ids: Collection[int]) -> list[SubjectEntry]:
    """Readers of a bulletin are staff, never a victim or suspect as such."""
    return []


def register_learning_records() -> None:
    register_record_type(
        RecordType(
            key="learning.learningpoint",
            label="Learning points",
            order=75,
            rule=RuleDefault(years=3, basis="after the point was raised"),
            due=points_due,
            dispose=dispose_points,
            subject_access=point_entries,
        )
    )
    register_record_type(
        RecordType(
            key="learning.bulletinrecipient",
            label="Bulletin deliveries and acknowledgements",
            order=40,
            rule=RuleDefault(years=6, basis="after the bulletin was published"),
            due=acknowledgements_due,
            dispose=dispose_acknowledgements,
            subject_access=no_entries,
        )
    )
