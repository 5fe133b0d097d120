"""Linking log parties to persons, suggesting candidates, merging (docs/signals.md, "People")."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pghistory.models
import pytest
from django.db import connection

from cases.models import (
    CaseParty,
    CrimeLog,
    LogParty,
    LogSignal,
    Person,
    PersonAddress,
    PersonIdentifier,
    PersonRestriction,
    SignalKind,
)
from cases.services.people import (
    PersonCandidate,
    PersonMergeError,
    candidates_for,
    link_parties,
    merge_persons,
)
from foundation.accounts.models import User
from foundation.audit.models import AccessRecord
from tests.factories import (
    CaseFactory,
    CrimeLogFactory,
    LogPartyFactory,
    PersonFactory,
    PersonIdentifierFactory,
)

# The merge service's own record (the doors also record each person read for the merge).
MERGE_RECORD = {"object_type": "cases.person", "need": "merge", "object_id__contains": ">"}
pytestmark = pytest.mark.django_db

DOB = date(1988, 3, 14)


def party(
    log: CrimeLog | None = None,
    *,
    role: str = "victim",
    position: int = 0,
    source_id: str = "",
    name: str = "Amelia Thwaite",
    dob: date | None = DOB,
) -> LogParty:
    return LogPartyFactory(
        log=log or CrimeLogFactory(),
        role=role,
        position=position,
        source_id=source_id,
        name=name,
        date_of_birth=dob,
    )


def linked(*parties: LogParty) -> list[int | None]:
    return [LogParty.objects.get(pk=p.pk).person_id for p in parties]


# --- link_parties -----------------------------------------------------------------------------


def test_known_identifier_links_first_even_with_another_name() -> None:
    known = PersonFactory(name="Amelia Thwaite", date_of_birth=DOB)
    PersonIdentifierFactory(person=known, source="rms", value="P0001")
    decoy = PersonFactory(name="Amelia Marsden", date_of_birth=DOB)  # the new name's match
    renamed = party(source_id="P0001", name="Amelia Marsden")
    assert link_parties(log_ids=[renamed.log_id]) == 1
    assert linked(renamed) == [known.pk]
    known.refresh_from_db()
    assert known.aliases == ["Amelia Marsden"]  # the reviewer sees the other name
    assert decoy.pk != known.pk


def test_identifiers_are_per_source() -> None:
    other_source = PersonFactory()
    PersonIdentifierFactory(person=other_source, source="niche", value="P0001")
    found = party(source_id="P0001", name="Zoe Naylor", dob=None)
    link_parties(log_ids=[found.log_id])
    assert linked(found) != [other_source.pk]


def test_name_and_date_of_birth_link_a_party_without_id() -> None:
    known = PersonFactory(name="Siân O'Hara", date_of_birth=DOB)
    found = party(name="sian  o'hara", dob=DOB)
    link_parties(log_ids=[found.log_id])
    assert linked(found) == [known.pk]


def test_name_without_matching_date_of_birth_makes_a_new_person() -> None:
    known = PersonFactory(name="Amelia Thwaite", date_of_birth=DOB)
    other_dob = party(dob=DOB + timedelta(days=1))
    no_dob = party(dob=None)
    link_parties(log_ids=[other_dob.log_id, no_dob.log_id])
    assert known.pk not in linked(other_dob, no_dob)
    assert None not in linked(other_dob, no_dob)


def test_unknown_id_with_matching_name_and_dob_joins_that_person_and_records_the_id() -> None:
    known = PersonFactory(name="Amelia Thwaite", date_of_birth=DOB)
    found = party(source_id="P0042")
    link_parties(log_ids=[found.log_id])
    assert linked(found) == [known.pk]
    assert PersonIdentifier.objects.get(source="rms", value="P0042").person_id == known.pk


def test_name_and_dob_never_join_a_person_the_source_knows_by_another_id() -> None:
    # The source says these are two people who share a name and a date of birth.
    known = PersonFactory(name="Amelia Thwaite", date_of_birth=DOB)
    PersonIdentifierFactory(person=known, source="rms", value="P0001")
    namesake = party(source_id="P0002")
    link_parties(log_ids=[namesake.log_id])
    [person_id] = linked(namesake)
    assert person_id != known.pk
    assert PersonIdentifier.objects.get(value="P0002").person_id == person_id


def test_new_persons_one_per_identifier_and_one_per_name_and_dob() -> None:
    log = CrimeLogFactory()
    other = CrimeLogFactory()
    same_id = [
        party(log, source_id="P0007", name="Ben Lumb"),
        party(other, source_id="P0007", name="Benjamin Lumb"),
    ]
    same_name = [
        party(log, role="suspect", name="Reece Firth", dob=date(1990, 1, 1)),
        party(other, role="suspect", name="REECE FIRTH", dob=date(1990, 1, 1)),
    ]
    no_dob = [
        party(log, role="witness", name="Tom Dyson", dob=None),
        party(other, role="witness", name="Tom Dyson", dob=None),
    ]
    nothing = party(log, role="witness", position=1, name="", dob=None)

    assert link_parties(log_ids=[log.pk, other.pk]) == 6
    assert len(set(linked(*same_id))) == 1
    assert len(set(linked(*same_name))) == 1
    assert len(set(linked(*no_dob))) == 2  # a name alone identifies no one
    assert linked(nothing) == [None]
    person = Person.objects.get(pk=linked(same_id[0])[0])
    assert person.name == "Ben Lumb"  # the first party's name
    assert person.identifiers.get().value == "P0007"
    assert Person.objects.count() == 4


def test_linking_is_idempotent() -> None:
    parties = [party(source_id="P1"), party(name="Owen Kitching"), party(name="Ian", dob=None)]
    ids = [p.log_id for p in parties]
    assert link_parties(log_ids=ids) == 3
    before = (Person.objects.count(), PersonIdentifier.objects.count(), linked(*parties))
    assert link_parties(log_ids=ids) == 0
    assert (Person.objects.count(), PersonIdentifier.objects.count(), linked(*parties)) == before


def test_merged_persons_are_followed_to_the_survivor() -> None:
    survivor = PersonFactory(name="Amelia Thwaite", date_of_birth=DOB)
    merged = PersonFactory(name="Amelia Thwait", date_of_birth=DOB, merged_into=survivor)
    by_name = party(name="Amelia Thwait")
    link_parties(log_ids=[by_name.log_id])
    assert linked(by_name) == [survivor.pk]
    assert merged.pk != survivor.pk


def test_linking_only_touches_the_given_logs() -> None:
    mine, theirs = party(), party()
    link_parties(log_ids=[mine.log_id])
    assert linked(theirs) == [None]


@pytest.mark.parametrize("count", [50, 500])
def test_linking_uses_a_bounded_number_of_queries(
    count: int, django_assert_max_num_queries: object
) -> None:
    logs = CrimeLogFactory.create_batch(count)
    LogParty.objects.bulk_create(
        LogParty(
            log=log,
            role=role,
            source_id=f"P{index}" if role == "suspect" else "",
            name=f"Person {index} {role}",
            name_normalised=f"person {role}",
            date_of_birth=date(1970, 1, 1) + timedelta(days=index),
        )
        for index, log in enumerate(logs)
        for role in ("victim", "suspect")
    )
    with django_assert_max_num_queries(30):
        assert link_parties(log_ids=[log.pk for log in logs]) == 2 * count
    assert Person.objects.count() == 2 * count


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_create_one_person_per_identifier() -> None:
    """Two batches naming the same new source id, linked in parallel transactions."""
    first, second = party(source_id="P0999"), party(source_id="P0999", name="A Thwaite")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(log_id: int) -> None:
        try:
            barrier.wait()
            link_parties(log_ids=[log_id])
        except BaseException as exc:  # surfaced to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(p.log_id,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert PersonIdentifier.objects.filter(value="P0999").count() == 1
    assert len(set(linked(first, second))) == 1
    assert Person.objects.count() == 1


# --- candidates_for ---------------------------------------------------------------------------


def test_similar_name_with_the_same_dob_is_suggested_but_not_merged() -> None:
    close = PersonFactory(name="Amelia Thwaites", date_of_birth=DOB)
    exact = PersonFactory(name="Amélia  THWAITE", date_of_birth=DOB)
    PersonFactory(name="Amelia Thwaite", date_of_birth=DOB + timedelta(days=1))  # other dob
    PersonFactory(name="Zoe Naylor", date_of_birth=DOB)  # same dob, unlike name

    found = candidates_for(name="Amelia Thwaite", date_of_birth=DOB)
    assert [c.person_id for c in found] == [exact.pk, close.pk]
    assert all(isinstance(c, PersonCandidate) and c.same_date_of_birth for c in found)
    assert (
        found[0].reason == f"same date of birth, name {round(found[0].similarity * 100)}% similar"
    )
    assert 0.4 <= found[1].similarity < found[0].similarity == 1
    # Suggestions only: nothing was merged or linked.
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_candidates_exclude_the_person_itself_merged_records_and_respect_the_limit() -> None:
    me = PersonFactory(name="Amelia Thwaite", date_of_birth=DOB)
    survivor = PersonFactory(name="Amelia Thwaite", date_of_birth=DOB)
    PersonFactory(name="Amelia Thwaite", date_of_birth=DOB, merged_into=survivor)
    others = PersonFactory.create_batch(4, name="Amelia Thwaite", date_of_birth=DOB)
    found = candidates_for(
        name="Amelia Thwaite", date_of_birth=DOB, exclude_person_id=me.pk, limit=3
    )
    assert [c.person_id for c in found] == [survivor.pk, others[0].pk, others[1].pk]


def test_candidates_without_a_date_of_birth_compare_names_only() -> None:
    person = PersonFactory(name="Gareth Holroyd", date_of_birth=None)
    found = candidates_for(name="Garath Holroyd", date_of_birth=None)
    assert [c.person_id for c in found] == [person.pk]
    assert found[0].reason.endswith("% similar (no date of birth to compare)")
    assert not found[0].same_date_of_birth
    assert candidates_for(name="Quentin Zebedee", date_of_birth=None) == []
    assert candidates_for(name="  ", date_of_birth=DOB) == []


# --- merge_persons ----------------------------------------------------------------------------


@pytest.fixture
def merger(coordinator: User) -> User:
    return coordinator


def test_merge_repoints_everything_and_is_audited(merger: User) -> None:
    keep = PersonFactory(name="Amelia Thwaite", date_of_birth=DOB, aliases=["Amy Thwaite"])
    merge = PersonFactory(name="Amelia Marsden", date_of_birth=None, aliases=["Amy Marsden"])
    PersonIdentifierFactory(person=merge, value="P0500")
    PersonAddress.objects.create(person=merge, address="1 Synthetic Row", postcode="NS1 1AA")
    earlier_merged = PersonFactory(merged_into=merge)
    case = CaseFactory()
    CaseParty.objects.create(case=case, person=merge, role="victim")
    CaseParty.objects.create(case=case, person=keep, role="victim")
    other_case = CaseFactory()
    CaseParty.objects.create(case=other_case, person=merge, role="victim")
    suspect = PersonFactory()
    logs = []
    for offset, victim in ((0, keep), (30, merge)):
        log = CrimeLogFactory(recorded_at=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(offset))
        LogPartyFactory(log=log, victim=True, person=victim)
        LogPartyFactory(log=log, suspect=True, person=suspect)
        logs.append(log)
    LogSignal.objects.create(log=logs[1], kind="indicators", reason="x", victim=merge)

    result = merge_persons(keep=keep, merge=merge, reason="Same person per PNC check", by=merger)

    assert result.pk == keep.pk
    merge.refresh_from_db()
    earlier_merged.refresh_from_db()
    assert merge.merged_into_id == keep.pk
    assert earlier_merged.merged_into_id == keep.pk
    assert set(LogParty.objects.filter(role="victim").values_list("person_id", flat=True)) == {
        keep.pk
    }
    assert list(CaseParty.objects.filter(case=case).values_list("person_id", flat=True)) == [
        keep.pk
    ]
    assert CaseParty.objects.get(case=other_case).person_id == keep.pk
    assert PersonIdentifier.objects.get(value="P0500").person_id == keep.pk
    assert PersonAddress.objects.get().person_id == keep.pk
    assert result.aliases == ["Amy Thwaite", "Amelia Marsden", "Amy Marsden"]
    assert result.date_of_birth == DOB
    # One person where there were two: the logs are re-evaluated and now form a pattern.
    assert set(
        LogSignal.objects.filter(kind=SignalKind.COURSE_OF_CONDUCT).values_list(
            "victim_id", flat=True
        )
    ) == {keep.pk}

    record = AccessRecord.objects.get(**MERGE_RECORD)
    assert (record.user_id, record.object_id) == (merger.pk, f"{merge.pk}>{keep.pk}")
    assert record.justification == "Same person per PNC check"
    event = Person.pgh_event_model.objects.get(pgh_obj_id=merge.pk, merged_into_id=keep.pk)
    context = pghistory.models.Context.objects.get(pk=event.pgh_context_id)
    assert context.metadata["reason"] == "Same person per PNC check"
    assert context.metadata["user"] == merger.pk


def test_merge_carries_a_restriction_of_processing_to_the_survivor(
    merger: User, information_manager: User
) -> None:
    """A restricted record merged into an unrestricted one must not come back into view."""
    keep, merge = PersonFactory(), PersonFactory()
    PersonRestriction.objects.create(
        person=merge, reason="Accuracy contested", restricted_by=information_manager
    )

    merge_persons(keep=keep, merge=merge, reason="Same PNC number", by=merger)

    assert list(PersonRestriction.objects.values_list("person_id", "reason")) == [
        (keep.pk, "Accuracy contested")
    ]


def test_merge_of_two_restricted_records_keeps_both_reasons(
    merger: User, information_manager: User
) -> None:
    keep, merge = PersonFactory(), PersonFactory()
    for person, reason in ((keep, "Objection under s.47"), (merge, "Accuracy contested")):
        PersonRestriction.objects.create(
            person=person, reason=reason, restricted_by=information_manager
        )

    merge_persons(keep=keep, merge=merge, reason="Same PNC number", by=merger)

    restriction = PersonRestriction.objects.get()
    assert restriction.person_id == keep.pk
    assert "Objection under s.47" in restriction.reason
    assert "Accuracy contested" in restriction.reason


def test_merge_refuses_self_merged_records_and_a_missing_reason(merger: User) -> None:
    keep, merge = PersonFactory(), PersonFactory()
    gone = PersonFactory(merged_into=keep)
    with pytest.raises(PersonMergeError, match="into themselves"):
        merge_persons(keep=keep, merge=keep, reason="x", by=merger)
    with pytest.raises(PersonMergeError, match="to keep has itself been merged"):
        merge_persons(keep=gone, merge=merge, reason="x", by=merger)
    with pytest.raises(PersonMergeError, match="already been merged"):
        merge_persons(keep=merge, merge=gone, reason="x", by=merger)
    with pytest.raises(PersonMergeError, match="reason"):
        merge_persons(keep=keep, merge=merge, reason="  ", by=merger)
    assert not AccessRecord.objects.filter(**MERGE_RECORD).exists()
    merge.refresh_from_db()
    assert merge.merged_into_id is None


def test_person_str_holds_no_name() -> None:
    person = PersonFactory(name="Amelia Thwaite")
    assert "Amelia" not in str(person)


def test_demo_near_duplicates_are_suggested_and_seeded_once() -> None:
    from stalking_hub.demo.people import seed_people

    victim = PersonFactory(name="Amelia Thwaite", date_of_birth=DOB)
    LogPartyFactory(log=CrimeLogFactory(awaiting=True), victim=True, person=victim)
    assert seed_people() == 1
    assert seed_people() == 0
    [echo] = candidates_for(name=victim.name, date_of_birth=DOB, exclude_person_id=victim.pk)
    assert Person.objects.get(pk=echo.person_id).name == "Amelia Thwait"
