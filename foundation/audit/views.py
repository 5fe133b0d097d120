from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from foundation.audit import selectors
from foundation.audit.forms import AccessRecordFilterForm
from foundation.audit.permissions import can_view_access_records
from foundation.lib.http import AuthenticatedHttpRequest

PAGE_SIZE = 50


@require_GET
def access_record_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_view_access_records(request.user):
        raise Http404
    form = AccessRecordFilterForm(request.GET or None)
    filters = selectors.AccessRecordFilter()
    if form.is_bound and form.is_valid():
        filters = selectors.AccessRecordFilter(**form.cleaned_data)
    page = Paginator(selectors.access_records(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/accessrecord_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
