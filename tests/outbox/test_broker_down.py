"""With the broker unreachable a submission that queues work still answers at once; the message
goes out through the real broker once it is back (the relay), and its work is done once.

These tests talk to the real Redis, under a key prefix of their own (kombu's
`global_keyprefix`): no worker of any other process can take their messages.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu import Connection

from foundation.outbox import services
from foundation.outbox.models import OutboxMessage
from foundation.outbox.tasks import run_outbox_message
from tests.factories.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-2026"
app = run_outbox_message.app


@pytest.fixture
def key_prefix(monkeypatch) -> Iterator[str]:
    """Every broker key this test writes carries its own prefix; removed afterwards."""
    prefix = f"test-outbox-{uuid.uuid4().hex}:"
    options = {**app.conf.broker_transport_options, "global_keyprefix": prefix}
    monkeypatch.setitem(app.conf, "broker_transport_options", options)
    yield prefix
    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def point_broker_at(monkeypatch, url: str) -> None:
    monkeypatch.setitem(app.conf, "broker_url", url)


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket is


@pytest.fixture
def silent_broker() -> Iterator[int]:
    """A port that accepts connections and never answers: a hung or half-open broker."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def change_password(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("accounts:password_change"),
            {
                "old_password": TEST_PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )


def take_from_broker(prefix: str) -> list[tuple[str, list[int]]]:
    """The task messages waiting in the default queue: (task name, args)."""
    taken = []
    with (
        Connection(settings.REDIS_URL, transport_options={"global_keyprefix": prefix}) as conn,
        conn.SimpleQueue(app.conf.task_default_queue) as queue,
    ):
        while True:
            try:
                # Publishing returned only once Redis had the message: it is there already.
                message = queue.get_nowait()
            except queue.Empty:
                break
            args, _kwargs, _embed = message.payload
            taken.append((message.headers["task"], args))
            message.ack()
    return taken


def test_with_the_broker_down_a_submission_answers_at_once_and_its_message_goes_later(
    client, officer, monkeypatch, key_prefix, closed_port, django_capture_on_commit_callbacks
):
    point_broker_at(monkeypatch, f"redis://127.0.0.1:{closed_port}/0")
    started = time.monotonic()
    response = change_password(client, officer, django_capture_on_commit_callbacks)
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 1.0
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    message = OutboxMessage.objects.get()
    assert message.published_at is None
    assert "publish failed" in message.last_error
    assert mail.outbox == []

    # The broker is back: the relay publishes through it; a worker takes the message and
    # runs it (twice, as a redelivery would): the e-mail goes once.
    point_broker_at(monkeypatch, settings.REDIS_URL)
    assert services.relay(now=timezone.now()) == 1
    delivered = take_from_broker(key_prefix)
    assert delivered == [("outbox.run_message", [message.pk])]
    for _name, args in delivered * 2:
        run_outbox_message(*args)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [officer.email]
    message.refresh_from_db()
    assert message.completed_at is not None
    assert message.last_error == ""
    assert services.relay(now=timezone.now()) == 0


def test_a_broker_that_accepts_but_never_answers_holds_a_submission_only_briefly(
    client, officer, monkeypatch, key_prefix, silent_broker, django_capture_on_commit_callbacks
):
    point_broker_at(monkeypatch, f"redis://127.0.0.1:{silent_broker}/0")
    started = time.monotonic()
    response = change_password(client, officer, django_capture_on_commit_callbacks)
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < settings.HUB_WEB_PUBLISH_TIMEOUT_MS / 1000 + 1.0
    assert OutboxMessage.objects.get().published_at is None


def test_with_the_broker_up_the_message_is_published_at_once_after_commit(
    client, officer, monkeypatch, key_prefix, django_capture_on_commit_callbacks
):
    point_broker_at(monkeypatch, settings.REDIS_URL)
    change_password(client, officer, django_capture_on_commit_callbacks)

    message = OutboxMessage.objects.get()
    assert message.published_at is not None
    assert take_from_broker(key_prefix) == [("outbox.run_message", [message.pk])]
    assert services.relay(now=timezone.now()) == 0  # nothing left for the relay
