"""Directions: given to the officer in charge, e-mailed as a link only, acknowledged and
updated by the officer; bad input refused with nothing saved."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from foundation.outbox.models import OutboxMessage
from oversight import services
from oversight.models import Direction, DirectionUpdate
from oversight.notifications import send_direction_given_email
from tests.factories import CaseFactory, InvestigationPlanFactory, PlanLineFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 11, 10, 0, tzinfo=UTC)
TODAY = date(2026, 5, 11)
SECRET = "Seize the suspect's phone SECRET-DETAIL"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_direction_goes_to_the_officer_in_charge_with_a_link_only(plan, tactical_lead, officer):
    line = plan.lines.get(template__key="digital_evidence")
    direction = services.give_direction(
        case=plan.case,
        text=SECRET,
        due_on=TODAY + timedelta(days=7),
        plan_line=line,
        by=tactical_lead,
    )
    assert direction.officer == officer
    assert direction.next_chase_on == TODAY + timedelta(days=8)
    assert OutboxMessage.objects.filter(handler="oversight.send_direction_given_email").count() == 1
    send_direction_given_email(direction_id=direction.pk)
    assert [message.to for message in mail.outbox] == [[officer.email]]
    body = mail.outbox[0].body
    assert "/logs/mine/" in body
    assert plan.case.reference in body
    assert "SECRET-DETAIL" not in body
    assert "SECRET-DETAIL" not in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("due_on", "message"),
    [(TODAY - timedelta(days=1), "in the past"), (TODAY, None)],
)
def test_a_due_date_in_the_past_is_refused(plan, tactical_lead, due_on, message):
    if message is None:
        services.give_direction(
            case=plan.case, text="Today", due_on=due_on, plan_line=None, by=tactical_lead
        )
        return
    with pytest.raises(services.OversightError, match=message):
        services.give_direction(
            case=plan.case, text="Too late", due_on=due_on, plan_line=None, by=tactical_lead
        )
    assert not Direction.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_no_direction_on_a_closed_case_or_without_an_officer(tactical_lead, coordinator, officer):
    closed = CaseFactory(closed=True, owner=coordinator, officer_in_charge=officer)
    with pytest.raises(services.OversightError, match="closed"):
        services.give_direction(
            case=closed, text="x", due_on=TODAY, plan_line=None, by=tactical_lead
        )
    nobody = CaseFactory(owner=coordinator)
    with pytest.raises(services.OversightError, match="officer in charge"):
        services.give_direction(
            case=nobody, text="x", due_on=TODAY, plan_line=None, by=tactical_lead
        )
    assert not Direction.objects.exists()


def test_a_line_of_another_cases_plan_is_refused(plan, tactical_lead):
    foreign = PlanLineFactory(plan=InvestigationPlanFactory())
    with pytest.raises(services.OversightError, match="another case"):
        services.give_direction(
            case=plan.case, text="x", due_on=TODAY, plan_line=foreign, by=tactical_lead
        )


def test_only_the_tactical_lead_gives_directions(plan, coordinator, officer):
    for user in (coordinator, officer):
        with pytest.raises(services.NotAllowed):
            services.give_direction(case=plan.case, text="x", due_on=TODAY, plan_line=None, by=user)


def test_the_officer_acknowledges_then_updates_and_marks_done(
    plan, tactical_lead, officer, champion
):
    direction = services.give_direction(
        case=plan.case, text="Statement", due_on=TODAY, plan_line=None, by=tactical_lead
    )
    with pytest.raises(services.NotAllowed):
        services.acknowledge_direction(direction=direction, by=champion)
    services.acknowledge_direction(direction=direction, by=officer)
    direction.refresh_from_db()
    assert direction.status == Direction.Status.ACKNOWLEDGED
    assert direction.acknowledged_at == NOW
    with pytest.raises(services.OversightError, match="already"):
        services.acknowledge_direction(direction=direction, by=officer)
    with pytest.raises(services.OversightError, match="Write"):
        services.update_direction(direction=direction, text=" ", done=True, by=officer)
    services.update_direction(direction=direction, text="Statement taken.", done=True, by=officer)
    direction.refresh_from_db()
    assert direction.status == Direction.Status.DONE
    assert list(DirectionUpdate.objects.values_list("text", flat=True)) == [
        "Acknowledged.",
        "Statement taken.",
    ]
    with pytest.raises(services.OversightError, match="closed"):
        services.update_direction(direction=direction, text="more", done=False, by=officer)


def test_the_tactical_lead_withdraws_an_open_direction(plan, tactical_lead, coordinator):
    direction = services.give_direction(
        case=plan.case, text="x", due_on=TODAY, plan_line=None, by=tactical_lead
    )
    with pytest.raises(services.NotAllowed):
        services.withdraw_direction(direction=direction, by=coordinator)
    services.withdraw_direction(direction=direction, by=tactical_lead)
    direction.refresh_from_db()
    assert direction.status == Direction.Status.WITHDRAWN
    # A withdrawn direction's queued e-mail is not sent.
    send_direction_given_email(direction_id=direction.pk)
    assert mail.outbox == []


def test_reviews_fall_due_after_the_interval_or_sooner(plan, tactical_lead, settings):
    settings.HUB_OVERSIGHT_REVIEW_DAYS = 14
    review = services.record_review(
        case=plan.case, summary="On track.", next_review_on=None, by=tactical_lead
    )
    assert review.next_review_on == TODAY + timedelta(days=14)
    sooner = services.record_review(
        case=plan.case,
        summary="Escalating.",
        next_review_on=TODAY + timedelta(days=3),
        by=tactical_lead,
    )
    assert sooner.next_review_on == TODAY + timedelta(days=3)
    for bad, message in ((TODAY, "after today"), (TODAY + timedelta(days=15), "within 14 days")):
        with pytest.raises(services.OversightError, match=message):
            services.record_review(
                case=plan.case, summary="x", next_review_on=bad, by=tactical_lead
            )
    with pytest.raises(services.OversightError, match="Write"):
        services.record_review(case=plan.case, summary="  ", next_review_on=None, by=tactical_lead)
