"""Writes on the case file, split by subdomain: `sharing` (who else sees a case), `reviews`
(decisions on logs), `cases` (opening, changing, closing), `people` (linking parties to people,
merging), `logs` (the one entry point for "these logs changed"), `restrictions` (restricted
cases and persons, break-glass).

The public names are re-exported here, so callers write `from cases.services import open_case`.
"""

from cases.services.cases import (
    NewCaseData,
    add_log_to_case,
    close_case,
    cross_border_areas,
    open_case,
    relationship_from_log,
    set_current_risk,
    update_case,
)
from cases.services.errors import CaseError, ReviewError
from cases.services.restrictions import (
    break_glass,
    lift_case_restriction,
    lift_person_restriction,
    restrict_case,
    restrict_person,
    restriction_of,
)
from cases.services.reviews import (
    BULK_OUTCOMES,
    bulk_review,
    officer_user_for,
    record_review,
    send_review_feedback,
)
from cases.services.sharing import end_case_share, set_share_facets, share_case

__all__ = [
    "BULK_OUTCOMES",
    "CaseError",
    "NewCaseData",
    "ReviewError",
    "add_log_to_case",
    "break_glass",
    "bulk_review",
    "close_case",
    "cross_border_areas",
    "end_case_share",
    "lift_case_restriction",
    "lift_person_restriction",
    "officer_user_for",
    "open_case",
    "record_review",
    "relationship_from_log",
    "restrict_case",
    "restrict_person",
    "restriction_of",
    "send_review_feedback",
    "set_current_risk",
    "set_share_facets",
    "share_case",
    "update_case",
]
