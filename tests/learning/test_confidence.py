"""The victim's confidence in the police at ISAC intake and exit, and "what would have helped"."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from cases.models import CaseParty, PartyRole
from learning.models import LearningPoint
from referrals.models import OutcomeMeasure
from stalking_hub.dashboard.evaluation import EXPORT_COLUMNS, export_csv
from tests.factories import PersonFactory, ReferralFactory
from tests.factories.referrals import OutcomeMeasureFactory

pytestmark = pytest.mark.django_db

ANSWERS = {"abuse": "continuing", "feels_safe": "2", "quality_of_life": "3"}


@pytest.fixture
def referral(isac, isac_service):
    return ReferralFactory(agency=isac_service, active=True, caseworker=isac)


def measure(referral, isac, stage: str, **answers) -> OutcomeMeasure:
    """An intake (abuse continuing, 2s) or exit (abuse stopped, 4s) with these answers."""
    intake = stage == "intake"
    return OutcomeMeasure.objects.create(
        referral=referral,
        stage=stage,
        abuse="continuing" if intake else "stopped",
        feels_safe=2 if intake else 4,
        quality_of_life=2 if intake else 4,
        recorded_by=isac,
        **answers,
    )


def test_intake_records_confidence_and_what_would_have_helped(client, isac, referral):
    client.force_login(isac)
    url = reverse("referrals:intake_outcome", args=[referral.pk])
    response = client.post(
        url,
        {
            **ANSWERS,
            "police_confidence": "2",
            "what_would_have_helped": "Being told what happened after the first report.",
        },
    )
    assert response.status_code == 302
    measure = OutcomeMeasure.objects.get(referral=referral, stage="intake")
    assert (measure.police_confidence, measure.confidence_declined) == (2, False)
    assert measure.what_would_have_helped.startswith("Being told")
    page = client.get(reverse("referrals:casework", args=[referral.pk])).content.decode()
    assert "Confidence in the police" in page
    assert "Add a learning point" in page
    # Declined to answer is an answer.
    client.post(url, {**ANSWERS, "police_confidence": "declined"})
    measure.refresh_from_db()
    assert (measure.police_confidence, measure.confidence_declined) == (None, True)


def test_the_confidence_question_must_be_answered(client, isac, referral):
    client.force_login(isac)
    response = client.post(reverse("referrals:intake_outcome", args=[referral.pk]), {**ANSWERS})
    assert response.status_code == 200
    assert not OutcomeMeasure.objects.exists()
    bad = client.post(
        reverse("referrals:intake_outcome", args=[referral.pk]),
        {**ANSWERS, "police_confidence": "9"},
    )
    assert bad.status_code == 200
    assert not OutcomeMeasure.objects.exists()


def test_the_evaluation_export_carries_the_scores(settings, referral, isac):
    settings.HUB_EVALUATION_KEY = "test-key"
    measure(referral, isac, "intake", police_confidence=2)
    measure(
        referral,
        isac,
        "exit",
        confidence_declined=True,
        what_would_have_helped="Free text never leaves in the export.",
    )
    text, _ = export_csv(now=datetime(2030, 1, 1, tzinfo=UTC), include_short=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    [row] = [r for r in rows if r["police_confidence_intake"]]
    assert (row["police_confidence_intake"], row["police_confidence_exit"]) == ("2", "declined")
    assert "Free text" not in text


def test_figures_count_gaps_points_reach_and_confidence(coordinator, isac, referral):
    from datetime import date, timedelta

    from django.utils import timezone

    from learning import figures
    from learning.models import Bulletin, BulletinRecipient, LearningPoint
    from tests.learning.conftest import decided

    now = timezone.now()
    month = timezone.localdate(now).replace(day=1)
    decided(officer="PC1", at=now, tagged=True)
    decided(officer="PC1", at=now, tagged=False)
    LearningPoint.objects.create(
        theme="victim_voice",
        source_kind="isac_feedback",
        source_id=referral.pk,
        text="Victims want to hear what happened.",
        raised_by=isac,
    )
    bulletin = Bulletin.objects.create(
        title="T",
        body="B",
        audience="everyone",
        created_by=coordinator,
        state="published",
        published_at=now,
    )
    BulletinRecipient.objects.create(bulletin=bulletin, user=isac, acknowledged_at=now)
    BulletinRecipient.objects.create(
        bulletin=bulletin, user=coordinator, acknowledged_at=now + timedelta(days=20)
    )
    measure(referral, isac, "intake", police_confidence=2)
    measure(referral, isac, "exit", police_confidence=5)
    first = date(month.year - 1, month.month, 1)
    assert figures.decided_by_month(first, month)[month] == 2
    assert figures.decided_tagged_by_month(first, month)[month] == 1
    assert figures._points_of("victim_voice")(first, month)[month] == 1
    assert figures.bulletin_recipients_by_month(first, month)[month] == 2
    assert figures.bulletin_reached_by_month(first, month)[month] == 1
    assert figures._confident_at("intake")(first, month).get(month, 0) == 0
    assert figures._confident_at("exit")(first, month)[month] == 1


def test_what_would_have_helped_prefills_a_victim_voice_point_with_the_same_name_check(
    client, isac, referral, outsider_isac
):
    victim = PersonFactory(name="Rosalind Quenby")
    CaseParty.objects.create(case=referral.case, person=victim, role=PartyRole.VICTIM)
    answer = "Ms Quenby wanted one officer who knew her case instead of five."
    OutcomeMeasureFactory(referral=referral, exit=True, what_would_have_helped=answer)
    client.force_login(isac)
    casework = client.get(reverse("referrals:casework", args=[referral.pk])).content.decode()
    assert "Make the exit answer a learning point" in casework
    assert "Make the intake answer a learning point" not in casework  # no intake answer
    url = reverse("learning:point_add")
    params = {"source": "isac_feedback", "id": referral.pk, "answer": "exit"}
    page = client.get(url, params).content.decode()
    assert "instead of five." in page  # the victim's answer, as the text to start from
    assert '<option value="victim_voice" selected>' in page
    # Sent as it is, the answer names the victim: refused as any point is, nothing saved.
    posted = {"source": "isac_feedback", "id": referral.pk, "theme": "victim_voice"}
    refused = client.post(url, {**posted, "text": answer})
    assert refused.status_code == 200
    assert "a party&#x27;s name" in refused.content.decode()
    assert not LearningPoint.objects.exists()
    edited = "The victim wanted one officer who knew her case instead of five."
    assert client.post(url, {**posted, "text": edited}).status_code == 302
    point = LearningPoint.objects.get()
    assert (point.theme, point.source_kind, point.text) == ("victim_voice", "isac_feedback", edited)
    # Another service's ISAC: the referral's door refuses, and the answer is not shown.
    client.force_login(outsider_isac)
    denied = client.get(url, params)
    assert denied.status_code == 404
    assert "instead of five" not in denied.content.decode()
