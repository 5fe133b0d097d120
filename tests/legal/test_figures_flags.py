"""SPO figures for a period on a hand-computed fixture (each counted on its own event's date);
the three flags; the orders panel by facet; what oversight reads of orders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.flags import cases_flagged, flags_for_cases
from cases.models import Case, CaseParty, PartyRole
from legal import selectors, services
from legal.models import OrderFile
from legal.selectors import SpoFigures
from oversight.hooks import orders_in_force
from tests.factories import CaseFactory, PersonFactory
from tests.legal.conftest import VICTIM_NAME, open_spo

pytestmark = pytest.mark.django_db


def _case(coordinator):
    case = CaseFactory(owner=coordinator, current_risk="high")
    CaseParty.objects.create(case=case, person=PersonFactory(), role=PartyRole.SUSPECT)
    return case


def _opened(solicitor, coordinator, when: datetime) -> OrderFile:
    with time_machine.travel(when, tick=False):
        file = open_spo(_case(coordinator), solicitor)
    OrderFile.objects.filter(pk=file.pk).update(opened_at=when)
    return file


def test_spo_figures_for_a_period_hand_computed(solicitor, coordinator):
    """Jan-Mar 2026. Hand count, each on its own date:
    A opened 10 Dec 2025 (outside), applied 5 Jan, interim 12 Jan, full 2 Mar, breach 20 Mar;
    B opened 15 Jan, applied 1 Feb, refused 20 Feb; C opened 3 Feb, declined 4 Feb;
    D opened 10 Mar, applied 11 Mar, withdrawn 1 Apr (outside).
    Considered 3 (B, C, D), applied 3 (A, B, D), interim 1, full 1, refused 1, withdrawn 0,
    breaches 1."""
    now = datetime(2026, 4, 10, 12, tzinfo=UTC)
    a = _opened(solicitor, coordinator, datetime(2025, 12, 10, 10, tzinfo=UTC))
    b = _opened(solicitor, coordinator, datetime(2026, 1, 15, 10, tzinfo=UTC))
    c = _opened(solicitor, coordinator, datetime(2026, 2, 3, 10, tzinfo=UTC))
    d = _opened(solicitor, coordinator, datetime(2026, 3, 10, 10, tzinfo=UTC))

    def step(file, key, on):
        services.transition_file(file=file, key=key, on=on, reasons="r", by=solicitor, now=now)

    step(a, "prepare", date(2025, 12, 20))
    step(a, "apply", date(2026, 1, 5))
    services.record_order(
        file=a,
        kind="interim",
        made_on=date(2026, 1, 12),
        fixed_end_on=date(2026, 3, 30),
        by=solicitor,
        now=now,
    )
    full = services.record_order(
        file=a, kind="full", made_on=date(2026, 3, 2), fixed_end_on=None, by=solicitor, now=now
    )
    services.record_breach(
        order=full,
        occurred_on=date(2026, 3, 20),
        log_source="rms",
        log_reference="NS/F1",
        by=solicitor,
        now=now,
    )
    step(b, "prepare", date(2026, 1, 20))
    step(b, "apply", date(2026, 2, 1))
    step(b, "refuse", date(2026, 2, 20))
    step(c, "decline", date(2026, 2, 4))
    step(d, "prepare", date(2026, 3, 10))
    step(d, "apply", date(2026, 3, 11))
    step(d, "withdraw", date(2026, 4, 1))

    figures = selectors.spo_figures(start=date(2026, 1, 1), end=date(2026, 3, 31))
    assert figures == SpoFigures(
        considered=3, applied=3, interim=1, full=1, refused=1, withdrawn=0, breaches=1
    )
    months = selectors.spo_figures_by_month(start=date(2026, 1, 1), end=date(2026, 3, 31))
    assert months[date(2026, 1, 1)] == SpoFigures(considered=1, applied=1, interim=1)
    assert months[date(2026, 2, 1)] == SpoFigures(considered=1, applied=1, refused=1)
    assert months[date(2026, 3, 1)] == SpoFigures(considered=1, applied=1, full=1, breaches=1)
    assert selectors.spo_figures(start=date(2026, 4, 1), end=date(2026, 4, 30)).withdrawn == 1


def test_the_figures_are_set_based(solicitor, coordinator, django_assert_max_num_queries):
    for n in range(5):
        _opened(solicitor, coordinator, datetime(2026, 1, 10 + n, tzinfo=UTC))
    with django_assert_max_num_queries(4):
        selectors.spo_figures_by_month(start=date(2025, 1, 1), end=date(2026, 12, 31))


def test_high_risk_with_no_spo_considered(legal_case, solicitor):
    now = timezone.now()
    cases = Case.objects.filter(pk=legal_case.pk)
    assert list(cases_flagged("high_risk_no_spo", cases, now)) == [legal_case]
    file = open_spo(legal_case, solicitor)
    services.transition_file(
        file=file, key="decline", on=timezone.localdate(), reasons="Covered by bail", by=solicitor
    )
    # Decided not to apply, with reasons: considered, so no longer flagged.
    assert not cases_flagged("high_risk_no_spo", cases, now).exists()


def test_notification_overdue_and_breach_without_response(spo_file, solicitor):
    from tests.legal.conftest import to_state

    file = to_state(spo_file, solicitor, "in_force", on=date(2026, 11, 1))
    order = file.orders.get()
    services.record_service(order=order, served_on=date(2026, 11, 2), by=solicitor)
    cases = Case.objects.filter(pk=file.case_id)
    assert not cases_flagged("notification_overdue", cases, datetime(2026, 11, 4, 20, tzinfo=UTC))
    assert cases_flagged("notification_overdue", cases, datetime(2026, 11, 5, 12, tzinfo=UTC))
    breach = services.record_breach(
        order=order,
        occurred_on=date(2026, 11, 3),
        log_source="rms",
        log_reference="NS/B",
        by=solicitor,
    )
    flags = flags_for_cases(cases=list(cases), now=timezone.now())[file.case_id]
    assert {"notification_overdue", "breach_without_response"} <= {flag.key for flag in flags}
    services.record_breach_response(breach=breach, response="charged", by=solicitor)
    assert not cases_flagged("breach_without_response", cases, timezone.now()).exists()


def test_the_orders_panel_follows_the_orders_facet(
    client, spo_file, solicitor, coordinator, isac, partner, isac_share, partner_share
):
    from tests.legal.conftest import to_state

    to_state(spo_file, solicitor, "in_force")
    url = reverse("cases:detail", args=[spo_file.case_id])
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert f"#{spo_file.pk}" in page
    assert "Not to contact the protected persons" in page
    client.force_login(isac)
    page = client.get(url).content.decode()
    assert "Not to contact the protected persons" in page
    assert f"file #{spo_file.pk}" not in page.lower()
    assert VICTIM_NAME not in page  # the share carries no victim identity
    client.force_login(partner)
    page = client.get(url).content.decode()
    assert client.get(url).status_code == 200
    assert "Not to contact the protected persons" not in page


def test_oversight_reads_the_orders_in_force(spo_file, solicitor):
    from tests.legal.conftest import to_state

    file = to_state(spo_file, solicitor, "in_force")
    found = orders_in_force(now=timezone.now())
    assert [(o.respondent_person_id, o.url) for o in found] == [
        (file.respondent_id, file.orders.get().get_absolute_url())
    ]
    services.transition_file(file=file, key="discharge", on=timezone.localdate(), by=solicitor)
    assert orders_in_force(now=timezone.now() + timedelta(days=1)) == []
