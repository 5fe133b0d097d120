"""The coordinator's feed imports: upload a file, watch its progress, read the report."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.feed import services
from cases.feed.importer import report
from cases.feed.sweep import last_feed_at, resume_import
from cases.forms.feed import FeedUploadForm
from cases.models import FeedImport
from cases.permissions import (
    can_review_logs,
    feed_imports_visible_to,
    get_feed_import_for_user,
)
from foundation.audit.access import Need
from foundation.lib.http import AuthenticatedHttpRequest

PAGE_SIZE = 25
ERRORS_SHOWN = 200


def _require_reviewer(request: AuthenticatedHttpRequest) -> None:
    if not can_review_logs(request.user):
        raise Http404


@require_GET
def import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_reviewer(request)
    imports = (
        feed_imports_visible_to(request.user)
        .select_related("started_by")
        .order_by("-queued_at", "-id")
    )
    page = Paginator(imports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/feedimport_list.html",
        {"page": page, "last_feed_at": last_feed_at()},
    )


@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_reviewer(request)
    form = FeedUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        feed_import = services.queue_uploaded_feed(
            upload=form.cleaned_data["file"], source=form.cleaned_data["source"], by=request.user
        )
        return redirect("feed:detail", import_id=feed_import.pk)
    return render(request, "cases/feedimport_upload.html", {"form": form})


@require_GET
def import_detail(request: AuthenticatedHttpRequest, import_id: int) -> HttpResponse:
    feed_import = get_feed_import_for_user(request.user, import_id)
    # Stopped, for now or for good: its problems so far are worth reading.
    finished = feed_import.status in {
        FeedImport.Status.DONE,
        FeedImport.Status.REFUSED,
        FeedImport.Status.FAILED,
        FeedImport.Status.RETRY,
        FeedImport.Status.INTERRUPTED,
    }
    errors = list(feed_import.errors.order_by("row", "id")[:ERRORS_SHOWN]) if finished else []
    return render(
        request,
        "cases/feedimport_detail.html",
        {
            "feed_import": feed_import,
            "finished": finished,
            "errors": errors,
            "more_errors": max(0, feed_import.errors.count() - ERRORS_SHOWN) if finished else 0,
        },
    )


@require_GET
def import_report(request: AuthenticatedHttpRequest, import_id: int) -> HttpResponse:
    """The report as JSON, in the same shape as `import_logs --json`."""
    from django.http import JsonResponse

    feed_import = get_feed_import_for_user(request.user, import_id)
    return JsonResponse(report(feed_import) | {"status": feed_import.status})


@require_POST
def import_resume(request: AuthenticatedHttpRequest, import_id: int) -> HttpResponse:
    """Resume an interrupted import now, where it stopped (its lease lapsed)."""
    from cases.tasks import dispatch_import

    feed_import = get_feed_import_for_user(request.user, import_id, need=Need.CHANGE)
    with transaction.atomic():
        resumed = resume_import(feed_import=feed_import)
        if resumed:
            transaction.on_commit(lambda: dispatch_import(feed_import.pk))
    if resumed:
        messages.success(request, "The import resumes where it stopped.")
    else:
        messages.info(request, "The import is not interrupted: nothing to resume.")
    return redirect("feed:detail", import_id=feed_import.pk)
