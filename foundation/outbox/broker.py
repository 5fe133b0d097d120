"""Broker connections for publishing. A web request never waits long on the broker.

Celery's defaults suit a worker, which may wait and retry: with the broker unreachable, one
publish takes about six seconds (kombu retries the connection for `broker_connection_timeout`).
A user's form submission must not. Work handed over from a request is already safe in the
outbox, so the request makes one short attempt and leaves the rest to the relay.
"""

from __future__ import annotations

from celery import Celery
from django.conf import settings
from kombu import Connection


def web_publish_connection(app: Celery) -> Connection:
    """A producer connection that gives up after HUB_WEB_PUBLISH_TIMEOUT_MS and never retries.

    Connecting, and each reply awaited from the broker, are bounded by the timeout: a closed port
    fails at once, a broker that accepts but does not answer fails after the timeout. Use it as a
    context manager (it opens lazily and is closed on exit).
    """
    timeout = settings.HUB_WEB_PUBLISH_TIMEOUT_MS / 1000
    return app.connection_for_write(
        connect_timeout=timeout,
        transport_options={
            "max_retries": 0,  # kombu: no second connection attempt
            "socket_connect_timeout": timeout,  # redis-py: the TCP connect
            "socket_timeout": timeout,  # redis-py: each command's reply
            "retry_on_timeout": False,
        },
    )
