from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from foundation.audit import selectors
from foundation.audit.access import Need, object_type_of
from foundation.audit.export import EXPORT_LIMIT, csv_lines
from foundation.audit.forms import AccessRecordFilterForm
from foundation.audit.models import AccessRecord
from foundation.audit.permissions import can_view_access_records
from foundation.audit.services import record_access
from foundation.lib.http import AuthenticatedHttpRequest

PAGE_SIZE = 50


def _filters(form: AccessRecordFilterForm) -> selectors.AccessRecordFilter:
    if form.is_bound and form.is_valid():
        return selectors.AccessRecordFilter(**form.cleaned_data)
    return selectors.AccessRecordFilter()


@require_GET
def access_record_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_view_access_records(request.user):
        raise Http404
    form = AccessRecordFilterForm(request.GET or None)
    filters = _filters(form)
    page = Paginator(selectors.access_records(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/accessrecord_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "export_limit": EXPORT_LIMIT,
            "can_export": not form.is_bound or form.is_valid(),
        },
    )


@require_GET
def access_record_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The filtered records as CSV. The export is a disclosure: recorded (with the filter and
    the count, need "disclose") before anything is served; nothing is served if it cannot be."""
    if not can_view_access_records(request.user):
        raise Http404
    form = AccessRecordFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest("The filter is not valid: correct it on the audit page.")
    filters = _filters(form)
    records = selectors.access_records(filters)
    count = min(records.count(), EXPORT_LIMIT)
    record_access(
        user=request.user,
        action=AccessRecord.Action.DISCLOSE,
        object_type=object_type_of(AccessRecord),
        object_id="export",
        need=Need.DISCLOSE,
        justification=(
            f"CSV export of {count} access records; filter: {selectors.describe(filters)}"
        ),
    )
    response = StreamingHttpResponse(csv_lines(records), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="access-records.csv"'
    return response
