"""The investigation plan: lines from the checklist (data), who updates which line, bad input."""

from __future__ import annotations

import pytest

from oversight import services
from oversight.models import PlanLine, PlanLineTemplate
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_a_plan_is_built_from_the_checklist_data_in_order(high_risk_case, tactical_lead):
    # The checklist ships with the usual lines of enquiry (a data migration).
    shipped = list(PlanLineTemplate.objects.values_list("key", flat=True))
    assert {"victim_account", "digital_evidence", "cctv", "spo_considered", "cps_advice"} <= set(
        shipped
    )
    # The hub edits it as data: a new line, one retired, one moved to the top.
    PlanLineTemplate.objects.create(key="vehicle", title="Vehicle enquiries (ANPR)", position=1)
    PlanLineTemplate.objects.filter(key="cctv").update(is_active=False)
    PlanLineTemplate.objects.filter(key="cps_advice").update(position=0)

    plan = services.start_plan(case=high_risk_case, by=tactical_lead)

    titles = [line.title for line in plan.lines.order_by("position")]
    # By position, then key: CPS advice and the victim's account share position 0.
    assert titles[:3] == [
        "Charging advice sought from the CPS",
        "Victim's account and diary",
        "Vehicle enquiries (ANPR)",
    ]
    assert "CCTV" not in titles
    assert len(titles) == PlanLineTemplate.objects.filter(is_active=True).count()
    assert all(line.status == PlanLine.Status.TODO for line in plan.lines.all())
    assert plan.under_cover is None


def test_a_later_edit_of_the_checklist_never_rewrites_a_plan(plan):
    PlanLineTemplate.objects.filter(key="cctv").update(title="CCTV and doorbell cameras")
    assert plan.lines.filter(title="CCTV").exists()


def test_one_plan_per_case_and_none_on_a_closed_case(plan, tactical_lead, coordinator):
    with pytest.raises(services.OversightError, match="already has"):
        services.start_plan(case=plan.case, by=tactical_lead)
    closed = CaseFactory(closed=True, owner=coordinator)
    with pytest.raises(services.OversightError, match="closed"):
        services.start_plan(case=closed, by=tactical_lead)


def test_only_the_tactical_lead_starts_a_plan(high_risk_case, coordinator, officer):
    for user in (coordinator, officer):
        with pytest.raises(services.NotAllowed):
            services.start_plan(case=high_risk_case, by=user)


def test_not_applicable_needs_a_reason_and_nothing_is_half_saved(plan, tactical_lead):
    line = plan.lines.first()
    with pytest.raises(services.OversightError, match="why"):
        services.update_plan_line(line=line, status="na", note="  ", by=tactical_lead)
    line.refresh_from_db()
    assert line.status == PlanLine.Status.TODO
    services.update_plan_line(
        line=line, status="na", note="No CCTV on the route.", by=tactical_lead
    )
    line.refresh_from_db()
    assert (line.status, line.note, line.updated_by) == (
        "na",
        "No CCTV on the route.",
        tactical_lead,
    )


def test_the_coordinator_updates_only_delegated_lines(plan, tactical_lead, coordinator):
    line, other = plan.lines.all()[:2]
    with pytest.raises(services.NotAllowed):
        services.update_plan_line(line=line, status="done", note="", by=coordinator)
    services.delegate_plan_line(line=line, delegated=True, by=tactical_lead)
    services.update_plan_line(line=line, status="done", note="Diary collected.", by=coordinator)
    with pytest.raises(services.NotAllowed):
        services.update_plan_line(line=other, status="done", note="", by=coordinator)
    with pytest.raises(services.NotAllowed):
        services.delegate_plan_line(line=other, delegated=True, by=coordinator)


def test_the_officer_in_charge_updates_their_cases_plan_lines(plan, officer, champion):
    line = plan.lines.first()
    services.update_plan_line(line=line, status="done", note="Statement taken.", by=officer)
    with pytest.raises(services.NotAllowed):
        services.update_plan_line(line=line, status="todo", note="", by=champion)
