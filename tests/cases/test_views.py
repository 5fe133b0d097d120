"""Pages of the review queue, cases and officers' feedback: who may open them, what they
show, and that their query count stays flat however many rows there are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, CaseLog, CaseParty, CaseShare, LogReview, PartyRole, SignalKind
from foundation.audit.models import AccessRecord
from tests.conftest import ROLE_FIXTURES
from tests.factories import (
    CaseFactory,
    CrimeLogFactory,
    LogPartyFactory,
    LogReviewFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REVIEWERS = {"coordinator", "tactical_lead"}
HUB_CASE_ROLES = {"coordinator", "tactical_lead", "solicitor"}
FEEDBACK_ROLES = {"officer", "champion"}
SECRET_NAME = "Quillon Synthetic-Secret"
SECRET_NARRATIVE = "NARRATIVE-SECRET the suspect waited outside"


def assert_not_found_without_data(response, *secrets: str) -> None:
    assert response.status_code == 404
    body = response.content.decode()
    assert "Not found" in body
    for secret in secrets:
        assert secret not in body


@pytest.fixture
def secret_log(officer):
    log = CrimeLogFactory(
        awaiting=True,
        reference="NS/25/SECRET-LOG",
        narrative=SECRET_NARRATIVE,
        officer=officer.email,
    )
    LogPartyFactory(log=log, victim=True, person=PersonFactory(name=SECRET_NAME))
    return log


# --- Permission matrix -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_queue_matrix(client, request, role, secret_log):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("cases:queue"))
    if role in REVIEWERS:
        assert response.status_code == 200
        assert secret_log.reference in response.content.decode()
        # The queue never carries the narrative or names.
        assert SECRET_NARRATIVE not in response.content.decode()
        assert SECRET_NAME not in response.content.decode()
    else:
        assert_not_found_without_data(response, secret_log.reference)


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_log_detail_matrix(client, request, role, secret_log):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.get(reverse("cases:log_detail", args=[secret_log.pk]))
    if role in REVIEWERS:
        assert response.status_code == 200
        assert SECRET_NARRATIVE in response.content.decode()
    else:
        # The officer in charge too: the hub's feedback is on their own page, not the log.
        assert_not_found_without_data(response, secret_log.reference, SECRET_NARRATIVE, SECRET_NAME)
    record = AccessRecord.objects.get(user=user, object_type="cases.crimelog")
    assert record.outcome == ("allowed" if role in REVIEWERS else "denied")


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_log_detail_of_a_case_log_matrix(client, request, role, secret_log):
    case = CaseFactory()
    CaseLog.objects.create(case=case, log=secret_log, added_by=case.owner)
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("cases:log_detail", args=[secret_log.pk]))
    if role in REVIEWERS | {"solicitor"}:
        assert response.status_code == 200
    else:
        assert_not_found_without_data(response, SECRET_NARRATIVE, SECRET_NAME)


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_my_logs_matrix(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("cases:my_logs"))
    assert response.status_code == (200 if role in FEEDBACK_ROLES else 404)


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_my_log_feedback_matrix(client, request, role, secret_log, coordinator):
    LogReviewFactory(
        log=secret_log, possible=True, advice="ADVICE-FOR-OFFICER", reviewed_by=coordinator
    )
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("cases:my_log", args=[secret_log.pk]))
    if role == "officer":
        body = response.content.decode()
        assert response.status_code == 200
        assert "ADVICE-FOR-OFFICER" in body
        assert SECRET_NARRATIVE not in body
        assert SECRET_NAME not in body
    else:
        assert_not_found_without_data(response, "ADVICE-FOR-OFFICER", SECRET_NARRATIVE)


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_case_list_matrix(client, request, role):
    case = CaseFactory(reference="SH-2026-77777")
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("cases:list"))
    if role in HUB_CASE_ROLES:
        assert response.status_code == 200
        assert case.reference in response.content.decode()
    else:
        assert_not_found_without_data(response, case.reference)


@pytest.fixture
def case_with_party():
    case = CaseFactory(reference="SH-2026-55555", summary="SUMMARY-SECRET")
    CaseParty.objects.create(
        case=case, person=PersonFactory(name=SECRET_NAME), role=PartyRole.VICTIM
    )
    return case


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_case_detail_matrix(client, request, role, case_with_party):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("cases:detail", args=[case_with_party.pk]))
    if role in HUB_CASE_ROLES:
        assert response.status_code == 200
        assert SECRET_NAME in response.content.decode()
    else:
        assert_not_found_without_data(response, SECRET_NAME, "SUMMARY-SECRET", "SH-2026-55555")


@pytest.mark.parametrize("role", ["isac", "partner"])
def test_shared_case_opens_for_the_agency_it_is_shared_with_only(
    client, request, role, case_with_party, outsider_isac, outsider_partner
):
    user = request.getfixturevalue(role)
    CaseShare.objects.create(
        case=case_with_party,
        agency=user.agency,
        facets=["existence", "victim_identity", "suspect_details"],
        shared_by=case_with_party.owner,
    )
    client.force_login(user)
    response = client.get(reverse("cases:detail", args=[case_with_party.pk]))
    assert response.status_code == 200
    assert SECRET_NAME in response.content.decode()
    # A partner sees the case, not the police records behind it.
    assert response.context["case_logs"] == []
    assert b"Edit case" not in response.content
    outsider = outsider_isac if role == "isac" else outsider_partner
    client.force_login(outsider)
    assert_not_found_without_data(
        client.get(reverse("cases:detail", args=[case_with_party.pk])), SECRET_NAME
    )


@pytest.mark.parametrize("role", ROLE_FIXTURES)
@pytest.mark.parametrize("page", ["cases:edit", "cases:close"])
def test_case_edit_and_close_matrix(client, request, role, page, case_with_party):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(page, args=[case_with_party.pk]))
    if role in REVIEWERS:
        assert response.status_code == 200
    else:
        assert_not_found_without_data(response, SECRET_NAME, "SUMMARY-SECRET")


@pytest.mark.parametrize("role", sorted(set(ROLE_FIXTURES) - REVIEWERS))
def test_case_edit_and_close_posts_are_404_and_change_nothing(
    client, request, role, case_with_party
):
    client.force_login(request.getfixturevalue(role))
    edit = client.post(
        reverse("cases:edit", args=[case_with_party.pk]),
        {"owner": case_with_party.owner_id, "relationship": "stranger", "summary": "changed"},
    )
    close = client.post(
        reverse("cases:close", args=[case_with_party.pk]),
        {"closure_reason": "other", "outcome_notes": "closed"},
    )
    assert (edit.status_code, close.status_code) == (404, 404)
    case_with_party.refresh_from_db()
    assert (case_with_party.summary, case_with_party.status) == ("SUMMARY-SECRET", "open")


def test_officer_gets_404_for_another_officers_log(client, officer, coordinator):
    theirs = CrimeLogFactory(reviewed=True, officer="someone.else@example.test")
    LogReviewFactory(log=theirs, possible=True, reviewed_by=coordinator)
    client.force_login(officer)
    assert_not_found_without_data(
        client.get(reverse("cases:my_log", args=[theirs.pk])), theirs.reference
    )
    response = client.get(reverse("cases:my_logs"))
    assert theirs.reference not in response.content.decode()


def test_officer_gets_404_for_own_log_not_yet_reviewed(client, officer, secret_log):
    client.force_login(officer)
    assert client.get(reverse("cases:my_log", args=[secret_log.pk])).status_code == 404


def test_champion_with_no_logs_sees_an_empty_list(client, champion):
    client.force_login(champion)
    response = client.get(reverse("cases:my_logs"))
    assert response.status_code == 200
    assert "has not reviewed any of your logs yet" in response.content.decode()


def test_champion_in_charge_of_a_log_sees_its_feedback(client, champion, coordinator):
    log = CrimeLogFactory(reviewed=True, officer=champion.email.upper())
    LogReviewFactory(log=log, possible=True, advice="Champion advice", reviewed_by=coordinator)
    client.force_login(champion)
    assert client.get(reverse("cases:my_log", args=[log.pk])).status_code == 200
    assert client.get(reverse("cases:log_detail", args=[log.pk])).status_code == 404


def test_officer_matched_by_collar_number(client, home_force, coordinator):
    officer = UserFactory(roles=["officer"], agency=home_force, collar_number="NS4471")
    log = CrimeLogFactory(reviewed=True, officer="ns4471")
    LogReviewFactory(log=log, reviewed_by=coordinator)
    client.force_login(officer)
    response = client.get(reverse("cases:my_logs"))
    assert [review.log.pk for review in response.context["page"]] == [log.pk]


# --- The queue -------------------------------------------------------------------------------


def _at(day: int) -> datetime:
    return datetime(2025, 6, day, 12, 0, tzinfo=UTC)


def test_queue_orders_high_risk_first_then_newest(client, coordinator):
    old_high = CrimeLogFactory(high_risk=True, recorded_at=_at(1), reference="A-OLD-HIGH")
    new_low = CrimeLogFactory(awaiting=True, recorded_at=_at(20), reference="B-NEW-LOW")
    old_low = CrimeLogFactory(awaiting=True, recorded_at=_at(2), reference="C-OLD-LOW")
    new_high = CrimeLogFactory(high_risk=True, recorded_at=_at(21), reference="D-NEW-HIGH")
    CrimeLogFactory(reference="E-NO-SIGNALS")
    client.force_login(coordinator)
    response = client.get(reverse("cases:queue"))
    assert list(response.context["page"]) == [new_high, old_high, new_low, old_low]
    assert "E-NO-SIGNALS" not in response.content.decode()


def test_queue_filters(client, coordinator):
    breach = CrimeLogFactory(high_risk=True, area="NS-CITY", recorded_at=_at(3))
    indicators = CrimeLogFactory(
        awaiting=True, area="WM", officer="pc.jones@example.test", recorded_at=_at(10)
    )
    reviewed = CrimeLogFactory(
        reviewed=True, signal_kinds=[SignalKind.TAGGED_STALKING], recorded_at=_at(15)
    )
    client.force_login(coordinator)

    def listed(**query):
        response = client.get(reverse("cases:queue"), query)
        assert response.status_code == 200
        return set(response.context["page"])

    assert listed() == {breach, indicators}
    assert listed(state="reviewed") == {reviewed}
    assert listed(state="all") == {breach, indicators, reviewed}
    assert listed(signal="order_breach") == {breach}
    assert listed(area="wm") == {indicators}
    assert listed(officer="PC.JONES@example.test") == {indicators}
    assert listed(date_from="2025-06-04", date_to="2025-06-10") == {indicators}
    assert listed(high_risk_only="on") == {breach}
    assert listed(state="all", date_from="2025-06-11") == {reviewed}


def test_queue_rejects_a_backwards_date_range_with_a_message(client, coordinator):
    CrimeLogFactory(awaiting=True)
    client.force_login(coordinator)
    response = client.get(
        reverse("cases:queue"), {"date_from": "2025-06-10", "date_to": "2025-06-01"}
    )
    assert "The end date is before the start date." in response.content.decode()


def test_queue_counts_per_signal_kind_under_the_filters(client, coordinator):
    CrimeLogFactory(awaiting=True, area="WM", signal_kinds=["indicators", "cross_border"])
    CrimeLogFactory(awaiting=True, area="WM", signal_kinds=["cross_border"])
    CrimeLogFactory(awaiting=True, area="NS-NORTH", signal_kinds=["indicators"])
    CrimeLogFactory(reviewed=True, area="WM", signal_kinds=["indicators"])
    client.force_login(coordinator)
    response = client.get(reverse("cases:queue"), {"area": "WM", "signal": "indicators"})
    counts = {link["kind"]: link["count"] for link in response.context["signal_counts"]}
    # The signal filter is left out of the counts: they say what each choice would list.
    assert counts["indicators"] == 1
    assert counts["cross_border"] == 2
    assert counts["order_breach"] == 0
    assert response.context["page"].paginator.count == 1


def test_queue_paginates_by_50(client, coordinator):
    for n in range(55):
        CrimeLogFactory(awaiting=True, recorded_at=_at(1) + timedelta(minutes=n))
    client.force_login(coordinator)
    first = client.get(reverse("cases:queue"))
    assert len(first.context["page"]) == 50
    second = client.get(reverse("cases:queue"), {"page": 2})
    assert len(second.context["page"]) == 5


def test_queue_counts_stop_at_the_cap_and_say_so(client, coordinator, monkeypatch):
    monkeypatch.setattr("cases.selectors.QUEUE_COUNT_CAP", 100)
    for n in range(120):
        CrimeLogFactory(
            awaiting=True,
            recorded_at=_at(1) + timedelta(minutes=n),
            signal_kinds=["indicators"] if n % 2 else ["indicators", "cross_border"],
        )
    client.force_login(coordinator)
    response = client.get(reverse("cases:queue"))
    page = response.context["page"]
    # Counted up to the cap: one past it, so the last page known still has a next page.
    assert page.paginator.capped is True
    assert page.paginator.count == 101
    assert page.paginator.num_pages == 3
    counts = {
        link["kind"]: (link["count"], link["capped"]) for link in response.context["signal_counts"]
    }
    assert counts["indicators"] == (101, True)
    assert counts["cross_border"][1] is True
    assert 0 < counts["cross_border"][0] <= 60
    body = response.content.decode()
    assert "More than 100 logs listed" in body
    assert "Page 1 of more than 2" in body
    # A later page raises the cap so that page and the next are known: page 3 counts to 200.
    third = client.get(reverse("cases:queue"), {"page": 3})
    assert third.context["page"].paginator.capped is False
    assert third.context["page"].paginator.count == 120
    assert len(third.context["page"]) == 20
    assert "120 logs listed" in third.content.decode()


def test_queue_counts_are_exact_under_the_cap(client, coordinator):
    for n in range(7):
        CrimeLogFactory(awaiting=True, signal_kinds=["indicators"] if n < 4 else ["cross_border"])
    client.force_login(coordinator)
    response = client.get(reverse("cases:queue"), {"signal": "indicators"})
    counts = {
        link["kind"]: (link["count"], link["capped"]) for link in response.context["signal_counts"]
    }
    assert counts["indicators"] == (4, False)
    assert counts["cross_border"] == (3, False)
    assert response.context["page"].paginator.count == 4
    assert response.context["page"].paginator.capped is False
    assert (
        "+"
        not in response.content.decode().split("signal-counts-heading")[1].split("</section>")[0]
    )


def _queries(client, url, **query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(captured)


def test_queue_query_count_is_flat(client, coordinator, django_assert_max_num_queries):
    client.force_login(coordinator)
    for _ in range(10):
        CrimeLogFactory(awaiting=True, signal_kinds=["indicators", "cross_border"])
    few = _queries(client, reverse("cases:queue"))
    for _ in range(190):
        CrimeLogFactory(high_risk=True)
    with django_assert_max_num_queries(few):
        client.get(reverse("cases:queue"), {"state": "all"})
    assert _queries(client, reverse("cases:queue")) == few
    # 8, and the oversight app's section (cases/panels.py): directions and plans.
    assert few <= 10


def test_my_logs_query_count_is_flat(client, officer, coordinator, django_assert_max_num_queries):
    case = CaseFactory()
    client.force_login(officer)

    def add(n):
        for _ in range(n):
            log = CrimeLogFactory(reviewed=True, officer=officer.email)
            LogReviewFactory(log=log, confirmed=True, case=case, reviewed_by=coordinator)

    add(10)
    few = _queries(client, reverse("cases:my_logs"))
    add(90)
    with django_assert_max_num_queries(few):
        response = client.get(reverse("cases:my_logs"))
    assert response.context["page"].paginator.count == 100
    assert case.reference in response.content.decode()
    # 8, and the oversight app's section (cases/panels.py): directions and plans.
    assert few <= 10


def test_case_list_query_count_is_flat(client, coordinator, officer, django_assert_max_num_queries):
    client.force_login(coordinator)

    def add(n):
        for _ in range(n):
            case = CaseFactory(
                owner=coordinator, officer_in_charge=officer, cross_border_forces=["WM"]
            )
            log = CrimeLogFactory(reviewed=True)
            CaseLog.objects.create(case=case, log=log, added_by=coordinator)

    add(10)
    few = _queries(client, reverse("cases:list"))
    add(90)
    with django_assert_max_num_queries(few):
        response = client.get(reverse("cases:list"))
    assert response.context["page"].paginator.count == 100
    assert "Cross-border" in response.content.decode()


def test_case_detail_query_count_is_flat(client, coordinator, django_assert_max_num_queries):
    case = CaseFactory()
    client.force_login(coordinator)

    def add(n):
        for _ in range(n):
            log = CrimeLogFactory(reviewed=True)
            CaseLog.objects.create(case=case, log=log, added_by=coordinator)
            LogReviewFactory(log=log, confirmed=True, case=case, reviewed_by=coordinator)
            CaseParty.objects.create(case=case, person=PersonFactory(), role=PartyRole.VICTIM)

    add(3)
    few = _queries(client, reverse("cases:detail", args=[case.pk]))
    add(30)
    with django_assert_max_num_queries(few):
        client.get(reverse("cases:detail", args=[case.pk]))


# --- Cases: filters, edit, close -------------------------------------------------------------


def test_case_list_filters_by_status_and_owner(client, coordinator, tactical_lead):
    mine = CaseFactory(owner=coordinator)
    theirs = CaseFactory(owner=tactical_lead)
    closed = CaseFactory(owner=coordinator, closed=True)
    client.force_login(coordinator)

    def listed(**query):
        return {case for case, _ in client.get(reverse("cases:list"), query).context["rows"]}

    assert listed() == {mine, theirs}
    assert listed(status="closed") == {closed}
    assert listed(status="") == {mine, theirs, closed}
    assert listed(status="open", owner=tactical_lead.pk) == {theirs}


def test_case_edit_changes_owner_officer_relationship_and_summary(
    client, coordinator, tactical_lead, officer, case_with_party
):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:edit", args=[case_with_party.pk]),
        {
            "owner": tactical_lead.pk,
            "officer_in_charge_email": officer.email.upper(),
            "relationship": "neighbour",
            "summary": "Now with the tactical lead.",
        },
    )
    assert response.status_code == 302
    case_with_party.refresh_from_db()
    assert case_with_party.owner == tactical_lead
    assert case_with_party.officer_in_charge == officer
    assert case_with_party.relationship == "neighbour"
    assert case_with_party.summary == "Now with the tactical lead."


def test_case_edit_bad_input_says_why_and_changes_nothing(
    client, coordinator, officer, case_with_party
):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:edit", args=[case_with_party.pk]),
        {
            "owner": officer.pk,  # an officer cannot own a hub case
            "officer_in_charge_email": "nobody@example.test",
            "relationship": "neighbour",
            "summary": "x",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in body
    assert "No active account has that e-mail address." in body
    case_with_party.refresh_from_db()
    assert case_with_party.summary == "SUMMARY-SECRET"


def test_case_close_sets_status_reason_and_time(client, tactical_lead, case_with_party):
    client.force_login(tactical_lead)
    response = client.post(
        reverse("cases:close", args=[case_with_party.pk]),
        {"closure_reason": "order", "outcome_notes": "Full SPO made for 2 years."},
    )
    assert response.status_code == 302
    case_with_party.refresh_from_db()
    assert case_with_party.status == Case.Status.CLOSED
    assert case_with_party.closure_reason == "order"
    assert case_with_party.outcome_notes == "Full SPO made for 2 years."
    assert case_with_party.closed_at is not None
    page = client.get(reverse("cases:detail", args=[case_with_party.pk]))
    assert "Full SPO made for 2 years." in page.content.decode()
    assert b"Close case" not in page.content


def test_case_close_needs_a_reason_and_notes(client, coordinator, case_with_party):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:close", args=[case_with_party.pk]),
        {"closure_reason": "", "outcome_notes": ""},
    )
    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") == 2
    case_with_party.refresh_from_db()
    assert case_with_party.status == Case.Status.OPEN


def test_closing_a_closed_case_goes_back_to_it(client, coordinator):
    case = CaseFactory(closed=True)
    client.force_login(coordinator)
    response = client.get(reverse("cases:close", args=[case.pk]))
    assert response.status_code == 302


def test_case_detail_shows_logs_reviews_and_people(client, coordinator, case_with_party):
    log = CrimeLogFactory(reviewed=True, reference="NS/25/IN-CASE")
    CaseLog.objects.create(case=case_with_party, log=log, added_by=coordinator)
    LogReviewFactory(log=log, confirmed=True, case=case_with_party, reviewed_by=coordinator)
    client.force_login(coordinator)
    body = client.get(reverse("cases:detail", args=[case_with_party.pk])).content.decode()
    assert "NS/25/IN-CASE" in body
    assert SECRET_NAME in body
    assert LogReview.Outcome.CONFIRMED.label in body
    assert AccessRecord.objects.filter(
        object_type="cases.case", object_id=str(case_with_party.pk), outcome="allowed"
    ).exists()


@pytest.mark.parametrize("role", ["isac", "partner"])
def test_flags_are_for_hub_staff_only(client, request, role, case_with_party, coordinator):
    """Flags come from records another agency may not open (e.g. an SRP's review date)."""
    case_with_party.cross_border_forces = ["WM"]
    case_with_party.save()
    user = request.getfixturevalue(role)
    CaseShare.objects.create(
        case=case_with_party,
        agency=user.agency,
        facets=["existence"],
        shared_by=case_with_party.owner,
    )
    client.force_login(user)
    response = client.get(reverse("cases:detail", args=[case_with_party.pk]))
    assert response.context["flags"] == []
    assert b"Cross-border" not in response.content
    client.force_login(coordinator)
    response = client.get(reverse("cases:detail", args=[case_with_party.pk]))
    assert [flag.key for flag in response.context["flags"]] == ["cross_border"]
