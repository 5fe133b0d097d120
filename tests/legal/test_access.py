"""Executes the legal table in docs/access.md for every role persona and two outsiders; the
privileged notes; query counts on the solicitor's page and the file page."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.services.logs import logs_changed
from foundation.audit.models import AccessRecord
from legal import services
from legal.models import BreachCandidate, LegalEvent
from tests.factories import CaseFactory, CrimeLogFactory, LogPartyFactory
from tests.legal.conftest import PRIVILEGED, VICTIM_ADDRESS, open_spo, to_state
from tests.test_access_matrix import ROLE_COLUMNS

pytestmark = pytest.mark.django_db

ACCESS_DOC = Path(__file__).resolve().parents[2] / "docs" / "access.md"
ROW = re.compile(
    r"^\|\s*`[^`]+`\s*\(`(?P<url>legal:[a-z_]+)`,\s*(?P<method>GET|POST)\)\s*\|(?P<cells>.+)\|\s*$"
)
OUTSIDERS = ["outsider_partner", "outsider_isac"]


def legal_rows() -> list[tuple[str, str, str, bool]]:
    rows = []
    for line in ACCESS_DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if not match:
            continue
        cells = [cell.strip() for cell in match["cells"].split("|")]
        assert len(cells) == len(ROLE_COLUMNS), line
        for role, cell in zip(ROLE_COLUMNS, cells, strict=True):
            rows.append((match["url"], match["method"], role, cell == "✓"))
        rows.extend((match["url"], match["method"], outsider, False) for outsider in OUTSIDERS)
    return rows


def test_the_table_covers_every_legal_url_with_a_record():
    from legal.urls import urlpatterns

    with_record = {
        f"legal:{pattern.name}" for pattern in urlpatterns if "<int:" in str(pattern.pattern)
    }
    assert with_record == {url for url, _, _, _ in legal_rows()}


@pytest.fixture
def world(legal_case, spo_file, solicitor, suspect, isac_share, partner_share):
    file = to_state(spo_file, solicitor, "in_force")
    order = file.orders.get()
    services.record_service(order=order, served_on=timezone.localdate(), by=solicitor)
    breach = services.record_breach(
        order=order,
        occurred_on=timezone.localdate(),
        log_source="rms",
        log_reference="NS/26/ACCESS",
        by=solicitor,
    )
    log = CrimeLogFactory(breach=True, recorded_at=timezone.now() - timedelta(hours=1))
    LogPartyFactory(log=log, suspect=True, person=suspect)
    logs_changed(log_ids=[log.pk], now=timezone.now())
    hearing = services.schedule_hearing(
        file=file,
        court="Northtown Magistrates' Court",
        starts_at=timezone.now() + timedelta(days=3),
        kind="variation",
        by=solicitor,
    )
    services.update_file(
        file=file,
        by=solicitor,
        privileged_notes=PRIVILEGED,
        pack_summary="A course of conduct over six months.",
        pack_acts="Followed her to work\nSent 40 messages in a day",
        pack_proposed_terms="Not to contact the protected persons",
    )
    return {
        "case": legal_case.pk,
        "file": file.pk,
        "order": order.pk,
        "notification": order.notifications.get().pk,
        "breach": breach.pk,
        "candidate": BreachCandidate.objects.get().pk,
        "hearing": hearing.pk,
        "event": LegalEvent.objects.filter(file=file, kind="order_made").get().pk,
    }


ARGS = {
    "file_create": ["case"],
    "hearing": ["hearing"],
    "notified": ["notification"],
    "breach": ["breach"],
    "candidate_confirm": ["candidate"],
    "candidate_dismiss": ["candidate"],
    "victim_told": ["file", "event"],
}
POST_DATA = {
    "file_step": {"key": "discharge", "on": "{today}"},
    "victim_told": {"told_on": "{today}"},
}


def url_for(name: str, world: dict[str, int]) -> str:
    short = name.split(":")[1]
    if short in ARGS:
        return reverse(name, args=[world[key] for key in ARGS[short]])
    if short in {"order", "term_create", "service", "notification_change", "breach_create"}:
        return reverse(name, args=[world["order"]])
    return reverse(name, args=[world["file"]])


@pytest.mark.parametrize(("url_name", "method", "role", "allowed"), legal_rows())
def test_legal_record_matrix(client, request, world, url_name, method, role, allowed):
    user = request.getfixturevalue("admin_user" if role == "admin" else role)
    client.force_login(user)
    url = url_for(url_name, world)
    if method == "GET":
        response = client.get(url)
    else:
        data = {
            key: value.format(today=timezone.localdate().isoformat())
            for key, value in POST_DATA.get(url_name.split(":")[1], {}).items()
        }
        response = client.post(url, data)
    body = response.content.decode(errors="replace")
    if allowed:
        assert response.status_code == (200 if method == "GET" else 302), (
            url,
            response.status_code,
        )
        if role != "solicitor":
            assert PRIVILEGED not in body
        return
    assert response.status_code == 404, (url, response.status_code)
    assert "Not found" in body
    assert VICTIM_ADDRESS not in body
    assert "PRIVILEGED" not in body
    assert AccessRecord.objects.filter(user=user, outcome=AccessRecord.Outcome.DENIED).exists()


def test_the_privileged_notes_show_to_the_solicitor_only(client, world, solicitor, coordinator):
    url = reverse("legal:file", args=[world["file"]])
    client.force_login(solicitor)
    assert PRIVILEGED in client.get(url).content.decode()
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert client.get(url).status_code == 200
    assert PRIVILEGED not in page


def test_the_admin_never_shows_the_privileged_notes(client, world, admin_user):
    client.force_login(admin_user)
    listing = client.get(reverse("admin:legal_orderfile_changelist"))
    assert listing.status_code == 200
    assert PRIVILEGED not in listing.content.decode()
    detail = client.get(reverse("admin:legal_orderfile_change", args=[world["file"]]))
    assert detail.status_code in (302, 403, 404)
    assert PRIVILEGED not in detail.content.decode()


def test_a_pack_download_is_recorded_as_a_disclosure(client, world, solicitor):
    client.force_login(solicitor)
    client.get(reverse("legal:pack_pdf", args=[world["file"]]))
    assert AccessRecord.objects.filter(
        user=solicitor,
        object_type="legal.orderfile",
        action=AccessRecord.Action.DISCLOSE,
        need="disclose",
        outcome=AccessRecord.Outcome.ALLOWED,
    ).exists()


def test_the_isac_loses_the_order_when_the_share_ends(client, world, isac, isac_share):
    client.force_login(isac)
    url = reverse("legal:order", args=[world["order"]])
    page = client.get(url).content.decode()
    assert "Not to contact the protected persons" in page
    assert "Breaches" not in page  # the hub's records, not the order's terms
    isac_share.ended_at = timezone.now()
    isac_share.save()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("size", [2, 12])
def test_the_solicitors_page_and_file_are_flat(
    client, solicitor, coordinator, size, django_assert_max_num_queries
):
    for _ in range(size):
        case = CaseFactory(owner=coordinator, current_risk="high")
        from cases.models import CaseParty, PartyRole
        from tests.factories import PersonFactory

        CaseParty.objects.create(case=case, person=PersonFactory(), role=PartyRole.SUSPECT)
        file = to_state(open_spo(case, solicitor), solicitor, "in_force")
        order = file.orders.get()
        services.record_service(order=order, served_on=timezone.localdate(), by=solicitor)
        services.schedule_hearing(
            file=file,
            court="Court",
            starts_at=timezone.now() + timedelta(hours=2),
            kind="breach",
            by=solicitor,
        )
    client.force_login(solicitor)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("legal:home")).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("legal:file", args=[file.pk])).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("legal:order", args=[order.pk])).status_code == 200
