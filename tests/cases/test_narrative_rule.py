"""The narrative signal with context (docs/signals.md, "Stalking behaviour in the narrative"):
phrase kinds, sentence scope, negation, the seeded rule against the labelled corpus, and the
breach of an order found in an offence description."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import IndicatorPhrase, LogSignal, SignalKind
from cases.signals import evaluate_logs
from cases.signals.narrative import NarrativeRule
from cases.signals.phrases import PhraseMatcher
from cases.signals.rules import RuleSet
from foundation.accounts.models import User
from tests.factories import CrimeLogFactory

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)
CORPUS = Path(__file__).resolve().parent.parent / "data" / "signal_corpus"
# The held-out split as first committed (5a8562d): it is never edited (its README).
HELDOUT_SHA256 = "0cb4853f4f83a0ea11ecd9787997202d47a73274e8e14dc6ef2c05daec386494"

RULE = NarrativeRule.build(
    [
        ("follow* her", "behaviour", "following"),
        ("text*|rang|called", "repeated_behaviour", "repeated unwanted contact"),
        ("drove|drives past", "repeated_behaviour", "driving past her home"),
        ("keeps", "persistence", "repeated"),
        ("every night", "persistence", "repeated"),
        ("after she blocked", "persistence", "after being blocked"),
        ("officers followed", "exclusion", ""),
        ("stolen", "exclusion", "tracking her location"),
        ("airtag", "behaviour", "tracking her location"),
        ("not", "negation", "negation"),
        ("threatened to kill", "violence", "threats to kill"),
    ]
)


def read(text: str) -> tuple[list[str], list[str]]:
    reading = RULE.read(text.lower())
    return reading.behaviours, reading.persistence


def test_a_behaviour_aimed_at_her_counts_on_its_own() -> None:
    assert read("Ex-partner FOLLOWED HER home from the station.") == (["following"], [])


def test_a_repeated_only_behaviour_needs_persistence() -> None:
    assert read("Her ex texted her about the car.") == ([], [])
    assert read("Her ex keeps texting her and drove past every night.") == (
        ["repeated unwanted contact", "driving past her home"],
        ["repeated"],
    )
    assert read("He rang her after she blocked his number.") == (
        ["repeated unwanted contact"],
        ["after being blocked"],
    )


def test_an_exclusion_cancels_only_in_its_own_sentence() -> None:
    assert read("Officers followed her car to the services.") == ([], [])
    assert read("Officers attended. He followed her again.") == (["following"], [])
    assert read("Officers followed the van. He followed her home.") == (["following"], [])


def test_an_exclusion_cancels_only_the_behaviour_it_names() -> None:
    assert read("Her stolen bag had an AirTag in it.") == ([], [])
    assert read("Stolen car. He followed her from the garage.") == (["following"], [])
    assert read("He followed her, and her stolen bag had an AirTag.") == (["following"], [])


def test_a_negation_cancels_what_follows_it_in_the_sentence() -> None:
    assert read("He has not followed her since May.") == ([], [])
    assert read("He followed her, though she did not see his face.") == (["following"], [])
    assert read("She was not hurt. He followed her home.") == (["following"], [])


def test_violence_is_read_in_the_same_pass() -> None:
    reading = RULE.read("he threatened to kill her and followed her".lower())
    assert reading.behaviours == ["following"]
    assert reading.threats == ["threats to kill"]


def test_phrase_alternatives_and_overlaps() -> None:
    matcher = PhraseMatcher.build(
        [
            ("rang|texted her mum|sister", ("behaviour", "contacting family")),
            ("rang", ("repeated_behaviour", "contact")),
            ("intimate image*", ("behaviour", "image threats")),
            ("intimate images", ("violence", "threats to share intimate images")),
        ]
    )
    assert matcher.find("he texted her sister and rang") == [
        ("behaviour", "contacting family"),
        ("repeated_behaviour", "contact"),
    ]
    # One wording that is a phrase of two kinds gives both labels.
    assert matcher.find("shared intimate images") == [
        ("behaviour", "image threats"),
        ("violence", "threats to share intimate images"),
    ]
    assert matcher.find("he texted her aunt") == []


def _corpus(*names: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in names:
        with open(CORPUS / f"{name}.jsonl", encoding="utf-8") as lines:
            rows += [json.loads(line) for line in lines]
    return rows


@pytest.mark.django_db
def test_the_seeded_rule_meets_the_targets_on_the_development_splits() -> None:
    narrative = RuleSet.load().narrative
    rows = _corpus("dev", "dev_extra")
    flagged = [bool(narrative.read(row["text"].lower()).behaviours) for row in rows]
    stalking = [row["label"] == "stalking" for row in rows]
    found = sum(f and s for f, s in zip(flagged, stalking, strict=True))
    false_alarms = sum(f and not s for f, s in zip(flagged, stalking, strict=True))
    assert found / sum(stalking) >= 0.95
    assert false_alarms / (len(rows) - sum(stalking)) <= 0.05


def test_the_held_out_split_is_as_first_committed() -> None:
    digest = hashlib.sha256((CORPUS / "heldout.jsonl").read_bytes()).hexdigest()
    assert digest == HELDOUT_SHA256


@pytest.mark.django_db
def test_indicator_reason_says_why_a_repeated_behaviour_counts() -> None:
    log = CrimeLogFactory(
        harassment=True,
        narrative="IP states the suspect rang her again last night after she blocked his number.",
    )
    evaluate_logs(log_ids=[log.pk], now=NOW)
    reason = LogSignal.objects.get(log=log, kind=SignalKind.STALKING_INDICATORS).reason
    assert reason == (
        "Narrative describes repeated unwanted contact, repeated or persistent (repeated, "
        "after being blocked), but the log is not recorded as stalking"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "narrative",
    [
        "Store detective followed a male round the shop; detained outside.",
        "IP tracked her stolen phone with Find My to a flat on the estate; recovered.",
        "OIC to follow up with the witness next week.",
        "IP confirms the suspect has not contacted her or driven past since bail.",
        "Driver tailgated IP on the bypass flashing his lights, then turned off.",
    ],
)
def test_innocent_uses_of_stalking_words_raise_nothing(narrative: str) -> None:
    log = CrimeLogFactory(offence_code="195/94", narrative=narrative)
    evaluate_logs(log_ids=[log.pk], now=NOW)
    assert not LogSignal.objects.filter(log=log).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("offence", "flags", "reason"),
    [
        (
            "Harassment - breach of restraining order",
            ["DA"],
            "Records the breach of an order (8L, described as a breach of a restraining "
            "order); a breach is high risk",
        ),
        (
            "Harassment",
            ["Breach of NMO"],
            "Records the breach of an order (flag BREACH OF NMO); a breach is high risk",
        ),
    ],
)
def test_a_breach_in_the_description_or_flags_raises_the_breach_signal(
    offence: str, flags: list[str], reason: str
) -> None:
    log = CrimeLogFactory(offence_code="8L", offence=offence, flags=flags, narrative="")
    evaluate_logs(log_ids=[log.pk], now=NOW)
    signal = LogSignal.objects.get(log=log, kind=SignalKind.ORDER_BREACH)
    assert signal.reason == reason
    assert signal.high_risk


@pytest.mark.django_db
@pytest.mark.parametrize(
    "offence", ["Breach of the peace", "Breach of bail conditions", "Harassment"]
)
def test_other_breaches_are_not_an_order_breach(offence: str) -> None:
    log = CrimeLogFactory(offence_code="8L", offence=offence, flags=[], narrative="")
    evaluate_logs(log_ids=[log.pk], now=NOW)
    assert not LogSignal.objects.filter(log=log, kind=SignalKind.ORDER_BREACH).exists()


@pytest.mark.django_db
def test_admin_adds_context_phrases_and_refuses_broken_ones(
    client: Client, admin_user: User
) -> None:
    client.force_login(admin_user)
    url = reverse("admin:cases_indicatorphrase_add")
    added = client.post(url, {"phrase": "Stood|Sat by her  gate", "kind": "repeated_behaviour",
                              "behaviour": "loitering"})  # fmt: skip
    assert added.status_code == 302
    assert IndicatorPhrase.objects.filter(phrase="stood|sat by her gate").exists()
    # An exclusion may leave the behaviour empty: it then cancels any behaviour.
    assert client.post(url, {"phrase": "allotment", "kind": "exclusion"}).status_code == 302

    refused = client.post(url, {"phrase": "texted| rang", "kind": "behaviour", "behaviour": "x"})
    assert "Put a word on each side of every |" in refused.content.decode()
    unnamed = client.post(url, {"phrase": "lurks", "kind": "behaviour", "behaviour": " "})
    assert "Say what the reviewer reads for this phrase." in unnamed.content.decode()
    assert not IndicatorPhrase.objects.filter(phrase__in=["texted| rang", "lurks"]).exists()


@pytest.mark.django_db
def test_the_demo_feed_flags_its_hidden_stalking_and_not_its_near_misses() -> None:
    from stalking_hub.demo import narratives
    from stalking_hub.demo.feedgen import STALKING_CODES, generate_rows

    narrative = RuleSet.load().narrative
    for text in narratives.NEAR_MISSES:
        assert not narrative.read(text.lower()).behaviours, text
    rng = random.Random(7)
    # The narrative model decides (docs/signals.md, "The model"): it is held to the issue's
    # recall target on the demo's hidden stalking, as on the corpus, not to every narrative
    # (it misses 3 of these 200, each "Officers attended after a call from IP. ...").
    found = sum(
        bool(narrative.read(narratives.stalking(rng).lower()).behaviours) for _ in range(200)
    )
    assert found >= 0.95 * 200

    rows = list(generate_rows(2_000, seed=3, demo=True))
    recorded = sum(row["offence_code"] in STALKING_CODES for row in rows) / len(rows)
    assert 0.07 <= recorded <= 0.14  # about a tenth recorded as stalking at source
    flagged = sum(
        bool(narrative.read(row["narrative"].lower()).behaviours)
        for row in rows
        if row["offence_code"] not in STALKING_CODES
    )
    assert 0.01 <= flagged / len(rows) <= 0.08  # a few percent more, not 60%


def test_words_are_matched_whole_with_their_punctuation_and_across_line_breaks() -> None:
    from cases.signals.words import WordMatcher

    matcher = WordMatcher.build(
        [
            ("follow* her home", ("behaviour", "following")),
            ("ip's ex", ("persistence", "since the relationship ended")),
            ("e-mail* her", ("repeated_behaviour", "contact")),
            ("left * on her", ("repeated_behaviour", "notes")),
        ]
    )
    assert matcher.find("he followed her\nhome") == [("behaviour", "following")]
    assert matcher.find("he followed her, home") == []  # a comma stops a phrase
    assert matcher.find("followed herself home") == []  # whole words only
    assert matcher.find("ip's ex e-mailed her") == [
        ("persistence", "since the relationship ended"),
        ("repeated_behaviour", "contact"),
    ]
    assert matcher.find("left flowers on her car") == [("repeated_behaviour", "notes")]


def test_the_longer_of_two_phrases_starting_at_the_same_word_is_read() -> None:
    rule = NarrativeRule.build(
        [
            ("turned up", "repeated_behaviour", "turning up"),
            ("turned up at her work", "behaviour", "turning up"),
            ("followed up", "exclusion", "following"),
            ("followed", "behaviour", "following"),
        ]
    )
    # "turned up at her work" counts on its own; "turned up" alone needs a repetition.
    assert rule.read("he turned up at her work.").behaviours == ["turning up"]
    assert rule.read("he turned up.").behaviours == []
    assert rule.read("oic followed up with the witness.").behaviours == []
