"""The information manager's pages: review and dispose, rules, subject rights."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foundation.lib.http import AuthenticatedHttpRequest
from foundation.lib.pdf import render_pdf
from foundation.lib.spreadsheets import csv_bytes
from foundation.records import selectors, services
from foundation.records.forms import (
    PersonSearchForm,
    RectificationDecisionForm,
    RectificationForm,
    RedactionForm,
    ReviewDecisionForm,
    RuleForm,
    SubjectRequestForm,
)
from foundation.records.models import SubjectAccessItem
from foundation.records.permissions import (
    RecordsNeed,
    can_manage_records,
    find_subject_persons_for_user,
    get_rectification_for_user,
    get_reviews_for_user,
    get_subject_request_for_user,
)
from foundation.records.registry import record_type, record_types
from foundation.records.rules import rules_in_force

PAGE_SIZE = 100


def _require_manager(request: AuthenticatedHttpRequest) -> None:
    if not can_manage_records(request.user):
        raise Http404


@require_http_methods(["GET", "POST"])
def review_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Records due for review, ticked in bulk: retain with a reason and a date, or dispose."""
    _require_manager(request)
    kinds = {t.key: t.label for t in record_types()}
    chosen = request.GET.get("type", "")
    if chosen not in kinds:
        chosen = ""
    form = ReviewDecisionForm(request.POST or None)
    if request.method == "POST":
        ids = request.POST.getlist("review")
        if not ids:
            messages.error(request, "Tick at least one record.")
        elif form.is_valid():
            reviews = get_reviews_for_user(request.user, ids)
            now = timezone.now()
            data = form.cleaned_data
            try:
                if data["decision"] == ReviewDecisionForm.RETAIN:
                    n = services.retain_records(
                        reviews=reviews,
                        reason=data["reason"],
                        review_on=data["review_on"],
                        by=request.user,
                        now=now,
                    )
                    messages.success(request, f"{n} record{'s' if n != 1 else ''} retained.")
                else:
                    n = services.queue_disposal(
                        reviews=reviews, reason=data["reason"], by=request.user, now=now
                    )
                    messages.success(
                        request,
                        f"{n} record{'s' if n != 1 else ''} queued for disposal; "
                        "the disposal runs in the background.",
                    )
                return redirect(request.get_full_path())
            except services.RecordsError as error:
                form.add_error(None, str(error))
    page = Paginator(
        selectors.reviews_to_decide(request.user, record_type=chosen), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for review in page:
        review.label = kinds.get(review.record_type, review.record_type)  # type: ignore[attr-defined]
    return render(
        request,
        "records/review_list.html",
        {
            "form": form,
            "page": page,
            "chosen": chosen,
            "chosen_label": kinds.get(chosen, ""),
            "counts": selectors.counts_by_type(request.user),
        },
    )


@require_GET
def rule_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    return render(request, "records/rule_list.html", {"rules": rules_in_force()})


@require_http_methods(["GET", "POST"])
def rule_edit(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    _require_manager(request)
    rules = {rule.record_type.key: rule for rule in rules_in_force()}
    rule = rules.get(key)
    if rule is None or rule.from_setting:
        raise Http404
    form = RuleForm(
        request.POST or None, initial={"years": rule.years, "basis": rule.basis, "notes": ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_rule(key=key, by=request.user, **form.cleaned_data)
            messages.success(request, "Rule saved; the next nightly review applies it.")
            return redirect("records:rules")
        except services.RecordsError as error:
            form.add_error(None, str(error))
    return render(request, "records/rule_edit.html", {"rule": rule, "form": form})


@require_GET
def disposed_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    page = Paginator(selectors.tombstones(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "records/disposed_list.html",
        {"page": page, "access": selectors.access_record_disposals(request.user)[:24]},
    )


@require_http_methods(["GET", "POST"])
def subject_request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Subject-access requests, and a search for a new one's person records."""
    _require_manager(request)
    search = PersonSearchForm(request.GET or None)
    matches: list[tuple[str, str]] = []
    if search.is_bound and search.is_valid():
        matches = [
            (str(m.person_id), m.description)
            for m in find_subject_persons_for_user(
                request.user, search.cleaned_data["name"], search.cleaned_data["date_of_birth"]
            )
        ]
    form = SubjectRequestForm(request.POST or None, matches=matches)
    # The choices are those of the search just run (its query string is kept on POST).
    if request.method == "POST" and form.is_valid():
        subject = services.open_subject_access_request(
            person_ids=[int(pk) for pk in form.cleaned_data["person_ids"]],
            description=form.cleaned_data["description"],
            received_on=form.cleaned_data["received_on"],
            by=request.user,
            now=timezone.now(),
        )
        return redirect(subject)
    return render(
        request,
        "records/subject_request_list.html",
        {
            "search": search,
            "form": form,
            "searched": search.is_bound,
            "requests": selectors.subject_requests(request.user)[:50],
        },
    )


@require_GET
def subject_request_detail(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    subject = get_subject_request_for_user(request.user, request_id)
    labels = {t.key: t.label for t in record_types()}
    items = list(subject.items.all())
    forms = []
    for item in items:
        item.label = labels.get(item.record_type, item.record_type)  # type: ignore[attr-defined]
        initial = {"include": item.include, "details": item.details, "note": item.redaction_note}
        forms.append((item, RedactionForm(initial=initial, prefix=f"i{item.pk}")))
    return render(
        request, "records/subject_request_detail.html", {"subject": subject, "forms": forms}
    )


@require_POST
def subject_item_redact(
    request: AuthenticatedHttpRequest, request_id: int, item_id: int
) -> HttpResponse:
    subject = get_subject_request_for_user(request.user, request_id, need=RecordsNeed.CHANGE)
    item = subject.items.filter(pk=item_id).first()
    if item is None:
        raise Http404
    form = RedactionForm(request.POST, prefix=f"i{item.pk}")
    if form.is_valid():
        try:
            services.redact_item(item=item, by=request.user, **form.cleaned_data)
            messages.success(request, "Redaction saved.")
        except services.RecordsError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, "The redaction could not be saved: check the fields.")
    return redirect(subject)


def _bundle_rows(items: list[SubjectAccessItem]) -> list[list[object]]:
    labels = {t.key: t.label for t in record_types()}
    return [
        [
            labels.get(item.record_type, item.record_type),
            item.object_id,
            item.role,
            item.at.date() if item.at else "",
            item.summary,
            item.details,
        ]
        for item in items
    ]


@require_POST
def subject_bundle(request: AuthenticatedHttpRequest, request_id: int, fmt: str) -> HttpResponse:
    """The bundle (PDF or CSV) of the included, redacted items: recorded as a disclosure of
    the request and of each record before it is served."""
    if fmt not in {"pdf", "csv"}:
        raise Http404
    subject = get_subject_request_for_user(request.user, request_id, need=RecordsNeed.DISCLOSE)
    services.record_disclosure(request=subject, fmt=fmt, by=request.user, now=timezone.now())
    items = list(subject.items.filter(include=True))
    rows = _bundle_rows(items)
    if fmt == "csv":
        body = csv_bytes(["Record type", "Number", "Role", "Date", "Summary", "Details"], rows)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    else:
        body = render_pdf(
            "records/subject_bundle_pdf.html",
            {"subject": subject, "rows": rows, "issued_on": timezone.localdate()},
            base_url=request.build_absolute_uri("/"),
        )
        response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{subject.pk}.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
def rectification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    form = RectificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rectification = services.record_rectification_request(
                record_type_key=form.cleaned_data["record_type"],
                object_id=form.cleaned_data["object_id"],
                requested_change=form.cleaned_data["requested_change"],
                received_on=form.cleaned_data["received_on"],
                subject_request=None,
                by=request.user,
            )
            return redirect(rectification)
        except services.RecordsError as error:
            form.add_error(None, str(error))
    return render(
        request,
        "records/rectification_list.html",
        {"form": form, "requests": selectors.rectifications(request.user)[:50]},
    )


@require_http_methods(["GET", "POST"])
def rectification_detail(request: AuthenticatedHttpRequest, rectification_id: int) -> HttpResponse:
    need = RecordsNeed.CHANGE if request.method == "POST" else RecordsNeed.READ
    rectification = get_rectification_for_user(request.user, rectification_id, need=need)
    form = RectificationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_rectification(
                request=rectification, by=request.user, now=timezone.now(), **form.cleaned_data
            )
            messages.success(request, "Decision recorded.")
            return redirect(rectification)
        except services.RecordsError as error:
            form.add_error(None, str(error))
    try:
        label = record_type(rectification.record_type).label
    except KeyError:
        label = rectification.record_type
    return render(
        request,
        "records/rectification_detail.html",
        {"rectification": rectification, "form": form, "label": label},
    )
