"""/health/: cheap enough to poll. DB, the audit table and Redis are checked on every call; the
worker count is cached so that a load balancer polling every second cannot load the workers with
pings."""

from __future__ import annotations

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from foundation.audit.services import audit_writable

WORKERS_CACHE_KEY = "health:celery-workers"
CHECK_TIMEOUT_SECONDS = 1.0


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def audit_ok() -> bool:
    """Whether access records can be written now: every sensitive page needs one."""
    try:
        return audit_writable()
    except Exception:
        return False


def redis_ok() -> bool:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=CHECK_TIMEOUT_SECONDS,
        socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def count_workers() -> int:
    """Workers that answered a ping; 0 when none did or the broker is unreachable."""
    from stalking_hub.celery import app

    try:
        replies = app.control.ping(timeout=CHECK_TIMEOUT_SECONDS) or []
    except Exception:
        return 0
    return len(replies)


def cached_worker_count(*, broker_up: bool) -> int:
    if not broker_up:
        return 0
    workers = cache.get(WORKERS_CACHE_KEY)
    if workers is None:
        workers = count_workers()
        cache.set(WORKERS_CACHE_KEY, workers, settings.HUB_HEALTH_WORKER_CACHE_SECONDS)
    return int(workers)


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    db, broker = database_ok(), redis_ok()
    # Without the database there is no audit table to ask about.
    audit = db and audit_ok()
    workers = cached_worker_count(broker_up=broker)
    healthy = db and audit and broker
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": "ok" if db else "unavailable",
        # A locked audit table means every sensitive page answers 503 (it fails closed).
        "audit": "ok" if audit else "unavailable",
        "redis": "ok" if broker else "unavailable",
        # A missing worker is reported but does not make the web tier unhealthy.
        "celery_workers": workers,
    }
    return JsonResponse(body, status=200 if healthy else 503)
