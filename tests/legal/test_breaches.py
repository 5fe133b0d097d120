"""Breaches: recorded before or after their log arrives, linked by the sweep's hook (imports and
merges alike), never twice; candidates from a newly imported possible breach; responses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import SignalKind
from cases.services.logs import logs_changed
from legal import services
from legal.models import Breach, BreachCandidate, LegalEvent
from tests.factories import CrimeLogFactory, LogPartyFactory, PersonFactory
from tests.legal.conftest import to_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(spo_file, solicitor):
    return to_state(spo_file, solicitor, "in_force").orders.get()


def breach_log(suspect, *, reference="NS/26/BREACH-1", days_ago=2):
    log = CrimeLogFactory(
        breach=True,
        reference=reference,
        recorded_at=timezone.now() - timedelta(days=days_ago),
        occurred_from=timezone.now() - timedelta(days=days_ago),
    )
    LogPartyFactory(log=log, suspect=True, person=suspect, name=suspect.name)
    return log


def test_a_breach_recorded_before_its_log_is_linked_when_the_log_arrives(order, solicitor, suspect):
    breach = services.record_breach(
        order=order,
        occurred_on=timezone.localdate() - timedelta(days=2),
        log_source="rms",
        log_reference="NS/26/BREACH-1",
        by=solicitor,
    )
    assert breach.log is None
    log = breach_log(suspect)
    logs_changed(log_ids=[log.pk], now=timezone.now())
    breach.refresh_from_db()
    assert breach.log == log


def test_a_breach_on_a_log_imported_before_is_linked_at_once(order, solicitor, suspect):
    log = breach_log(suspect)
    breach = services.record_breach(
        order=order,
        occurred_on=timezone.localdate() - timedelta(days=2),
        log_source="rms",
        log_reference=log.reference,
        by=solicitor,
    )
    assert breach.log == log
    assert LegalEvent.objects.filter(kind="breach", order=order).count() == 1


def test_the_same_breach_twice_is_refused(order, solicitor):
    kwargs = {
        "order": order,
        "occurred_on": timezone.localdate(),
        "log_source": "rms",
        "log_reference": "NS/26/X",
        "by": solicitor,
    }
    services.record_breach(**kwargs)
    events = LegalEvent.objects.count()
    with pytest.raises(services.LegalError, match="already recorded"):
        services.record_breach(**kwargs)
    assert Breach.objects.count() == 1
    assert LegalEvent.objects.count() == events


def test_a_breach_before_the_order_or_without_a_reference_is_refused(order, solicitor):
    with pytest.raises(services.LegalError, match="before the order"):
        services.record_breach(
            order=order,
            occurred_on=order.made_on - timedelta(days=1),
            log_source="rms",
            log_reference="NS/1",
            by=solicitor,
        )
    with pytest.raises(services.LegalError, match="source and reference"):
        services.record_breach(
            order=order, occurred_on=order.made_on, log_source="", log_reference="", by=solicitor
        )
    assert not Breach.objects.exists()


def test_a_possible_breach_naming_the_respondent_becomes_a_candidate(order, solicitor, suspect):
    log = breach_log(suspect)
    other = breach_log(PersonFactory(), reference="NS/26/OTHER")
    logs_changed(log_ids=[log.pk, other.pk], now=timezone.now())
    log.refresh_from_db()
    assert SignalKind.ORDER_BREACH in log.signal_kinds
    candidate = BreachCandidate.objects.get()
    assert (candidate.order, candidate.log) == (order, log)
    # Idempotent: a re-evaluation raises no second candidate.
    logs_changed(log_ids=[log.pk], now=timezone.now())
    assert BreachCandidate.objects.count() == 1
    breach = services.confirm_candidate(candidate=candidate, by=solicitor)
    assert breach.log == log
    candidate.refresh_from_db()
    assert candidate.state == BreachCandidate.State.CONFIRMED
    with pytest.raises(services.LegalError, match="already been decided"):
        services.dismiss_candidate(candidate=candidate, by=solicitor)


def test_no_candidate_without_an_order_in_force(spo_file, solicitor, suspect):
    log = breach_log(suspect)
    logs_changed(log_ids=[log.pk], now=timezone.now())
    assert not BreachCandidate.objects.exists()


def test_a_candidate_is_dismissed_once(order, solicitor, suspect):
    log = breach_log(suspect)
    logs_changed(log_ids=[log.pk], now=timezone.now())
    candidate = BreachCandidate.objects.get()
    services.dismiss_candidate(candidate=candidate, by=solicitor)
    assert not Breach.objects.exists()


def test_linking_is_set_based(order, solicitor, suspect, django_assert_max_num_queries):
    for n in range(30):
        services.record_breach(
            order=order,
            occurred_on=timezone.localdate(),
            log_source="rms",
            log_reference=f"NS/26/MANY-{n}",
            by=solicitor,
        )
    logs = [breach_log(suspect, reference=f"NS/26/MANY-{n}") for n in range(30)]
    with django_assert_max_num_queries(6):
        services.link_breaches_and_find_candidates(
            log_ids=[log.pk for log in logs], now=timezone.now()
        )
    assert Breach.objects.filter(log__isnull=False).count() == 30


def test_a_response_is_recorded(order, solicitor):
    breach = services.record_breach(
        order=order,
        occurred_on=timezone.localdate(),
        log_source="rms",
        log_reference="NS/26/R",
        by=solicitor,
    )
    with pytest.raises(services.LegalError, match="sentence"):
        services.record_breach_response(breach=breach, response="sentenced", by=solicitor)
    services.record_breach_response(
        breach=breach, response="sentenced", sentence="12 weeks' custody", by=solicitor
    )
    breach.refresh_from_db()
    assert breach.response == "sentenced"


def test_a_merge_that_reveals_the_respondent_raises_the_candidate(order, suspect, coordinator):
    from cases.services.people import merge_persons

    duplicate = PersonFactory(name=suspect.name)
    log = breach_log(duplicate)
    logs_changed(log_ids=[log.pk], now=timezone.now())
    assert not BreachCandidate.objects.exists()
    merge_persons(keep=suspect, merge=duplicate, reason="same person", by=coordinator)
    assert BreachCandidate.objects.filter(order=order, log=log).exists()
