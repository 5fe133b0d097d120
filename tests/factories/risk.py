"""Risk assessment factories. Instruments come from the shipped structure files (synced)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import factory

from risk.models import Instrument, RiskAssessment
from risk.scoring import compute_result
from risk.sync import definition_of, sync_instruments
from tests.factories.accounts import UserFactory
from tests.factories.cases import CaseFactory

FOUR_CORE = ("four_fixated", "four_obsessive", "four_unwanted", "four_repeated")


def instrument(key: str) -> Instrument:
    """The shipped instrument with this key (synced first: transactional tests flush it)."""
    found = Instrument.objects.filter(key=key).first()
    if found is None:
        sync_instruments()
        found = Instrument.objects.get(key=key)
    return found


def four_answers(core_yes: int = 4, **context: str) -> dict[str, str]:
    answers = {key: "yes" if i < core_yes else "no" for i, key in enumerate(FOUR_CORE)}
    answers |= {"four_ex_partner": "no", "four_escalation": "no", "four_fear": "no"}
    answers |= {f"four_{key}": value for key, value in context.items()}
    return answers


def dash_answers(yes: int, unknown: int = 0) -> dict[str, str]:
    answers = {f"dash_{i:02d}": "no" for i in range(1, 25)}
    for i in range(1, yes + 1):
        answers[f"dash_{i:02d}"] = "yes"
    for i in range(yes + 1, yes + unknown + 1):
        answers[f"dash_{i:02d}"] = "unknown"
    return answers


def sdash_answers(yes: int) -> dict[str, str]:
    return {f"sdash_{i:02d}": "yes" if i <= yes else "no" for i in range(1, 12)}


def srp_answers(stalker_type: str = "rejected", **ratings: str) -> dict[str, str]:
    answers = {"stalker_type": stalker_type, "management_recommendations": "Placeholder plan."}
    for domain in ("violence", "persistence", "recurrence", "psychosocial_damage"):
        answers[domain] = ratings.get(domain, "low")
        answers[f"{domain}_rationale"] = f"Placeholder rationale for {domain}."
    return answers


def sam_answers(**judgements: str) -> dict[str, str]:
    answers = {f"sam_{s}_{i:02d}": "no" for s in ("ns", "pr", "vv") for i in range(1, 11)}
    for key in ("case_prioritisation", "continued_stalking", "violence"):
        answers[key] = judgements.get(key, "low")
    answers["rationale"] = "Placeholder rationale."
    return answers


def _result(assessment: Any) -> dict[str, object]:
    return compute_result(definition_of(assessment.instrument), assessment.answers).as_dict()


class RiskAssessmentFactory(factory.django.DjangoModelFactory[RiskAssessment]):
    """A FOUR screening (stalking indicated, medium) by default; a new one supersedes the
    case's current assessment, as the service does."""

    class Meta:
        model = RiskAssessment

    case = factory.SubFactory(CaseFactory)
    instrument = factory.LazyFunction(lambda: instrument("four"))
    instrument_version = factory.LazyAttribute(lambda o: o.instrument.version)
    answers = factory.LazyFunction(four_answers)
    result = factory.LazyAttribute(_result)
    computed_band = factory.LazyAttribute(lambda o: o.result.get("band") or "")
    final_level = factory.LazyAttribute(lambda o: o.result.get("suggested_level") or "medium")
    rationale = "Placeholder rationale."
    plan_note = "Placeholder plan."
    completed_at = factory.LazyFunction(lambda: datetime.now(UTC))
    review_date = factory.LazyAttribute(lambda o: (o.completed_at + timedelta(days=28)).date())
    assessor = factory.SubFactory(UserFactory, roles=["coordinator"])

    class Params:
        overdue = factory.Trait(
            completed_at=factory.LazyFunction(lambda: datetime.now(UTC) - timedelta(days=40)),
        )
        dash_high = factory.Trait(
            instrument=factory.LazyFunction(lambda: instrument("dash")),
            answers=factory.LazyFunction(lambda: dash_answers(14)),
        )
        srp = factory.Trait(
            instrument=factory.LazyFunction(lambda: instrument("srp")),
            answers=factory.LazyFunction(lambda: srp_answers(violence="high")),
        )

    @classmethod
    def _create(cls, model_class: type[RiskAssessment], *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("superseded_at") is None:
            RiskAssessment.objects.filter(case=kwargs["case"], superseded_at=None).update(
                superseded_at=kwargs["completed_at"]
            )
        return super()._create(model_class, *args, **kwargs)
