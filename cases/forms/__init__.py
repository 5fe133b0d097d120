"""Forms of the case file, split by subdomain like the views. They validate; services decide."""

from cases.forms.cases import CaseEditForm, CaseFilterForm, CloseCaseForm
from cases.forms.common import StaffChoiceField, style_for_bootstrap
from cases.forms.feed import FeedUploadForm
from cases.forms.people import PersonMergeForm
from cases.forms.queue import (
    BULK_LIMIT,
    BulkReviewForm,
    QueueFilterForm,
    ReviewForm,
    find_log_by_reference,
)
from cases.forms.search import SearchForm

__all__ = [
    "BULK_LIMIT",
    "BulkReviewForm",
    "CaseEditForm",
    "CaseFilterForm",
    "CloseCaseForm",
    "FeedUploadForm",
    "PersonMergeForm",
    "QueueFilterForm",
    "ReviewForm",
    "SearchForm",
    "StaffChoiceField",
    "find_log_by_reference",
    "style_for_bootstrap",
]
