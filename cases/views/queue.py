"""The review queue, the log review and officers' feedback on their own logs.

Each view: access (a door, 404 when denied) -> form -> service -> redirect or render. State
changes only on POST.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cases import selectors, services
from cases.forms import (
    BulkReviewForm,
    QueueFilterForm,
    ReviewForm,
    SearchForm,
)
from cases.models import CrimeLog, SignalKind
from cases.panels import officer_sections_for
from cases.permissions import (
    LogNeed,
    can_review_logs,
    get_log_for_user,
    get_logs_for_user,
)
from cases.services import CaseError
from cases.views.common import PAGE_SIZE, CappedPaginator, page_number
from foundation.accounts.models import Role
from foundation.lib.http import AuthenticatedHttpRequest


@require_GET
def crimelog_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_review_logs(request.user):
        raise Http404
    return _queue_page(
        request, request.GET, bulk_form=BulkReviewForm(user=request.user), selected=set()
    )


def _queue_page(
    request: AuthenticatedHttpRequest,
    query: QueryDict,
    *,
    bulk_form: BulkReviewForm,
    selected: set[int],
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The queue under `query`'s filters and page: from its own GET, or re-shown after a
    refused bulk decision or a search with what the user had chosen kept."""
    form = QueueFilterForm(query or None)
    filters = selectors.QueueFilter()
    if form.is_bound and form.is_valid():
        filters = form.to_filter()
    logs = selectors.review_queue(request.user, filters)
    cap = selectors.queue_count_cap(page_number(query.get("page")), PAGE_SIZE)
    paginator = CappedPaginator(logs, PAGE_SIZE, counted=selectors.queue_count(logs, cap=cap))
    page = paginator.get_page(query.get("page"))
    if query.get("select") == "page":
        selected = {log.pk for log in page.object_list}
    counts = selectors.queue_signal_counts(request.user, filters, cap=cap)
    plain = query.copy()
    plain.pop("select", None)
    without_page = plain.copy()
    without_page.pop("page", None)
    select_all = plain.copy()
    select_all["select"] = "page"
    return render(
        request,
        "cases/crimelog_queue.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "query": without_page.urlencode(),
            "return_query": plain.urlencode(),
            "select_all_query": select_all.urlencode(),
            "clear_selection_query": plain.urlencode(),
            "selected": selected,
            "signal_counts": _signal_count_links(plain, counts, selected=filters.signal),
            "signal_labels": dict(SignalKind.choices),
            "bulk_form": bulk_form,
            "search_form": SearchForm(),
            **(extra or {}),
        },
    )


def _signal_count_links(
    current: QueryDict, counts: dict[str, selectors.CappedCount], *, selected: str
) -> list[dict[str, object]]:
    """One link per signal kind: the current filters with that kind chosen, and its count."""
    labels = dict(SignalKind.choices)
    links: list[dict[str, object]] = []
    for kind, count in counts.items():
        query = current.copy()
        query.pop("page", None)
        query["signal"] = kind
        links.append(
            {
                "kind": kind,
                "label": labels.get(kind, kind),
                "count": count.value,
                "capped": count.capped,
                "url": f"?{query.urlencode()}",
                "selected": kind == selected,
            }
        )
    return links


@require_POST
def crimelog_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BulkReviewForm(request.POST, user=request.user)
    valid = form.is_valid()
    asked = request.POST.getlist("logs")
    if not valid and not can_review_logs(request.user):
        # The ids as sent through the door: a refused role is recorded denied for each log
        # asked for, malformed ids too, and answers 404 (no ids at all: a plain 404).
        get_logs_for_user(request.user, asked, need=LogNeed.REVIEW)
        raise Http404  # pragma: no cover - the door has raised: nothing is open to them
    broken = [value for value in asked if not value.isdecimal() or not int(value)]
    if broken:
        # A reviewer's broken form: each malformed id is still an attempt, recorded denied by
        # the door; the form then says the selection could not be read (nothing saved).
        with contextlib.suppress(Http404):
            get_logs_for_user(request.user, broken, need=LogNeed.REVIEW)
    if not valid:
        return _bulk_refused(request, form)
    # Every id through the same scope as the single-log page; one outside it: 404, nothing saved.
    logs = get_logs_for_user(request.user, form.cleaned_data["logs"], need=LogNeed.REVIEW)
    try:
        reviews = services.bulk_review(
            logs=logs,
            outcome=form.cleaned_data["action"],
            note=form.cleaned_data.get("note") or "",
            duplicate_of=form.cleaned_data["duplicate_of"],
            by=request.user,
        )
    except CaseError as error:
        form.add_error(None, str(error))
        return _bulk_refused(request, form)
    messages.success(request, f"{len(reviews)} log{'s' if len(reviews) != 1 else ''} reviewed.")
    return redirect(_queue_url(form.cleaned_data.get("return_query", "")))


def _bulk_refused(request: AuthenticatedHttpRequest, form: BulkReviewForm) -> HttpResponse:
    """Nothing saved: the same queue (filters and page) with the same logs ticked, the choices
    made, and what was wrong, instead of an unfiltered queue with nothing ticked."""
    selected = {int(value) for value in request.POST.getlist("logs") if value.isdecimal()}
    query = QueryDict(request.POST.get("return_query", "")[:2000])
    problems = [str(error) for errors in form.errors.values() for error in errors]
    return _queue_page(
        request, query, bulk_form=form, selected=selected, extra={"bulk_problems": problems}
    )


def _queue_url(return_query: str) -> str:
    # Re-encoded from its parsed form so only a query string goes back into the redirect.
    query = QueryDict(return_query).copy()
    query.pop("page", None)
    query.pop("select", None)
    encoded = query.urlencode()
    return reverse("cases:queue") + (f"?{encoded}" if encoded else "")


@require_GET
def crimelog_detail(request: AuthenticatedHttpRequest, log_id: int) -> HttpResponse:
    log = get_log_for_user(request.user, log_id)
    return _render_log(request, log, form=None)


@require_POST
def crimelog_review(request: AuthenticatedHttpRequest, log_id: int) -> HttpResponse:
    log = get_log_for_user(request.user, log_id, need=LogNeed.REVIEW)
    full = selectors.log_for_review(log)
    form = ReviewForm(
        request.POST,
        log=full,
        user=request.user,
        candidate_cases=selectors.open_cases_sharing_a_party(request.user, full),
    )
    if form.is_valid():
        try:
            review = services.record_review(log=full, by=request.user, **form.service_kwargs())
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            if review.case is not None:
                messages.success(
                    request, f"Review recorded. Log added to case {review.case.reference}."
                )
                return redirect(review.case)
            messages.success(request, "Review recorded.")
            return redirect("cases:queue")
    return _render_log(request, full, form=form)


def _render_log(
    request: AuthenticatedHttpRequest,
    log: CrimeLog,
    *,
    form: ReviewForm | None,
) -> HttpResponse:
    user = request.user
    full = log if form is not None else selectors.log_for_review(log)
    reviewer = can_review_logs(user)
    # Fuzzy matches help the reviewer link people; they are suggestions, never merged here.
    suggestions = selectors.person_suggestions(full) if reviewer else {}
    context: dict[str, Any] = {
        "log": full,
        "party_rows": [
            (party, suggestions.get(party.pk, []))
            for party in selectors.parties_in_reading_order(full.parties.all())
        ],
        "signals": list(full.signals.all()),
        "review": getattr(full, "review", None),
        "pair_logs": selectors.pair_logs(user, full),
        "signal_labels": dict(SignalKind.choices),
        "can_review": reviewer,
    }
    if reviewer:
        candidates = selectors.open_cases_sharing_a_party(user, full)
        context["form"] = form or ReviewForm(log=full, user=user, candidate_cases=candidates)
        context["candidate_cases"] = candidates
    return render(request, "cases/crimelog_detail.html", context)


@require_GET
def crimelog_my_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.OFFICER, Role.CHAMPION):
        raise Http404
    page = Paginator(selectors.officer_feedback(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Sections from the apps above (the tactical lead's directions): cases/panels.py.
    sections = [
        (section, render_to_string(section.template, {**context, "section": section}, request))
        for section, context in officer_sections_for(request.user)
    ]
    return render(
        request,
        "cases/crimelog_my_list.html",
        {"page": page, "query": "", "sections": sections},
    )


@require_GET
def crimelog_my_detail(request: AuthenticatedHttpRequest, log_id: int) -> HttpResponse:
    log = get_log_for_user(request.user, log_id, need=LogNeed.FEEDBACK)
    review = selectors.feedback_for_log(log)
    return render(request, "cases/crimelog_my_detail.html", {"log": log, "review": review})
