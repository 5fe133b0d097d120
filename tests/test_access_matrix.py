"""Executes the role-by-page tables in docs/access.md."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import ROLE_FIXTURES

ACCESS_DOC = Path(__file__).resolve().parent.parent / "docs" / "access.md"
ROW = re.compile(r"^\|\s*`(?P<url>[a-z_:]+)`\s*\|(?P<cells>.+)\|\s*$")
ROLE_COLUMNS = [
    "coordinator",
    "tactical_lead",
    "solicitor",
    "isac",
    "partner",
    "champion",
    "officer",
    "trainer",
    "auditor",
    "admin",
]


def matrix_rows() -> list[tuple[str, str, bool]]:
    rows: list[tuple[str, str, bool]] = []
    for line in ACCESS_DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if not match:
            continue
        cells = [cell.strip() for cell in match["cells"].split("|")]
        if len(cells) != len(ROLE_COLUMNS):
            continue
        assert set(cells) <= {"✓", "✗"}, f"unreadable row in docs/access.md: {line}"
        rows.extend(
            (match["url"], role, cell == "✓")
            for role, cell in zip(ROLE_COLUMNS, cells, strict=True)
        )
    return rows


def test_doc_has_rows_for_every_role():
    rows = matrix_rows()
    assert {url for url, _, _ in rows} >= {"home", "audit:access_records", "admin:index"}
    assert {role for _, role, _ in rows} == set(ROLE_COLUMNS)


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "role", "allowed"), matrix_rows())
def test_role_matrix(client, request, url_name, role, allowed):
    fixture = "admin_user" if role == "admin" else role
    assert fixture in ROLE_FIXTURES
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    from foundation.audit.models import AccessRecord

    before = AccessRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(reverse(url_name))
    assert response.status_code == (200 if allowed else 404)
    written = AccessRecord.objects.filter(pk__gt=before, user=user)
    if not allowed:
        assert b"Not found" in response.content
        assert b"<table" not in response.content
        # Refused before anything was read: nothing may be recorded as an allowed read.
        assert not written.filter(outcome=AccessRecord.Outcome.ALLOWED).exists(), url_name
    else:
        # A page that opens refuses nothing on the way.
        assert not written.filter(outcome=AccessRecord.Outcome.DENIED).exists(), url_name


def test_pages_without_a_record_record_no_allowed_read_when_denied():
    """A page without a record in its URL has no object to record: the audit outcome of each
    such cell (test_role_matrix) is "nothing recorded allowed" when it answers 404 — asserted
    there; this keeps the rule visible next to the record matrix below."""
    assert any(not allowed for _, _, allowed in matrix_rows())


# --- Record actions: the answer and the audit outcome of every cell ----------------------------

RECORD_ROW = re.compile(
    r"^\|\s*`(?P<path>[^`]+)`\s*\(`(?P<url>[a-z_]+:[a-z_]+)`,\s*(?P<method>GET|POST)\)\s*"
    r"\|(?P<cells>.+)\|\s*$"
)
RECORD_SECTION = "### Every record action, and what the audit records"
# The record in the URL of each action: (access record type, key in the world).
RECORD_OF = {
    "cases:log_detail": ("cases.crimelog", "log"),
    "cases:review": ("cases.crimelog", "log"),
    "cases:bulk": ("cases.crimelog", "log"),
    "cases:person_merge": ("cases.person", "merge"),
    "cases:detail": ("cases.case", "case"),
    "cases:edit": ("cases.case", "case"),
    "cases:close": ("cases.case", "case"),
    "feed:detail": ("cases.feedimport", "feed_import"),
    "feed:report": ("cases.feedimport", "feed_import"),
    "feed:resume": ("cases.feedimport", "feed_import"),
    "risk:history": ("cases.case", "case"),
    "risk:detail": ("risk.riskassessment", "assessment"),
    "risk:new": ("cases.case", "case"),
}


def record_rows() -> list[tuple[str, str, str, str, bool]]:
    """(path, url name, method, role, allowed) for every cell of the record-action table."""
    text = ACCESS_DOC.read_text(encoding="utf-8")
    section = text.split(RECORD_SECTION, 1)[1].split("\n### ", 1)[0]
    rows = []
    for line in section.splitlines():
        match = RECORD_ROW.match(line)
        if not match:
            continue
        cells = [cell.strip() for cell in match["cells"].split("|")]
        assert len(cells) == len(ROLE_COLUMNS), line
        assert set(cells) <= {"✓", "✗"}, line
        rows.extend(
            (match["path"], match["url"], match["method"], role, cell == "✓")
            for role, cell in zip(ROLE_COLUMNS, cells, strict=True)
        )
    return rows


def sampled(rows: list[tuple[str, str, str, str, bool]]) -> list[tuple[str, str, str, str, bool]]:
    """Every cell with HUB_FULL_ACCESS_MATRIX=1 (make test-matrix, part of make check);
    otherwise a fixed sample: for each row two roles, turning through the roles row by row so
    that every role is asked on several rows, plus an allowed and a denied cell of the row if
    those two are not (so each action is seen both allowed and denied)."""
    if os.environ.get("HUB_FULL_ACCESS_MATRIX") == "1":
        return rows
    keep = []
    actions = list(dict.fromkeys((row[0], row[1], row[2]) for row in rows))
    for index, action in enumerate(actions):
        cells = [row for row in rows if (row[0], row[1], row[2]) == action]
        picked = [cells[index % len(cells)], cells[(index + 5) % len(cells)]]
        for outcome in (True, False):
            if not any(cell[4] is outcome for cell in picked):
                same = [cell for cell in cells if cell[4] is outcome]
                if same:
                    picked.append(same[index % len(same)])
        keep.extend(cell for cell in cells if cell in picked)
    return keep


def test_the_record_table_is_read():
    rows = record_rows()
    assert len(rows) == 25 * len(ROLE_COLUMNS)
    assert {url for _, url, _, _, _ in rows} >= set(RECORD_OF)
    # The sample asks every role, and sees every action allowed and denied.
    sample = sampled(rows)
    assert {role for _, _, _, role, _ in sample} == set(ROLE_COLUMNS)
    for path in {path for path, _, _, _, _ in rows}:
        outcomes = {allowed for p, _, _, _, allowed in sample if p == path}
        assert outcomes == {True, False} or os.environ.get("HUB_FULL_ACCESS_MATRIX") == "1", path


@pytest.fixture
def world(
    coordinator, tactical_lead, solicitor, isac, partner, champion, officer, trainer, auditor,
    admin_user, isac_service,
):  # fmt: skip
    from cases.models import CaseLog, CaseParty, CaseShare, Facet, PartyRole
    from tests.factories import CaseFactory
    from tests.factories.cases import (
        CrimeLogFactory,
        FeedImportFactory,
        LogPartyFactory,
        PersonFactory,
    )
    from tests.factories.referrals import AdviceRequestFactory, ReferralFactory
    from tests.factories.risk import RiskAssessmentFactory

    case = CaseFactory(owner=coordinator)
    keep, merge = PersonFactory(name=SECRET_NAME), PersonFactory(name=SECRET_NAME + " Jr")
    CaseParty.objects.create(case=case, person=keep, role=PartyRole.VICTIM)
    log = CrimeLogFactory(narrative=SECRET_NARRATIVE)
    LogPartyFactory(log=log, person=keep, role=PartyRole.VICTIM, position=0)
    LogPartyFactory(log=log, person=merge, role=PartyRole.SUSPECT, position=1)
    CaseLog.objects.create(case=case, log=log, added_by=coordinator)
    referral = ReferralFactory(case=case, agency=isac_service, sent=True, reason=SECRET_REASON)
    CaseShare.objects.create(
        case=case,
        agency=isac_service,
        facets=[Facet.EXISTENCE, Facet.RISK_SUMMARY],
        shared_by=coordinator,
    )
    advice = AdviceRequestFactory(requester=officer, answered=True)
    assessment = RiskAssessmentFactory(case=case, assessor=coordinator)
    feed_import = FeedImportFactory(file_name="secret-export.csv")
    return {
        "case": case.pk,
        "log": log.pk,
        "keep": keep.pk,
        "merge": merge.pk,
        "referral": referral.pk,
        "advice": advice.pk,
        "assessment": assessment.pk,
        "feed_import": feed_import.pk,
    }


SECRET_NAME = "Perpetua Matrixfield"
SECRET_NARRATIVE = "Waited outside the matrix office every night."
SECRET_REASON = "Referred for the matrix test."


def record_request(
    path: str, url: str, method: str, world: dict[str, int]
) -> tuple[str, dict[str, object]]:
    """The URL and the POST data of one action in the world."""
    data: dict[str, object] = {}
    if url == "cases:bulk":
        data = {"logs": [world["log"]], "action": "not_stalking", "note": "Matrix."}
        return reverse(url), data
    if url == "cases:person_merge":
        data = {
            "keep": world["keep"],
            "merge": world["merge"],
            "next_log": world["log"],
            "reason": "The same date of birth and address on both records.",
        }
        return reverse(url), data
    if url == "cases:review":
        data = {"outcome": "not_stalking", "note": "Matrix."}
    if url == "referrals:advice_rate":
        data = {"rating": "useful"}
    if url == "risk:detail":
        return reverse(url, args=[world["case"], world["assessment"]]), data
    if url == "risk:new":
        return reverse(url, args=[world["case"], path.rstrip("/").rsplit("/", 1)[1]]), data
    app = url.split(":")[0]
    key = {"referrals": "referral", "feed": "feed_import", "risk": "case"}.get(app, "")
    if url.startswith("referrals:advice"):
        key = "advice"
    elif url.startswith("cases:"):
        key = "log" if url in {"cases:log_detail", "cases:review"} else "case"
    return reverse(url, args=[world[key]]), data


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "url_name", "method", "role", "allowed"), sampled(record_rows()))
def test_record_matrix(client, request, world, path, url_name, method, role, allowed):
    from foundation.audit.models import AccessRecord

    user = request.getfixturevalue("admin_user" if role == "admin" else role)
    client.force_login(user)
    url, data = record_request(path, url_name, method, world)
    before = AccessRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(url) if method == "GET" else client.post(url, data)
    written = AccessRecord.objects.filter(pk__gt=before, user=user)
    object_type, key = RECORD_OF.get(url_name, ("referrals.referral", "referral"))
    if url_name.startswith("referrals:advice"):
        object_type, key = "referrals.advicerequest", "advice"
    on_record = written.filter(object_type=object_type, object_id=str(world[key]))
    if allowed:
        assert response.status_code in {200, 302}, (url, response.status_code)
        assert on_record.filter(outcome=AccessRecord.Outcome.ALLOWED).exists(), (
            url,
            list(written.values_list("object_type", "object_id", "outcome")),
        )
        assert not written.filter(outcome=AccessRecord.Outcome.DENIED).exists(), url
        return
    assert response.status_code == 404, (url, response.status_code)
    body = response.content.decode()
    assert "Not found" in body
    for secret in (SECRET_NAME, SECRET_NARRATIVE, SECRET_REASON, "secret-export"):
        assert secret not in body
    assert on_record.filter(outcome=AccessRecord.Outcome.DENIED).exists(), (
        url,
        list(written.values_list("object_type", "object_id", "need", "outcome")),
    )
    assert not written.filter(outcome=AccessRecord.Outcome.ALLOWED).exists(), (
        url,
        list(written.values_list("object_type", "object_id", "need", "outcome")),
    )
