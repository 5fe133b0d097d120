"""The SPO file's state machine as data: every allowed transition, what it is called, where
it may start and where it leads (docs/legal.md holds the same table; a test compares them).

Only SPO files (an SPO, or an interim SPO only) run these states. A file for another order
(restraining, non-molestation, other) records the order and is only ever in force or ended.
"""

from __future__ import annotations

from dataclasses import dataclass

from legal.models import EndedReason, FileState


@dataclass(frozen=True)
class Transition:
    key: str
    label: str
    sources: tuple[FileState, ...]
    target: FileState
    ended_reason: EndedReason | None = None
    # From an ended file: the reasons it may have ended with.
    reopens: tuple[EndedReason, ...] = ()
    # Recorded through "record an order made" (it needs the order's dates), not the button.
    by_order: bool = False


S = FileState
R = EndedReason

TRANSITIONS: tuple[Transition, ...] = (
    Transition("prepare", "Start preparing the application", (S.CONSIDERING,), S.PREPARING),
    Transition(
        "decline", "Decide not to apply", (S.CONSIDERING, S.PREPARING), S.ENDED, R.NOT_APPLIED
    ),
    Transition("apply", "Application made to the court", (S.PREPARING,), S.APPLIED),
    Transition("interim", "Interim order made", (S.APPLIED,), S.INTERIM, by_order=True),
    Transition("full", "Full order made", (S.APPLIED, S.INTERIM), S.IN_FORCE, by_order=True),
    Transition("refuse", "Application refused", (S.APPLIED, S.INTERIM), S.ENDED, R.REFUSED),
    Transition("withdraw", "Application withdrawn", (S.APPLIED, S.INTERIM), S.ENDED, R.WITHDRAWN),
    Transition("discharge", "Order discharged", (S.INTERIM, S.IN_FORCE), S.ENDED, R.DISCHARGED),
    Transition("expire", "Order expired", (S.INTERIM, S.IN_FORCE), S.ENDED, R.EXPIRED),
    Transition(
        "appeal",
        "Appeal to the Crown Court (applied again)",
        (S.ENDED,),
        S.APPLIED,
        reopens=(R.REFUSED, R.DISCHARGED),
    ),
    Transition(
        "renew", "Application to renew (applied again)", (S.ENDED,), S.APPLIED, reopens=(R.EXPIRED,)
    ),
)

# Files for other orders: in force when recorded, then ended.
OTHER_ORDER_TRANSITIONS: tuple[Transition, ...] = (
    Transition("discharge", "Order discharged", (S.IN_FORCE,), S.ENDED, R.DISCHARGED),
    Transition("expire", "Order expired", (S.IN_FORCE,), S.ENDED, R.EXPIRED),
)


def transitions_for(*, is_spo: bool) -> tuple[Transition, ...]:
    return TRANSITIONS if is_spo else OTHER_ORDER_TRANSITIONS


def find(key: str, *, is_spo: bool) -> Transition | None:
    return next((t for t in transitions_for(is_spo=is_spo) if t.key == key), None)


def allowed(transition: Transition, state: str, ended_reason: str) -> bool:
    """Whether `transition` may start from this state (and, from ended, this reason)."""
    if state not in transition.sources:
        return False
    return not transition.reopens or ended_reason in transition.reopens


def available(*, is_spo: bool, state: str, ended_reason: str) -> list[Transition]:
    """The transitions a file may take now, in table order."""
    return [t for t in transitions_for(is_spo=is_spo) if allowed(t, state, ended_reason)]
