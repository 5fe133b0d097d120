"""Crime outcomes and the detection state: the rule, in one place (docs/oversight.md).

A crime log carries the Home Office crime outcome type the force's records system gave it
(`CrimeLog.outcome`, from the feed's `outcome` column: 1, 1A, 2 to 22 as published in the Home
Office Counting Rules) and its date. Each type falls into one detection group here; a case's
detection state is derived from its logs' groups by `DETECTION_PRECEDENCE`. The feed parser,
the case page, the figures and the SQL annotations all read these tables; nothing else decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from django.db import models
from django.db.models import Case as SqlCase
from django.db.models import Exists, OuterRef, Q, QuerySet, Value, When


class CrimeOutcome(models.TextChoices):
    """Home Office crime outcome types, as published (Crime Outcomes in England and Wales)."""

    CHARGED = "1", "1 Charged/summonsed"
    CHARGED_ALTERNATIVE = "1A", "1A Charged/summonsed: alternative offence"
    TAKEN_INTO_CONSIDERATION = "2", "2 Taken into consideration"
    CAUTION_YOUTH = "3", "3 Caution: youth"
    CAUTION_ADULT = "4", "4 Caution: adult"
    OFFENDER_DIED = "5", "5 Offender died"
    PENALTY_NOTICE = "6", "6 Penalty notice for disorder"
    CANNABIS_KHAT_WARNING = "7", "7 Cannabis/khat warning"
    COMMUNITY_RESOLUTION = "8", "8 Community resolution"
    NOT_IN_PUBLIC_INTEREST_CPS = "9", "9 Prosecution not in the public interest (CPS)"
    NOT_IN_PUBLIC_INTEREST_POLICE = "10", "10 Formal action not in the public interest (police)"
    PREVENTED_AGE = (
        "11",
        "11 Prosecution prevented: suspect under the age of criminal responsibility",
    )
    PREVENTED_SUSPECT_ILL = "12", "12 Prosecution prevented: suspect too ill"
    PREVENTED_VICTIM_ILL = "13", "13 Prosecution prevented: victim or key witness dead or too ill"
    EVIDENTIAL_NO_SUSPECT_VICTIM_UNSUPPORTIVE = (
        "14",
        "14 Evidential difficulties: suspect not identified; victim does not support action",
    )
    EVIDENTIAL_VICTIM_SUPPORTS = (
        "15",
        "15 Evidential difficulties: suspect identified; victim supports action",
    )
    EVIDENTIAL_VICTIM_UNSUPPORTIVE = (
        "16",
        "16 Evidential difficulties: suspect identified; victim does not support action",
    )
    TIME_LIMIT_EXPIRED = "17", "17 Prosecution time limit expired"
    NO_SUSPECT = "18", "18 Investigation complete: no suspect identified"
    NFIB_FILED = "19", "19 Action Fraud/NFIB: not disseminated"
    OTHER_BODY_PRIMACY = "20", "20 Another body has investigative primacy"
    NOT_IN_PUBLIC_INTEREST_INVESTIGATION = (
        "21",
        "21 Further investigation not in the public interest (police)",
    )
    DIVERSIONARY = "22", "22 Diversionary, educational or intervention activity"


class DetectionState(models.TextChoices):
    """What a log's outcome, or a case's logs' outcomes together, say about detection."""

    CHARGED = "charged", "Charged or summonsed"
    OUT_OF_COURT = "out_of_court", "Out-of-court disposal"
    OPEN = "open", "Open"
    EVIDENTIAL_VICTIM_SUPPORTS = "evidential_supports", "Evidential difficulties: victim supports"
    EVIDENTIAL_VICTIM_UNSUPPORTIVE = (
        "evidential_unsupportive",
        "Evidential difficulties: victim does not support",
    )
    NO_SUSPECT = "no_suspect", "Investigation complete: no suspect"
    OTHER_OUTCOME = "other", "Closed: prosecution prevented or not in the public interest"


# THE RULE (1): each outcome type's group. A log without an outcome is OPEN.
DETECTION_GROUP: Final[dict[str, DetectionState]] = {
    # Dealt with at court: charged, summonsed, or taken into consideration with a charge.
    CrimeOutcome.CHARGED: DetectionState.CHARGED,
    CrimeOutcome.CHARGED_ALTERNATIVE: DetectionState.CHARGED,
    CrimeOutcome.TAKEN_INTO_CONSIDERATION: DetectionState.CHARGED,
    # Out-of-court disposals, formal and informal, and diversion.
    CrimeOutcome.CAUTION_YOUTH: DetectionState.OUT_OF_COURT,
    CrimeOutcome.CAUTION_ADULT: DetectionState.OUT_OF_COURT,
    CrimeOutcome.PENALTY_NOTICE: DetectionState.OUT_OF_COURT,
    CrimeOutcome.CANNABIS_KHAT_WARNING: DetectionState.OUT_OF_COURT,
    CrimeOutcome.COMMUNITY_RESOLUTION: DetectionState.OUT_OF_COURT,
    CrimeOutcome.DIVERSIONARY: DetectionState.OUT_OF_COURT,
    # Evidential difficulties, by whether the victim supports action.
    CrimeOutcome.EVIDENTIAL_VICTIM_SUPPORTS: DetectionState.EVIDENTIAL_VICTIM_SUPPORTS,
    CrimeOutcome.EVIDENTIAL_NO_SUSPECT_VICTIM_UNSUPPORTIVE: (
        DetectionState.EVIDENTIAL_VICTIM_UNSUPPORTIVE
    ),
    CrimeOutcome.EVIDENTIAL_VICTIM_UNSUPPORTIVE: DetectionState.EVIDENTIAL_VICTIM_UNSUPPORTIVE,
    CrimeOutcome.NO_SUSPECT: DetectionState.NO_SUSPECT,
    # Everything else closes the log without a detection.
    CrimeOutcome.OFFENDER_DIED: DetectionState.OTHER_OUTCOME,
    CrimeOutcome.NOT_IN_PUBLIC_INTEREST_CPS: DetectionState.OTHER_OUTCOME,
    CrimeOutcome.NOT_IN_PUBLIC_INTEREST_POLICE: DetectionState.OTHER_OUTCOME,
    CrimeOutcome.PREVENTED_AGE: DetectionState.OTHER_OUTCOME,
    CrimeOutcome.PREVENTED_SUSPECT_ILL: DetectionState.OTHER_OUTCOME,
    CrimeOutcome.PREVENTED_VICTIM_ILL: DetectionState.OTHER_OUTCOME,
    CrimeOutcome.TIME_LIMIT_EXPIRED: DetectionState.OTHER_OUTCOME,
    CrimeOutcome.NFIB_FILED: DetectionState.OTHER_OUTCOME,
    CrimeOutcome.OTHER_BODY_PRIMACY: DetectionState.OTHER_OUTCOME,
    CrimeOutcome.NOT_IN_PUBLIC_INTEREST_INVESTIGATION: DetectionState.OTHER_OUTCOME,
}

# THE RULE (2): a case takes the first state any of its logs is in, in this order. A charge
# on any log detects the case; then an out-of-court disposal; while a log is still open the
# case is open; only when every log is closed without detection do the difficulties decide.
# A case with no logs is open.
DETECTION_PRECEDENCE: Final[tuple[DetectionState, ...]] = (
    DetectionState.CHARGED,
    DetectionState.OUT_OF_COURT,
    DetectionState.OPEN,
    DetectionState.EVIDENTIAL_VICTIM_SUPPORTS,
    DetectionState.EVIDENTIAL_VICTIM_UNSUPPORTIVE,
    DetectionState.NO_SUSPECT,
    DetectionState.OTHER_OUTCOME,
)
# The states that count as a detection in the figures.
DETECTED: Final = frozenset({DetectionState.CHARGED, DetectionState.OUT_OF_COURT})

# What the feed accepts in `outcome` (upper-cased: "1a" is "1A").
OUTCOME_CODES: Final = frozenset(CrimeOutcome.values)


def log_detection_state(outcome: str) -> DetectionState:
    """One log's detection state from its outcome type ("" = no outcome yet = open)."""
    return DETECTION_GROUP.get(outcome, DetectionState.OPEN) if outcome else DetectionState.OPEN


def case_detection_state(outcomes: Iterable[str]) -> DetectionState:
    """A case's detection state from its logs' outcome types (see DETECTION_PRECEDENCE)."""
    states = {log_detection_state(outcome) for outcome in outcomes}
    for state in DETECTION_PRECEDENCE:
        if state in states:
            return state
    return DetectionState.OPEN


def _codes_in(state: DetectionState) -> list[str]:
    return [code for code, group in DETECTION_GROUP.items() if group == state]


def log_state_q(state: DetectionState, prefix: str = "") -> Q:
    """Logs (or, with a prefix, rows joined to logs) in this detection state, as SQL."""
    if state == DetectionState.OPEN:
        return Q(**{f"{prefix}outcome": ""})
    return Q(**{f"{prefix}outcome__in": _codes_in(state)})


def log_detection_expression(prefix: str = "") -> SqlCase:
    """The detection state of a log as an SQL expression (for GROUP BY in the figures)."""
    return SqlCase(
        *(
            When(log_state_q(state, prefix), then=Value(state.value))
            for state in DetectionState
            if state != DetectionState.OPEN
        ),
        default=Value(DetectionState.OPEN.value),
        output_field=models.CharField(),
    )


def annotate_case_detection_state[M: models.Model](
    cases: QuerySet[M], *, logs: QuerySet[models.Model], field: str = "detection_state"
) -> QuerySet[M]:
    """Cases annotated with their detection state, the same rule as `case_detection_state`.

    `logs` is the crime-log queryset (the caller's scope); linked through `case_links`.
    """
    linked = logs.filter(case_links__case=OuterRef("pk"))
    return cases.annotate(
        **{
            field: SqlCase(
                *(
                    When(Exists(linked.filter(log_state_q(state))), then=Value(state.value))
                    for state in DETECTION_PRECEDENCE
                ),
                default=Value(DetectionState.OPEN.value),
                output_field=models.CharField(),
            )
        }
    )
