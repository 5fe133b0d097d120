"""The "Risk" panel on the case page (registered in RiskConfig.ready(); cases/panels.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cases.models import Case
from cases.panels import PanelContent
from foundation.accounts.models import User
from risk.chart import RiskChart, risk_chart
from risk.models import RiskAssessment
from risk.permissions import can_assess, can_view_risk
from risk.selectors import case_assessments

# The panel shows the latest few; the history page has them all.
PANEL_TIMELINE_LENGTH = 6


@dataclass(frozen=True)
class RiskPanel(PanelContent):
    current_risk: str
    current_risk_label: str
    current_risk_at: datetime | None
    timeline: list[RiskAssessment]
    more: int
    chart: RiskChart | None
    can_assess: bool


def risk_panel_context(case: Case, user: User) -> RiskPanel | None:
    """Current risk, the timeline and the chart; None for users who may not see assessments.

    One query for the assessments, whatever their number. An ISAC sees only the
    victim-focused ones; the current level is the case's own field, which they may see.
    """
    if not can_view_risk(user):
        return None
    assessments = case_assessments(user, case)
    return RiskPanel(
        current_risk=case.current_risk,
        current_risk_label=case.get_current_risk_display(),
        current_risk_at=case.current_risk_at,
        timeline=list(reversed(assessments))[:PANEL_TIMELINE_LENGTH],
        more=max(0, len(assessments) - PANEL_TIMELINE_LENGTH),
        chart=risk_chart(assessments),
        can_assess=can_assess(user) and case.status == Case.Status.OPEN,
    )
