"""Hooks that let higher apps act on clinic decisions without `clinic` importing them.

`legal` opens an order file when the clinic decides to "pursue an SPO": it registers a handler
in its AppConfig.ready() and matches `decision.decision_type.key` ("pursue_spo"). A handler
runs inside the transaction that records the decision (what it writes commits or rolls back
with it), makes no network call (e-mail goes through the outbox) and may raise a
`clinic.errors.ClinicError` to refuse the decision with a message. Registering twice is
harmless.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from clinic.models import Decision
    from foundation.accounts.models import User


class DecisionHandler(Protocol):
    def __call__(self, *, decision: Decision, by: User) -> None: ...


_handlers: list[DecisionHandler] = []


def register_decision_handler(handler: DecisionHandler) -> DecisionHandler:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def unregister_decision_handler(handler: DecisionHandler) -> None:
    if handler in _handlers:
        _handlers.remove(handler)


def run_decision_handlers(*, decision: Decision, by: User) -> None:
    """Called only by `clinic.services.agenda.record_decision`."""
    for handler in tuple(_handlers):
        handler(decision=decision, by=by)
