"""Disposal: the records, what hangs off them and their history go; a tombstone stays; the
job resumes after a kill; access records past their period leave a count per month."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, ProgrammingError, transaction

from cases.models import Case, CaseLog, CaseParty, CrimeLog, LogParty, Person
from foundation.audit.models import AccessRecord
from foundation.records import registry, services
from foundation.records.history import history_count
from foundation.records.models import AccessRecordDisposal, RecordReview, Tombstone
from foundation.records.registry import record_type
from risk.models import RiskAssessment
from tests.factories.accounts import UserFactory
from tests.factories.cases import CaseFactory, CrimeLogFactory, LogPartyFactory, PersonFactory
from tests.factories.risk import RiskAssessmentFactory
from tests.records.builders import BUILDERS

pytestmark = pytest.mark.django_db

ANCHOR = datetime(2015, 3, 2, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def case_with_history() -> tuple[Case, Person, CrimeLog]:
    victim = PersonFactory(name="Zara Quill")
    case = CaseFactory(closed=True, closed_at=ANCHOR, summary="Victim followed to work.")
    CaseParty.objects.create(case=case, person=victim, role="victim")
    log = CrimeLogFactory(narrative="Zara Quill reports being followed.")
    LogPartyFactory(log=log, person=victim)
    CaseLog.objects.create(case=case, log=log, added_by=case.owner)
    # Changes, so the history tables hold the personal data too.
    Case.objects.filter(pk=case.pk).update(summary="Victim followed to work and home.")
    Person.objects.filter(pk=victim.pk).update(aliases=["Z. Quill"])
    CrimeLog.objects.filter(pk=log.pk).update(narrative="Amended narrative naming Zara Quill.")
    return case, victim, log


def queue(key: str, object_id: int, by) -> RecordReview:
    return RecordReview.objects.create(
        record_type=key,
        object_id=object_id,
        state="queued",
        decided_by=by,
        decided_at=NOW,
        reason="Past its retention period",
    )


def test_disposing_a_case_leaves_nothing_in_history_and_keeps_a_tombstone(information_manager):
    case, victim, log = case_with_history()
    assert history_count(Case, [case.pk]) > 0
    assert history_count(Person, [victim.pk]) > 0
    queue("cases.case", case.pk, information_manager)

    report = services.dispose_queued(now=NOW)

    assert report.disposed == 1
    assert report.blocked == 0
    assert not Case.objects.filter(pk=case.pk).exists()
    # Its log (on no other case) and the person no record names any more go too.
    assert not CrimeLog.objects.filter(pk=log.pk).exists()
    assert not Person.objects.filter(pk=victim.pk).exists()
    assert not LogParty.objects.filter(log_id=log.pk).exists()
    # Nothing left in history after disposal.
    assert history_count(Case, [case.pk]) == 0
    assert history_count(Person, [victim.pk]) == 0
    assert history_count(CrimeLog, [log.pk]) == 0
    stone = Tombstone.objects.get(record_type="cases.case", object_id=case.pk)
    assert stone.decided_by == information_manager
    assert stone.disposed_at == NOW
    assert "review 6 years after the case closed" in stone.rule
    assert RecordReview.objects.get(object_id=case.pk, record_type="cases.case").state == "disposed"
    # Audited: an access record of the disposal, with the rule.
    record = AccessRecord.objects.get(
        object_type="cases.case", object_id=str(case.pk), need="dispose"
    )
    assert record.user == information_manager
    assert "retention rule" in record.justification


def test_a_person_still_named_elsewhere_is_kept(information_manager):
    case, victim, _ = case_with_history()
    other = CaseFactory()
    CaseParty.objects.create(case=other, person=victim, role="victim")
    queue("cases.case", case.pk, information_manager)
    services.dispose_queued(now=NOW)
    assert Person.objects.filter(pk=victim.pk).exists()


def test_a_case_with_an_assessment_is_blocked_until_the_assessment_goes(information_manager):
    case, _, _ = case_with_history()
    assessment = RiskAssessmentFactory(case=case)
    queue("cases.case", case.pk, information_manager)
    report = services.dispose_queued(now=NOW)
    assert report.blocked == 1
    assert report.disposed == 0
    assert Case.objects.filter(pk=case.pk).exists()
    review = RecordReview.objects.get(record_type="cases.case", object_id=case.pk)
    assert review.state == "blocked"
    assert not Tombstone.objects.filter(object_id=case.pk).exists()
    # Both queued together: the assessment (a dependant) goes first, then the case.
    queue("risk.riskassessment", assessment.pk, information_manager)
    services.queue_disposal(reviews=[review], reason="", by=information_manager, now=NOW)
    report = services.dispose_queued(now=NOW)
    assert report.disposed == 2
    assert not RiskAssessment.objects.filter(pk=assessment.pk).exists()
    assert history_count(RiskAssessment, [assessment.pk]) == 0


@pytest.mark.parametrize("key", sorted(BUILDERS))
def test_every_type_disposes_with_its_history(key, information_manager):
    record = BUILDERS[key](ANCHOR)
    model = type(record)
    queue(key, record.pk, information_manager)
    report = services.dispose_queued(now=NOW)
    assert report.disposed == 1, key
    assert not model._default_manager.filter(pk=record.pk).exists()
    assert history_count(model, [record.pk]) == 0
    assert Tombstone.objects.filter(record_type=key, object_id=record.pk).exists()


def test_disposal_resumed_after_a_kill(information_manager, monkeypatch):
    cases = [case_with_history()[0] for _ in range(5)]
    for case in cases:
        queue("cases.case", case.pk, information_manager)
    kind = record_type("cases.case")
    real = kind.dispose
    calls = {"n": 0}

    class Killed(BaseException):
        """What a SIGKILL does to the batch: it stops mid-way, its transaction never commits."""

    def dying(ids, now):
        calls["n"] += 1
        if calls["n"] == 2:
            real(ids, now)  # the deletes run, then the worker dies before the commit
            raise Killed
        return real(ids, now)

    monkeypatch.setitem(registry._TYPES, "cases.case", dataclasses.replace(kind, dispose=dying))
    with pytest.raises(Killed):
        services.dispose_queued(now=NOW, batch_size=2)
    # The first batch is done for good; the killed one rolled back whole, still claimed.
    assert Tombstone.objects.filter(record_type="cases.case").count() == 2
    assert Case.objects.filter(pk__in=[c.pk for c in cases]).count() == 3
    assert RecordReview.objects.filter(state="queued").count() == 3

    monkeypatch.setitem(registry._TYPES, "cases.case", kind)
    # A restart at once: the killed claim has not expired — nothing else is claimed twice.
    services.dispose_queued(now=NOW, batch_size=2)
    # After the lease, the restart takes the killed batch again and finishes.
    later = NOW + services.DISPOSAL_LEASE + timedelta(seconds=1)
    services.dispose_queued(now=later, batch_size=2)
    assert Case.objects.filter(pk__in=[c.pk for c in cases]).count() == 0
    assert Tombstone.objects.filter(record_type="cases.case").count() == 5
    assert history_count(Case, [c.pk for c in cases]) == 0


def test_tombstones_are_append_only(information_manager):
    stone = Tombstone.objects.create(
        record_type="cases.case",
        object_id=1,
        disposed_at=NOW,
        rule="r",
        decided_by=information_manager,
    )
    with pytest.raises(ProgrammingError), transaction.atomic():
        Tombstone.objects.filter(pk=stone.pk).delete()


def test_access_records_past_their_period_go_with_a_count_per_month(settings):
    settings.HUB_ACCESS_RECORD_YEARS = 7
    user = UserFactory()
    old = [
        datetime(2018, 1, 10, tzinfo=UTC),
        datetime(2018, 1, 20, tzinfo=UTC),
        datetime(2018, 2, 5, tzinfo=UTC),
    ]
    boundary = datetime(2019, 3, 2, 9, 0, tzinfo=UTC)  # exactly 7 years before NOW: kept
    for at in [*old, boundary]:
        AccessRecord.objects.create(
            at=at, user=user, action="consult", object_type="cases.case", object_id="1"
        )
    recent = AccessRecord.objects.create(
        user=user, action="consult", object_type="cases.case", object_id="2"
    )

    deleted = services.dispose_old_access_records(now=NOW, batch_size=2)

    assert deleted == 3
    assert set(AccessRecord.objects.filter(user=user).values_list("at", flat=True)) == {
        boundary,
        recent.at,
    }
    by_month: dict[str, int] = {}
    for row in AccessRecordDisposal.objects.all():
        by_month[f"{row.month:%Y-%m}"] = by_month.get(f"{row.month:%Y-%m}", 0) + row.count
    assert by_month == {"2018-01": 2, "2018-02": 1}
    assert services.dispose_old_access_records(now=NOW) == 0


def test_the_append_only_trigger_still_refuses_everyone_else():
    record = AccessRecord.objects.create(
        at=datetime(2001, 1, 1, tzinfo=UTC),
        action="consult",
        object_type="cases.case",
        object_id="1",
    )
    with pytest.raises(ProgrammingError), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).delete()
    assert AccessRecord.objects.filter(pk=record.pk).exists()


def test_retain_needs_a_reason_and_a_future_date(information_manager):
    case = BUILDERS["cases.case"](ANCHOR)
    review = RecordReview.objects.create(record_type="cases.case", object_id=case.pk)
    with pytest.raises(services.RecordsError):
        services.retain_records(
            reviews=[review],
            reason=" ",
            review_on=NOW.date() + timedelta(days=5),
            by=information_manager,
            now=NOW,
        )
    with pytest.raises(services.RecordsError):
        services.retain_records(
            reviews=[review],
            reason="Live appeal",
            review_on=NOW.date(),
            by=information_manager,
            now=NOW,
        )
    review.refresh_from_db()
    assert review.state == "due"
    # The database refuses a retention without its reason and date, whatever the code path.
    with pytest.raises(IntegrityError), transaction.atomic():
        RecordReview.objects.filter(pk=review.pk).update(state="retained")


def test_queue_disposal_enqueues_the_job_through_the_outbox(
    information_manager, django_capture_on_commit_callbacks
):
    from foundation.outbox.models import OutboxMessage

    case = BUILDERS["cases.case"](ANCHOR)
    review = RecordReview.objects.create(record_type="cases.case", object_id=case.pk)
    services.queue_disposal(reviews=[review], reason="", by=information_manager, now=NOW)
    assert OutboxMessage.objects.filter(handler="records.dispose_queued").count() == 1
    review.refresh_from_db()
    assert review.state == "queued"
    assert review.decided_by == information_manager


def test_the_nightly_task_lists_disposes_and_is_safe_to_run_twice(settings):
    import time_machine

    from foundation.records.tasks import review_retention

    log = BUILDERS["cases.crimelog"](ANCHOR)
    case = BUILDERS["cases.case"](ANCHOR)
    with time_machine.travel(NOW, tick=False):
        first = review_retention()
        second = review_retention()
    assert first["listed"] == 1
    assert first["queued_by_rule"] == 1
    assert first["disposed"] == 1  # the expired log copy, by rule
    assert second == dict.fromkeys(second, 0)
    assert not CrimeLog.objects.filter(pk=log.pk).exists()
    assert Case.objects.filter(pk=case.pk).exists()  # due, awaiting the information manager
    stone = Tombstone.objects.get(record_type="cases.crimelog", object_id=log.pk)
    assert stone.decided_by is None
    assert "Expired by rule" in stone.reason
