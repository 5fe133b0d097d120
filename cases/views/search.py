"""Search by reference or name, from the review queue (crime logs) and the case list (cases).

POST only: the terms travel in the request body and come back in the form to refine; nothing
goes into the URL or the session. One ranked page of at most 50 results.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from cases.forms import SearchForm
from cases.permissions import can_review_logs
from cases.search import MAX_RESULTS, Hit, search_cases, search_logs
from foundation.accounts.roles import is_hub_staff
from foundation.lib.http import AuthenticatedHttpRequest


@require_POST
def log_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_review_logs(request.user):
        raise Http404
    form = SearchForm(request.POST)
    hits = search_logs(request.user, form.to_query()) if form.is_valid() else None
    return _results(request, form, hits, kind="logs")


@require_POST
def case_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_hub_staff(request.user):
        raise Http404
    form = SearchForm(request.POST)
    hits = search_cases(request.user, form.to_query()) if form.is_valid() else None
    return _results(request, form, hits, kind="cases")


def _results(
    request: AuthenticatedHttpRequest, form: SearchForm, hits: list[Hit[Any]] | None, *, kind: str
) -> HttpResponse:
    return render(
        request,
        "cases/search_results.html",
        {"form": form, "hits": hits, "kind": kind, "max_results": MAX_RESULTS},
        status=200 if form.is_valid() else 400,
    )
