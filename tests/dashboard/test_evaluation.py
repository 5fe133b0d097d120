"""Evaluation: per-case outcomes against a hand-computed fixture, cohorts, the pseudonymised
export (no direct identifiers, stable pseudonyms), its progress, the command, the pages."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import CaseLog, CaseParty, LogReview, PartyRole, PersonRestriction
from clinic.models import ClinicReferral
from foundation.audit.models import AccessRecord
from foundation.outbox.models import OutboxMessage
from foundation.outbox.services import run_message
from referrals.models import Referral
from stalking_hub.dashboard.evaluation import (
    AFFECTED_LIMIT,
    EXPORT_COLUMNS,
    case_outcomes,
    evaluate,
    export_csv,
    outcomes_after_logs_changed,
    pseudonym,
    refresh_outcomes,
    stored_evaluation,
)
from stalking_hub.dashboard.models import CaseOutcomeRow, EvaluationExport
from stalking_hub.dashboard.services import claim_export, request_export, run_export
from stalking_hub.demo.feedgen import FIRST_NAMES, LAST_NAMES
from tests.factories import (
    AgendaItemFactory,
    CaseFactory,
    CrimeLogFactory,
    LogPartyFactory,
    LogReviewFactory,
    PersonFactory,
    ReferralFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 18, 12, tzinfo=UTC)
T = datetime(2025, 3, 10, 9, tzinfo=UTC)  # the first intervention: 20 months before NOW


def victim_log(person, when, **extra):
    log = CrimeLogFactory(recorded_at=when, **extra)
    LogPartyFactory(log=log, person=person, role=PartyRole.VICTIM, name=person.name)
    return log


@pytest.fixture
def world(coordinator, isac_service):
    victim = PersonFactory(name="Alexis Marlowe", date_of_birth=date(1988, 4, 17))
    case = CaseFactory(reference="SH-77777", owner=coordinator)
    type(case).objects.filter(pk=case.pk).update(opened_at=T - timedelta(days=2))
    CaseParty.objects.create(case=case, person=victim, role=PartyRole.VICTIM)
    first = victim_log(victim, T - timedelta(days=5), reference="NS/25/0099001", outcome="1")
    CaseLog.objects.create(case=case, log=first, added_by=coordinator)
    LogReviewFactory(
        log=first, outcome=LogReview.Outcome.CONFIRMED, case=case, reviewed_by=coordinator
    )
    LogReview.objects.filter(log=first).update(reviewed_at=T)
    victim_log(victim, T + timedelta(days=30))  # within 12 months: counts
    victim_log(victim, T + timedelta(days=300))  # counts
    victim_log(victim, T + timedelta(days=400))  # after the 12 months: not counted
    ReferralFactory(
        case=case,
        agency=isac_service,
        state=Referral.State.CLOSED,
        sent_at=T + timedelta(days=3),
        closed_at=T + timedelta(days=200),
        closure_reason=Referral.ClosureReason.SUPPORT_COMPLETED,
    )
    AgendaItemFactory(
        referral__case=case,
        referral__state=ClinicReferral.State.DISCUSSED,
        meeting__starts_at=T + timedelta(days=20),
    )
    # A recent case: less than 12 months of follow-up.
    recent = CaseFactory(reference="SH-88888", owner=coordinator)
    type(recent).objects.filter(pk=recent.pk).update(opened_at=NOW - timedelta(days=60))
    other = PersonFactory(name="Rowan Tillery", date_of_birth=date(1979, 11, 2))
    CaseParty.objects.create(case=recent, person=other, role=PartyRole.VICTIM)
    log = victim_log(other, NOW - timedelta(days=70), reference="NS/26/0099002")
    CaseLog.objects.create(case=recent, log=log, added_by=coordinator)
    LogReviewFactory(
        log=log, outcome=LogReview.Outcome.CONFIRMED, case=recent, reviewed_by=coordinator
    )
    LogReview.objects.filter(log=log).update(reviewed_at=NOW - timedelta(days=60))
    victim_log(other, NOW - timedelta(days=10))
    # A case with no intervention at all.
    CaseFactory(reference="SH-99999")
    return case, recent


def outcome_of(case):
    return next(o for o in case_outcomes(now=NOW) if o.case_id == case.pk)


def test_case_outcome_by_hand(world):
    case, recent = world
    outcome = outcome_of(case)
    assert outcome.first_intervention_at == T
    assert outcome.first_intervention == "review"
    assert outcome.new_incidents == 2
    assert outcome.charged is True
    assert outcome.discussed_at_clinic is True
    assert outcome.isac_exit == Referral.ClosureReason.SUPPORT_COMPLETED
    assert outcome.follow_up_complete is True
    short = outcome_of(recent)
    assert short.follow_up_complete is False
    assert short.new_incidents == 1


def test_rates_leave_out_short_follow_up_by_default(world):
    result = evaluate(now=NOW, split_on=date(2026, 1, 1))
    assert result.total_cases == 3
    assert result.without_intervention == 1
    assert (result.overall.cases, result.overall.short_follow_up) == (1, 1)
    assert result.overall.repeat_rate == 100.0
    assert result.overall.incidents_per_case == 2.0
    assert result.overall.charge_rate == 100.0
    before, after = result.by_opening
    assert (before.cases, after.cases, after.short_follow_up) == (1, 0, 1)
    clinic, no_clinic = result.by_clinic
    assert (clinic.cases, no_clinic.cases) == (1, 0)
    with_short = evaluate(now=NOW, split_on=date(2026, 1, 1), include_short=True)
    assert with_short.overall.cases == 2
    assert with_short.by_clinic[1].cases == 1


def _rows(content: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content)))


def test_export_holds_no_direct_identifier(world):
    content, rows = export_csv(now=NOW, include_short=True)
    assert rows == 2
    parsed = _rows(content)
    assert tuple(parsed[0]) == EXPORT_COLUMNS
    forbidden = {
        "Alexis",
        "Marlowe",
        "Rowan",
        "Tillery",
        "SH-77777",
        "SH-88888",
        "NS/25/0099001",
        "NS/26/0099002",
        "1988",
        "1979",
        "04-17",
        "17/04",
        "11-02",
        "02/11",
    }
    forbidden |= set(FIRST_NAMES) | set(LAST_NAMES)
    for row in parsed:
        for column, value in row.items():
            for word in forbidden:
                assert word.lower() not in value.lower(), (column, word)
            # Dates are months: nothing finer than YYYY-MM anywhere.
            assert len(value) != 10 or value.count("-") != 2, (column, value)
    first = next(row for row in parsed if row["follow_up_complete"] == "yes")
    assert first["opened_month"] == "2025-03"
    assert first["first_intervention_month"] == "2025-03"
    assert first["new_incidents_12_months"] == "2"
    assert first["isac_exit_outcome"] == "completed"


def test_pseudonyms_are_stable_and_keyed(world, settings):
    case, _ = world
    first, _ = export_csv(now=NOW)
    second, _ = export_csv(now=NOW)
    assert first == second
    assert _rows(first)[0]["case_pseudonym"] == pseudonym(
        "case", case.pk, b"test-only-evaluation-key"
    )
    settings.HUB_EVALUATION_KEY = "another-key"
    third, _ = export_csv(now=NOW)
    assert _rows(third)[0]["case_pseudonym"] != _rows(first)[0]["case_pseudonym"]


def test_export_leaves_out_the_cases_of_a_restricted_person(world, information_manager):
    case, _ = world
    before, rows_before = export_csv(now=NOW, include_short=True)
    assert pseudonym("case", case.pk, b"test-only-evaluation-key") in before
    victim = CaseParty.objects.get(case=case, role=PartyRole.VICTIM).person
    PersonRestriction.objects.create(
        person=victim, reason="Objection under s.47", restricted_by=information_manager
    )
    after, rows_after = export_csv(now=NOW, include_short=True)
    assert rows_after == rows_before - 1
    assert pseudonym("case", case.pk, b"test-only-evaluation-key") not in after


def test_export_by_default_of_the_command_marks_short_follow_up(world, tmp_path):
    target = tmp_path / "evaluation.csv"
    call_command("export_evaluation", str(target))
    rows = _rows(target.read_text(encoding="utf-8"))
    assert sorted(row["follow_up_complete"] for row in rows) == ["no", "yes"]
    assert AccessRecord.objects.filter(
        action="disclose", object_type="dashboard.evaluationexport", object_id="command"
    ).exists()
    complete = tmp_path / "complete.csv"
    call_command("export_evaluation", str(complete), "--complete-only")
    assert [row["follow_up_complete"] for row in _rows(complete.read_text())] == ["yes"]


def test_command_refuses_bad_paths_and_a_missing_key(world, tmp_path, settings):
    existing = tmp_path / "there.csv"
    existing.write_text("keep me")
    with pytest.raises(CommandError, match="exists already"):
        call_command("export_evaluation", str(existing))
    assert existing.read_text() == "keep me"
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_evaluation", str(tmp_path / "missing" / "x.csv"))
    settings.HUB_EVALUATION_KEY = ""
    with pytest.raises(CommandError, match="HUB_EVALUATION_KEY"):
        call_command("export_evaluation", str(tmp_path / "new.csv"))
    assert not (tmp_path / "new.csv").exists()
    assert not AccessRecord.objects.filter(action="disclose").exists()


def test_page_export_is_queued_shows_progress_and_downloads_as_a_disclosure(
    client, coordinator, tactical_lead, world
):
    client.force_login(coordinator)
    response = client.post(reverse("dashboard:export_create"), {"include_short": "on"})
    export = EvaluationExport.objects.get()
    assert response.url == reverse("dashboard:export", args=[export.pk])
    assert OutboxMessage.objects.filter(handler="dashboard.run_evaluation_export").exists()
    page = client.get(reverse("dashboard:export", args=[export.pk]))
    assert b'http-equiv="refresh"' in page.content
    assert b"<progress" in page.content
    assert run_export(export_id=export.pk, now=NOW) is True
    assert run_export(export_id=export.pk, now=NOW) is False  # done: a redelivery does nothing
    export.refresh_from_db()
    assert (export.state, export.done, export.total) == ("done", 3, 3)
    download = client.get(reverse("dashboard:export_download", args=[export.pk]))
    assert download["Content-Type"].startswith("text/csv")
    assert len(_rows(download.content.decode())) == 2
    assert AccessRecord.objects.filter(
        user=coordinator, action="disclose", object_id=str(export.pk), outcome="allowed"
    ).exists()
    # Another manager cannot open someone else's export.
    client.force_login(tactical_lead)
    assert client.get(reverse("dashboard:export_download", args=[export.pk])).status_code == 404
    assert AccessRecord.objects.filter(user=tactical_lead, outcome="denied").exists()


def test_a_lapsed_claim_is_taken_again(coordinator):
    export = request_export(include_short_follow_up=True, by=coordinator)
    assert claim_export(export_id=export.pk, now=NOW) is True
    assert claim_export(export_id=export.pk, now=NOW + timedelta(minutes=1)) is False
    assert claim_export(export_id=export.pk, now=NOW + timedelta(minutes=20)) is True


@pytest.mark.parametrize("persona", ["coordinator", "tactical_lead"], indirect=True)
def test_managers_open_the_evaluation(client, persona, world):
    client.force_login(persona)
    response = client.get(reverse("dashboard:evaluation"), {"split_on": "2026-01-01"})
    assert response.status_code == 200
    assert b"Outcomes by cohort" in response.content


@pytest.mark.parametrize(
    "persona",
    ["solicitor", "isac", "partner", "champion", "officer", "trainer", "auditor", "admin_user"],
    indirect=True,
)
def test_others_get_404_for_evaluation_and_exports(client, persona, coordinator):
    export = request_export(include_short_follow_up=True, by=coordinator)
    client.force_login(persona)
    for url in (
        reverse("dashboard:evaluation"),
        reverse("dashboard:export", args=[export.pk]),
        reverse("dashboard:export_download", args=[export.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert b"<table" not in response.content
    assert client.post(reverse("dashboard:export_create")).status_code == 404
    assert EvaluationExport.objects.count() == 1
    assert AccessRecord.objects.filter(user=persona, outcome="denied").count() == 4


def test_bad_split_date_is_a_clear_message(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("dashboard:evaluation"), {"split_on": "3025-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["split_on"]


def test_an_order_made_is_an_intervention_and_counted(solicitor, coordinator):
    """A case whose only intervention is an order made on 2 Feb 2025 (interim, then full on
    1 Mar): the first intervention is the order, at the start of its day; two orders made."""
    from cases.models import Case
    from legal import services as legal_services
    from tests.legal.conftest import open_spo

    case = CaseFactory(owner=coordinator, current_risk="high")
    CaseParty.objects.create(case=case, person=PersonFactory(), role=PartyRole.SUSPECT)
    file = open_spo(case, solicitor)
    for key in ("prepare", "apply"):
        legal_services.transition_file(
            file=file, key=key, on=date(2025, 1, 25), reasons="r", by=solicitor, now=NOW
        )
    legal_services.record_order(
        file=file,
        kind="interim",
        made_on=date(2025, 2, 2),
        fixed_end_on=date(2025, 3, 30),
        by=solicitor,
        now=NOW,
    )
    legal_services.record_order(
        file=file, kind="full", made_on=date(2025, 3, 1), fixed_end_on=None, by=solicitor, now=NOW
    )
    outcome = outcome_of(Case.objects.get(pk=case.pk))
    assert outcome.first_intervention == "order"
    assert outcome.first_intervention_at == datetime(2025, 2, 2, tzinfo=UTC)  # London: GMT
    assert outcome.orders_made == 2


# --- The stored outcomes the page reads -------------------------------------------------------


@pytest.mark.parametrize("include_short", [False, True])
def test_stored_outcomes_give_the_live_rates(world, include_short):
    assert refresh_outcomes(now=NOW) == 3
    split = date(2026, 1, 1)
    stored = stored_evaluation(split_on=split, include_short=include_short)
    live = evaluate(now=NOW, split_on=split, include_short=include_short)
    assert stored.computed_at == NOW
    assert dataclasses.replace(stored, computed_at=None) == live


def test_refresh_is_idempotent_and_forgets_deleted_cases(world):
    case, recent = world
    refresh_outcomes(now=NOW)
    refresh_outcomes(now=NOW)
    assert CaseOutcomeRow.objects.count() == 3
    row = CaseOutcomeRow.objects.get(case=case)
    assert (row.first_intervention_at, row.new_incidents, row.charged) == (T, 2, True)
    assert row.follow_up_complete
    assert row.discussed_at_clinic
    CaseOutcomeRow.objects.filter(case=recent).update(computed_at=NOW - timedelta(days=1))
    CaseFactory()  # a new case appears at the next full refresh
    later = NOW + timedelta(minutes=30)
    assert refresh_outcomes(now=later) == 4
    assert set(CaseOutcomeRow.objects.values_list("computed_at", flat=True)) == {later}


def test_an_import_refreshes_the_cases_its_logs_touch(world, coordinator):
    case, recent = world
    refresh_outcomes(now=NOW - timedelta(days=1))
    victim = CaseParty.objects.get(case=case, role=PartyRole.VICTIM).person
    # A new incident against the first case's victim, within its 12 months, imported late.
    log = victim_log(victim, T + timedelta(days=100))
    outcomes_after_logs_changed(log_ids=[log.pk], now=NOW)
    message = OutboxMessage.objects.get(handler="dashboard.refresh_evaluation_outcomes")
    assert message.kwargs == {"log_ids": [log.pk]}
    run_message(message_id=message.pk)
    row = CaseOutcomeRow.objects.get(case=case)
    assert row.new_incidents == 3
    assert row.computed_at > NOW - timedelta(days=1)
    # The other cases were not touched by the log: left as they were.
    assert CaseOutcomeRow.objects.get(case=recent).computed_at == NOW - timedelta(days=1)


def test_a_very_large_import_refreshes_every_case(world, settings):
    outcomes_after_logs_changed(log_ids=range(1, AFFECTED_LIMIT + 2), now=NOW)
    message = OutboxMessage.objects.get(handler="dashboard.refresh_evaluation_outcomes")
    assert message.kwargs == {}
    run_message(message_id=message.pk)
    assert CaseOutcomeRow.objects.count() == 3


def test_page_reads_the_stored_outcomes_and_says_when(client, coordinator, world):
    client.force_login(coordinator)
    response = client.get(reverse("dashboard:evaluation"))
    assert b"Outcomes not computed yet" in response.content
    assert response.context["result"].total_cases == 0
    refresh_outcomes(now=NOW)
    CaseFactory()  # after the refresh: not on the page until the next one
    response = client.get(reverse("dashboard:evaluation"))
    assert response.context["result"].total_cases == 3
    assert response.context["result"].computed_at == NOW
    assert b"Outcomes computed 18 Nov 2026" in response.content


def test_page_query_count_is_flat(client, coordinator, world, django_assert_max_num_queries):
    client.force_login(coordinator)
    refresh_outcomes(now=NOW)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("dashboard:evaluation"))
    for _ in range(30):
        CaseFactory()
    refresh_outcomes(now=NOW)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("dashboard:evaluation"))
    assert response.context["result"].total_cases == 33
