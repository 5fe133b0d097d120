"""Learning points in information management: found by a subject-access search through the
case they came from (the rule boundaries and disposal are tests/records' for every type)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cases.models import CaseParty, PartyRole
from foundation.records.registry import record_type
from learning.models import LearningPoint, SourceKind, Theme
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def point(case, raised_at: datetime) -> LearningPoint:
    return LearningPoint.objects.create(
        theme=Theme.RECORDING,
        source_kind=SourceKind.CASE_CLOSURE,
        source_id=case.pk,
        case=case,
        text="Record repeated unwanted contact as stalking.",
        raised_by=UserFactory(),
        raised_at=raised_at,
    )


def test_a_subject_access_search_finds_the_points_of_the_subjects_cases_only():
    victim, stranger = PersonFactory(), PersonFactory()
    case = CaseFactory()
    CaseParty.objects.create(case=case, person=victim, role=PartyRole.VICTIM)
    mine = point(case, NOW)
    point(CaseFactory(), NOW)
    entries = record_type("learning.learningpoint").subject_access([victim.pk])
    assert [entry.object_id for entry in entries] == [mine.pk]
    assert entries[0].details == (("Text", mine.text),)
    assert record_type("learning.learningpoint").subject_access([stranger.pk]) == []
