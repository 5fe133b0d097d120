"""Writes of information management, split by subdomain: review and disposal, access
records past their period, subject rights (docs/information-management.md)."""

from foundation.records.services.access_records import (
    ACCESS_RECORD_TRIGGER,
    dispose_old_access_records,
)
from foundation.records.services.errors import RecordsError
from foundation.records.services.review import (
    DISPOSAL_LEASE,
    DisposalReport,
    DueReport,
    dispose_queued,
    list_due_reviews,
    queue_disposal,
    retain_records,
    run_disposal,
    update_rule,
)
from foundation.records.services.subject_rights import (
    decide_rectification,
    find_subject_entries,
    open_subject_access_request,
    record_disclosure,
    record_rectification_request,
    redact_item,
)

__all__ = [
    "ACCESS_RECORD_TRIGGER",
    "DISPOSAL_LEASE",
    "DisposalReport",
    "DueReport",
    "RecordsError",
    "decide_rectification",
    "dispose_old_access_records",
    "dispose_queued",
    "find_subject_entries",
    "list_due_reviews",
    "open_subject_access_request",
    "queue_disposal",
    "record_disclosure",
    "record_rectification_request",
    "redact_item",
    "retain_records",
    "run_disposal",
    "update_rule",
]
