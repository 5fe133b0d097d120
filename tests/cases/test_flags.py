"""The extension points: flag providers and case panels registered by other apps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.flags import (
    CaseFlag,
    cross_border_flags,
    flag_providers,
    flags_for_cases,
    register_flag_provider,
    unregister_flag_provider,
)
from cases.models import Case, Facet
from cases.panels import (
    CasePanel,
    PanelContent,
    panels_for,
    register_case_panel,
    unregister_case_panel,
)
from clinic.models import ClinicReferral
from foundation.accounts.models import Role, User
from tests.factories import CaseFactory, OversightReviewFactory, RiskAssessmentFactory
from tests.factories.clinic import ClinicReferralFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def fake_provider(*, cases: Sequence[Case], now: datetime) -> Mapping[int, list[CaseFlag]]:
    return {
        case.pk: [CaseFlag(key="fake", label="Fake flag", reason="FAKE-REASON", severity="info")]
        for case in cases
        if "flag me" in case.summary
    }


@pytest.fixture
def registered_fake_provider():
    register_flag_provider(fake_provider)
    yield fake_provider
    unregister_flag_provider(fake_provider)


def test_cross_border_provider_is_registered_by_the_app():
    assert cross_border_flags in flag_providers()


def test_flags_for_cases_merges_providers_most_severe_first(registered_fake_provider):
    flagged = CaseFactory(summary="flag me", cross_border_forces=["WM"])
    plain = CaseFactory(summary="")
    flags = flags_for_cases(cases=[flagged, plain], now=NOW)
    assert [flag.key for flag in flags[flagged.pk]] == ["cross_border", "fake"]
    assert "WM" in flags[flagged.pk][0].reason
    assert plain.pk in flags
    assert [flag.key for flag in flags[plain.pk] if flag.key in {"fake", "cross_border"}] == []


def test_registering_twice_shows_a_flag_once(registered_fake_provider):
    register_flag_provider(fake_provider)
    case = CaseFactory(summary="flag me")
    keys = [flag.key for flag in flags_for_cases(cases=[case], now=NOW)[case.pk]]
    assert keys.count("fake") == 1


def test_no_cases_no_provider_calls():
    assert flags_for_cases(cases=[], now=NOW) == {}


def test_a_registered_flag_shows_on_the_list_and_case_page(
    client, coordinator, registered_fake_provider
):
    case = CaseFactory(summary="flag me")
    client.force_login(coordinator)
    listing = client.get(reverse("cases:list")).content.decode()
    assert "Fake flag" in listing
    assert "FAKE-REASON" in listing
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Fake flag" in detail


def test_an_unregistered_flag_is_gone(client, coordinator):
    register_flag_provider(fake_provider)
    unregister_flag_provider(fake_provider)
    case = CaseFactory(summary="flag me")
    client.force_login(coordinator)
    assert "Fake flag" not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_a_provider_runs_once_per_page_not_once_per_case(client, coordinator):
    calls: list[int] = []

    def counting(*, cases: Sequence[Case], now: datetime) -> Mapping[int, list[CaseFlag]]:
        calls.append(len(cases))
        return {}

    register_flag_provider(counting)
    try:
        for _ in range(12):
            CaseFactory()
        client.force_login(coordinator)
        client.get(reverse("cases:list"))
    finally:
        unregister_flag_provider(counting)
    assert calls == [12]


def _one_rule_at_a_time(cases: Sequence[Case], now: datetime) -> dict[int, list[CaseFlag]]:
    """What flags_for_cases gave before the rules were asked together: each provider alone."""
    found: dict[int, list[CaseFlag]] = {case.pk: [] for case in cases}
    for provider in flag_providers():
        for case_id, flags in provider(cases=cases, now=now).items():
            found[case_id].extend(flags)
    for flags in found.values():
        flags.sort(key=lambda flag: {"danger": 0, "warning": 1, "info": 2}[flag.severity])
    return found


def test_every_sql_rule_is_asked_in_one_query_with_the_same_flags_and_reasons(
    coordinator, django_assert_num_queries
):
    """The rules' UNION ALL gives each rule's reason the values the rule annotated (a review
    date, an incident date, an oversight due date) as the rule alone does."""
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    overdue_review = CaseFactory(opened_at=datetime(2026, 3, 1, tzinfo=UTC), current_risk="high")
    RiskAssessmentFactory(
        case=overdue_review,
        completed_at=datetime(2026, 3, 2, tzinfo=UTC),
        review_date=date(2026, 5, 20),
    )
    repeat = CaseFactory(cross_border_forces=["WM"])
    ClinicReferralFactory(
        case=repeat,
        criterion=ClinicReferral.Criterion.REPEAT,
        state=ClinicReferral.State.PENDING,
        incident_on=date(2026, 5, 28),
    )
    never_reviewed = CaseFactory(
        current_risk="high", current_risk_at=datetime(2026, 4, 1, tzinfo=UTC)
    )
    reviewed = CaseFactory(current_risk="high", current_risk_at=datetime(2026, 4, 1, tzinfo=UTC))
    OversightReviewFactory(
        case=reviewed,
        reviewed_at=datetime(2026, 5, 1, tzinfo=UTC),
        next_review_on=date(2026, 5, 15),
    )
    plain = CaseFactory(opened_at=now - timedelta(days=1))
    cases = [overdue_review, repeat, never_reviewed, reviewed, plain]
    with django_assert_num_queries(1):
        together = flags_for_cases(cases=cases, now=now)
    assert together == _one_rule_at_a_time(cases, now)
    reasons = {flag.key: flag.reason for flags in together.values() for flag in flags}
    assert "due on 20 May 2026 (12 days ago)" in reasons["risk_review_overdue"]
    assert "on 28 May 2026" in reasons["clinic_repeat_awaiting_confirmation"]
    assert together[plain.pk] == []
    keys = {case_id: [flag.key for flag in flags] for case_id, flags in together.items()}
    assert "oversight_review_overdue" in keys[never_reviewed.pk]
    assert "oversight_review_overdue" in keys[reviewed.pk]
    assert "was due on 15 May 2026" in next(
        flag.reason for flag in together[reviewed.pk] if flag.key == "oversight_review_overdue"
    )


# --- Panels ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FakePanel(PanelContent):
    message: str


def hub_only(case: Case, user: User) -> FakePanel | None:
    if not user.has_role(Role.COORDINATOR):
        return None
    return FakePanel(message=f"PANEL-BODY for {case.reference}")


@pytest.fixture
def fake_panels(settings, tmp_path):
    (tmp_path / "fake_panel.html").write_text(
        "<p>{{ message }} / {{ panel.key }} / {{ case.reference }}</p>", encoding="utf-8"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    later = CasePanel(
        key="later",
        title="Later panel",
        template="fake_panel.html",
        order=900,
        facet=Facet.EXISTENCE,
        context=lambda case, user: FakePanel(message="LATER"),
    )
    first = CasePanel(
        key="first",
        title="First panel",
        template="fake_panel.html",
        order=800,
        facet=Facet.CLINIC_DISCUSSION,
        context=hub_only,
    )
    register_case_panel(later)
    register_case_panel(first)
    yield first, later
    unregister_case_panel("later")
    unregister_case_panel("first")


def test_panels_come_in_order_with_their_context(coordinator, fake_panels):
    case = CaseFactory()
    shown = [(panel.key, dict(context)) for panel, context in panels_for(case, coordinator)]
    keys = [key for key, _ in shown]
    assert keys.index("first") < keys.index("later")
    assert dict(shown)["first"] == {"message": f"PANEL-BODY for {case.reference}"}


def test_a_panel_returning_none_is_hidden_from_that_user(tactical_lead, fake_panels):
    case = CaseFactory()
    keys = [panel.key for panel, _ in panels_for(case, tactical_lead)]
    assert "first" not in keys
    assert "later" in keys


def test_panels_render_on_the_case_page(client, coordinator, tactical_lead, fake_panels):
    case = CaseFactory(reference="SH-2026-00321")
    client.force_login(coordinator)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert '<h2 class="h5 card-title" id="panel-first">First panel</h2>' in body
    assert "PANEL-BODY for SH-2026-00321 / first / SH-2026-00321" in body
    assert body.index("First panel") < body.index("Later panel")
    client.force_login(tactical_lead)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "First panel" not in body
    assert "Later panel" in body


def test_registering_a_panel_key_again_replaces_it(coordinator, fake_panels):
    first, _ = fake_panels
    register_case_panel(first)
    case = CaseFactory()
    keys = [panel.key for panel, _ in panels_for(case, coordinator)]
    assert keys.count("first") == 1


def test_case_page_queries_do_not_grow_with_flags(client, coordinator):
    case = CaseFactory(cross_border_forces=["WM", "GM"])
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    assert "Cross-border" in response.content.decode()
    # A fixed number: one query per flag rule, one insert for the panels' access records (each
    # panel shown is recorded with its facet), each audit write's bounded lock wait (set and
    # restored around it), the clinic's, legal's and oversight's flag rules and their panels'
    # queries, and the chronology's providers (one or two queries each) with their access records.
    assert len(captured) <= 46
    bigger = CaseFactory(cross_border_forces=["WM", "GM", "NY"])
    RiskAssessmentFactory.create_batch(3, case=bigger)
    with CaptureQueriesContext(connection) as captured_bigger:
        client.get(reverse("cases:detail", args=[bigger.pk]))
    assert len(captured_bigger) == len(captured)


def test_a_panel_shows_only_to_users_whose_shares_carry_its_facet(
    coordinator, partner, fake_panels
):
    from cases.services import share_case

    case = CaseFactory()
    share_case(case=case, agency=partner.agency, facets=[Facet.EXISTENCE], by=coordinator)
    keys = [panel.key for panel, _ in panels_for(case, partner)]
    assert "later" in keys  # discloses the existence facet, which the share carries
    assert "first" not in keys  # discloses clinic discussion, which it does not


def test_each_panel_shown_is_recorded_with_its_facet(coordinator, fake_panels):
    from foundation.audit.models import AccessRecord

    case = CaseFactory()
    panels_for(case, coordinator)
    needs = set(
        AccessRecord.objects.filter(object_type="cases.case", object_id=str(case.pk)).values_list(
            "need", flat=True
        )
    )
    assert {Facet.EXISTENCE, Facet.CLINIC_DISCUSSION} <= needs
