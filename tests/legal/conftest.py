"""A legal world: a high-risk case with a named victim (with an address, a phone number and an
e-mail that must never leak), a suspect, a sister to protect, the officer persona in charge,
and an ISAC referral share carrying `orders`; an SPO file the solicitor opened."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import CaseParty, PartyRole, PersonAddress
from cases.services.sharing import share_case
from foundation.outbox.tasks import run_outbox_message
from legal import services
from legal.models import OrderFile, ProtectiveOrder
from tests.factories import CaseFactory, PersonFactory

VICTIM_NAME = "Ottoline Synthetic-Victim"
SUSPECT_NAME = "Barnaby Synthetic-Suspect"
SISTER_NAME = "Perpetua Synthetic-Sister"
VICTIM_ADDRESS = "12 Quarry Lane, Northtown"
VICTIM_POSTCODE = "NT4 7QX"
VICTIM_PHONE = "07700 900123"
VICTIM_EMAIL = "ottoline@example.org"
PRIVILEGED = "PRIVILEGED-ADVICE counsel thinks the interim application is weak"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch) -> list[int]:
    published: list[int] = []
    monkeypatch.setattr(
        run_outbox_message, "apply_async", lambda args, **kwargs: published.append(args[0])
    )
    return published


@pytest.fixture
def victim():
    person = PersonFactory(name=VICTIM_NAME)
    PersonAddress.objects.create(person=person, address=VICTIM_ADDRESS, postcode=VICTIM_POSTCODE)
    return person


@pytest.fixture
def suspect():
    return PersonFactory(name=SUSPECT_NAME)


@pytest.fixture
def sister():
    person = PersonFactory(name=SISTER_NAME)
    PersonAddress.objects.create(person=person, address="3 Mill Row, Southby", postcode="SB2 1AA")
    return person


@pytest.fixture
def legal_case(coordinator, officer, victim, suspect, sister):
    case = CaseFactory(
        owner=coordinator,
        officer_in_charge=officer,
        current_risk="high",
        current_risk_at=timezone.now() - timedelta(days=10),
    )
    CaseParty.objects.create(case=case, person=victim, role=PartyRole.VICTIM)
    CaseParty.objects.create(case=case, person=sister, role=PartyRole.WITNESS)
    CaseParty.objects.create(case=case, person=suspect, role=PartyRole.SUSPECT)
    return case


@pytest.fixture
def isac_share(legal_case, isac, coordinator):
    """The ISAC service's share of the case, carrying orders (a referral that ticked it)."""
    return share_case(
        case=legal_case,
        agency=isac.agency,
        facets=["existence", "orders"],
        by=coordinator,
    )


@pytest.fixture
def partner_share(legal_case, partner, coordinator):
    """Probation's share of the case, without orders."""
    return share_case(
        case=legal_case, agency=partner.agency, facets=["existence", "risk_summary"], by=coordinator
    )


def open_spo(case, solicitor, *, protected=(), kind="spo") -> OrderFile:
    return services.open_file(
        case=case,
        respondent=case.parties.get(role=PartyRole.SUSPECT).person,
        kind=kind,
        applying_force="Northshire Police",
        force_basis="lives_in",
        solicitor=solicitor,
        protected_persons=list(protected),
        by=solicitor,
    )


@pytest.fixture
def spo_file(legal_case, solicitor, victim, sister) -> OrderFile:
    return open_spo(legal_case, solicitor, protected=[victim, sister])


def to_state(file: OrderFile, solicitor, state: str, *, on: date | None = None) -> OrderFile:
    """Walk a fresh SPO file to `state` through the services."""
    on = on or timezone.localdate() - timedelta(days=30)
    steps = {
        "considering": [],
        "preparing": ["prepare"],
        "applied": ["prepare", "apply"],
        "interim": ["prepare", "apply", "interim"],
        "in_force": ["prepare", "apply", "full"],
        "ended": ["prepare", "apply", "refuse"],
    }[state]
    for key in steps:
        if key == "interim":
            services.record_order(
                file=file,
                kind=ProtectiveOrder.Kind.INTERIM,
                made_on=on,
                fixed_end_on=on + timedelta(days=60),
                by=solicitor,
            )
        elif key == "full":
            services.record_order(
                file=file,
                kind=ProtectiveOrder.Kind.FULL,
                made_on=on,
                fixed_end_on=None,
                terms=[services.TermSpec("prohibition", "Not to contact the protected persons")],
                by=solicitor,
            )
        else:
            services.transition_file(file=file, key=key, on=on, reasons="", by=solicitor)
    file.refresh_from_db()
    return file
