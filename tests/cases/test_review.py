"""The review flow end to end: each outcome, cases opened and joined, bulk actions."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.urls import reverse

from cases.models import Case, CaseLog, CaseParty, CrimeLog, LogReview, PartyRole
from cases.services import NewCaseData, ReviewError, record_review
from foundation.audit.models import AccessRecord
from foundation.outbox.models import OutboxMessage
from tests.factories import (
    CaseFactory,
    CrimeLogFactory,
    LogPartyFactory,
    LogReviewFactory,
    LogSignalFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    return PersonFactory(name="Avery Synthetic"), PersonFactory(name="Blake Invented")


@pytest.fixture
def flagged_log(pair, officer):
    victim, suspect = pair
    log = CrimeLogFactory(
        awaiting=True,
        harassment=True,
        officer=officer.email,
        narrative="Suspect keeps turning up outside the victim's work. NARRATIVE-SECRET",
    )
    LogPartyFactory(log=log, victim=True, person=victim)
    LogPartyFactory(log=log, suspect=True, person=suspect)
    LogSignalFactory(log=log, course_of_conduct=True)
    return log


def review_url(log: CrimeLog) -> str:
    return reverse("cases:review", args=[log.pk])


# --- Each outcome through the page -----------------------------------------------------------


@time_machine.travel(datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
def test_confirmed_opens_a_case_with_the_logs_people(client, coordinator, flagged_log, pair):
    client.force_login(coordinator)
    response = client.post(
        review_url(flagged_log),
        {
            "outcome": "confirmed",
            "advice": "Record as stalking (8Q) and complete the S-DASH.",
            "case_action": "new",
            "relationship": "ex_partner",
            "summary": "Repeated attendance at the victim's workplace.",
            "owner": coordinator.pk,
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.reference == "SH-2026-00001"
    assert (case.owner, case.relationship, case.status) == (coordinator, "ex_partner", "open")
    assert list(case.logs.all()) == [flagged_log]
    victim, suspect = pair
    assert set(CaseParty.objects.values_list("person_id", "role")) == {
        (victim.pk, PartyRole.VICTIM),
        (suspect.pk, PartyRole.SUSPECT),
    }
    review = LogReview.objects.get(log=flagged_log)
    assert (review.outcome, review.case, review.reviewed_by) == ("confirmed", case, coordinator)
    flagged_log.refresh_from_db()
    assert flagged_log.review_state == CrimeLog.ReviewState.REVIEWED
    # The officer in charge has an account: they become the case's officer and are told.
    assert case.officer_in_charge is not None
    assert OutboxMessage.objects.filter(handler__endswith="send_review_feedback").count() == 1


def test_confirmed_case_page_shows_the_log(client, coordinator, flagged_log):
    client.force_login(coordinator)
    response = client.post(
        review_url(flagged_log),
        {"outcome": "confirmed", "case_action": "new", "relationship": "neighbour"},
        follow=True,
    )
    assert response.status_code == 200
    assert flagged_log.reference in response.content.decode()
    assert "Log added to case SH-" in response.content.decode()


def test_confirmed_joins_an_open_case_that_shares_a_party(
    client, coordinator, flagged_log, pair, tactical_lead
):
    victim, _ = pair
    earlier = CrimeLogFactory(reviewed=True)
    case = CaseFactory(owner=tactical_lead)
    CaseLog.objects.create(case=case, log=earlier, added_by=tactical_lead)
    CaseParty.objects.create(case=case, person=victim, role=PartyRole.VICTIM)
    client.force_login(coordinator)

    page = client.get(reverse("cases:log_detail", args=[flagged_log.pk]))
    assert case in page.context["candidate_cases"]

    response = client.post(
        review_url(flagged_log),
        {"outcome": "confirmed", "case_action": "existing", "existing_case": case.pk},
    )
    assert response.status_code == 302
    assert set(case.logs.all()) == {earlier, flagged_log}
    assert Case.objects.count() == 1
    assert CaseParty.objects.filter(case=case).count() == 2  # the suspect joined too
    assert LogReview.objects.get(log=flagged_log).case == case


def test_confirmed_joins_a_case_by_typed_reference(client, coordinator, flagged_log):
    case = CaseFactory(reference="SH-2025-00042")
    client.force_login(coordinator)
    response = client.post(
        review_url(flagged_log),
        {
            "outcome": "confirmed",
            "case_action": "existing",
            "existing_case_reference": "sh-2025-00042",
        },
    )
    assert response.status_code == 302
    assert list(case.logs.all()) == [flagged_log]


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("SH-1999-99999", "No case has the reference SH-1999-99999."),
        ("CLOSED-1", "Case CLOSED-1 is closed"),
    ],
)
def test_joining_a_missing_or_closed_case_is_refused(
    client, coordinator, flagged_log, reference, message
):
    CaseFactory(reference="CLOSED-1", closed=True)
    client.force_login(coordinator)
    response = client.post(
        review_url(flagged_log),
        {"outcome": "confirmed", "case_action": "existing", "existing_case_reference": reference},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LogReview.objects.exists()
    assert not CaseLog.objects.exists()


def test_confirmed_without_a_case_choice_is_refused(client, coordinator, flagged_log):
    client.force_login(coordinator)
    response = client.post(review_url(flagged_log), {"outcome": "confirmed", "case_action": ""})
    assert "Open a new case or add the log to an existing one." in response.content.decode()
    assert not LogReview.objects.exists()
    assert not Case.objects.exists()


def test_possible_stalking_records_advice_for_the_officer(client, coordinator, flagged_log):
    client.force_login(coordinator)
    response = client.post(
        review_url(flagged_log),
        {"outcome": "possible", "advice": "Speak to the victim about the pattern; re-record."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:queue")
    review = LogReview.objects.get()
    assert review.outcome == "possible"
    assert review.advice == "Speak to the victim about the pattern; re-record."
    assert review.case is None
    assert not Case.objects.exists()


def test_possible_without_advice_is_an_error_and_nothing_is_saved(client, coordinator, flagged_log):
    client.force_login(coordinator)
    response = client.post(review_url(flagged_log), {"outcome": "possible", "advice": "  "})
    assert response.status_code == 200
    assert "Possible stalking needs advice for the officer in charge." in response.content.decode()
    assert not LogReview.objects.exists()
    flagged_log.refresh_from_db()
    assert flagged_log.review_state == CrimeLog.ReviewState.AWAITING
    assert not OutboxMessage.objects.exists()


def test_not_stalking_needs_no_advice(client, coordinator, flagged_log):
    client.force_login(coordinator)
    response = client.post(review_url(flagged_log), {"outcome": "not_stalking"})
    assert response.status_code == 302
    assert LogReview.objects.get().outcome == "not_stalking"
    # Nothing asked of the officer: no e-mail, the feedback page has it.
    assert not OutboxMessage.objects.exists()


def test_duplicate_names_the_original_log(client, coordinator, flagged_log):
    original = CrimeLogFactory(reference="NS/25/ORIGINAL")
    client.force_login(coordinator)
    response = client.post(
        review_url(flagged_log),
        {"outcome": "duplicate", "duplicate_of_reference": "ns/25/original"},
    )
    assert response.status_code == 302
    review = LogReview.objects.get()
    assert (review.outcome, review.duplicate_of) == ("duplicate", original)


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("", "Say which log this one duplicates."),
        ("NS/NO/SUCH", "No log has the reference NS/NO/SUCH."),
        ("SELF", "A log cannot be a duplicate of itself."),
    ],
)
def test_duplicate_reference_is_validated(client, coordinator, flagged_log, reference, message):
    if reference == "SELF":
        reference = flagged_log.reference
    client.force_login(coordinator)
    response = client.post(
        review_url(flagged_log), {"outcome": "duplicate", "duplicate_of_reference": reference}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LogReview.objects.exists()


def test_re_review_replaces_the_review_and_keeps_its_history(client, coordinator, flagged_log):
    client.force_login(coordinator)
    client.post(review_url(flagged_log), {"outcome": "not_stalking"})
    client.post(review_url(flagged_log), {"outcome": "possible", "advice": "Second look: FOUR."})
    review = LogReview.objects.get()
    assert (review.outcome, review.advice) == ("possible", "Second look: FOUR.")
    events = apps.get_model("cases", "LogReviewEvent").objects.filter(pgh_obj_id=review.pk)
    assert sorted(events.values_list("outcome", flat=True)) == ["not_stalking", "possible"]


def test_unknown_outcome_is_refused(client, coordinator, flagged_log):
    client.force_login(coordinator)
    response = client.post(review_url(flagged_log), {"outcome": "maybe"})
    assert response.status_code == 200
    assert not LogReview.objects.exists()


def test_the_review_page_shows_what_the_reviewer_needs(client, coordinator, flagged_log, pair):
    victim, suspect = pair
    other = CrimeLogFactory(awaiting=True, reference="NS/25/PAIR-2")
    LogPartyFactory(log=other, victim=True, person=victim)
    LogPartyFactory(log=other, suspect=True, person=suspect)
    unrelated = CrimeLogFactory(awaiting=True, reference="NS/25/OTHER-VICTIM")
    LogPartyFactory(log=unrelated, victim=True, person=PersonFactory())
    LogPartyFactory(log=unrelated, suspect=True, person=suspect)
    client.force_login(coordinator)
    response = client.get(reverse("cases:log_detail", args=[flagged_log.pk]))
    body = response.content.decode()
    assert "NARRATIVE-SECRET" in body
    assert "Avery Synthetic" in body
    assert "Blake Invented" in body
    assert "2 logs in 3 months against the same victim" in body
    assert [log.reference for log in response.context["pair_logs"]] == ["NS/25/PAIR-2"]
    assert "NS/25/OTHER-VICTIM" not in body
    assert AccessRecord.objects.filter(
        object_type="cases.crimelog", object_id=str(flagged_log.pk), outcome="allowed"
    ).exists()


def test_fuzzy_person_matches_are_suggested_not_merged(client, coordinator):
    log = CrimeLogFactory(awaiting=True)
    LogPartyFactory(log=log, victim=True, name="Jonathon Smyth-Synthetic", person=None)
    look_alike = PersonFactory(name="Jonathan Smyth Synthetic", date_of_birth=None)
    client.force_login(coordinator)
    response = client.get(reverse("cases:log_detail", args=[log.pk]))
    rows = response.context["party_rows"]
    assert len(rows) == 1
    party, suggestions = rows[0]
    assert look_alike.pk in [suggestion.person_id for suggestion in suggestions]
    party.refresh_from_db()
    assert party.person_id is None


# --- Service rules ---------------------------------------------------------------------------


def test_service_refuses_a_non_reviewer(flagged_log, solicitor):
    with pytest.raises(ReviewError):
        record_review(log=flagged_log, outcome="not_stalking", advice="", by=solicitor)
    assert not LogReview.objects.exists()


def test_service_refuses_confirmed_with_both_a_new_and_existing_case(flagged_log, coordinator):
    with pytest.raises(ReviewError, match="new case or joins"):
        record_review(
            log=flagged_log,
            outcome="confirmed",
            advice="",
            by=coordinator,
            new_case=NewCaseData(relationship="unknown", summary=""),
            existing_case=CaseFactory(),
        )
    assert Case.objects.count() == 1


def test_a_failure_after_the_case_opens_leaves_nothing(flagged_log, coordinator, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr("cases.services.reviews.enqueue", broken)
    with pytest.raises(RuntimeError):
        record_review(
            log=flagged_log,
            outcome="confirmed",
            advice="",
            by=coordinator,
            new_case=NewCaseData(relationship="unknown", summary=""),
        )
    assert not Case.objects.exists()
    assert not LogReview.objects.exists()
    flagged_log.refresh_from_db()
    assert flagged_log.review_state == CrimeLog.ReviewState.AWAITING


@time_machine.travel(datetime(2027, 1, 2, 9, 0, tzinfo=UTC))
def test_case_references_run_per_year(flagged_log, coordinator):
    CaseFactory(reference="SH-2026-00417")
    CaseFactory(reference="SH-2027-00009")
    review = record_review(
        log=flagged_log,
        outcome="confirmed",
        advice="",
        by=coordinator,
        new_case=NewCaseData(relationship="unknown", summary=""),
    )
    assert review.case is not None
    assert review.case.reference == "SH-2027-00010"


@pytest.mark.django_db(transaction=True)
def test_concurrent_openings_get_distinct_references(coordinator):
    logs = [CrimeLogFactory(awaiting=True) for _ in range(4)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(logs))

    def review(log: CrimeLog) -> None:
        try:
            barrier.wait()
            record_review(
                log=log,
                outcome="confirmed",
                advice="",
                by=coordinator,
                new_case=NewCaseData(relationship="unknown", summary=""),
            )
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=review, args=(log,)) for log in logs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(set(references)) == 4


def test_feedback_email_goes_to_the_officer_without_log_details(
    flagged_log, coordinator, officer, mailoutbox
):
    from cases.services import send_review_feedback

    review = record_review(
        log=flagged_log, outcome="possible", advice="ADVICE-SECRET re-record", by=coordinator
    )
    send_review_feedback(review_id=review.pk)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [officer.email]
    assert flagged_log.reference in mail.subject
    assert reverse("cases:my_log", args=[flagged_log.pk]) in mail.body
    for secret in ("ADVICE-SECRET", "NARRATIVE-SECRET", "Avery", "Blake"):
        assert secret not in mail.body


# --- Bulk actions ----------------------------------------------------------------------------


def bulk(client, logs, *, follow=False, **data):
    return client.post(
        reverse("cases:bulk"), {"logs": [log.pk for log in logs], **data}, follow=follow
    )


def test_bulk_not_stalking_reviews_every_selected_log(client, coordinator):
    logs = [CrimeLogFactory(awaiting=True) for _ in range(3)]
    client.force_login(coordinator)
    response = bulk(
        client,
        logs,
        action="not_stalking",
        note="Single neighbour disputes.",
        return_query="state=awaiting&signal=indicators&page=3",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:queue") + "?state=awaiting&signal=indicators"
    assert LogReview.objects.filter(outcome="not_stalking").count() == 3
    assert set(LogReview.objects.values_list("advice", flat=True)) == {"Single neighbour disputes."}
    assert not CrimeLog.objects.filter(review_state=CrimeLog.ReviewState.AWAITING).exists()
    for log in logs:
        assert AccessRecord.objects.filter(
            object_type="cases.crimelog", object_id=str(log.pk), outcome="allowed"
        ).exists()


def test_bulk_duplicates_name_one_original(client, coordinator):
    original = CrimeLogFactory(reference="NS/25/FIRST")
    copies = [CrimeLogFactory(awaiting=True) for _ in range(2)]
    client.force_login(coordinator)
    bulk(client, copies, action="duplicate", duplicate_of_reference="NS/25/FIRST")
    assert set(LogReview.objects.values_list("duplicate_of_id", flat=True)) == {original.pk}
    assert LogReview.objects.count() == 2


def test_bulk_duplicate_of_one_of_the_selected_is_refused(client, coordinator):
    logs = [CrimeLogFactory(awaiting=True) for _ in range(2)]
    client.force_login(coordinator)
    response = bulk(
        client, logs, action="duplicate", duplicate_of_reference=logs[0].reference, follow=True
    )
    assert "cannot be one of the selected logs" in response.content.decode()
    assert not LogReview.objects.exists()


def test_bulk_not_stalking_without_a_note_is_refused(client, coordinator):
    logs = [CrimeLogFactory(awaiting=True) for _ in range(2)]
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:bulk"),
        {"logs": [log.pk for log in logs], "action": "not_stalking", "note": ""},
        follow=True,
    )
    assert response.content.decode().count("Add a note for the officers in charge.") == 1
    assert not LogReview.objects.exists()


def test_a_refused_bulk_decision_keeps_the_filter_the_page_and_the_selection(client, coordinator):
    logs = [CrimeLogFactory(awaiting=True, area="Northvale") for _ in range(3)]
    CrimeLogFactory(awaiting=True, area="Elsewhere")
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:bulk"),
        {
            "logs": [logs[0].pk, logs[2].pk],
            "action": "not_stalking",
            "note": "",
            "return_query": "area=Northvale&page=1",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing was saved." in body
    assert "Add a note for the officers in charge." in body
    assert response.context["form"]["area"].value() == "Northvale"
    assert response.context["page"].number == 1
    assert response.context["selected"] == {logs[0].pk, logs[2].pk}
    assert f'value="{logs[0].pk}" id="select-{logs[0].pk}" checked' in body
    assert f'value="{logs[1].pk}" id="select-{logs[1].pk}">' in body
    assert response.context["page"].paginator.count == 3  # still filtered
    assert not LogReview.objects.exists()


def test_select_all_on_this_page_ticks_every_row_shown(client, coordinator):
    logs = [CrimeLogFactory(awaiting=True) for _ in range(3)]
    client.force_login(coordinator)
    body = client.get(reverse("cases:queue")).content.decode()
    assert "Select all on this page" in body
    response = client.get(reverse("cases:queue") + "?select=page")
    assert response.context["selected"] == {log.pk for log in logs}
    for log in logs:
        assert f'id="select-{log.pk}" checked' in response.content.decode()


def test_bulk_with_nothing_selected_says_so(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:bulk"), {"action": "not_stalking", "note": "x"}, follow=True
    )
    assert "Select at least one log." in response.content.decode()


def test_bulk_with_one_id_out_of_scope_is_404_and_saves_nothing(client, coordinator):
    logs = [CrimeLogFactory(awaiting=True) for _ in range(2)]
    missing_id = max(log.pk for log in logs) + 1000
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:bulk"),
        {"logs": [logs[0].pk, missing_id, logs[1].pk], "action": "not_stalking", "note": "x"},
    )
    assert response.status_code == 404
    assert not LogReview.objects.exists()
    assert AccessRecord.objects.filter(object_id=str(missing_id), outcome="denied").exists()


def test_bulk_ids_that_are_not_numbers_are_refused(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:bulk"),
        {"logs": ["1", "DROP TABLE", "2\x00"], "action": "not_stalking", "note": "x"},
        follow=True,
    )
    assert "could not be read" in response.content.decode()
    assert not LogReview.objects.exists()
    # Each malformed id is an attempt, recorded denied as sent (a NUL shown escaped).
    denied = AccessRecord.objects.filter(
        object_type="cases.crimelog", outcome="denied", need="review"
    ).values_list("object_id", flat=True)
    assert sorted(denied) == ["2\\x00", "DROP TABLE"]


def test_bulk_is_one_transaction(client, coordinator, monkeypatch):
    logs = [CrimeLogFactory(awaiting=True) for _ in range(3)]
    import cases.services as services

    real = services.record_review
    calls = {"n": 0}

    def fail_on_third(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ReviewError("stop")
        return real(**kwargs)

    monkeypatch.setattr("cases.services.reviews.record_review", fail_on_third)
    client.force_login(coordinator)
    response = bulk(client, logs, action="not_stalking", note="x", follow=True)
    assert "stop" in response.content.decode()
    assert not LogReview.objects.exists()


@pytest.mark.parametrize(
    "persona",
    ["solicitor", "isac", "partner", "champion", "officer", "trainer", "auditor", "admin_user"],
    indirect=True,
)
def test_bulk_and_review_are_404_for_everyone_but_reviewers(client, persona, flagged_log):
    client.force_login(persona)
    assert bulk(client, [flagged_log], action="not_stalking", note="x").status_code == 404
    assert client.post(review_url(flagged_log), {"outcome": "not_stalking"}).status_code == 404
    assert not LogReview.objects.exists()


def test_solicitor_reads_a_case_log_but_cannot_review_it(client, solicitor, flagged_log):
    case = CaseFactory()
    CaseLog.objects.create(case=case, log=flagged_log, added_by=case.owner)
    client.force_login(solicitor)
    page = client.get(reverse("cases:log_detail", args=[flagged_log.pk]))
    assert page.status_code == 200
    assert b"Record the review" not in page.content
    assert client.post(review_url(flagged_log), {"outcome": "not_stalking"}).status_code == 404


def test_existing_review_is_shown_on_the_log(client, tactical_lead):
    review = LogReviewFactory(possible=True)
    client.force_login(tactical_lead)
    response = client.get(reverse("cases:log_detail", args=[review.log.pk]))
    assert "Consider recording as stalking" in response.content.decode()
    assert "Review again" in response.content.decode()
