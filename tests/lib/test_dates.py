"""The shared date ranges: 1900 floor, nothing that happened in the future, schedules at most
five years ahead — checked at the boundaries, with the clock frozen."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django import forms

from foundation.lib.dates import (
    latest_scheduled_date,
    past_date_field,
    past_datetime_field,
    scheduled_date_field,
    search_date_field,
)
from foundation.lib.working_time import LONDON

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=LONDON)
TODAY = NOW.date()
TOO_FAR = "Enter a date at most 5 years ahead: 15 June 2031 or earlier."


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


class Dates(forms.Form):
    happened = past_date_field(required=False)
    happened_at = past_datetime_field(required=False)
    scheduled = scheduled_date_field(required=False)
    from_today = scheduled_date_field(required=False, earliest="today")
    future = scheduled_date_field(required=False, earliest="tomorrow")


def errors(field: str, value: str) -> list[str]:
    return Dates({field: value}).errors.get(field, [])


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("happened", "1899-12-31", "Enter a date from 1 January 1900 onwards."),
        ("happened", "1900-01-01", None),
        ("happened", "2026-06-15", None),
        ("happened", "2026-06-16", "The date cannot be in the future."),
        ("happened", "0001-01-01", "Enter a date from 1 January 1900 onwards."),
        ("happened", "9999-12-31", "The date cannot be in the future."),
        ("happened_at", "1899-12-31T23:59", "Enter a date from 1 January 1900 onwards."),
        ("happened_at", "1900-01-01T00:00", None),
        ("happened_at", "2026-06-15T12:05", None),  # within the clock-skew allowance
        ("happened_at", "2026-06-15T12:06", "The date and time cannot be in the future."),
        ("happened_at", "2026-06-16T00:00", "The date and time cannot be in the future."),
        ("happened_at", "0001-01-01T00:00", "Enter a date from 1 January 1900 onwards."),
        ("happened_at", "9999-12-31T23:59", "The date and time cannot be in the future."),
        ("scheduled", "1899-12-31", "Enter a date from 1 January 1900 onwards."),
        ("scheduled", "1900-01-01", None),
        ("scheduled", "2031-06-15", None),
        ("scheduled", "2031-06-16", TOO_FAR),
        ("scheduled", "9999-12-31", TOO_FAR),
        ("from_today", "2026-06-14", "The date cannot be in the past."),
        ("from_today", "2026-06-15", None),
        ("from_today", "2031-06-15", None),
        ("from_today", "2031-06-16", TOO_FAR),
        ("future", "2026-06-15", "The date must be in the future."),
        ("future", "2026-06-16", None),
        ("future", "2031-06-15", None),
        ("future", "2031-06-16", TOO_FAR),
    ],
)
def test_each_kind_of_date_at_its_boundaries(field, value, error):
    assert errors(field, value) == ([error] if error else [])


def test_five_years_from_29_february_is_28_february():
    assert latest_scheduled_date(date(2028, 2, 29)) == date(2033, 2, 28)
    assert latest_scheduled_date(TODAY) == date(2031, 6, 15)


def test_today_is_read_when_the_form_is_checked_not_when_it_was_defined():
    form_class = Dates  # defined before the clock moves
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert form_class({"happened": "2026-06-16"}).is_valid()


def test_the_date_pickers_offer_the_same_range():
    form = Dates()
    assert 'min="1900-01-01" max="2026-06-15"' in str(form["happened"])
    assert 'min="1900-01-01T00:00" max="2026-06-15T23:59"' in str(form["happened_at"])
    assert 'min="1900-01-01" max="2031-06-15"' in str(form["scheduled"])
    assert 'min="2026-06-15" max="2031-06-15"' in str(form["from_today"])
    assert 'min="2026-06-16" max="2031-06-15"' in str(form["future"])


def test_a_form_may_word_the_message_for_its_own_field():
    class Review(forms.Form):
        review = scheduled_date_field(
            earliest="tomorrow",
            error_messages={"date_too_early": "The review date must be in the future."},
        )

    assert Review({"review": "2026-06-15"}).errors["review"] == [
        "The review date must be in the future."
    ]


def test_a_search_range_runs_from_1900_to_five_years_ahead():
    class Search(forms.Form):
        date_to = search_date_field(required=False)

    assert Search({"date_to": "1899-12-31"}).errors["date_to"] == [
        "Enter a date from 1 January 1900 onwards."
    ]
    assert Search({"date_to": "1900-01-01"}).is_valid()
    assert Search({"date_to": "2031-06-15"}).is_valid()
    assert Search({"date_to": "2031-06-16"}).errors["date_to"] == [TOO_FAR]
