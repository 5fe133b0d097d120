"""Before and after a team's training: the gap rate in the 3 months before the training date
against the 3 months after it, with a two-proportion comparison. Pure functions (no database);
docs/learning.md explains the method and what it cannot claim.

The difference is after minus before (negative: fewer gaps after training), with its 95%
interval by the Wald method for a difference of two independent proportions:

    d = p_after - p_before
    se = sqrt(p_before (1 - p_before) / n_before + p_after (1 - p_after) / n_after)
    interval = d ± 1.96 se

Below `MIN_LOGS` decided logs on either side the comparison says "too few logs to tell"
instead (the normal approximation is poor with few logs, and one miss would swing the rate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

WINDOW_MONTHS = 3
MIN_LOGS = 10  # decided logs needed on each side of the training date
Z_95 = 1.96


@dataclass(frozen=True)
class Side:
    decided: int
    gaps: int

    @property
    def rate(self) -> float | None:
        return self.gaps / self.decided if self.decided else None


@dataclass(frozen=True)
class Comparison:
    trained_on: date
    before: Side
    after: Side
    difference: float | None = None  # after - before, as a proportion
    low: float | None = None
    high: float | None = None
    too_few: bool = True
    after_incomplete: bool = False  # the 3 months after have not all passed yet
    # Who was trained that day (learning.selectors.training_days): roster people of the team
    # who attended a session, of the team's active roster; invited from the report or not.
    attended: int = 0
    roster: int = 0
    invited: bool = False

    @property
    def verdict(self) -> str:
        if self.too_few or self.low is None or self.high is None:
            return f"Too few logs to tell (fewer than {MIN_LOGS} on a side)"
        if self.high < 0:
            return "Fewer gaps after training"
        if self.low > 0:
            return "More gaps after training"
        return "No clear change"

    @property
    def difference_label(self) -> str:
        """E.g. "-12.0 points (-20.1 to -3.9)": percentage points, after minus before."""
        if self.difference is None or self.low is None or self.high is None:
            return "—"
        return (
            f"{100 * self.difference:+.1f} points ({100 * self.low:+.1f} to {100 * self.high:+.1f})"
        )


def compare(
    *,
    trained_on: date,
    before: Side,
    after: Side,
    after_incomplete: bool = False,
    attended: int = 0,
    roster: int = 0,
    invited: bool = False,
) -> Comparison:
    if before.decided < MIN_LOGS or after.decided < MIN_LOGS:
        return Comparison(
            trained_on,
            before,
            after,
            after_incomplete=after_incomplete,
            attended=attended,
            roster=roster,
            invited=invited,
        )
    p1, p2 = before.gaps / before.decided, after.gaps / after.decided
    difference = p2 - p1
    se = math.sqrt(p1 * (1 - p1) / before.decided + p2 * (1 - p2) / after.decided)
    return Comparison(
        trained_on,
        before,
        after,
        difference=difference,
        low=difference - Z_95 * se,
        high=difference + Z_95 * se,
        too_few=False,
        after_incomplete=after_incomplete,
        attended=attended,
        roster=roster,
        invited=invited,
    )
