"""The case list and the case page; editing and closing a case."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cases import selectors, services
from cases.chronology import chronology_for
from cases.flags import flags_for_cases
from cases.forms import (
    CaseEditForm,
    CaseFilterForm,
    CloseCaseForm,
    SearchForm,
)
from cases.models import Case, CaseParty, Facet, PartyRole, SignalKind
from cases.outcomes import case_detection_state
from cases.panels import panels_for
from cases.permissions import (
    CaseNeed,
    can_manage_case,
    can_restrict_case,
    facets_for,
    get_case_for_user,
)
from cases.restrictions import case_restriction, live_break_glass
from cases.selectors import PARTY_FACETS
from cases.services import CaseError
from cases.shared_reads import sharing_reads
from cases.views.common import PAGE_SIZE, CappedPaginator, page_number, query_without_page
from foundation.accounts.roles import is_hub_staff
from foundation.audit.access import object_type_of
from foundation.audit.services import record_consultations
from foundation.lib.http import AuthenticatedHttpRequest


@require_GET
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    # The list is the hub's own; partners and ISACs reach a shared case from their referral.
    if not is_hub_staff(request.user):
        raise Http404
    form = CaseFilterForm(request.GET or None)
    listed = selectors.case_list(request.user, form.to_filter())
    # Counted as the queue is (selectors.queue_count): at most a few pages past this one.
    # Counting every open case of 100,000 on each visit was a third of the page's time.
    cap = selectors.queue_count_cap(page_number(request.GET.get("page")), PAGE_SIZE)
    page = CappedPaginator(
        listed, PAGE_SIZE, counted=selectors.queue_count(listed, cap=cap)
    ).get_page(request.GET.get("page"))
    cases = list(page.object_list)
    flags = flags_for_cases(cases=cases, now=timezone.now())
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(case, flags.get(case.pk, [])) for case in cases],
            "query": query_without_page(request),
            "can_manage": can_manage_case(request.user),
            "search_form": SearchForm(),
        },
    )


@require_GET
def case_detail(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    # The panels and the chronology read each app's records of the case once between them.
    with sharing_reads():
        return _case_detail(request, case_id)


def _case_detail(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    user = request.user
    hub_staff = is_hub_staff(user)
    # What this user may see of the case: every facet for the hub's staff, the union of the
    # live shares' facets for another agency's users (docs/access.md). Nothing else decides.
    facets = facets_for(user, case)
    parties = selectors.case_parties(case, facets=facets)
    case_logs = selectors.case_logs(case) if Facet.LOG_SUMMARIES in facets else []
    shown = case_page_facets(facets=facets, parties=parties, logs_shown=bool(case_logs))
    if not hub_staff:
        # The page's own disclosures beyond the case's existence leave their trace, as panels do.
        record_consultations(
            user=user, object_type=object_type_of(Case), object_id=case.pk, needs=shown
        )
    # Everything that happened on the case, merged by date, from every app's entry provider
    # (cases/chronology.py); each provider shown is recorded like a panel, in the same insert.
    chronology = chronology_for(case, user, facets=facets, record=False)
    restriction = case_restriction(case.pk)
    glass = (
        live_break_glass(user, case.pk, now=timezone.now())
        if restriction is not None and user not in restriction.members.all()
        else None
    )
    panels = [
        (
            panel,
            render_to_string(panel.template, {**context, "case": case, "panel": panel}, request),
        )
        for panel, context in panels_for(case, user, also_record=chronology.needs)
    ]
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "parties": parties,
            "facets": facets,
            "withheld": withheld_party_labels(facets),
            "show_risk": Facet.RISK_SUMMARY in facets,
            "show_logs": Facet.LOG_SUMMARIES in facets,
            "case_logs": case_logs,
            # Reviews are the hub's decisions on police records: hub staff only.
            # Derived from the logs' outcomes by the one rule (cases/outcomes.py).
            "detection_state": case_detection_state(link.log.outcome for link in case_logs),
            "reviews": selectors.case_reviews(case) if hub_staff else [],
            "hub_staff": hub_staff,
            "can_read_logs": hub_staff,
            # Flags are the hub's workflow warnings, drawn from records (e.g. assessments)
            # another agency may not be allowed to open: hub staff only.
            "flags": (
                flags_for_cases(cases=[case], now=timezone.now()).get(case.pk, [])
                if hub_staff
                else []
            ),
            "panels": panels,
            "chronology": chronology,
            "signal_labels": dict(SignalKind.choices),
            "can_manage": can_manage_case(user),
            "restriction": restriction,
            "break_glass": glass,
            "can_restrict": can_restrict_case(user),
        },
    )


def case_page_facets(
    *, facets: frozenset[Facet], parties: list[CaseParty], logs_shown: bool
) -> list[str]:
    """The facets the case page itself shows (beyond existence): recorded for the audit."""
    shown_roles = {party.role for party in parties}
    needs: list[str] = [facet for role, facet in PARTY_FACETS.items() if role in shown_roles]
    if logs_shown:
        needs.append(Facet.LOG_SUMMARIES)
    if Facet.RISK_SUMMARY in facets:
        needs.append(Facet.RISK_SUMMARY)
    return needs


def withheld_party_labels(facets: frozenset[Facet]) -> list[str]:
    """What the page says is not shared (so a partner knows to ask, not that nobody exists)."""
    labels: dict[str, str] = {
        PartyRole.VICTIM: "The victim's identity",
        PartyRole.SUSPECT: "The suspect's details",
    }
    return [labels[role] for role, facet in PARTY_FACETS.items() if facet not in facets]


@require_http_methods(["GET", "POST"])
def case_edit(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, need=CaseNeed.CHANGE)
    form = CaseEditForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_case(case=case, by=request.user, **form.service_kwargs())
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Case updated.")
            return redirect(case)
    return render(request, "cases/case_edit.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
def case_close(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, need=CaseNeed.CHANGE)
    if case.status == Case.Status.CLOSED:
        messages.info(request, "This case is already closed.")
        return HttpResponseRedirect(case.get_absolute_url())
    form = CloseCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_case(case=case, by=request.user, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Case {case.reference} closed.")
            return redirect(case)
    return render(request, "cases/case_close.html", {"case": case, "form": form})
