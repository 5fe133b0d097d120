"""Risk assessments on a case: history, choosing an instrument, completing it, reading it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from foundation.lib.http import AuthenticatedHttpRequest
from risk import services
from risk.chart import risk_chart
from risk.definitions import CountOnlyRule, InstrumentDefinition
from risk.forms import AnswersForm, JudgementForm
from risk.models import RiskAssessment
from risk.permissions import (
    can_assess,
    get_assessment_for_user,
    get_case_for_risk,
    get_instrument_for_user,
    instruments_for,
)
from risk.presentation import answered_groups, result_view
from risk.scoring import (
    ComputedResult,
    InvalidAnswers,
    JudgementRefused,
    compute_result,
)
from risk.selectors import assessments_for_case
from risk.sync import definition_of
from risk.wording import ItemWording, LocalWording, WordingFileError, load_wording

logger = logging.getLogger(__name__)


@require_GET
def assessment_history(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_risk(request.user, case_id)
    assessments = list(assessments_for_case(request.user, case))
    return render(
        request,
        "risk/riskassessment_list.html",
        {
            "case": case,
            "assessments": list(reversed(assessments)),
            "chart": risk_chart(assessments),
            "can_assess": can_assess(request.user) and case.status == case.Status.OPEN,
        },
    )


@require_GET
def assessment_choose(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_risk(request.user, case_id, assess=True)
    instruments = [
        (instrument, definition_of(instrument)) for instrument in instruments_for(request.user)
    ]
    return render(
        request, "risk/riskassessment_choose.html", {"case": case, "instruments": instruments}
    )


@require_http_methods(["GET", "POST"])
def assessment_new(
    request: AuthenticatedHttpRequest, case_id: int, instrument_key: str
) -> HttpResponse:
    case = get_case_for_risk(request.user, case_id, assess=True, instrument_key=instrument_key)
    instrument = get_instrument_for_user(request.user, instrument_key)
    definition = definition_of(instrument)
    wording, wording_problem = _wording(definition)
    data = request.POST if request.method == "POST" else None
    answers_form = AnswersForm(definition, wording.items, wording.sections, data)
    computed: ComputedResult | None = None
    if data is not None and answers_form.is_valid():
        computed = compute_result(definition, answers_form.answers())

    saving = data is not None and "save" in data
    reason_always = isinstance(definition.scoring, CountOnlyRule)
    if data is not None and not saving:
        # "Calculate result": show the result, keep what was typed, judge nothing yet.
        judgement_form = JudgementForm(
            initial=_initial_judgement(data, computed), reason_always=reason_always
        )
    else:
        judgement_form = JudgementForm(data, reason_always=reason_always)
    if saving and answers_form.is_valid() and judgement_form.is_valid():
        judgement = judgement_form.cleaned_data
        try:
            assessment = services.record_assessment(
                case=case,
                instrument=instrument,
                answers=answers_form.answers(),
                final_level=judgement["final_level"] or None,
                reason=judgement["reason"],
                rationale=judgement["rationale"],
                plan_note=judgement["plan_note"],
                review_date=judgement["review_date"],
                by=request.user,
            )
        except JudgementRefused as exc:
            # A missing reason is the reason field's error; every other refusal is the level's.
            missing_reason = not judgement["reason"].strip() and "reason is required" in str(exc)
            judgement_form.add_error("reason" if missing_reason else "final_level", str(exc))
        except InvalidAnswers as exc:
            for error in exc.errors:
                answers_form.add_error(None, error)
        except services.InvalidReviewDate as exc:
            judgement_form.add_error("review_date", str(exc))
        except services.AssessmentRefused as exc:
            judgement_form.add_error(None, str(exc))
        else:
            messages.success(request, f"{instrument.name} recorded: {assessment.final_level}.")
            return redirect(assessment)
    return render(
        request,
        "risk/riskassessment_form.html",
        {
            "case": case,
            "instrument": instrument,
            "definition": definition,
            "answers_form": answers_form,
            "judgement_form": judgement_form,
            "result": result_view(definition, computed.as_dict()) if computed else None,
            "wording_problem": wording_problem,
            "reason_always": reason_always,
        },
    )


@require_GET
def assessment_detail(
    request: AuthenticatedHttpRequest, case_id: int, assessment_id: int
) -> HttpResponse:
    assessment: RiskAssessment = get_assessment_for_user(
        request.user, assessment_id, case_id=case_id
    )
    definition = definition_of(assessment.instrument)
    wording, wording_problem = _wording(definition)
    return render(
        request,
        "risk/riskassessment_detail.html",
        {
            "case": assessment.case,
            "assessment": assessment,
            "definition": definition,
            "result": result_view(definition, assessment.result),
            "groups": answered_groups(definition, wording, assessment.answers),
            "wording_problem": wording_problem,
        },
    )


def _wording(definition: InstrumentDefinition) -> tuple[LocalWording, bool]:
    """The force's wording; if its file is broken, none (the page says so) rather than a 500."""
    try:
        return load_wording(definition, settings.HUB_INSTRUMENT_WORDING_DIR), False
    except WordingFileError as exc:
        logger.error("instrument wording unusable for %s: %s", definition.key, exc.problem)
        own = {
            item.key: ItemWording(text=item.text, help=item.help)
            for item in definition.items
            if item.text is not None
        }
        return LocalWording(instrument=definition.key, items=own, sections={}), True


def _initial_judgement(
    data: Mapping[str, Any], computed: ComputedResult | None
) -> dict[str, object]:
    initial: dict[str, object] = {
        name: data.get(name, "") for name in ("final_level", "reason", "rationale", "plan_note")
    }
    initial["review_date"] = data.get("review_date", "")
    if not initial["final_level"] and computed and computed.suggested_level:
        initial["final_level"] = computed.suggested_level.value
    return initial
