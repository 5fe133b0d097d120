"""Demo referrals and advice requests: every state, caseloads for both ISACs, idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cases.models import CaseShare
from foundation.accounts.models import User
from referrals.models import AdviceRequest, Guidance, Referral
from referrals.permissions import referrals_visible_to
from stalking_hub.demo.accounts import demo_email, seed_accounts
from stalking_hub.demo.referrals import seed_referrals

pytestmark = pytest.mark.django_db


def test_without_cases_only_the_advice_history_is_seeded():
    seed_accounts()
    counts = seed_referrals()
    assert counts["referrals"] == 0
    assert counts["advice_requests"] == 10
    assert AdviceRequest.objects.filter(answered_at__isnull=False, rating="useful").exists()
    assert AdviceRequest.objects.filter(answered_at__isnull=True).exists()
    assert Guidance.objects.filter(is_published=True).count() == 3
    assert seed_referrals() == {"referrals": 0, "advice_requests": 0, "guidance": 0}


def test_seed_demo_gives_referrals_in_every_state_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    states = set(Referral.objects.values_list("state", flat=True))
    assert states == set(Referral.State.values)
    first = (Referral.objects.count(), AdviceRequest.objects.count(), Guidance.objects.count())
    call_command("seed_demo")
    assert (
        Referral.objects.count(),
        AdviceRequest.objects.count(),
        Guidance.objects.count(),
    ) == first

    isac = User.objects.get(email=demo_email("isac"))
    isac2 = User.objects.get(email=demo_email("isac2"))
    assert isac.is_manager
    for worker in (isac, isac2):
        assert Referral.objects.filter(caseworker=worker, state="active").exists()
    active = Referral.objects.filter(caseworker=isac2, state="active").first()
    assert active.contacts.exists()
    assert active.safety_plans.filter(is_current=True).count() == 1
    assert Referral.objects.filter(safety_plans__version=2).exists()
    # Shares follow the states: live while sent/accepted/active, ended once declined/closed.
    for referral in Referral.objects.exclude(state="draft"):
        live = CaseShare.objects.filter(referral=referral, ended_at=None).exists()
        assert live == (referral.state in {"sent", "accepted", "active"}), referral.state
    partner = User.objects.get(email=demo_email("partner"))
    assert referrals_visible_to(partner).exists()
    # The whole demo, synthetic feed included, tells its story in order.
    from tests.test_demo_timelines import assert_timelines_in_order

    assert_timelines_in_order()
    assert not referrals_visible_to(partner).filter(agency__kind="isac_service").exists()
