"""The outbox: a user action saves even when Redis is down; the work runs exactly once later."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from foundation.accounts.notifications import send_password_changed_email
from foundation.outbox import services
from foundation.outbox.models import OutboxMessage
from foundation.outbox.tasks import run_outbox_message
from tests.factories.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-2026"


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(run_outbox_message, "apply_async", refuse)


@pytest.fixture
def published(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(run_outbox_message, "apply_async", lambda args, **kw: sent.append(args[0]))
    return sent


def change_password(client, user):
    client.force_login(user)
    return client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )


def test_form_saves_while_the_broker_is_down_and_work_is_done_once_it_returns(
    client, officer, broker_down, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        response = change_password(client, officer)
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)  # the user's action succeeded
    message = OutboxMessage.objects.get()
    assert message.published_at is None
    assert "publish failed" in message.last_error
    assert mail.outbox == []

    # Redis is back: beat runs the relay, which publishes; the worker runs it (twice, as a
    # redelivery would) and the e-mail goes exactly once.
    sent: list[int] = []
    monkeypatch.setattr(run_outbox_message, "apply_async", lambda args, **kw: sent.append(args[0]))
    assert services.relay(now=timezone.now()) == 1
    assert sent == [message.pk]
    assert run_outbox_message(message.pk) is True
    assert run_outbox_message(message.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [officer.email]
    assert "password was changed" in mail.outbox[0].subject
    message.refresh_from_db()
    assert message.completed_at is not None
    assert services.relay(now=timezone.now()) == 0


def test_published_message_is_not_republished_until_its_lease_lapses(officer, published):
    message = services.enqueue(send_password_changed_email, user_id=officer.pk)
    now = timezone.now()
    assert services.relay(now=now) == 1
    assert services.relay(now=now + timedelta(minutes=1)) == 0
    assert services.relay(now=now + services.PUBLISH_LEASE + timedelta(seconds=1)) == 1
    assert published == [message.pk, message.pk]


def test_two_relays_never_claim_the_same_message(officer):
    message = services.enqueue(send_password_changed_email, user_id=officer.pk)
    now = timezone.now()
    assert services.claim_unpublished(now=now) == [message.pk]
    assert services.claim_unpublished(now=now) == []


def test_a_handler_that_fails_leaves_the_message_to_run_again(officer, monkeypatch):
    message = services.enqueue(send_password_changed_email, user_id=officer.pk)

    def explode(**kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setitem(services._registry, "accounts.send_password_changed_email", explode)
    with pytest.raises(ConnectionError):
        services.run_message(message_id=message.pk)
    message.refresh_from_db()
    assert message.completed_at is None


def test_only_declared_handlers_can_be_enqueued():
    def not_a_handler(**kwargs):
        pass

    with pytest.raises(services.NotAnOutboxHandler):
        services.enqueue(not_a_handler)
    assert not OutboxMessage.objects.exists()


def test_enqueue_publishes_after_commit(officer, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = services.enqueue(send_password_changed_email, user_id=officer.pk)
    assert published == []  # nothing reaches the broker before the transaction commits
    assert len(callbacks) == 1
    callbacks[0]()
    assert published == [message.pk]


def test_a_message_stores_the_handler_s_registered_name_not_its_python_path(officer):
    message = services.enqueue(send_password_changed_email, user_id=officer.pk)

    assert message.handler == "accounts.send_password_changed_email"


def test_a_function_without_the_decorator_cannot_be_enqueued(officer):
    def plain(**kwargs):
        return None

    with pytest.raises(services.NotAnOutboxHandler):
        services.enqueue(plain, user_id=officer.pk)


def test_a_message_naming_no_registered_handler_is_refused_not_imported(officer):
    message = OutboxMessage.objects.create(handler="os.system", kwargs={})

    with pytest.raises(services.NotAnOutboxHandler):
        services.run_message(message_id=message.pk)
