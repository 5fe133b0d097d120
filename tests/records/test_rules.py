"""Each retention rule at its boundary, with frozen time (docs/information-management.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from foundation.records.models import RecordReview, RetentionRule
from foundation.records.registry import record_type, record_types
from foundation.records.rules import rules_in_force
from foundation.records.services import list_due_reviews
from tests.records.builders import BUILDERS

pytestmark = pytest.mark.django_db

# Noon UTC (13:00 in London in summer): the date-based rule (order files) reads the local date.
ANCHOR = datetime(2019, 6, 3, 12, 0, tzinfo=UTC)


def years_for(key: str, settings) -> int:
    kind = record_type(key)
    if kind.rule.years_setting:
        return int(getattr(settings, kind.rule.years_setting))
    return RetentionRule.objects.get(record_type=key).years


def due_ids(key: str, now: datetime, years: int) -> set[int]:
    return set(record_type(key).due(now, years).values_list("pk", flat=True))


def test_every_app_registers_its_record_types_with_a_rule():
    keys = {t.key for t in record_types()}
    assert keys == set(BUILDERS)
    seeded = set(RetentionRule.objects.values_list("record_type", flat=True))
    # Every type has a row to edit, except those whose years come from a setting.
    assert seeded == {t.key for t in record_types() if not t.rule.years_setting}
    assert all(rule.years for rule in rules_in_force())


@pytest.mark.parametrize("key", sorted(BUILDERS))
def test_a_record_is_due_exactly_n_years_after_its_date(key, settings):
    record = BUILDERS[key](ANCHOR)
    years = years_for(key, settings)
    boundary = ANCHOR.replace(year=ANCHOR.year + years)
    if key == "legal.orderfile":
        # Counted in days: due from the local day N years after the order's end.
        boundary = timezone.make_aware(datetime(boundary.year, boundary.month, boundary.day))
    before = boundary - timedelta(seconds=1)
    with time_machine.travel(before, tick=False):
        assert record.pk not in due_ids(key, timezone.now(), years)
    with time_machine.travel(boundary, tick=False):
        assert record.pk in due_ids(key, timezone.now(), years)


def test_changing_a_rule_moves_the_boundary(information_manager):
    from foundation.records.services import update_rule

    record = BUILDERS["cases.case"](ANCHOR)
    now = ANCHOR.replace(year=ANCHOR.year + 4)
    assert record.pk not in due_ids("cases.case", now, years_for("cases.case", None))
    update_rule(
        key="cases.case", years=4, basis="after the case closed", notes="", by=information_manager
    )
    assert record.pk in due_ids("cases.case", now, 4)
    with time_machine.travel(now, tick=False):
        list_due_reviews(now=now)
    assert RecordReview.objects.filter(record_type="cases.case", object_id=record.pk).exists()


def test_an_order_until_further_order_keeps_its_file_for_ever():
    from legal.models import ProtectiveOrder

    file = BUILDERS["legal.orderfile"](ANCHOR)
    order = ProtectiveOrder.objects.get(file=file)
    ProtectiveOrder.objects.filter(pk=order.pk).update(fixed_end_on=None)
    assert file.pk not in due_ids("legal.orderfile", ANCHOR.replace(year=2090), 6)


def test_an_order_ending_later_than_the_file_counts_from_the_order():
    from legal.models import ProtectiveOrder

    file = BUILDERS["legal.orderfile"](ANCHOR)
    later = ANCHOR + timedelta(days=400)
    ProtectiveOrder.objects.filter(file=file).update(fixed_end_on=later.date())
    assert file.pk not in due_ids("legal.orderfile", ANCHOR.replace(year=ANCHOR.year + 6), 6)
    assert file.pk in due_ids("legal.orderfile", later.replace(year=later.year + 6), 6)


def test_a_crime_log_on_a_case_or_confirmed_never_expires_by_rule():
    from cases.models import CaseLog
    from tests.factories.accounts import UserFactory
    from tests.factories.cases import CaseFactory, CrimeLogFactory, LogReviewFactory

    on_case = CrimeLogFactory(updated_at=ANCHOR)
    CaseLog.objects.create(case=CaseFactory(), log=on_case, added_by=UserFactory())
    confirmed = LogReviewFactory(confirmed=True, log=CrimeLogFactory(updated_at=ANCHOR)).log
    CaseLog.objects.filter(log=confirmed).delete()
    expired = CrimeLogFactory(updated_at=ANCHOR)
    found = due_ids("cases.crimelog", ANCHOR.replace(year=2030), 2)
    assert expired.pk in found
    assert on_case.pk not in found
    assert confirmed.pk not in found


def test_the_crime_log_expiry_years_come_from_the_setting(settings):
    settings.HUB_CRIME_LOG_EXPIRY_YEARS = 5
    rule = {r.record_type.key: r for r in rules_in_force()}["cases.crimelog"]
    assert rule.years == 5
    assert rule.from_setting == "HUB_CRIME_LOG_EXPIRY_YEARS"


def test_listing_is_idempotent_and_expired_log_copies_are_queued_by_the_rule(settings):
    log = BUILDERS["cases.crimelog"](ANCHOR)
    case = BUILDERS["cases.case"](ANCHOR)
    now = ANCHOR.replace(year=ANCHOR.year + 10)
    first = list_due_reviews(now=now)
    second = list_due_reviews(now=now)
    assert first.listed >= 1
    assert first.queued_by_rule >= 1
    assert second.listed == 0
    assert second.queued_by_rule == 0
    assert (
        RecordReview.objects.get(record_type="cases.crimelog", object_id=log.pk).state == "queued"
    )
    assert RecordReview.objects.get(record_type="cases.case", object_id=case.pk).state == "due"


def test_a_retained_record_comes_back_on_its_review_date(information_manager):
    from foundation.records.services import retain_records

    case = BUILDERS["cases.case"](ANCHOR)
    now = ANCHOR.replace(year=ANCHOR.year + 7)
    list_due_reviews(now=now)
    review = RecordReview.objects.get(record_type="cases.case", object_id=case.pk)
    retain_records(
        reviews=[review],
        reason="Linked to a live investigation",
        review_on=(now + timedelta(days=365)).date(),
        by=information_manager,
        now=now,
    )
    list_due_reviews(now=now + timedelta(days=364))
    review.refresh_from_db()
    assert review.state == "retained"
    list_due_reviews(now=now + timedelta(days=365))
    review.refresh_from_db()
    assert review.state == "due"
