"""Executes the clinic table in docs/access.md for every role persona and two outsiders;
query counts on the agenda and action lists at two data sizes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from clinic.models import ClinicReferral, ClinicSchedule
from clinic.services.minutes import minutes_for
from foundation.audit.models import AccessRecord
from tests.clinic.conftest import DISCUSSION_SECRET, VICTIM_NAME
from tests.factories import CaseFactory
from tests.factories.clinic import (
    ActionFactory,
    AgendaItemFactory,
    ClinicReferralFactory,
)
from tests.test_access_matrix import ROLE_COLUMNS

pytestmark = pytest.mark.django_db

ACCESS_DOC = Path(__file__).resolve().parents[2] / "docs" / "access.md"
ROW = re.compile(
    r"^\|\s*`[^`]+`\s*\(`(?P<url>clinic:[a-z_]+)`,\s*(?P<method>GET|POST)\)\s*\|(?P<cells>.+)\|\s*$"
)
OUTSIDERS = ["outsider_partner", "outsider_isac"]


def clinic_rows() -> list[tuple[str, str, str, bool]]:
    rows = []
    for line in ACCESS_DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if not match:
            continue
        cells = [cell.strip() for cell in match["cells"].split("|")]
        assert len(cells) == len(ROLE_COLUMNS), line
        assert set(cells) <= {"✓", "✗"}, line
        for role, cell in zip(ROLE_COLUMNS, cells, strict=True):
            rows.append((match["url"], match["method"], role, cell == "✓"))
        rows.extend((match["url"], match["method"], outsider, False) for outsider in OUTSIDERS)
    return rows


def test_the_table_covers_every_clinic_url_with_a_record():
    from clinic.urls import urlpatterns

    with_record = {
        f"clinic:{pattern.name}" for pattern in urlpatterns if "<int:" in str(pattern.pattern)
    }
    documented = {url for url, _, _, _ in clinic_rows()}
    assert with_record - {"clinic:invitee_remove", "clinic:attendance"} <= documented


@pytest.fixture
def world(published, partner, coordinator, clinic_case):
    repeat = ClinicReferralFactory(
        case=clinic_case,
        criterion=ClinicReferral.Criterion.REPEAT,
        state=ClinicReferral.State.PENDING,
        referred_by=partner,
    )
    minutes_for(published.meeting, by=coordinator)
    schedule = ClinicSchedule.objects.create(
        name="Weekly",
        frequency="weekly",
        weekday=1,
        start_time="10:00",
        capacity=5,
        starts_on="2026-01-06",
        created_by=coordinator,
    )
    action = ActionFactory(item=published, owner_agency=partner.agency)
    waiting = ClinicReferralFactory(case=CaseFactory(owner=coordinator))
    return {
        "referral": repeat.pk,
        "schedule": schedule.pk,
        "meeting": published.meeting_id,
        "item": published.pk,
        "action": action.pk,
        "waiting": waiting.pk,
    }


ARGS = {
    "referral_detail": "referral",
    "referral_accept": "referral",
    "referral_return": "referral",
    "schedule_detail": "schedule",
    "action_detail": "action",
    "allocate": None,
}
POST_DATA = {
    "research": {"summary": "Probation research."},
    "discussion": {"discussion": "Discussed", "victim_voice": ""},
    "agenda_add": {"referral": "{waiting}"},
    "invitee_add": {
        "kind": "external",
        "name": "Dr X",
        "agency_name": "GP",
        "email": "x@gp.example",
    },
    "item_pin": {"pinned": "1"},
    "minutes_amend": {"text": "x"},
}


def url_for(name: str, world: dict[str, int]) -> str:
    short = name.split(":")[1]
    if short in ARGS:
        key = ARGS[short]
        return reverse(name) if key is None else reverse(name, args=[world[key]])
    if short.startswith(("item_", "research", "discussion", "decision", "action_create")):
        return reverse(name, args=[world["item"]])
    return reverse(name, args=[world["meeting"]])


@pytest.mark.parametrize(("url_name", "method", "role", "allowed"), clinic_rows())
def test_clinic_record_matrix(client, request, world, url_name, method, role, allowed):
    user = request.getfixturevalue("admin_user" if role == "admin" else role)
    client.force_login(user)
    url = url_for(url_name, world)
    before = AccessRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if method == "GET":
        response = client.get(url)
    else:
        data = {
            key: value.format(**{k: str(v) for k, v in world.items()})
            for key, value in POST_DATA.get(url_name.split(":")[1], {}).items()
        }
        response = client.post(url, data)
    # The audit outcome of the cell: the door records what the user got (allowed, or denied
    # and a 404); the waiting-list allocation names no record, so records nothing.
    written = AccessRecord.objects.filter(pk__gt=before, user=user)
    outcomes = set(written.values_list("outcome", flat=True))
    if allowed:
        assert response.status_code == (200 if method == "GET" else 302), (
            url,
            response.status_code,
        )
        assert AccessRecord.Outcome.DENIED not in outcomes, url
        assert AccessRecord.Outcome.ALLOWED in outcomes or url_name == "clinic:allocate", url
        return
    assert response.status_code == 404, (url, response.status_code)
    body = response.content.decode()
    assert "Not found" in body
    assert VICTIM_NAME not in body
    assert DISCUSSION_SECRET not in body
    assert AccessRecord.Outcome.ALLOWED not in outcomes, url
    assert AccessRecord.Outcome.DENIED in outcomes or url_name == "clinic:allocate", url


def test_a_denied_record_attempt_is_recorded(client, world, outsider_partner):
    client.force_login(outsider_partner)
    client.get(reverse("clinic:item_detail", args=[world["item"]]))
    assert AccessRecord.objects.filter(
        user=outsider_partner,
        object_type="clinic.agendaitem",
        outcome=AccessRecord.Outcome.DENIED,
    ).exists()


@pytest.mark.parametrize("who", ["officer", "champion", "trainer", "solicitor"])
def test_an_owner_sees_their_own_action(client, request, item, who):
    user = request.getfixturevalue(who)
    action = ActionFactory(item=item, owner=user, owner_agency=user.agency)
    client.force_login(user)
    assert client.get(reverse("clinic:action_detail", args=[action.pk])).status_code == 200
    assert action.reference in client.get(reverse("clinic:action_list")).content.decode()


def _grow_agenda(meeting, coordinator, partner, n: int) -> None:
    for _ in range(n):
        item = AgendaItemFactory(meeting=meeting, referral__case=CaseFactory(owner=coordinator))
        ActionFactory(item=item, owner_agency=partner.agency, owner=partner)


@pytest.mark.parametrize("size", [2, 12])
def test_agenda_and_action_lists_are_flat(
    client, meeting, coordinator, partner, size, django_assert_max_num_queries
):
    meeting.capacity = 20
    meeting.save()
    _grow_agenda(meeting, coordinator, partner, size)
    client.force_login(coordinator)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("clinic:meeting_detail", args=[meeting.pk])).status_code == 200
    client.force_login(partner)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("clinic:action_list")).status_code == 200
    client.force_login(coordinator)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("clinic:waiting")).status_code == 200
