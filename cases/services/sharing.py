"""Sharing a case with another agency: the only way a higher app widens who sees it.

The higher app (a referral, a clinic agenda item) keeps the foreign key to the share it made;
`cases` knows only the case, the agency, the window and the facets (docs/access.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseShare, Facet
from foundation.accounts.models import Agency, User


def _facet_values(facets: Iterable[str]) -> list[str]:
    """Known facets, sorted, each once; the case's existence always comes with a share."""
    return sorted({Facet(facet).value for facet in facets} | {Facet.EXISTENCE.value})


@transaction.atomic
def share_case(
    *,
    case: Case,
    agency: Agency,
    facets: Iterable[str],
    by: User,
    ends_at: datetime | None = None,
) -> CaseShare:
    """Open a share of `case` with `agency` carrying `facets` (until `ends_at`, if given).

    Raises ValueError for an unknown facet.
    """
    return CaseShare.objects.create(
        case=case, agency=agency, facets=_facet_values(facets), shared_by=by, ends_at=ends_at
    )


@transaction.atomic
def set_share_facets(*, share: CaseShare, facets: Iterable[str], by: User) -> CaseShare:
    """Change what a live share opens (e.g. a referral accepted: the full ticked set).

    History keeps the previous set. Raises ValueError for an unknown facet.
    """
    share.facets = _facet_values(facets)
    share.save(update_fields=["facets"])
    return share


@transaction.atomic
def end_case_share(*, share: CaseShare, by: User) -> bool:
    """End a live share now. Returns False if it had already ended (idempotent)."""
    return bool(
        CaseShare.objects.filter(pk=share.pk, ended_at=None).update(ended_at=timezone.now())
    )
