"""The one way to fetch a sensitive object for a user: scoped, audited, 404 when out of scope."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from foundation.accounts.models import User
from foundation.audit.models import AccessRecord
from foundation.audit.services import record_access


def fetch_for_user[M: models.Model](
    visible: models.QuerySet[M],
    pk: object,
    *,
    user: User,
    object_type: str,
    action: str = AccessRecord.Action.CONSULT,
    justification: str = "",
) -> M:
    """Return the object if `visible` (already scoped to the user) holds it, else raise Http404.

    Both outcomes are recorded; a denied attempt looks exactly like a missing object to the
    user, so a 404 never confirms that a record exists. Raises AuditUnavailable if the record
    cannot be written (the caller then serves nothing).
    """
    try:
        obj = visible.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        record_access(
            user=user,
            action=action,
            object_type=object_type,
            object_id=pk,
            justification=justification,
            outcome=AccessRecord.Outcome.DENIED,
        )
        raise Http404 from exc
    record_access(
        user=user,
        action=action,
        object_type=object_type,
        object_id=obj.pk,
        justification=justification,
    )
    return obj
