"""Merging two person records from the log review page.

Access (reviewers only, 404 otherwise) → form → service → redirect back to the log. The
service `cases.services.people.merge_persons` does the work and the audit; this is its interface.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from cases.forms.people import PersonMergeForm
from cases.permissions import LogNeed, PersonNeed, get_log_for_user, get_persons_for_user
from cases.services.people import PersonMergeError, merge_persons
from foundation.lib.http import AuthenticatedHttpRequest

MERGED_MESSAGE = "The two records are now one person."


@require_POST
def person_merge(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = PersonMergeForm(request.POST)
    valid = form.is_valid()
    # Both records through the people's bulk door with the ids as sent, before anything else:
    # a refused role, a record out of scope or a broken hidden id is a denied attempt on
    # each, recorded, and a 404 (never the user's mistake to correct).
    raw_keep, raw_merge = request.POST.get("keep", ""), request.POST.get("merge", "")
    people = get_persons_for_user(user, [raw_keep, raw_merge], need=PersonNeed.MERGE)
    log = get_log_for_user(user, request.POST.get("next_log", ""), need=LogNeed.REVIEW)
    if not form.ids_are_valid():  # pragma: no cover - the doors refused a broken id already
        raise Http404
    data = form.cleaned_data
    keep, merge = people[data["keep"]], people[data["merge"]]
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
