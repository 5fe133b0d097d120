"""The seeded demo data tells one consistent story: nothing happens before what it follows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case, CaseShare, LogReview
from referrals.models import (
    Contact,
    JusticeMilestone,
    Referral,
    ReferralTransition,
    SafetyPlan,
    SpecialistRiskAssessment,
)
from risk.models import RiskAssessment
from stalking_hub.demo.accounts import seed_accounts
from stalking_hub.demo.cases import seed_cases
from stalking_hub.demo.referrals import seed_referrals
from stalking_hub.demo.risk import seed_risk_assessments

pytestmark = pytest.mark.django_db


def test_the_seeded_timelines_are_in_order():
    seed_accounts()
    seed_cases()
    seed_referrals()
    seed_risk_assessments()
    assert_timelines_in_order()


def assert_timelines_in_order() -> None:
    """Every date of the seeded demo data after what it follows (also run after seed_demo with
    the synthetic feed, in tests/referrals/test_demo.py)."""
    now = timezone.now() + timedelta(seconds=5)
    local = timezone.localdate

    cases = list(Case.objects.prefetch_related("logs"))
    assert cases
    for case in cases:
        assert case.opened_at <= now
        for log in case.logs.all():
            assert log.recorded_at <= case.opened_at, (case.reference, log.reference)
        if case.closed_at:
            assert case.opened_at <= case.closed_at <= now
    for review in LogReview.objects.select_related("log"):
        assert review.log.recorded_at <= review.reviewed_at <= now
    for share in CaseShare.objects.select_related("case"):
        assert share.case.opened_at <= share.shared_at <= now
        if share.ended_at:
            assert share.shared_at <= share.ended_at <= now

    assessments = list(RiskAssessment.objects.select_related("case", "assessor"))
    assert assessments
    for assessment in assessments:
        assert assessment.case.opened_at <= assessment.completed_at <= now
        assert assessment.review_date > local(assessment.completed_at), assessment.pk
        if assessment.superseded_at:
            assert assessment.completed_at <= assessment.superseded_at

    referrals = list(Referral.objects.select_related("case"))
    assert referrals
    for referral in referrals:
        assert referral.case.opened_at <= referral.created_at <= now, referral.pk
        moments = [
            t.at for t in ReferralTransition.objects.filter(referral=referral).order_by("id")
        ]
        assert moments[0] == referral.created_at
        assert moments == sorted(moments)
        assert moments[-1] <= now
        for later, earlier in (
            (referral.sent_at, referral.created_at),
            (referral.decided_at, referral.sent_at),
            (referral.allocated_at, referral.decided_at),
            (referral.closed_at, referral.decided_at or referral.sent_at),
        ):
            if later is not None:
                assert earlier is not None, referral.pk
                assert earlier <= later <= now, referral.pk
        if referral.response_due_at:
            assert referral.sent_at is not None
            assert referral.sent_at < referral.response_due_at
    for contact in Contact.objects.select_related("referral"):
        assert contact.referral.sent_at <= contact.contact_at <= now
    for plan in SafetyPlan.objects.select_related("referral"):
        assert plan.referral.sent_at <= plan.created_at <= now
        assert plan.review_on >= local(plan.created_at)
    for risk in SpecialistRiskAssessment.objects.select_related("referral"):
        assert risk.referral.sent_at <= risk.assessed_at <= now
    for milestone in JusticeMilestone.objects.select_related("referral__case"):
        assert local(milestone.referral.case.opened_at) <= milestone.happened_on <= local(now)
    # An ISAC assessed only once the case was shared with its service.
    for assessment in assessments:
        if "isac" in assessment.assessor.roles:
            assert CaseShare.objects.filter(
                case=assessment.case,
                agency=assessment.assessor.agency,
                shared_at__lte=assessment.completed_at,
            ).exists()
