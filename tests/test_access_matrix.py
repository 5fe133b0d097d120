"""Executes the role-by-page tables in docs/access.md."""

from __future__ import annotations

import os
import re
from datetime import timedelta
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


# --- The restricted-case matrix: every role, every case-scoped URL, the admin: 404 ------------

RESTRICTED_SECTION = "### A restricted case"
# URL arguments that name a record of one case (or the case itself), by namespace when the
# same name means different records: every URL taking one of these is case-scoped.
CASE_SCOPED_ARGS = {
    "case_id": "case",
    "assessment_id": "assessment",
    "item_id": "item",
    "action_id": "action",
    "file_id": "file",
    "event_id": "event",
    "hearing_id": "hearing",
    "order_id": "order",
    "notification_id": "notification",
    "breach_id": "breach",
    "candidate_id": "candidate",
    "plan_id": "plan",
    "line_id": "line",
    "direction_id": "direction",
    "log_id": "log",
}
# Arguments that only qualify a record already named (their own door comes after it).
QUALIFYING_ARGS = {"instrument_key": "four", "version": 1, "need_id": 1}
RESTRICTED_NAMESPACES = ("cases", "risk", "referrals", "clinic", "legal", "oversight")
# The hub's staff would open most of these pages: each refusal must be on record.
REFUSAL_ON_RECORD = {"coordinator", "tactical_lead", "solicitor"}


def on_record(role: str, name: str) -> bool:
    """Whether this role's refusal at this page must be on record: the hub's staff at the
    app pages, the administrator at the admin's (others are refused by role before a door)."""
    if name.startswith("admin:"):
        return role == "admin"
    return role in REFUSAL_ON_RECORD


def case_scoped_urls() -> list[tuple[str, tuple[str, ...]]]:
    """(url name, argument names) of every URL that names a case's record, from the resolver."""
    from django.urls import get_resolver
    from django.urls.resolvers import URLPattern, URLResolver

    found: list[tuple[str, tuple[str, ...]]] = []

    def walk(patterns, namespace: str, inherited: tuple[str, ...]) -> None:
        for pattern in patterns:
            names = inherited + tuple(pattern.pattern.regex.groupindex)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace, names)
            elif isinstance(pattern, URLPattern) and namespace in RESTRICTED_NAMESPACES:
                key = "referral" if namespace == "referrals" else "clinic_referral"
                args = [n for n in names if n in CASE_SCOPED_ARGS or n == "referral_id"]
                if args and not (namespace == "cases" and pattern.name == "my_log"):
                    found.append((f"{namespace}:{pattern.name}", names))
                del key

    walk(get_resolver().url_patterns, "", ())
    return sorted(set(found))


def test_the_restricted_matrix_covers_every_case_scoped_url():
    names = {name for name, _ in case_scoped_urls()}
    # A sample of each app's doors: the resolver's list is the test's list.
    assert {
        "cases:detail",
        "cases:log_detail",
        "risk:detail",
        "referrals:casework",
        "clinic:item_detail",
        "clinic:referral_detail",
        "legal:pack_pdf",
        "legal:breach",
        "oversight:direction",
    } <= names
    assert len(names) > 70
    text = ACCESS_DOC.read_text(encoding="utf-8")
    assert RESTRICTED_SECTION in text


@pytest.fixture
def restricted_world(coordinator, solicitor, isac, officer, isac_service, home_force):
    """A restricted case with a record of every kind: a crime log, an ISAC referral with
    casework, a risk assessment, a clinic referral on an agenda with an action, an SPO file
    with an order in force, its notification, a breach, a breach candidate and a hearing, an
    investigation plan with a line and a direction. Named on it: one user, no persona."""
    from django.utils import timezone

    from cases.models import CaseLog, CaseParty, PartyRole
    from cases.services import restrict_case
    from cases.services.logs import logs_changed
    from legal import services as legal
    from legal.models import BreachCandidate, LegalEvent
    from tests.factories import CaseFactory, UserFactory
    from tests.factories.cases import CrimeLogFactory, LogPartyFactory, PersonFactory
    from tests.factories.clinic import ActionFactory, AgendaItemFactory, ClinicReferralFactory
    from tests.factories.oversight import (
        DirectionFactory,
        InvestigationPlanFactory,
        PlanLineFactory,
    )
    from tests.factories.referrals import ReferralFactory
    from tests.factories.risk import RiskAssessmentFactory
    from tests.legal.conftest import open_spo, to_state

    case = CaseFactory(owner=coordinator, officer_in_charge=officer, current_risk="high")
    victim, suspect = PersonFactory(name=SECRET_NAME), PersonFactory(name=SECRET_NAME + " Sr")
    CaseParty.objects.create(case=case, person=victim, role=PartyRole.VICTIM)
    CaseParty.objects.create(case=case, person=suspect, role=PartyRole.SUSPECT)
    log = CrimeLogFactory(narrative=SECRET_NARRATIVE)
    LogPartyFactory(log=log, person=victim, role=PartyRole.VICTIM, position=0)
    CaseLog.objects.create(case=case, log=log, added_by=coordinator)
    referral = ReferralFactory(case=case, agency=isac_service, active=True, reason=SECRET_REASON)
    assessment = RiskAssessmentFactory(case=case, assessor=coordinator)
    clinic_referral = ClinicReferralFactory(case=case, referred_by=isac)
    item = AgendaItemFactory(referral=clinic_referral)
    action = ActionFactory(item=item, owner=isac, owner_agency=isac_service)
    file = to_state(open_spo(case, solicitor, protected=[victim]), solicitor, "in_force")
    order = file.orders.get()
    legal.record_service(order=order, served_on=timezone.localdate(), by=solicitor)
    breach = legal.record_breach(
        order=order,
        occurred_on=timezone.localdate(),
        log_source="rms",
        log_reference="NS/26/RESTRICTED",
        by=solicitor,
    )
    later = CrimeLogFactory(breach=True, recorded_at=timezone.now())
    LogPartyFactory(log=later, suspect=True, person=suspect)
    logs_changed(log_ids=[later.pk], now=timezone.now())
    hearing = legal.schedule_hearing(
        file=file,
        court="Northtown Magistrates' Court",
        starts_at=timezone.now() + timedelta(days=3),
        kind="variation",
        by=solicitor,
    )
    plan = InvestigationPlanFactory(case=case)
    line = PlanLineFactory(plan=plan)
    direction = DirectionFactory(case=case, plan_line=line, officer=officer)
    lead = UserFactory(email="restricting-lead@example.test", roles=["tactical_lead"])
    named = UserFactory(email="named@example.test", roles=["coordinator"], agency=home_force)
    restrict_case(case=case, members=[named], reason="The suspect is a serving officer.", by=lead)
    # The sweep linked the later log to the case (its suspect): one more record of the case.
    return {
        "case": case.pk,
        "log": log.pk,
        "referral": referral.pk,
        "clinic_referral": clinic_referral.pk,
        "assessment": assessment.pk,
        "item": item.pk,
        "action": action.pk,
        "file": file.pk,
        "order": order.pk,
        "notification": order.notifications.get().pk,
        "breach": breach.pk,
        "candidate": BreachCandidate.objects.get().pk,
        "hearing": hearing.pk,
        "event": LegalEvent.objects.filter(file=file).first().pk,
        "plan": plan.pk,
        "line": line.pk,
        "direction": direction.pk,
        "named": named.pk,
    }


def restricted_url(name: str, arg_names: tuple[str, ...], world: dict[str, int]) -> str:
    args = []
    for arg in arg_names:
        if arg == "referral_id":
            args.append(world["referral" if name.startswith("referrals:") else "clinic_referral"])
        elif arg in CASE_SCOPED_ARGS:
            args.append(world[CASE_SCOPED_ARGS[arg]])
        else:
            args.append(QUALIFYING_ARGS[arg])
    return reverse(name, args=args)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_COLUMNS)
def test_a_restricted_case_is_not_found_for_every_role_at_every_url(
    client, request, restricted_world, role
):
    from foundation.audit.models import AccessRecord

    user = request.getfixturevalue("admin_user" if role == "admin" else role)
    client.force_login(user)
    failures = []
    pages = [
        (name, restricted_url(name, args, restricted_world)) for name, args in case_scoped_urls()
    ]
    pages += [
        (
            "admin:cases_case_change",
            reverse("admin:cases_case_change", args=[restricted_world["case"]]),
        ),
        (
            "admin:cases_crimelog_change",
            reverse("admin:cases_crimelog_change", args=[restricted_world["log"]]),
        ),
    ]
    for name, url in pages:
        before = AccessRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {})
        written = AccessRecord.objects.filter(pk__gt=before, user=user)
        body = response.content.decode(errors="replace")
        if response.status_code != 404:
            failures.append((name, response.status_code))
        elif any(secret in body for secret in (SECRET_NAME, SECRET_NARRATIVE, SECRET_REASON)):
            failures.append((name, "secret in the body"))
        elif written.filter(outcome=AccessRecord.Outcome.ALLOWED).exists():
            failures.append((name, "recorded allowed"))
        elif (
            on_record(role, name)
            and not written.filter(outcome=AccessRecord.Outcome.DENIED).exists()
        ):
            # Their role would open the page: the refusal is on record, like any denial.
            failures.append((name, "no denied record"))
    assert failures == []


@pytest.mark.django_db
def test_the_named_user_opens_the_restricted_case(client, restricted_world):
    from foundation.accounts.models import User

    client.force_login(User.objects.get(pk=restricted_world["named"]))
    for name in (
        "cases:detail",
        "risk:history",
        "referrals:detail",
        "legal:file",
        "oversight:plan",
    ):
        key = {"cases": "case", "risk": "case", "referrals": "referral", "legal": "file"}.get(
            name.split(":")[0], "plan"
        )
        assert client.get(reverse(name, args=[restricted_world[key]])).status_code == 200, name
