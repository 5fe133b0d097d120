"""The signal engine: each rule with a positive and a negative case, re-evaluation, rules read
from data, idempotence, alerts and query counts (docs/signals.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from cases.models import (
    CrimeLog,
    IndicatorPhrase,
    LogSignal,
    OffenceCode,
    Person,
    SignalKind,
    SignalSettings,
)
from cases.signals import evaluate_logs
from cases.signals.notify import send_high_risk_alert
from cases.signals.phrases import PhraseMatcher
from foundation.accounts.models import Role, User
from foundation.outbox.models import OutboxMessage
from tests.factories import (
    CaseFactory,
    CrimeLogFactory,
    FeedImportFactory,
    LogPartyFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)
START = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
HOME = ["NS-NORTH", "NS-SOUTH", "NS-CITY"]
QUIET = "IP reports that abusive comments were posted about her online."


@pytest.fixture(autouse=True)
def home_areas(settings: object) -> None:
    settings.HUB_HOME_AREAS = HOME


def pair_log(
    victim: Person, suspect: Person, *, at: datetime = START, **fields: object
) -> CrimeLog:
    """A log naming `victim` and `suspect` (already linked to their Person records)."""
    fields.setdefault("narrative", QUIET)
    log = CrimeLogFactory(recorded_at=at, **fields)
    LogPartyFactory(log=log, victim=True, person=victim)
    LogPartyFactory(log=log, suspect=True, person=suspect)
    return log


def kinds(log: CrimeLog) -> set[str]:
    return set(LogSignal.objects.filter(log=log).values_list("kind", flat=True))


def signal(log: CrimeLog, kind: str) -> LogSignal:
    return LogSignal.objects.get(log=log, kind=kind)


@pytest.fixture
def victim() -> Person:
    return PersonFactory(name="Amelia Thwaite")


@pytest.fixture
def suspect() -> Person:
    return PersonFactory(name="Gareth Holroyd")


# --- tagged_stalking --------------------------------------------------------------------------


def test_stalking_flag_tags_the_log() -> None:
    log = CrimeLogFactory(offence_code="8L", flags=["DA", "stalking"])
    evaluate_logs(log_ids=[log.pk], now=NOW)
    assert kinds(log) == {SignalKind.TAGGED_STALKING}
    assert signal(log, SignalKind.TAGGED_STALKING).reason == "Recorded as stalking (flag STALKING)"


def test_stalking_offence_code_tags_the_log_and_names_the_behaviours() -> None:
    log = CrimeLogFactory(offence_code="8Q", narrative="He FOLLOWED HER from the station.")
    evaluate_logs(log_ids=[log.pk], now=NOW)
    reason = signal(log, SignalKind.TAGGED_STALKING).reason
    assert reason == "Recorded as stalking (8Q); the narrative describes following"
    # Recorded stalking does not also raise the "untagged behaviours" signal.
    assert kinds(log) == {SignalKind.TAGGED_STALKING}


def test_harassment_without_stalking_flag_is_not_tagged() -> None:
    log = CrimeLogFactory(harassment=True, flags=["DA"], narrative=QUIET)
    evaluate_logs(log_ids=[log.pk], now=NOW)
    assert kinds(log) == set()
    log.refresh_from_db()
    assert log.review_state == CrimeLog.ReviewState.NOT_FLAGGED
    assert log.signal_kinds == []


# --- indicators -------------------------------------------------------------------------------


def test_behaviours_in_an_untagged_narrative_raise_indicators() -> None:
    log = CrimeLogFactory(
        harassment=True,
        narrative=(
            "IP states the suspect turned up at her\nwork again and keeps calling from "
            "withheld numbers. He also followed her home."
        ),
    )
    result = evaluate_logs(log_ids=[log.pk], now=NOW)
    reason = signal(log, SignalKind.STALKING_INDICATORS).reason
    assert reason == (
        # "turned up at her work" (across the line break) counts on its own: of two phrases
        # starting at the same word the longer is read.
        "Narrative describes turning up at home or work, repeated unwanted contact, "
        "following, but the log is not recorded as stalking"
    )
    assert result.counts == {SignalKind.STALKING_INDICATORS: 1}
    log.refresh_from_db()
    assert log.review_state == CrimeLog.ReviewState.AWAITING
    assert log.signal_kinds == [SignalKind.STALKING_INDICATORS]


def test_words_inside_other_words_and_unlisted_wordings_do_not_match() -> None:
    # "follow-up" is not following; "regun" must not match "gun"; "tracks" is not a phrase.
    log = CrimeLogFactory(narrative="Follow up enquiries made. Begun house-to-house. Tracks seen.")
    evaluate_logs(log_ids=[log.pk], now=NOW)
    assert kinds(log) == set()


def test_phrase_matcher_wildcards_and_whitespace() -> None:
    matcher = PhraseMatcher.build(
        [("follow* her", ("behaviour", "following")), ("turn* up at", ("behaviour", "turning up"))]
    )
    assert matcher.find("he has been following   her and turned up at work") == [
        ("behaviour", "following"),
        ("behaviour", "turning up"),
    ]
    assert matcher.find("follow-up with her") == []
    assert PhraseMatcher.build([]).find("anything") == []


# --- course_of_conduct ------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "expected"), [(364, True), (365, True), (366, False)])
def test_course_of_conduct_window(
    victim: Person, suspect: Person, days: int, expected: bool
) -> None:
    first = pair_log(victim, suspect, at=START, offence_code="195/94")
    second = pair_log(victim, suspect, at=START + timedelta(days=days), offence_code="58C")
    evaluate_logs(log_ids=[first.pk, second.pk], now=NOW)
    assert (SignalKind.COURSE_OF_CONDUCT in kinds(first)) is expected
    assert (SignalKind.COURSE_OF_CONDUCT in kinds(second)) is expected
    if expected:
        found = signal(first, SignalKind.COURSE_OF_CONDUCT)
        assert found.related_log_ids == [second.pk]
        assert (found.victim_id, found.suspect_id) == (victim.pk, suspect.pk)
        assert found.reason.startswith("2 logs in 12 months against the same victim by the")
        assert "195/94 malicious communications, 58C criminal damage to a dwelling" in found.reason
        assert found.reason.endswith("— not as stalking")
        assert not found.high_risk


def test_course_of_conduct_reason_counts_logs_and_span(victim: Person, suspect: Person) -> None:
    logs = [
        pair_log(victim, suspect, at=START + timedelta(days=offset), offence_code="8L")
        for offset in (0, 60, 150)
    ]
    evaluate_logs(log_ids=[log.pk for log in logs], now=NOW)
    reason = signal(logs[0], SignalKind.COURSE_OF_CONDUCT).reason
    assert reason == (
        "3 logs in 5 months against the same victim by the same suspect, "
        "recorded as 8L harassment — not as stalking"
    )
    assert signal(logs[1], SignalKind.COURSE_OF_CONDUCT).related_log_ids == [
        logs[0].pk,
        logs[2].pk,
    ]


def test_pair_with_a_log_recorded_as_stalking_is_not_a_course_of_conduct(
    victim: Person, suspect: Person
) -> None:
    tagged = pair_log(victim, suspect, at=START, stalking=True)
    other = pair_log(victim, suspect, at=START + timedelta(days=20), offence_code="8L")
    evaluate_logs(log_ids=[tagged.pk, other.pk], now=NOW)
    assert kinds(tagged) == {SignalKind.TAGGED_STALKING}
    assert kinds(other) == set()


def test_same_victim_with_another_suspect_is_not_a_course_of_conduct(victim: Person) -> None:
    first = pair_log(victim, PersonFactory(), at=START)
    second = pair_log(victim, PersonFactory(), at=START + timedelta(days=3))
    evaluate_logs(log_ids=[first.pk, second.pk], now=NOW)
    assert kinds(first) == kinds(second) == set()


def test_unlinked_parties_pair_no_one() -> None:
    logs = []
    for offset in (0, 10):
        log = CrimeLogFactory(recorded_at=START + timedelta(days=offset), narrative=QUIET)
        LogPartyFactory(log=log, victim=True, name="Amelia Thwaite")
        LogPartyFactory(log=log, suspect=True, name="Gareth Holroyd")
        logs.append(log)
    evaluate_logs(log_ids=[log.pk for log in logs], now=NOW)
    assert LogSignal.objects.count() == 0


def test_a_new_log_turns_an_earlier_one_into_a_course_of_conduct(
    victim: Person, suspect: Person
) -> None:
    earlier = pair_log(victim, suspect, at=START)
    evaluate_logs(log_ids=[earlier.pk], now=NOW)
    assert kinds(earlier) == set()

    later = pair_log(victim, suspect, at=START + timedelta(days=40))
    result = evaluate_logs(log_ids=[later.pk], now=NOW)  # only the new log is named
    assert result.evaluated == 2
    assert signal(earlier, SignalKind.COURSE_OF_CONDUCT).related_log_ids == [later.pk]
    earlier.refresh_from_db()
    assert earlier.review_state == CrimeLog.ReviewState.AWAITING
    assert earlier.signal_kinds == [SignalKind.COURSE_OF_CONDUCT]


def test_a_log_with_two_victims_is_judged_on_each_pair(suspect: Person) -> None:
    first_victim, second_victim = PersonFactory(), PersonFactory()
    shared = pair_log(first_victim, suspect, at=START)
    LogPartyFactory(log=shared, victim=True, position=1, person=second_victim)
    with_second = pair_log(second_victim, suspect, at=START + timedelta(days=5))
    evaluate_logs(log_ids=[with_second.pk], now=NOW)
    found = signal(shared, SignalKind.COURSE_OF_CONDUCT)
    assert found.victim_id == second_victim.pk
    assert found.related_log_ids == [with_second.pk]


# --- former_partner ---------------------------------------------------------------------------


def test_former_partner_course_of_conduct_recorded_as_harassment(
    victim: Person, suspect: Person
) -> None:
    first = pair_log(victim, suspect, at=START, harassment=True, relationship="Ex-Partner")
    second = pair_log(victim, suspect, at=START + timedelta(days=30), offence_code="195/94")
    evaluate_logs(log_ids=[first.pk, second.pk], now=NOW)
    for log in (first, second):
        assert kinds(log) == {SignalKind.COURSE_OF_CONDUCT, SignalKind.FORMER_PARTNER}
    reason = signal(second, SignalKind.FORMER_PARTNER).reason
    assert reason.startswith("Former partner: 2 logs in 4 weeks against the same victim")
    assert "Since April 2020 the Home Office counting rules" in reason


def test_former_partner_without_harassment_is_only_a_course_of_conduct(
    victim: Person, suspect: Person
) -> None:
    first = pair_log(victim, suspect, at=START, offence_code="195/94", relationship="ex-wife")
    second = pair_log(victim, suspect, at=START + timedelta(days=30), offence_code="58C")
    evaluate_logs(log_ids=[first.pk, second.pk], now=NOW)
    assert kinds(first) == {SignalKind.COURSE_OF_CONDUCT}


def test_harassment_by_a_neighbour_is_not_a_former_partner_signal(
    victim: Person, suspect: Person
) -> None:
    first = pair_log(victim, suspect, at=START, harassment=True, relationship="neighbour")
    second = pair_log(victim, suspect, at=START + timedelta(days=30), harassment=True)
    evaluate_logs(log_ids=[first.pk, second.pk], now=NOW)
    assert kinds(first) == {SignalKind.COURSE_OF_CONDUCT}


# --- order_breach and high risk ---------------------------------------------------------------


@pytest.fixture
def coordinators(home_force: object) -> list[User]:
    active = UserFactory(email="coord@example.test", roles=[Role.COORDINATOR])
    also = UserFactory(email="lead-coord@example.test", roles=[Role.TACTICAL_LEAD, "coordinator"])
    UserFactory(email="gone@example.test", roles=[Role.COORDINATOR], is_active=False)
    UserFactory(email="officer@example.test", roles=[Role.OFFICER])
    return [active, also]


def test_breach_flag_is_high_risk_and_alerts_the_coordinators_once(
    coordinators: list[User], django_capture_on_commit_callbacks: object
) -> None:
    log = CrimeLogFactory(offence_code="8L", flags=["spo-breach"], narrative=QUIET)
    first = evaluate_logs(log_ids=[log.pk], now=NOW)
    again = evaluate_logs(log_ids=[log.pk], now=NOW + timedelta(hours=1))

    breach = signal(log, SignalKind.ORDER_BREACH)
    assert breach.high_risk
    assert (
        breach.reason == "Records the breach of an order (flag SPO-BREACH); a breach is high risk"
    )
    log.refresh_from_db()
    assert log.is_high_risk
    assert log.high_risk_notified_at == NOW
    assert first.newly_high_risk == [log.pk]
    assert again.newly_high_risk == []
    messages = OutboxMessage.objects.filter(handler="cases.send_high_risk_alert")
    assert [m.kwargs for m in messages] == [{"log_ids": [log.pk]}]

    # The handler e-mails every active coordinator: id and page path only.
    send_high_risk_alert(log_ids=[log.pk])
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        user.email for user in coordinators
    )
    body = mail.outbox[0].body
    line = next(line for line in body.splitlines() if line.startswith(f"- Crime log #{log.pk}: "))
    assert line.endswith(f"/logs/{log.pk}/")
    assert mail.outbox[0].subject == f"High risk: crime log #{log.pk} needs review now"
    assert log.reference not in body
    assert QUIET not in body


def test_breach_offence_code_is_high_risk() -> None:
    log = CrimeLogFactory(breach=True, narrative=QUIET)
    evaluate_logs(log_ids=[log.pk], now=NOW)
    assert signal(log, SignalKind.ORDER_BREACH).reason.startswith(
        "Records the breach of an order (8Q/2)"
    )


def test_no_breach_no_alert() -> None:
    log = CrimeLogFactory(offence_code="8L", flags=["DA", "BREACHED"], narrative=QUIET)
    result = evaluate_logs(log_ids=[log.pk], now=NOW)
    assert kinds(log) == set()
    assert result.newly_high_risk == []
    assert not OutboxMessage.objects.exists()


def test_course_of_conduct_with_threats_is_high_risk(victim: Person, suspect: Person) -> None:
    first = pair_log(victim, suspect, at=START)
    second = pair_log(
        victim,
        suspect,
        at=START + timedelta(days=9),
        narrative="He said he was going to hurt her and showed a knife.",
    )
    result = evaluate_logs(log_ids=[first.pk, second.pk], now=NOW)
    found = signal(first, SignalKind.COURSE_OF_CONDUCT)
    assert found.high_risk
    assert found.reason.endswith("high risk: threats to harm, a weapon described")
    assert sorted(result.newly_high_risk) == sorted([first.pk, second.pk])


def test_threats_on_a_single_log_are_not_high_risk() -> None:
    log = CrimeLogFactory(narrative="The suspect threatened to kill her.")
    evaluate_logs(log_ids=[log.pk], now=NOW)
    log.refresh_from_db()
    assert not log.is_high_risk


def test_tagged_stalking_pattern_with_threats_is_high_risk(victim: Person, suspect: Person) -> None:
    first = pair_log(victim, suspect, at=START, stalking=True)
    second = pair_log(
        victim, suspect, at=START + timedelta(days=9), narrative="He strangled her.", stalking=True
    )
    evaluate_logs(log_ids=[first.pk, second.pk], now=NOW)
    tagged = signal(first, SignalKind.TAGGED_STALKING)
    assert tagged.high_risk
    assert "high risk: 2 logs in 9 days against the same victim" in tagged.reason
    assert tagged.reason.endswith("with strangulation described")


# --- cross_border -----------------------------------------------------------------------------


def test_log_in_another_force_area_is_cross_border() -> None:
    log = CrimeLogFactory(area="wm", narrative=QUIET)
    evaluate_logs(log_ids=[log.pk], now=NOW)
    reason = signal(log, SignalKind.CROSS_BORDER).reason
    assert reason == "Involves an area outside this force's areas: WM"


def test_party_in_another_force_area_is_cross_border() -> None:
    log = CrimeLogFactory(area="NS-CITY", narrative=QUIET)
    LogPartyFactory(log=log, witness=True, area="GM")
    evaluate_logs(log_ids=[log.pk], now=NOW)
    assert signal(log, SignalKind.CROSS_BORDER).reason.endswith(": GM")


def test_home_and_empty_areas_are_not_cross_border() -> None:
    log = CrimeLogFactory(area="ns-north ", narrative=QUIET)
    LogPartyFactory(log=log, victim=True, area="")
    evaluate_logs(log_ids=[log.pk], now=NOW)
    assert kinds(log) == set()


@override_settings(HUB_HOME_AREAS=["WM"])
def test_home_areas_come_from_settings() -> None:
    log = CrimeLogFactory(area="WM", narrative=QUIET)
    evaluate_logs(log_ids=[log.pk], now=NOW)
    assert kinds(log) == set()


# --- review state, idempotence, rules as data -------------------------------------------------


def test_reviewed_logs_stay_reviewed() -> None:
    log = CrimeLogFactory(reviewed=True, flags=["BREACH"], narrative=QUIET)
    evaluate_logs(log_ids=[log.pk], now=NOW)
    log.refresh_from_db()
    assert log.review_state == CrimeLog.ReviewState.REVIEWED
    assert log.signal_kinds == [SignalKind.ORDER_BREACH]
    assert log.is_high_risk


def test_a_log_whose_signals_go_returns_to_not_flagged() -> None:
    log = CrimeLogFactory(flags=["BREACH"], narrative=QUIET)
    evaluate_logs(log_ids=[log.pk], now=NOW)
    CrimeLog.objects.filter(pk=log.pk).update(flags=[])
    evaluate_logs(log_ids=[log.pk], now=NOW)
    log.refresh_from_db()
    assert (log.review_state, log.signal_kinds, log.is_high_risk) == ("not_flagged", [], False)
    assert not LogSignal.objects.filter(log=log).exists()


def test_evaluating_twice_changes_nothing(victim: Person, suspect: Person) -> None:
    first = pair_log(victim, suspect, at=START, area="WM", harassment=True, ex_partner=True)
    second = pair_log(victim, suspect, at=START + timedelta(days=3), flags=["BREACH"])
    ids = [first.pk, second.pk]
    evaluate_logs(log_ids=ids, now=NOW)
    rows = list(LogSignal.objects.order_by("pk").values())
    logs = list(CrimeLog.objects.order_by("pk").values())
    events = CrimeLog.pgh_event_model.objects.count()

    evaluate_logs(log_ids=ids, now=NOW + timedelta(days=1))
    assert list(LogSignal.objects.order_by("pk").values()) == rows
    assert list(CrimeLog.objects.order_by("pk").values()) == logs
    # The derived columns are not alterations of the log: no history rows for them.
    assert CrimeLog.pgh_event_model.objects.count() == events == 0


def test_rules_are_read_from_the_database(victim: Person, suspect: Person) -> None:
    # The narrative model flags this only with the "loiter*" row's reading (docs/signals.md).
    first = pair_log(
        victim, suspect, at=START, narrative="Suspect seen loitering outside IP's house."
    )
    second = pair_log(victim, suspect, at=START + timedelta(days=100))
    evaluate_logs(log_ids=[first.pk, second.pk], now=NOW)
    assert kinds(first) == {SignalKind.STALKING_INDICATORS, SignalKind.COURSE_OF_CONDUCT}

    IndicatorPhrase.objects.filter(phrase="loiter*").update(is_active=False)
    SignalSettings.objects.filter(pk=1).update(course_of_conduct_days=90)
    evaluate_logs(log_ids=[first.pk], now=NOW)
    assert kinds(first) == set()

    IndicatorPhrase.objects.create(phrase="seen * outside", kind="behaviour", behaviour="watching")
    OffenceCode.objects.filter(code="195/94").update(category="stalking")
    SignalSettings.objects.filter(pk=1).update(stalking_flags=["STK"])
    evaluate_logs(log_ids=[first.pk], now=NOW)
    assert signal(first, SignalKind.TAGGED_STALKING).reason == (
        "Recorded as stalking (195/94); the narrative describes watching"
    )


def test_missing_settings_row_falls_back_to_defaults(victim: Person, suspect: Person) -> None:
    SignalSettings.objects.all().delete()
    first = pair_log(victim, suspect, at=START)
    second = pair_log(victim, suspect, at=START + timedelta(days=300))
    evaluate_logs(log_ids=[first.pk, second.pk], now=NOW)
    assert SignalKind.COURSE_OF_CONDUCT in kinds(first)


def test_reasons_hold_no_names(victim: Person, suspect: Person) -> None:
    logs = [
        pair_log(
            victim,
            suspect,
            at=START + timedelta(days=offset),
            area="GM",
            flags=["BREACH", "STALKING"] if offset else [],
            relationship="ex-partner",
            narrative="Amelia says Gareth followed her and threatened to kill her.",
        )
        for offset in (0, 30)
    ]
    evaluate_logs(log_ids=[log.pk for log in logs], now=NOW)
    for reason in LogSignal.objects.values_list("reason", flat=True):
        assert "Amelia" not in reason
        assert "Gareth" not in reason
        assert "Thwaite" not in reason


def test_empty_call_does_nothing(django_assert_max_num_queries: object) -> None:
    with django_assert_max_num_queries(2):  # the savepoint only
        assert evaluate_logs(log_ids=[], now=NOW).evaluated == 0


def test_unknown_ids_are_ignored() -> None:
    assert evaluate_logs(log_ids=[987654321], now=NOW).evaluated == 0


# --- scale ------------------------------------------------------------------------------------


def _many_logs(count: int) -> list[int]:
    """`count` logs over count/2 victim-suspect pairs, with every kind of signal among them."""
    persons = PersonFactory.create_batch(count)
    ids = []
    for index in range(count):
        pair = index // 2
        log = CrimeLogFactory(
            recorded_at=START + timedelta(days=index % 50),
            flags=["BREACH"] if index % 7 == 0 else [],
            area="WM" if index % 5 == 0 else "NS-NORTH",
            narrative="He followed her." if index % 3 == 0 else QUIET,
        )
        LogPartyFactory(log=log, victim=True, person=persons[2 * pair % count])
        LogPartyFactory(log=log, suspect=True, person=persons[(2 * pair + 1) % count])
        ids.append(log.pk)
    return ids


@pytest.mark.parametrize("count", [50, 500])
def test_evaluation_uses_a_bounded_number_of_queries(
    count: int, django_assert_max_num_queries: object, coordinators: list[User]
) -> None:
    ids = _many_logs(count)
    with django_assert_max_num_queries(30):
        result = evaluate_logs(log_ids=ids, now=NOW)
    assert result.evaluated == count
    assert result.counts[SignalKind.COURSE_OF_CONDUCT] == count
    assert len(result.newly_high_risk) > 0
    assert OutboxMessage.objects.count() == 1  # one alert for the whole batch


def test_alert_lists_at_most_fifty_logs(coordinators: list[User]) -> None:
    send_high_risk_alert(log_ids=list(range(1, 61)))
    body = mail.outbox[0].body
    assert "Crime log #50:" in body
    assert "Crime log #51:" not in body
    assert "and 10 more" in body
    assert mail.outbox[0].subject == "High risk: 60 crime logs need review now"


def test_alert_without_coordinators_sends_nothing() -> None:
    send_high_risk_alert(log_ids=[1])
    assert mail.outbox == []


def test_date_of_birth_is_not_needed_for_signals() -> None:
    victim = PersonFactory(date_of_birth=None)
    suspect = PersonFactory(date_of_birth=date(1980, 1, 1))
    first = pair_log(victim, suspect, at=START)
    second = pair_log(victim, suspect, at=START + timedelta(days=1))
    evaluate_logs(log_ids=[first.pk, second.pk], now=NOW)
    assert signal(second, SignalKind.COURSE_OF_CONDUCT).reason.startswith("2 logs in 1 day against")


# --- admin ------------------------------------------------------------------------------------


def test_admin_edits_the_rules(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:cases_indicatorphrase_changelist"))
    assert changelist.status_code == 200
    added = client.post(
        reverse("admin:cases_indicatorphrase_add"),
        {"phrase": "  Sat  OUTSIDE her ", "kind": "behaviour", "behaviour": "loitering"},
    )
    assert added.status_code == 302
    assert IndicatorPhrase.objects.filter(phrase="sat outside her").exists()
    refused = client.post(
        reverse("admin:cases_indicatorphrase_add"),
        {"phrase": " * ", "kind": "behaviour", "behaviour": "x"},
    )
    assert "Give at least one word." in refused.content.decode()

    url = reverse("admin:cases_signalsettings_change", args=[1])
    bad = client.post(
        url,
        {
            "course_of_conduct_days": "180",
            "course_of_conduct_min_logs": "1",
            "stalking_flags": "stalking",
            "breach_flags": "breach",
        },
    )
    assert "A course of conduct needs at least two logs." in bad.content.decode()
    good = client.post(
        url,
        {
            "course_of_conduct_days": "180",
            "course_of_conduct_min_logs": "3",
            "stalking_flags": "stalking,STALKING, stk",
            "breach_flags": "breach",
        },
    )
    assert good.status_code == 302
    row = SignalSettings.objects.get()
    assert (row.course_of_conduct_days, row.course_of_conduct_min_logs) == (180, 3)
    assert row.stalking_flags == ["STALKING", "STK"]
    assert client.get(reverse("admin:cases_signalsettings_add")).status_code == 403
    assert client.post(reverse("admin:cases_signalsettings_delete", args=[1])).status_code == 403


@pytest.mark.parametrize("model", ["crimelog", "person", "case", "feedimport"])
def test_admin_lists_records_without_personal_data_and_cannot_open_one(
    client: Client, admin_user: User, model: str
) -> None:
    person = PersonFactory(name="Amelia Thwaite")
    log = CrimeLogFactory(narrative="Secret narrative text", officer="oic@example.test")
    LogPartyFactory(log=log, victim=True, person=person)
    records = {
        "crimelog": log,
        "person": person,
        "case": CaseFactory(summary="Secret case summary"),
        "feedimport": FeedImportFactory(done=True, file_name="victim-amelia.csv"),
    }
    client.force_login(admin_user)
    listing = client.get(reverse(f"admin:cases_{model}_changelist"))
    assert listing.status_code == 200
    body = listing.content.decode()
    for secret in ("Secret", "Amelia", "Thwaite", "oic@example.test", "victim-amelia"):
        assert secret not in body
    change = client.get(reverse(f"admin:cases_{model}_change", args=[records[model].pk]))
    assert change.status_code == 403


def test_only_admins_reach_the_rules_admin(client: Client, coordinator: User) -> None:
    client.force_login(coordinator)
    response = client.get(reverse("admin:cases_indicatorphrase_changelist"))
    assert response.status_code in {302, 404}
