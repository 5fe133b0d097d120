"""Referrals from the hub to other agencies, the ISAC service's casework, and advice requests."""

from referrals.models.advice import AdviceCategory, AdviceRequest, Guidance
from referrals.models.casework import (
    Contact,
    JusticeMilestone,
    OutcomeMeasure,
    SafetyPlan,
    SpecialistRiskAssessment,
    SupportNeed,
)
from referrals.models.referrals import Referral, ReferralTransition

__all__ = [
    "AdviceCategory",
    "AdviceRequest",
    "Contact",
    "Guidance",
    "JusticeMilestone",
    "OutcomeMeasure",
    "Referral",
    "ReferralTransition",
    "SafetyPlan",
    "SpecialistRiskAssessment",
    "SupportNeed",
]
