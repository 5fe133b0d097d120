"""The referral's life: legal and illegal moves, the consent rule, sharing and its end."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction

from cases.models import CaseShare
from foundation.lib.working_time import LONDON
from referrals.errors import ConsentRequired, IllegalTransition, NotAllowed, ReferralError
from referrals.models import Referral, ReferralTransition
from referrals.selectors import referral_history
from referrals.services import referrals as services
from referrals.services.referrals import ReferralDetails
from tests.factories.referrals import ReferralFactory
from tests.referrals.conftest import outbox_handlers

pytestmark = pytest.mark.django_db

State = Referral.State


def details(agency, **overrides) -> ReferralDetails:
    values = {
        "agency": agency,
        "reason": "Victim asks for specialist advocacy.",
        "urgency": Referral.Urgency.ROUTINE,
        "consent": Referral.Consent.GIVEN,
        "shared_items": [Referral.SharedItem.CASE_SUMMARY],
        "safe_contact": "Never leave voicemail.",
    }
    values.update(overrides)
    return ReferralDetails(**values)


@pytest.fixture
def draft(open_case, isac_service, coordinator, no_broker):
    return services.create_referral(case=open_case, details=details(isac_service), by=coordinator)


def live_shares(referral):
    return CaseShare.objects.filter(referral=referral, ended_at=None)


def test_create_keeps_a_draft_with_its_first_transition(draft, coordinator):
    assert draft.state == State.DRAFT
    assert draft.referred_by == coordinator
    assert list(draft.transitions.values_list("from_state", "to_state")) == [("", "draft")]
    assert not live_shares(draft).exists()


def test_only_hub_managers_refer(open_case, isac_service, officer, solicitor):
    for user in (officer, solicitor):
        with pytest.raises(NotAllowed):
            services.create_referral(case=open_case, details=details(isac_service), by=user)
    assert not Referral.objects.exists()


def test_a_closed_case_or_the_home_force_cannot_be_referred_to(
    open_case, home_force, isac_service, coordinator
):
    with pytest.raises(ReferralError, match="outside the force"):
        services.create_referral(case=open_case, details=details(home_force), by=coordinator)
    open_case.status = "closed"
    open_case.save()
    with pytest.raises(ReferralError, match="closed"):
        services.create_referral(case=open_case, details=details(isac_service), by=coordinator)
    assert not Referral.objects.exists()


def test_sending_with_consent_shares_the_case_and_sets_the_response_time(draft, coordinator):
    sent_at = datetime(2026, 5, 1, 15, 0, tzinfo=LONDON)  # Friday before a bank holiday
    with time_machine.travel(sent_at, tick=False):
        services.send_referral(referral=draft, by=coordinator)
    draft.refresh_from_db()
    assert draft.state == State.SENT
    assert draft.sent_at == sent_at
    # Two working days: Tuesday and Wednesday (Monday 4 May is a bank holiday).
    assert draft.response_due_at == datetime(2026, 5, 6, 15, 0, tzinfo=LONDON)
    share = live_shares(draft).get()
    assert share.agency_id == draft.agency_id
    # Until the agency accepts, it sees enough to decide and no identities.
    assert share.facets == ["existence", "risk_summary"]
    assert outbox_handlers() == ["send_referral_sent_email"]


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"lawful_basis": ""}, "lawful reason for sharing"),
        ({"lawful_reason": "  "}, "why sharing is necessary"),
        ({"authorised_by": None}, "who authorised it"),
    ],
)
def test_no_sending_without_consent_or_a_complete_lawful_reason(
    open_case, isac_service, coordinator, tactical_lead, no_broker, missing, message
):
    values = {
        "consent": Referral.Consent.REFUSED,
        "lawful_basis": Referral.LawfulBasis.RISK_OF_SERIOUS_HARM,
        "lawful_reason": "Threats to kill; risk to life.",
        "authorised_by": tactical_lead,
        **missing,
    }
    referral = services.create_referral(
        case=open_case, details=details(isac_service, **values), by=coordinator
    )
    with pytest.raises(ConsentRequired, match=message):
        services.send_referral(referral=referral, by=coordinator)
    referral.refresh_from_db()
    assert referral.state == State.DRAFT
    assert not live_shares(referral).exists()
    assert outbox_handlers() == []
    assert referral.transitions.count() == 1


def test_only_the_coordinator_or_tactical_lead_authorises_sharing_without_consent(
    open_case, isac_service, coordinator, officer, no_broker
):
    with pytest.raises(ConsentRequired, match="coordinator or tactical lead"):
        services.create_referral(
            case=open_case,
            details=details(
                isac_service,
                consent=Referral.Consent.NOT_SOUGHT,
                lawful_basis=Referral.LawfulBasis.CRIME,
                lawful_reason="Needed to prevent further offences.",
                authorised_by=officer,
            ),
            by=coordinator,
        )
    # A draft whose authoriser later lost the role is refused at sending as well.
    referral = ReferralFactory(case=open_case, agency=isac_service, without_consent=True)
    referral.authorised_by.roles = ["officer"]
    referral.authorised_by.save()
    with pytest.raises(ConsentRequired):
        services.send_referral(referral=referral, by=coordinator)


def test_sending_without_consent_with_a_recorded_reason_shares_without_casework_consent(
    open_case, isac_service, coordinator, tactical_lead, no_broker
):
    referral = services.create_referral(
        case=open_case,
        details=details(
            isac_service,
            consent=Referral.Consent.REFUSED,
            lawful_basis=Referral.LawfulBasis.RISK_OF_SERIOUS_HARM,
            lawful_reason="Threats to kill; risk to life.",
            authorised_by=tactical_lead,
        ),
        by=coordinator,
    )
    services.send_referral(referral=referral, by=coordinator)
    assert live_shares(referral).get().facets == ["existence", "risk_summary"]


def test_consent_given_drops_a_half_filled_lawful_reason(open_case, isac_service, coordinator):
    referral = services.create_referral(
        case=open_case,
        details=details(isac_service, lawful_basis="crime", lawful_reason="left over"),
        by=coordinator,
    )
    assert (referral.lawful_basis, referral.lawful_reason) == ("", "")


def test_the_database_refuses_a_sent_referral_without_consent_or_reason(open_case, isac_service):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralFactory(
            case=open_case, agency=isac_service, sent=True, consent=Referral.Consent.REFUSED
        )


def test_isac_accepts_and_takes_the_referral_which_becomes_active(draft, coordinator, isac):
    services.send_referral(referral=draft, by=coordinator)
    services.accept_referral(referral=draft, by=isac, take_it=True)
    draft.refresh_from_db()
    assert draft.state == State.ACTIVE
    assert draft.caseworker == isac
    assert draft.decided_by == isac
    assert [t.to_state for t in draft.transitions.all()] == ["draft", "sent", "accepted", "active"]
    assert outbox_handlers() == ["send_referral_sent_email", "send_referral_decision_email"]


def test_another_service_or_the_hub_cannot_decide(draft, coordinator, outsider_isac, partner):
    services.send_referral(referral=draft, by=coordinator)
    for user in (outsider_isac, partner, coordinator):
        with pytest.raises(NotAllowed):
            services.accept_referral(referral=draft, by=user)
        with pytest.raises(NotAllowed):
            services.decline_referral(referral=draft, reason="No.", by=user)
    draft.refresh_from_db()
    assert draft.state == State.SENT


def test_declining_needs_a_reason_and_ends_the_share(draft, coordinator, isac):
    services.send_referral(referral=draft, by=coordinator)
    with pytest.raises(ReferralError, match="why"):
        services.decline_referral(referral=draft, reason=" ", by=isac)
    services.decline_referral(referral=draft, reason="Victim lives outside our area.", by=isac)
    draft.refresh_from_db()
    assert draft.state == State.DECLINED
    assert draft.decline_reason == "Victim lives outside our area."
    assert not live_shares(draft).exists()


ILLEGAL = [
    (State.DRAFT, "accept"),
    (State.DRAFT, "decline"),
    (State.DRAFT, "start"),
    (State.DRAFT, "close"),
    (State.SENT, "send"),
    (State.SENT, "start"),
    (State.ACCEPTED, "send"),
    (State.ACCEPTED, "accept"),
    (State.ACCEPTED, "decline"),
    (State.ACTIVE, "accept"),
    (State.ACTIVE, "start"),
    (State.DECLINED, "accept"),
    (State.DECLINED, "close"),
    (State.CLOSED, "start"),
    (State.CLOSED, "close"),
    (State.CLOSED, "send"),
]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_illegal_moves_are_refused_and_change_nothing(
    state, action, open_case, probation, coordinator, partner, no_broker
):
    traits = {
        State.DRAFT: {},
        State.SENT: {"sent": True},
        State.ACCEPTED: {"accepted": True},
        State.ACTIVE: {"active": True},
        State.DECLINED: {"declined": True},
        State.CLOSED: {"closed": True},
    }[state]
    referral = ReferralFactory(case=open_case, agency=probation, **traits)
    calls = {
        "send": lambda: services.send_referral(referral=referral, by=coordinator),
        "accept": lambda: services.accept_referral(referral=referral, by=partner),
        "decline": lambda: services.decline_referral(referral=referral, reason="x", by=partner),
        "start": lambda: services.start_referral(referral=referral, by=partner),
        "close": lambda: services.close_referral(
            referral=referral, reason=Referral.ClosureReason.OTHER, notes="", by=coordinator
        ),
    }
    with pytest.raises(IllegalTransition):
        calls[action]()
    referral.refresh_from_db()
    assert referral.state == state
    assert not ReferralTransition.objects.filter(referral=referral).exists()


def test_partner_agency_accepts_starts_and_closes(
    open_case, probation, coordinator, partner, outsider_partner, no_broker
):
    referral = services.create_referral(case=open_case, details=details(probation), by=coordinator)
    services.send_referral(referral=referral, by=coordinator)
    with pytest.raises(NotAllowed):
        services.accept_referral(referral=referral, by=outsider_partner)
    services.accept_referral(referral=referral, by=partner, take_it=True)
    referral.refresh_from_db()
    assert referral.state == State.ACCEPTED  # only ISAC referrals are taken by a caseworker
    assert referral.caseworker is None
    services.start_referral(referral=referral, by=partner)
    services.close_referral(
        referral=referral,
        reason=Referral.ClosureReason.SUPPORT_COMPLETED,
        notes="Done.",
        by=partner,
    )
    referral.refresh_from_db()
    assert referral.state == State.CLOSED
    assert not live_shares(referral).exists()


def test_allocation_by_the_manager_or_taking_it_yourself(
    open_case, isac_service, isac, isac_manager, outsider_isac, no_broker
):
    referral = ReferralFactory(case=open_case, agency=isac_service, accepted=True)
    with pytest.raises(NotAllowed):
        services.allocate_referral(referral=referral, caseworker=isac_manager, by=isac)
    with pytest.raises(ReferralError, match="ISAC of the receiving service"):
        services.allocate_referral(referral=referral, caseworker=outsider_isac, by=isac_manager)
    services.allocate_referral(referral=referral, caseworker=isac, by=isac_manager)
    referral.refresh_from_db()
    assert (referral.state, referral.caseworker) == (State.ACTIVE, isac)
    assert outbox_handlers() == ["send_referral_allocated_email"]
    # Once allocated, only the manager reallocates.
    other = ReferralFactory(case=open_case, agency=isac_service, active=True, caseworker=isac)
    with pytest.raises(NotAllowed):
        services.allocate_referral(referral=other, caseworker=isac, by=outsider_isac)
    services.allocate_referral(referral=other, caseworker=isac_manager, by=isac_manager)
    other.refresh_from_db()
    assert other.caseworker == isac_manager


def test_a_sent_referral_can_only_be_withdrawn(draft, coordinator):
    services.send_referral(referral=draft, by=coordinator)
    with pytest.raises(ReferralError, match="withdrawn"):
        services.close_referral(
            referral=draft,
            reason=Referral.ClosureReason.SUPPORT_COMPLETED,
            notes="",
            by=coordinator,
        )
    services.close_referral(
        referral=draft,
        reason=Referral.ClosureReason.WITHDRAWN,
        notes="Victim moved.",
        by=coordinator,
    )
    draft.refresh_from_db()
    assert draft.state == State.CLOSED
    assert not live_shares(draft).exists()


def test_time_in_each_state_is_kept(open_case, isac_service, coordinator, isac, no_broker):
    start = datetime(2026, 5, 11, 9, 0, tzinfo=LONDON)
    with time_machine.travel(start - timedelta(hours=1), tick=False):
        draft = services.create_referral(
            case=open_case, details=details(isac_service), by=coordinator
        )
    with time_machine.travel(start, tick=False):
        services.send_referral(referral=draft, by=coordinator)
    with time_machine.travel(start + timedelta(hours=5), tick=False):
        services.accept_referral(referral=draft, by=isac)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        services.allocate_referral(referral=draft, caseworker=isac, by=isac)
    periods = referral_history(draft)
    assert [p.state for p in periods] == ["draft", "sent", "accepted", "active"]
    now = start + timedelta(days=3)
    assert periods[0].duration(now) == timedelta(hours=1)
    assert periods[1].duration(now) == timedelta(hours=5)
    assert periods[2].duration(now) == timedelta(hours=19)
    assert periods[3].left_at is None
    assert periods[3].duration(now) == timedelta(days=2)
    draft.refresh_from_db()
    assert draft.state_changed_at == start + timedelta(days=1)


# Urgent: a decision within four working hours (08:00-18:00, Monday to Friday, bank holidays
# excluded); routine: two working days (docs/referrals.md).
@pytest.mark.parametrize(
    ("sent_at", "urgent_due", "routine_due"),
    [
        # Tuesday mid-morning: the same afternoon.
        (datetime(2026, 5, 12, 10, 0), datetime(2026, 5, 12, 14, 0), datetime(2026, 5, 14, 10, 0)),
        # Late on a Tuesday: one hour that day, three the next morning (not Thursday 18:00).
        (datetime(2026, 5, 12, 17, 0), datetime(2026, 5, 13, 11, 0), datetime(2026, 5, 14, 17, 0)),
        # Friday afternoon: Monday morning.
        (
            datetime(2026, 5, 15, 16, 30),
            datetime(2026, 5, 18, 10, 30),
            datetime(2026, 5, 19, 16, 30),
        ),
        # Friday before the bank-holiday Monday (4 May 2026): Tuesday.
        (datetime(2026, 5, 1, 17, 0), datetime(2026, 5, 5, 11, 0), datetime(2026, 5, 6, 17, 0)),
        # After hours on a Saturday: from 08:00 on the next working day.
        (datetime(2026, 5, 16, 21, 0), datetime(2026, 5, 18, 12, 0), datetime(2026, 5, 19, 18, 0)),
    ],
)
def test_an_urgent_referral_gets_four_working_hours_and_a_routine_one_two_working_days(
    open_case, isac_service, coordinator, no_broker, sent_at, urgent_due, routine_due
):
    sent_at = sent_at.replace(tzinfo=LONDON)
    for urgency, due in (("urgent", urgent_due), ("routine", routine_due)):
        referral = services.create_referral(
            case=open_case,
            details=details(isac_service, urgency=urgency),
            by=coordinator,
        )
        with time_machine.travel(sent_at, tick=False):
            services.send_referral(referral=referral, by=coordinator)
        referral.refresh_from_db()
        assert referral.response_due_at == due.replace(tzinfo=LONDON), urgency
