"""Bulletins: composed from accepted points, published to an audience, e-mailed once (a link
only), acknowledged once towards CPD, rendered safely, archived by theme."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from foundation.accounts.models import Role
from foundation.outbox.models import OutboxMessage
from learning import services
from learning.formatting import render_bulletin
from learning.models import Bulletin, BulletinRecipient, LearningPoint
from learning.notifications import LEASE, send_bulletin_emails
from tests.factories import CaseFactory, UserFactory
from tests.factories.referrals import GuidanceFactory
from training.models import CpdActivity

pytestmark = pytest.mark.django_db


def _point(coordinator, theme="recording", text="Record repeated unwanted contact as stalking."):
    return LearningPoint.objects.create(
        theme=theme,
        source_kind="case_closure",
        source_id=CaseFactory().pk,
        text=text,
        state=LearningPoint.State.ACCEPTED,
        raised_by=coordinator,
    )


@pytest.fixture
def champions(home_force):
    return [
        UserFactory(roles=[Role.CHAMPION], agency=home_force, email=f"champ{i}@force.example")
        for i in range(3)
    ]


def _published(coordinator, champions, **extra):
    bulletin = services.compose_bulletin(
        title="Recording stalking",
        body="Two lessons.",
        points=[_point(coordinator), _point(coordinator, theme="risk_assessment")],
        audience="champions",
        by=coordinator,
        **extra,
    )
    services.publish_bulletin(bulletin=bulletin, by=coordinator)
    return bulletin


def test_compose_from_two_points_and_publish_through_the_pages(client, coordinator, champions):
    first, second = _point(coordinator), _point(coordinator, theme="safeguarding")
    client.force_login(coordinator)
    response = client.post(
        reverse("learning:bulletin_create"),
        {
            "title": "What the hub learned in May",
            "body": "Read both points.",
            "points": [first.pk, second.pk],
            "audience": "champions",
        },
    )
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302
    client.post(reverse("learning:bulletin_publish", args=[bulletin.pk]))
    bulletin.refresh_from_db()
    assert bulletin.state == Bulletin.State.PUBLISHED
    assert set(bulletin.recipients.values_list("user", flat=True)) == {c.pk for c in champions}
    assert OutboxMessage.objects.filter(handler="learning.send_bulletin_emails").count() == 1


def test_a_proposed_point_cannot_go_into_a_bulletin(coordinator):
    point = _point(coordinator)
    point.state = LearningPoint.State.PROPOSED
    point.save()
    with pytest.raises(services.LearningError, match="Only accepted"):
        services.compose_bulletin(
            title="T", body="B", points=[point], audience="everyone", by=coordinator
        )


def test_an_audience_that_resolves_to_nobody_is_refused_before_publishing(client, coordinator):
    bulletin = services.compose_bulletin(
        title="For enhanced champions",
        body="Text.",
        points=[_point(coordinator)],
        audience="enhanced",
        by=coordinator,
    )
    client.force_login(coordinator)
    response = client.post(reverse("learning:bulletin_publish", args=[bulletin.pk]), follow=True)
    assert "That audience has nobody in it today" in response.content.decode()
    bulletin.refresh_from_db()
    assert bulletin.state == Bulletin.State.DRAFT
    assert not BulletinRecipient.objects.exists()
    assert not OutboxMessage.objects.filter(handler="learning.send_bulletin_emails").exists()


def test_emails_go_once_under_two_runs_and_carry_a_link_only(coordinator, champions):
    bulletin = _published(coordinator, champions)
    now = timezone.now()
    first = send_bulletin_emails(now=now, bulletin_id=bulletin.pk)
    second = send_bulletin_emails(now=now, bulletin_id=bulletin.pk)
    assert (first, second) == (3, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in champions)
    body = mail.outbox[0].body
    assert reverse("learning:bulletin", args=[bulletin.pk]) in body
    assert "Recording stalking" not in body
    assert "Two lessons" not in body


def test_a_worker_that_died_mid_send_loses_nothing(coordinator, champions):
    bulletin = _published(coordinator, champions)
    now = timezone.now()
    # A worker claimed the first e-mail and died before sending it.
    dead = BulletinRecipient.objects.filter(bulletin=bulletin).order_by("pk").first()
    BulletinRecipient.objects.filter(pk=dead.pk).update(email_claimed_at=now)
    assert send_bulletin_emails(now=now) == 2  # the others; the claimed one waits
    assert send_bulletin_emails(now=now + LEASE + timedelta(seconds=1)) == 1
    assert len(mail.outbox) == 3
    assert not BulletinRecipient.objects.filter(emailed_at__isnull=True).exists()


@override_settings(HUB_BULLETIN_CPD_MINUTES=30)
def test_acknowledging_twice_counts_once_towards_cpd(client, coordinator, champions):
    bulletin = _published(coordinator, champions)
    reader = champions[0]
    client.force_login(reader)
    page = client.get(reverse("learning:bulletin", args=[bulletin.pk]))
    assert "I have read this bulletin" in page.content.decode()
    client.post(reverse("learning:bulletin_acknowledge", args=[bulletin.pk]))
    again = client.post(reverse("learning:bulletin_acknowledge", args=[bulletin.pk]), follow=True)
    assert "acknowledged this bulletin already" in again.content.decode()
    [activity] = CpdActivity.objects.filter(user=reader)
    assert str(activity.hours) == "0.50"
    assert BulletinRecipient.objects.get(bulletin=bulletin, user=reader).acknowledged_at


def test_an_officer_acknowledges_without_cpd(coordinator, officer):
    bulletin = services.compose_bulletin(
        title="Everyone",
        body="Text.",
        points=[_point(coordinator)],
        audience="everyone",
        by=coordinator,
    )
    services.publish_bulletin(bulletin=bulletin, by=coordinator)
    receipt = BulletinRecipient.objects.get(bulletin=bulletin, user=officer)
    assert services.acknowledge_bulletin(recipient=receipt, by=officer)
    assert not CpdActivity.objects.filter(user=officer).exists()


def test_markup_and_script_show_as_text():
    html = render_bulletin(
        "<script>alert(1)</script>\n**Record it** as stalking.\n\n- first\n- <b>second</b>"
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>Record it</strong>" in html
    assert "<li>&lt;b&gt;second&lt;/b&gt;</li>" in html


def test_only_recipients_open_a_bulletin(client, coordinator, champions, officer, trainer):
    bulletin = _published(coordinator, champions)
    client.force_login(officer)
    assert client.get(reverse("learning:bulletin", args=[bulletin.pk])).status_code == 404
    assert (
        client.post(reverse("learning:bulletin_acknowledge", args=[bulletin.pk])).status_code == 404
    )
    client.force_login(champions[1])
    assert client.get(reverse("learning:bulletin", args=[bulletin.pk])).status_code == 200
    assert client.post(reverse("learning:bulletin_publish", args=[bulletin.pk])).status_code == 404


def test_archive_searches_by_theme_and_lists_standing_guidance(client, coordinator, champions):
    bulletin = _published(coordinator, champions)
    GuidanceFactory(title="Recording a course of conduct", category="recording", is_published=True)
    GuidanceFactory(title="When to refer to the clinic", category="risk", is_published=True)
    client.force_login(champions[0])
    page = client.get(reverse("learning:bulletins"), {"theme": "recording"}).content.decode()
    assert bulletin.title in page
    assert "Recording a course of conduct" in page
    assert "When to refer to the clinic" not in page
    none = client.get(reverse("learning:bulletins"), {"theme": "partnership"}).content.decode()
    assert bulletin.title not in none
    words = client.get(reverse("learning:bulletins"), {"q": "lessons"}).content.decode()
    assert bulletin.title in words
