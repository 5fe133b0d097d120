"""The case page's chronology: every app's entries merged by date, scoped by role and by the
shares' facets, each provider shown recorded like a panel; flat query count; search scope."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import chronology
from cases.chronology import ChronologyEntry, ChronologyProvider, chronology_for
from cases.models import CaseLog, CaseParty, Facet, PartyRole
from cases.search import SearchQuery, search_cases
from cases.services import share_case
from clinic.models import Action
from foundation.audit.models import AccessRecord
from referrals.models import Referral, ReferralTransition
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    CaseFactory,
    CrimeLogFactory,
    DirectionFactory,
    LogReviewFactory,
    PersonFactory,
    ReferralFactory,
    RiskAssessmentFactory,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 10, tzinfo=UTC)


@pytest.fixture
def full_case(coordinator, probation):
    case = CaseFactory(owner=coordinator)
    type(case).objects.filter(pk=case.pk).update(opened_at=T0)
    case.refresh_from_db()
    log = CrimeLogFactory(
        reviewed=True, recorded_at=T0 - timedelta(days=3), reference="NS/26/0000001"
    )
    CaseLog.objects.create(case=case, log=log, added_by=coordinator)
    LogReviewFactory(log=log, confirmed=True, case=case, reviewed_by=coordinator)
    RiskAssessmentFactory(case=case, completed_at=T0 + timedelta(days=1))
    referral = ReferralFactory(case=case, agency=probation, state=Referral.State.SENT, sent_at=T0)
    ReferralTransition.objects.create(
        referral=referral,
        from_state="draft",
        to_state="sent",
        at=T0 + timedelta(days=2),
        by=coordinator,
    )
    item = AgendaItemFactory(referral__case=case, meeting__starts_at=T0 + timedelta(days=10))
    ActionFactory(item=item, due_on=date(2026, 3, 30))
    DirectionFactory(case=case, given_at=T0 + timedelta(days=4), due_on=date(2026, 3, 20))
    return case


def test_coordinator_sees_every_app_merged_newest_first(client, coordinator, full_case):
    client.force_login(coordinator)
    response = client.get(reverse("cases:detail", args=[full_case.pk]))
    entries = response.context["chronology"].entries
    kinds = {entry.kind for entry in entries}
    assert kinds >= {
        "Case",
        "Crime log",
        "Hub review",
        "Risk assessment",
        "Referral",
        "Clinic referral",
        "Clinic",
        "Clinic action",
        "Direction",
    }
    assert [entry.at for entry in entries] == sorted((entry.at for entry in entries), reverse=True)
    body = response.content.decode()
    assert "Chronology" in body
    assert "Referral to" in body
    # Each provider shown is recorded as a consultation with its facet, like a panel.
    needs = set(
        AccessRecord.objects.filter(
            user=coordinator,
            object_type="cases.case",
            object_id=str(full_case.pk),
            action="consult",
        ).values_list("need", flat=True)
    )
    assert {
        Facet.LOG_SUMMARIES,
        Facet.RISK_SUMMARY,
        Facet.CLINIC_DISCUSSION,
        Facet.OVERSIGHT,
    } <= needs


def test_partner_sees_only_what_the_share_opens(client, partner, coordinator, full_case):
    share_case(case=full_case, agency=partner.agency, facets=[Facet.EXISTENCE], by=coordinator)
    client.force_login(partner)
    response = client.get(reverse("cases:detail", args=[full_case.pk]))
    assert response.status_code == 200
    kinds = {entry.kind for entry in response.context["chronology"].entries}
    assert "Case" in kinds
    assert "Referral" in kinds  # the referral to the partner's own agency
    assert not kinds & {"Crime log", "Hub review", "Risk assessment", "Clinic", "Direction"}
    assert "NS/26/0000001" not in response.content.decode()


def test_partner_with_log_summaries_sees_logs_but_not_the_hubs_reviews(
    client, partner, coordinator, full_case
):
    share_case(case=full_case, agency=partner.agency, facets=[Facet.LOG_SUMMARIES], by=coordinator)
    client.force_login(partner)
    entries = client.get(reverse("cases:detail", args=[full_case.pk])).context["chronology"].entries
    kinds = {entry.kind for entry in entries}
    assert "Crime log" in kinds
    assert "Hub review" not in kinds
    assert all(entry.url == "" for entry in entries if entry.kind == "Crime log")


def test_outsider_gets_404_and_no_chronology(client, outsider_partner, full_case):
    client.force_login(outsider_partner)
    response = client.get(reverse("cases:detail", args=[full_case.pk]))
    assert response.status_code == 404
    assert b"Chronology" not in response.content


def test_a_new_provider_is_one_call_and_honours_its_facet(
    coordinator, partner, full_case, monkeypatch
):
    monkeypatch.setattr(chronology, "_providers", dict(chronology._providers))
    chronology.register_entry_provider(
        ChronologyProvider(
            key="legal.orders",
            label="Orders",
            facet=Facet.ORDERS,
            entries=lambda case, user: [ChronologyEntry(T0, "Order", "Interim SPO made")],
        )
    )
    assert "Order" in {entry.kind for entry in chronology_for(full_case, coordinator).entries}
    share_case(case=full_case, agency=partner.agency, facets=[Facet.EXISTENCE], by=coordinator)
    assert "Order" not in {entry.kind for entry in chronology_for(full_case, partner).entries}


def test_case_page_query_count_is_flat_with_a_long_history(client, coordinator, full_case):
    client.force_login(coordinator)

    def add(n):
        for index in range(n):
            log = CrimeLogFactory(reviewed=True, outcome="1", outcome_date=date(2026, 4, 1))
            CaseLog.objects.create(case=full_case, log=log, added_by=coordinator)
            LogReviewFactory(log=log, confirmed=True, case=full_case, reviewed_by=coordinator)
            CaseParty.objects.create(case=full_case, person=PersonFactory(), role=PartyRole.VICTIM)
            RiskAssessmentFactory(case=full_case, completed_at=T0 + timedelta(days=20 + index))
            DirectionFactory(case=full_case, given_at=T0 + timedelta(days=5 + index))
            item = AgendaItemFactory(referral__case=full_case)
            ActionFactory(item=item, status=Action.Status.DONE, completed_at=T0)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("cases:detail", args=[full_case.pk])).status_code == 200
        return len(captured.captured_queries)

    add(2)
    few = count()
    add(20)
    assert count() == few


def test_search_never_returns_a_case_the_user_cannot_open(partner, coordinator):
    shared = CaseFactory()
    hidden = CaseFactory()
    for case in (shared, hidden):
        CaseParty.objects.create(
            case=case, person=PersonFactory(name="Jordan Example"), role=PartyRole.VICTIM
        )
    share_case(case=shared, agency=partner.agency, facets=[Facet.EXISTENCE], by=coordinator)
    found = {hit.item.pk for hit in search_cases(partner, SearchQuery(text="Jordan Example"))}
    assert hidden.pk not in found
    assert {
        hit.item.pk for hit in search_cases(coordinator, SearchQuery(text="Jordan Example"))
    } >= {
        shared.pk,
        hidden.pk,
    }
