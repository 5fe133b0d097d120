"""Minutes: approval by the chair locks them; approving twice and editing locked minutes are
refused with a message; amendments are attributed entries. Decision handlers run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clinic.errors import ClinicError, NotAllowed
from clinic.hooks import register_decision_handler, unregister_decision_handler
from clinic.models import ClinicReferral, DecisionType, Minutes
from clinic.services.minutes import (
    amend_minutes,
    approve_minutes,
    create_action,
    record_decision,
    save_discussion,
    save_minutes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(item):
    item.meeting.starts_at = datetime.now(UTC) - timedelta(hours=2)
    item.meeting.ends_at = datetime.now(UTC) - timedelta(minutes=1)
    item.meeting.save()
    return item


def test_approved_minutes_are_locked(held, coordinator, tactical_lead, partner):
    save_minutes(meeting=held.meeting, general_notes="All agencies present.", by=coordinator)
    save_discussion(
        item=held, discussion="Discussed.", victim_voice="Wants to feel safe.", by=coordinator
    )
    with pytest.raises(NotAllowed):
        approve_minutes(meeting=held.meeting, by=coordinator)
    minutes = approve_minutes(meeting=held.meeting, by=tactical_lead)
    assert minutes.is_locked
    assert minutes.approved_by == tactical_lead
    held.referral.refresh_from_db()
    assert held.referral.state == ClinicReferral.State.DISCUSSED
    with pytest.raises(ClinicError, match="already approved"):
        approve_minutes(meeting=held.meeting, by=tactical_lead)
    for attempt in (
        lambda: save_minutes(meeting=held.meeting, general_notes="Changed", by=coordinator),
        lambda: save_discussion(item=held, discussion="Changed", victim_voice="", by=coordinator),
        lambda: create_action(
            item=held,
            description="Late",
            owner_agency=partner.agency,
            owner=None,
            due_on=datetime.now(UTC).date(),
            by=coordinator,
        ),
    ):
        with pytest.raises(ClinicError, match="locked"):
            attempt()
    held.refresh_from_db()
    assert held.discussion == "Discussed."
    assert Minutes.objects.get().general_notes == "All agencies present."
    amendment = amend_minutes(
        meeting=held.meeting, text="Correction: probation attended.", by=coordinator
    )
    assert amendment.by == coordinator


def test_a_decision_runs_the_registered_handlers(held, coordinator):
    seen = []

    def handler(*, decision, by):
        seen.append((decision.decision_type.key, by))

    register_decision_handler(handler)
    try:
        record_decision(
            item=held,
            decision_type=DecisionType.objects.get(key="pursue_spo"),
            notes="",
            by=coordinator,
        )
    finally:
        unregister_decision_handler(handler)
    assert seen == [("pursue_spo", coordinator)]


def test_a_handler_that_refuses_saves_nothing(held, coordinator):
    def refuse(*, decision, by):
        raise ClinicError("No order file can be opened.")

    register_decision_handler(refuse)
    try:
        with pytest.raises(ClinicError):
            record_decision(
                item=held,
                decision_type=DecisionType.objects.get(key="pursue_spo"),
                notes="",
                by=coordinator,
            )
    finally:
        unregister_decision_handler(refuse)
    assert not held.decisions.exists()
