"""The demand forecast for the next three months (docs/dashboard.md, "Forecast").

Method: additive Holt-Winters exponential smoothing on monthly counts —
- a level and a trend, plus a 12-month seasonal pattern once two full years are known
  (with less history the seasonal part is left out: one year cannot tell a season from noise);
- the smoothing weights (alpha for the level, beta for the trend, gamma for the season) are
  chosen from a fixed grid by the smallest one-step-ahead squared error over the history;
- a **step change** (a training push, a new recording rule): when two consecutive months
  both miss the one-step forecast by more than 2.5 residual standard deviations in the same
  direction, the level is reset to the latest month (less its season), so a new level shows in
  the forecast within two months instead of being smoothed away;
- the uncertainty is an 80 % interval: ±1.28 times the residual standard deviation times √h for
  h months ahead (never below zero).

Plain functions on lists of numbers: tested on synthetic trends (rising, step, seasonal).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

SEASON = 12
HORIZON = 3
Z80 = 1.2816
STEP_SIGMAS = 2.5
_ALPHAS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
_BETAS = (0.0, 0.05, 0.1, 0.2)
_GAMMAS = (0.05, 0.1, 0.2, 0.3)


@dataclass(frozen=True)
class Forecast:
    values: list[float]
    low: list[float]
    high: list[float]
    method: str
    # The month index (into the history) where a step change was detected, if any.
    step_at: int | None
    residual_sd: float


@dataclass
class _Fit:
    sse: float
    level: float
    trend: float
    seasonal: list[float]
    residuals: list[float]
    step_at: int | None
    seasonal_model: bool


def _fit(history: Sequence[float], alpha: float, beta: float, gamma: float, seasonal: bool) -> _Fit:
    if seasonal:
        first = history[:SEASON]
        second = history[SEASON : 2 * SEASON]
        level = sum(first) / SEASON
        trend = (sum(second) / SEASON - level) / SEASON
        season = [
            value - level - trend * (index - (SEASON - 1) / 2) for index, value in enumerate(first)
        ]
        start = SEASON
    else:
        span = min(3, len(history) - 1)
        level = float(history[0])
        trend = (history[span] - history[0]) / span if span > 0 else 0.0
        season = [0.0] * SEASON
        start = 1
    residuals: list[float] = []
    sse = 0.0
    step_at: int | None = None
    previous_error = 0.0
    for t in range(start, len(history)):
        value = history[t]
        s = season[t % SEASON]
        error = value - (level + trend + s)
        sigma = _sd(residuals) if len(residuals) >= 6 else None
        is_step = (
            sigma is not None
            and sigma > 0
            and abs(error) > STEP_SIGMAS * sigma
            and abs(previous_error) > STEP_SIGMAS * sigma
            and (error > 0) == (previous_error > 0)
        )
        if is_step:
            # A new level: start from the latest month; the trend carries on as it was.
            level = value - s
            step_at = t - 1
            # The month before was the step too, not noise: it leaves the residuals.
            residuals.pop()
            sse -= previous_error * previous_error
            previous_error = 0.0
        else:
            new_level = alpha * (value - s) + (1 - alpha) * (level + trend)
            trend = beta * (new_level - level) + (1 - beta) * trend
            level = new_level
            if seasonal:
                season[t % SEASON] = gamma * (value - level) + (1 - gamma) * s
            residuals.append(error)
            sse += error * error
            previous_error = error
    return _Fit(sse, level, trend, season, residuals, step_at, seasonal)


def _sd(values: Sequence[float]) -> float:
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def forecast(history: Sequence[float], *, horizon: int = HORIZON) -> Forecast | None:
    """The next `horizon` months after `history` (oldest first). None with under 4 months."""
    if len(history) < 4:
        return None
    best = _best_fit(history, seasonal=False)
    if len(history) >= 2 * SEASON:
        # The season is kept only where it explains clearly more than level and trend do.
        with_season = _best_fit(history, seasonal=True)
        if _mse(with_season) < 0.8 * _mse(best):
            best = with_season
    seasonal = best.seasonal_model
    n = len(history)
    sd = _sd(best.residuals)
    values: list[float] = []
    low: list[float] = []
    high: list[float] = []
    for h in range(1, horizon + 1):
        value = max(0.0, best.level + h * best.trend + best.seasonal[(n + h - 1) % SEASON])
        spread = Z80 * sd * math.sqrt(h)
        values.append(round(value, 1))
        low.append(round(max(0.0, value - spread), 1))
        high.append(round(value + spread, 1))
    method = (
        "Holt-Winters (level, trend, 12-month season)" if seasonal else "Holt (level and trend)"
    )
    return Forecast(values, low, high, method, best.step_at, round(sd, 2))


def _best_fit(history: Sequence[float], *, seasonal: bool) -> _Fit:
    best: _Fit | None = None
    for alpha, beta, gamma in product(_ALPHAS, _BETAS, _GAMMAS if seasonal else (0.0,)):
        fit = _fit(history, alpha, beta, gamma, seasonal)
        if best is None or fit.sse < best.sse:
            best = fit
    assert best is not None
    return best


def _mse(fit: _Fit) -> float:
    return fit.sse / max(len(fit.residuals), 1)


def mape(actual: Sequence[float], predicted: Sequence[float]) -> float:
    """Mean absolute percentage error, in percent (months with an actual of 0 left out)."""
    pairs = [(a, p) for a, p in zip(actual, predicted, strict=True) if a]
    if not pairs:
        return 0.0
    return 100 * sum(abs(a - p) / abs(a) for a, p in pairs) / len(pairs)
