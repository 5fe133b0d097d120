"""The statutory timings at their edges (legal/deadlines.py). Each test names its section of
the Stalking Protection Act 2019."""

from __future__ import annotations

from datetime import date

import pytest

from legal.deadlines import (
    NotificationExemption,
    add_months,
    full_order_earliest_end,
    interim_order_end,
    is_lawful_fixed_term,
    notification_deadline,
    notification_due,
    notification_missed,
    renewal_review_dates,
)

# --- s.3: a full order's fixed term is at least two years beginning with the day it is made --


@pytest.mark.parametrize(
    ("made", "earliest_end"),
    [
        (date(2026, 3, 3), date(2028, 3, 2)),  # s.3: the day before the second anniversary
        (date(2026, 1, 1), date(2027, 12, 31)),  # s.3: across a year end
        (date(2026, 3, 1), date(2028, 2, 29)),  # s.3: into a leap February
        (date(2024, 2, 29), date(2026, 2, 28)),  # s.3: made on 29 February
        (date(2023, 3, 1), date(2025, 2, 28)),  # s.3: a common February before the anniversary
        (date(2026, 1, 31), date(2028, 1, 30)),  # s.3: a month end
    ],
)
def test_s3_full_order_earliest_end(made, earliest_end):
    assert full_order_earliest_end(made) == earliest_end


def test_s3_a_term_one_day_short_of_two_years_is_unlawful():
    made = date(2026, 3, 3)
    assert is_lawful_fixed_term(made, date(2028, 3, 2))
    assert not is_lawful_fixed_term(made, date(2028, 3, 1))


# --- ss.9-10: notify within "3 days beginning with" the day of service or change ------------


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (date(2026, 12, 4), date(2026, 12, 6)),  # s.9: served on a Friday, due on the Sunday
        (date(2026, 1, 30), date(2026, 2, 1)),  # s.9: across a month end
        (date(2024, 2, 28), date(2024, 3, 1)),  # s.9: through 29 February in a leap year
        (date(2026, 2, 28), date(2026, 3, 2)),  # s.9: a common year's February end
        (date(2026, 12, 31), date(2027, 1, 2)),  # s.9: across a year end
        (date(2026, 12, 24), date(2026, 12, 26)),  # s.9: bank holidays count as days too
    ],
)
def test_s9_notification_due_is_the_third_day_counting_the_first(start, due):
    assert notification_due(start) == due


def test_s11_missed_only_after_the_last_day():
    due = date(2026, 12, 6)
    assert not notification_missed(due, notified_on=None, today=date(2026, 12, 6))
    assert notification_missed(due, notified_on=None, today=date(2026, 12, 7))
    assert not notification_missed(due, notified_on=date(2026, 12, 6), today=date(2027, 1, 1))
    assert notification_missed(due, notified_on=date(2026, 12, 7), today=date(2027, 1, 1))


def test_s9_exempt_while_subject_to_sexual_offences_act_part_2_notification():
    start = date(2026, 6, 10)
    inside = notification_deadline(start, soa_from=date(2020, 1, 1), soa_to=None)
    assert inside.exemption == NotificationExemption.SEXUAL_OFFENCES_ACT
    assert inside.due is None
    # s.9: the exemption holds on its first and last days, not the day after.
    assert not notification_deadline(start, soa_from=start, soa_to=start).required
    after = notification_deadline(start, soa_from=date(2020, 1, 1), soa_to=date(2026, 6, 9))
    assert after.required
    assert after.due == date(2026, 6, 12)
    before = notification_deadline(start, soa_from=date(2026, 6, 11))
    assert before.required


def test_s9_no_second_notification_when_a_full_order_replaces_an_interim_one():
    replaced = notification_deadline(date(2026, 6, 10), replaces_interim=True)
    assert replaced.exemption == NotificationExemption.REPLACES_INTERIM
    assert replaced.due is None


# --- s.5: an interim order ends with its period or when the main application is decided ----


def test_s5_interim_order_end_is_the_earlier_of_its_period_and_the_determination():
    assert interim_order_end(period_end=date(2026, 8, 1)) == date(2026, 8, 1)
    assert interim_order_end(
        period_end=date(2026, 8, 1), main_determined_on=date(2026, 7, 1)
    ) == date(2026, 7, 1)
    assert interim_order_end(period_end=None) is None


# --- s.4 renewal: reviewed 3 months and 1 month before the end ------------------------------


@pytest.mark.parametrize(
    ("end", "reviews"),
    [
        (date(2028, 3, 2), [date(2027, 12, 2), date(2028, 2, 2)]),
        (date(2028, 5, 31), [date(2028, 2, 29), date(2028, 4, 30)]),  # month ends, leap year
        (date(2027, 5, 31), [date(2027, 2, 28), date(2027, 4, 30)]),  # common year
        (date(2028, 1, 15), [date(2027, 10, 15), date(2027, 12, 15)]),  # across a year end
    ],
)
def test_s4_renewal_review_dates(end, reviews):
    assert renewal_review_dates(end) == reviews


def test_add_months_clamps_to_the_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
