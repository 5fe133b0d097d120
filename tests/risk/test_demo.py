"""Demo risk histories: realistic, consistent with the rules, idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cases.flags import flags_for_cases
from cases.models import Case
from risk.models import RiskAssessment
from stalking_hub.demo.accounts import seed_accounts
from stalking_hub.demo.risk import seed_risk_assessments
from tests.factories import CaseFactory

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def test_without_cases_nothing_is_created(db):
    assert seed_risk_assessments(now=NOW) == 0
    assert not RiskAssessment.objects.exists()


def test_seeded_histories_show_every_state_and_are_idempotent(db):
    users = seed_accounts()
    cases = [
        CaseFactory(owner=users["coordinator"], opened_at=NOW - timedelta(days=60 - i * 3))
        for i in range(16)
    ]
    made = seed_risk_assessments(now=NOW)
    assert made > 16
    assert seed_risk_assessments(now=NOW) == 0
    assert RiskAssessment.objects.count() == made

    keys_by_case = {
        case.pk: list(
            RiskAssessment.objects.filter(case=case)
            .order_by("completed_at")
            .values_list("instrument__key", flat=True)
        )
        for case in cases
    }
    assert ["four", "dash", "srp"] in keys_by_case.values()
    assert ["four", "sdash"] in keys_by_case.values()
    # The SRPs are completed by trained assessors only.
    for srp in RiskAssessment.objects.filter(instrument__key="srp"):
        assert srp.assessor.is_srp_assessor
    # Each assessed case has one current assessment, and its level is the case's risk.
    for case in Case.objects.filter(risk_assessments__isnull=False).distinct():
        current = RiskAssessment.objects.get(case=case, superseded_at__isnull=True)
        assert case.current_risk == current.final_level
        assert case.opened_at <= current.completed_at <= NOW

    flags = flags_for_cases(cases=list(Case.objects.all()), now=NOW)
    keys = [flag.key for case_flags in flags.values() for flag in case_flags]
    assert keys.count("no_risk_assessment") == 4
    assert keys.count("risk_review_overdue") >= 2
