"""Executes docs/access.md "What a receiving agency sees, tick by tick" for the ISAC persona
and the partner persona (one rule for every kind of agency), and checks the seeded demo data:
no receiving agency's user sees a facet that was not shared with it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case, CaseLog, CaseParty, CaseShare, Facet, PartyRole
from cases.permissions import facets_for, live_share_q
from foundation.accounts.models import Agency, User
from foundation.accounts.roles import RECEIVING_ROLES
from foundation.audit.models import AccessRecord
from referrals.models import Referral
from referrals.models.referrals import FACETS_BEFORE_ACCEPTANCE, ITEM_FACETS
from referrals.services import referrals as services
from risk.models import Instrument, RiskAssessment
from tests.factories import CaseFactory, CrimeLogFactory, PersonFactory, RiskAssessmentFactory
from tests.factories.referrals import ReferralFactory

pytestmark = pytest.mark.django_db

ACCESS_DOC = Path(__file__).resolve().parents[2] / "docs" / "access.md"
TABLE_HEADING = "### What a receiving agency sees, tick by tick"
ROW = re.compile(r"^\|\s*`(?P<item>[a-z_]+)`\s*\|\s*(?P<facet>[a-z_]+)\s*\|(?P<cells>.+)\|\s*$")
STATES = ("before", "accepted_ticked", "accepted_not_ticked", "ended")

SUMMARY = "SUMMARY-MARKER the suspect waits outside her work"
AREA = "Northvale-Marker"
VICTIM = "Vanessa Marker-Victim"
SUSPECT = "Simon Marker-Suspect"
WITNESS = "Wanda Marker-Witness"
LOG_REFERENCE = "LOGREF-4242"
DASH_RATIONALE = "DASH-RATIONALE-MARKER"


@dataclass(frozen=True)
class Row:
    item: str
    facet: str
    expected: dict[str, bool]


def sharing_rows() -> list[Row]:
    text = ACCESS_DOC.read_text(encoding="utf-8")
    section = text[text.index(TABLE_HEADING) :]
    rows: list[Row] = []
    for line in section.splitlines()[1:]:
        if line.startswith("#"):
            break
        match = ROW.match(line)
        if not match:
            continue
        cells = [cell.strip() for cell in match["cells"].split("|")][1:]
        assert len(cells) == len(STATES), line
        assert set(cells) <= {"✓", "✗"}, line
        rows.append(
            Row(
                match["item"],
                match["facet"],
                {state: cell == "✓" for state, cell in zip(STATES, cells, strict=True)},
            )
        )
    return rows


ROWS = sharing_rows()


def test_the_table_covers_every_tick_and_every_facet_a_tick_opens():
    assert {row.item for row in ROWS} == set(Referral.SharedItem.values)
    assert {(row.item, row.facet) for row in ROWS} == {
        (item, str(facet)) for item, facets in ITEM_FACETS.items() for facet in facets
    }


@dataclass
class Scene:
    case: Case
    dash: RiskAssessment
    srp: RiskAssessment


@pytest.fixture
def scene(coordinator: User) -> Scene:
    case = CaseFactory(owner=coordinator, summary=SUMMARY, current_risk="high")
    for name, role in ((VICTIM, PartyRole.VICTIM), (SUSPECT, PartyRole.SUSPECT)):
        CaseParty.objects.create(case=case, person=PersonFactory(name=name), role=role)
    CaseParty.objects.create(case=case, person=PersonFactory(name=WITNESS), role=PartyRole.WITNESS)
    log = CrimeLogFactory(reference=LOG_REFERENCE, area=AREA)
    CaseLog.objects.create(case=case, log=log, added_by=coordinator)
    dash = RiskAssessmentFactory(
        case=case, assessor=coordinator, dash_high=True, rationale=DASH_RATIONALE
    )
    srp = RiskAssessmentFactory(case=case, assessor=coordinator, srp=True)
    case.refresh_from_db()
    return Scene(case, dash, srp)


def _page(client: Client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.content.decode()


def _case_page_shows(marker: str) -> Callable[[Client, Scene], bool]:
    def shown(client: Client, scene: Scene) -> bool:
        status, body = _page(client, reverse("cases:detail", args=[scene.case.pk]))
        return status == 200 and marker in body

    return shown


def _risk_level_shown(client: Client, scene: Scene) -> bool:
    status, body = _page(client, reverse("cases:detail", args=[scene.case.pk]))
    history, _ = _page(client, reverse("risk:history", args=[scene.case.pk]))
    on_case_page = status == 200 and "Current risk" in body
    assert on_case_page == (history == 200), "the case page and the risk history disagree"
    return on_case_page


def _full_risk_shown(client: Client, scene: Scene) -> bool:
    url = reverse("risk:detail", args=[scene.case.pk, scene.dash.pk])
    status, body = _page(client, url)
    # Perpetrator-focused assessments are never shared by a referral.
    srp_status, _ = _page(client, reverse("risk:detail", args=[scene.case.pk, scene.srp.pk]))
    assert srp_status == 404
    return status == 200 and DASH_RATIONALE in body


# How each row's "where it shows" is checked; a facet with no page yet is checked on the
# facets alone (facets_for is what every future page must ask).
PAGE_CHECKS: dict[tuple[str, str], Callable[[Client, Scene], bool]] = {
    ("case_summary", "existence"): _case_page_shows(SUMMARY),
    ("victim_contact", "victim_identity"): _case_page_shows(VICTIM),
    ("suspect_details", "suspect_details"): _case_page_shows(SUSPECT),
    ("crime_logs", "log_summaries"): _case_page_shows(LOG_REFERENCE),
    ("risk_assessment", "risk_summary"): _risk_level_shown,
    ("risk_assessment", "risk_full"): _full_risk_shown,
}


def _referral_in_state(
    *, scene: Scene, agency: Agency, items: list[str], state: str, receiver: User, by: User
) -> Referral:
    referral = ReferralFactory(case=scene.case, agency=agency, shared_items=items, referred_by=by)
    services.send_referral(referral=referral, by=by)
    if state.startswith("accepted"):
        services.accept_referral(referral=referral, by=receiver)
    elif state == "ended":
        services.decline_referral(referral=referral, reason="Not for us.", by=receiver)
    return referral


@pytest.mark.usefixtures("no_broker")
@pytest.mark.parametrize("receiver_name", ["isac", "partner"])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.item}-{row.facet}")
def test_receiving_agency_sees_exactly_what_was_ticked(
    client, request, coordinator, scene, row: Row, state: str, receiver_name: str
):
    receiver: User = request.getfixturevalue(receiver_name)
    assert receiver.agency is not None
    ticked = state != "accepted_not_ticked"
    items = [row.item] if ticked else [i for i in Referral.SharedItem.values if i != row.item]
    _referral_in_state(
        scene=scene,
        agency=receiver.agency,
        items=items,
        state=state,
        receiver=receiver,
        by=coordinator,
    )
    expected = row.expected[state]

    assert (Facet(row.facet) in facets_for(receiver, scene.case)) is expected
    client.force_login(receiver)
    check = PAGE_CHECKS.get((row.item, row.facet))
    if check is not None:
        assert check(client, scene) is expected
    # Whatever is ticked, a witness stays with the hub, and the hub's reviews never leave it.
    status, body = _page(client, reverse("cases:detail", args=[scene.case.pk]))
    assert WITNESS not in body
    assert status == (200 if state != "ended" else 404)


@pytest.mark.usefixtures("no_broker")
def test_before_acceptance_the_referral_page_shows_enough_to_decide_and_no_identity(
    client, coordinator, isac, scene
):
    referral = _referral_in_state(
        scene=scene,
        agency=isac.agency,
        items=list(Referral.SharedItem.values),
        state="before",
        receiver=isac,
        by=coordinator,
    )
    client.force_login(isac)
    status, body = _page(client, reverse("referrals:detail", args=[referral.pk]))
    assert status == 200
    assert referral.reason in body
    assert AREA in body
    assert "High" in body
    for secret in (VICTIM, SUSPECT, LOG_REFERENCE, DASH_RATIONALE):
        assert secret not in body
    status, body = _page(client, reverse("cases:detail", args=[scene.case.pk]))
    assert "Not shared with your agency" in body
    for secret in (VICTIM, SUSPECT, LOG_REFERENCE):
        assert secret not in body


@pytest.mark.usefixtures("no_broker")
def test_the_union_of_two_live_shares_opens_both_and_ends_with_each(
    client, coordinator, partner, scene
):
    first = _referral_in_state(
        scene=scene,
        agency=partner.agency,
        items=["victim_contact"],
        state="accepted_ticked",
        receiver=partner,
        by=coordinator,
    )
    _referral_in_state(
        scene=scene,
        agency=partner.agency,
        items=["suspect_details"],
        state="accepted_ticked",
        receiver=partner,
        by=coordinator,
    )
    client.force_login(partner)
    _, body = _page(client, reverse("cases:detail", args=[scene.case.pk]))
    assert VICTIM in body
    assert SUSPECT in body
    services.close_referral(referral=first, reason="completed", notes="", by=coordinator)
    _, body = _page(client, reverse("cases:detail", args=[scene.case.pk]))
    assert VICTIM not in body
    assert SUSPECT in body


@pytest.mark.usefixtures("no_broker")
def test_what_the_case_page_shows_another_agency_is_recorded_with_its_facet(
    client, coordinator, partner, scene
):
    _referral_in_state(
        scene=scene,
        agency=partner.agency,
        items=["victim_contact", "crime_logs"],
        state="accepted_ticked",
        receiver=partner,
        by=coordinator,
    )
    client.force_login(partner)
    client.get(reverse("cases:detail", args=[scene.case.pk]))
    needs = set(
        AccessRecord.objects.filter(
            user=partner, object_type="cases.case", object_id=str(scene.case.pk)
        ).values_list("need", flat=True)
    )
    assert {"read", "victim_identity", "log_summaries", "risk_summary"} <= needs
    assert "suspect_details" not in needs


# --- The seeded demo data ----------------------------------------------------------------------


def _expected_facets(agency: Agency, case: Case) -> set[str]:
    """What the agency's live referrals say it may see, worked out from the referrals' own
    ticks and states (not from the shares the code reads)."""
    facets: set[str] = set()
    for referral in Referral.objects.filter(
        case=case, agency=agency, state__in=["sent", "accepted", "active"]
    ):
        facets |= {str(f) for f in FACETS_BEFORE_ACCEPTANCE} | {Facet.EXISTENCE.value}
        if referral.state != "sent":
            facets |= {str(f) for f in referral.shared_facets}
    return facets


@pytest.mark.usefixtures("no_broker")
def test_no_receiving_user_sees_a_facet_not_shared_with_it_in_the_demo_data(client):
    from stalking_hub.demo.accounts import seed_accounts
    from stalking_hub.demo.cases import seed_cases
    from stalking_hub.demo.referrals import seed_referrals
    from stalking_hub.demo.risk import seed_risk_assessments

    seed_accounts()
    seed_cases()
    seed_referrals()
    seed_risk_assessments()

    receivers = list(
        User.objects.filter(is_active=True, roles__overlap=list(RECEIVING_ROLES)).select_related(
            "agency"
        )
    )
    assert {user.agency.kind for user in receivers if user.agency} >= {
        Agency.Kind.ISAC_SERVICE,
        Agency.Kind.PROBATION,
    }
    shared_cases = Case.objects.filter(
        pk__in=CaseShare.objects.filter(live_share_q()).values("case")
    )
    assert shared_cases.exists()
    seen_hidden = seen_shown = 0
    for user in receivers:
        client.force_login(user)
        for case in Case.objects.all():
            expected = _expected_facets(user.agency, case)
            assert {str(f) for f in facets_for(user, case)} == expected, (user.email, case.pk)
            status, body = _page(client, reverse("cases:detail", args=[case.pk]))
            assert status == (200 if expected else 404)
            if not expected:
                continue
            for party in case.parties.select_related("person"):
                facet = {
                    PartyRole.VICTIM: Facet.VICTIM_IDENTITY,
                    PartyRole.SUSPECT: Facet.SUSPECT_DETAILS,
                }.get(PartyRole(party.role))
                shown = party.person.name in body
                assert shown == (facet is not None and facet in expected), (user.email, case.pk)
                seen_shown += shown
                seen_hidden += not shown
            for log_reference in case.logs.values_list("reference", flat=True):
                assert (log_reference in body) == (Facet.LOG_SUMMARIES in expected)
            history, _ = _page(client, reverse("risk:history", args=[case.pk]))
            assert (history == 200) == (Facet.RISK_SUMMARY in expected)
            for assessment in RiskAssessment.objects.filter(case=case).select_related(
                "instrument", "assessor"
            ):
                status, _ = _page(client, reverse("risk:detail", args=[case.pk, assessment.pk]))
                may = (
                    Facet.RISK_FULL in expected
                    and assessment.instrument.side == Instrument.SideChoice.VICTIM
                ) or assessment.assessor.agency_id == user.agency_id
                assert (status == 200) == may, (user.email, case.pk, assessment.pk)
    # The demo exercises both sides of the rule.
    assert seen_shown
    assert seen_hidden
