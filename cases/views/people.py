"""Merging two person records from the log review page.

Access (reviewers only, 404 otherwise) → form → service → redirect back to the log. The
service `cases.services.people.merge_persons` does the work and the audit; this is its interface.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from cases.forms.people import PersonMergeForm
from cases.models import LogParty, Person
from cases.permissions import can_review_logs, get_log_for_user, logs_visible_to
from cases.services.people import PersonMergeError, merge_persons
from foundation.accounts.models import User
from foundation.audit.access import fetch_for_user
from foundation.lib.http import AuthenticatedHttpRequest

MERGED_MESSAGE = "The two records are now one person."


def _get_person_for_merge(user: User, person_id: int) -> Person:
    """A person named on a log the user may open; else Http404 (both outcomes recorded)."""
    on_visible_log = LogParty.objects.filter(person=OuterRef("pk"), log__in=logs_visible_to(user))
    return fetch_for_user(
        Person.objects.filter(Exists(on_visible_log)),
        person_id,
        user=user,
        object_type="person",
    )


@require_POST
def person_merge(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not can_review_logs(user):
        raise Http404
    form = PersonMergeForm(request.POST)
    valid = form.is_valid()
    # Broken hidden ids are not the user's mistake to correct: answer as for anything missing.
    if not form.ids_are_valid():
        raise Http404
    data = form.cleaned_data
    log = get_log_for_user(user, data["next_log"])
    keep = _get_person_for_merge(user, data["keep"])
    merge = _get_person_for_merge(user, data["merge"])
    back_to_log = redirect("cases:log_detail", log_id=log.pk)
    if not valid:
        for error in form.errors.get("reason", []):
            messages.error(request, str(error))
        return back_to_log
    try:
        merge_persons(keep=keep, merge=merge, reason=data["reason"], by=user)
    except PersonMergeError as error:
        # The service's messages hold no personal data (see PersonMergeError).
        messages.error(request, str(error))
        return back_to_log
    messages.success(request, MERGED_MESSAGE)
    return back_to_log
