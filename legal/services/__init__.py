"""Writes of the legal workflow (docs/legal.md). Each service checks its own rule, takes the
acting user as `by=`, and raises `LegalError` (a message safe to show) with nothing saved."""

from legal.services.breaches import (
    confirm_candidate,
    dismiss_candidate,
    link_breaches_and_find_candidates,
    record_breach,
    record_breach_response,
)
from legal.services.errors import LegalError, NotAllowed
from legal.services.files import (
    mark_victim_told,
    open_file,
    open_file_from_clinic_decision,
    transition_file,
    update_file,
)
from legal.services.orders import (
    TermSpec,
    add_term,
    record_event,
    record_hearing_outcome,
    record_notification_change,
    record_notified,
    record_order,
    record_service,
    schedule_hearing,
)

__all__ = [
    "LegalError",
    "NotAllowed",
    "TermSpec",
    "add_term",
    "confirm_candidate",
    "dismiss_candidate",
    "link_breaches_and_find_candidates",
    "mark_victim_told",
    "open_file",
    "open_file_from_clinic_decision",
    "record_breach",
    "record_breach_response",
    "record_event",
    "record_hearing_outcome",
    "record_notification_change",
    "record_notified",
    "record_order",
    "record_service",
    "schedule_hearing",
    "transition_file",
    "update_file",
]
