"""The door: the one way to fetch a sensitive object for a user, scoped, audited, 404 otherwise.

Each app's `permissions.py` wraps these in its own `get_<thing>_for_user(user, pk, *, need=…)`
(one single-object door and at most one bulk door per sensitive model). The app decides which
records the user may reach for that `need` (a scoped queryset, and `permitted`, its role rule
for the need); the door records the attempt with what the user actually got: allowed, or
denied and a 404. No view records an access itself, so no view can record the wrong outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from enum import StrEnum
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import Http404, HttpRequest

from foundation.accounts.models import User
from foundation.audit.models import AccessRecord
from foundation.audit.services import record_access


class Need(StrEnum):
    """What every door can be asked for; an app's own needs are a StrEnum of its own."""

    READ = "read"
    CHANGE = "change"
    DISCLOSE = "disclose"


_SENSITIVE: dict[str, type[models.Model]] = {}

# Rules that narrow every door's scope whatever the app (a restricted case hides its records
# in every app): each takes the scoped queryset, the user and the need, and narrows it. The
# cases app registers the restriction rule (cases/permissions.py); foundation knows no case.
type ScopeRule = Callable[[models.QuerySet[Any], User, str], models.QuerySet[Any]]
_SCOPE_RULES: list[ScopeRule] = []


def register_scope_rule(rule: ScopeRule) -> ScopeRule:
    """Add a rule every door applies to its scoped queryset before it looks for the object."""
    if rule not in _SCOPE_RULES:
        _SCOPE_RULES.append(rule)
    return rule


def _narrowed[M: models.Model](
    visible: models.QuerySet[M], user: User, need: str
) -> models.QuerySet[M]:
    for rule in _SCOPE_RULES:
        visible = rule(visible, user, str(need))
    return visible


def register_sensitive(model: type[models.Model]) -> type[models.Model]:
    """Mark a model as sensitive: only its door may fetch it in a view (tests enforce it)."""
    _SENSITIVE[model._meta.label_lower] = model
    return model


def sensitive_models() -> dict[str, type[models.Model]]:
    return dict(_SENSITIVE)


def object_type_of(model: type[models.Model]) -> str:
    """The access record's object type: the model's label (e.g. "cases.case"), never typed."""
    return model._meta.label_lower


def _action_for(need: str, action: str | None) -> str:
    if action is not None:
        return action
    return AccessRecord.Action.DISCLOSE if need == Need.DISCLOSE else AccessRecord.Action.CONSULT


def open_door[M: models.Model](
    visible: models.QuerySet[M],
    pk: object,
    *,
    user: User,
    need: str,
    permitted: bool = True,
    check: Callable[[M], bool] | None = None,
    action: str | None = None,
    justification: str = "",
) -> M:
    """The object if `permitted` and `visible` (already scoped to the user) holds it, and
    `check` (the need's rule on that object, e.g. "a user of the receiving agency") accepts
    it; else 404.

    Both outcomes are recorded, with the need asked for. A denied attempt looks exactly like a
    missing object, so a 404 never confirms that a record exists. A malformed id (text, a NUL)
    is a denied attempt too, and never reaches the database as an error. Raises
    AuditUnavailable if the record cannot be written (the caller then serves nothing).
    """
    object_type = object_type_of(visible.model)
    visible = _narrowed(visible, user, need)
    obj: M | None = None
    if permitted:
        try:
            obj = visible.get(pk=pk)
        except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):
            obj = None
    refused = obj is not None and check is not None and not check(obj)
    record_access(
        user=user,
        action=_action_for(need, action),
        object_type=object_type,
        object_id=pk if obj is None else obj.pk,
        need=str(need),
        justification=justification,
        outcome=(
            AccessRecord.Outcome.ALLOWED
            if obj is not None and not refused
            else AccessRecord.Outcome.DENIED
        ),
    )
    if obj is None or refused:
        raise Http404
    return obj


def open_doors[M: models.Model](
    visible: models.QuerySet[M],
    pks: Collection[object],
    *,
    user: User,
    need: str,
    permitted: bool = True,
) -> list[M]:
    """Several objects for a bulk action: all of them in id order, or 404 if any is refused.

    One query for the lot; each allowed object and each refused id gets its own record,
    written before the 404 so a probe is on record too. A malformed id (text, a NUL) is a
    refused one, recorded as sent, and never reaches the database.
    """
    pk_field = visible.model._meta.pk
    assert pk_field is not None
    visible = _narrowed(visible, user, need)
    valid: set[object] = set()
    malformed: set[str] = set()
    for pk in pks:
        try:
            valid.add(pk_field.to_python(pk))
        except (ValidationError, ValueError, TypeError):
            malformed.add(str(pk))
    wanted = valid | malformed
    if not wanted:
        raise Http404
    found = {obj.pk: obj for obj in visible.filter(pk__in=valid)} if permitted and valid else {}
    action = _action_for(need, None)
    object_type = object_type_of(visible.model)
    for pk in sorted(wanted, key=str):
        record_access(
            user=user,
            action=action,
            object_type=object_type,
            object_id=pk,
            need=str(need),
            outcome=(AccessRecord.Outcome.ALLOWED if pk in found else AccessRecord.Outcome.DENIED),
        )
    if len(found) != len(wanted):
        raise Http404
    return [found[pk] for pk in sorted(found)]


def record_admin_refusal(
    request: HttpRequest, model: type[models.Model], object_id: object, need: str
) -> None:
    """A Django admin page of one record of a sensitive model, which never opens (the admin
    lists sensitive models by id only): recorded as a denied attempt with its need."""
    if object_type_of(model) not in _SENSITIVE:
        return
    user = request.user if isinstance(request.user, User) else None
    record_access(
        user=user,
        action=AccessRecord.Action.CONSULT,
        object_type=object_type_of(model),
        object_id=object_id,
        need=need,
        outcome=AccessRecord.Outcome.DENIED,
    )


def record_consultation(
    *, user: User, model: type[models.Model], object_id: object, need: str, justification: str = ""
) -> None:
    """Record a consultation of a record already opened through its door (a panel's facet,
    a merge): the door's own recording for what is shown on a page that opened another."""
    record_access(
        user=user,
        action=AccessRecord.Action.CONSULT,
        object_type=object_type_of(model),
        object_id=object_id,
        need=str(need),
        justification=justification,
    )
