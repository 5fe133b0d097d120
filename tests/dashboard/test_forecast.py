"""The demand forecast on synthetic trends: a rising series, a step change after a training
push, seasonality. On each the 3-month forecast's MAPE is at most 15%; a step shows within 2
months."""

from __future__ import annotations

import math
import random

import pytest

from stalking_hub.dashboard.forecast import forecast, mape

SEEDS = range(8)


def noisy(values: list[float], seed: int, sd: float) -> list[float]:
    rng = random.Random(seed)
    return [max(0.0, value + rng.gauss(0, sd)) for value in values]


@pytest.mark.parametrize("seed", SEEDS)
def test_rising_series(seed):
    truth = [60 + 4 * t for t in range(39)]
    history = noisy(truth[:36], seed, 5)
    predicted = forecast(history)
    assert predicted is not None
    assert mape(truth[36:], predicted.values) <= 15


@pytest.mark.parametrize("seed", SEEDS)
def test_step_change_after_a_training_push(seed):
    truth = [50.0] * 24 + [80.0] * 9
    # Two months after the push the forecast already shows the new level...
    early = forecast(noisy(truth[:26], seed, 4))
    assert early is not None
    assert min(early.values) > 65, early
    # ...and with four months its error is within the target.
    later = forecast(noisy(truth[:28], seed, 4))
    assert later is not None
    assert mape(truth[28:31], later.values) <= 15


@pytest.mark.parametrize("seed", SEEDS)
def test_seasonal_series(seed):
    truth = [100 + 30 * math.sin(2 * math.pi * t / 12) for t in range(39)]
    predicted = forecast(noisy(truth[:36], seed, 5))
    assert predicted is not None
    assert "season" in predicted.method
    assert mape(truth[36:], predicted.values) <= 15


def test_interval_widens_with_the_horizon_and_holds_the_forecast():
    predicted = forecast(noisy([40 + t for t in range(24)], 3, 3))
    assert predicted is not None
    widths = [high - low for low, high in zip(predicted.low, predicted.high, strict=True)]
    assert widths[0] < widths[1] < widths[2]
    assert all(
        low <= value <= high
        for low, value, high in zip(predicted.low, predicted.values, predicted.high, strict=True)
    )


def test_too_little_history_gives_no_forecast():
    assert forecast([3, 4, 5]) is None
    assert forecast([3, 4, 5, 6]) is not None


def test_mape_leaves_out_zero_months():
    assert mape([0, 100], [5, 90]) == pytest.approx(10.0)
