"""/health/: cheap enough to poll. DB and Redis are checked on every call; the worker count is
cached so that a load balancer polling every second cannot load the workers with pings."""

from __future__ import annotations

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

WORKERS_CACHE_KEY = "health:celery-workers"
CHECK_TIMEOUT_SECONDS = 1.0


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
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
    workers = cached_worker_count(broker_up=broker)
    body = {
        "status": "ok" if db and broker else "unavailable",
        "database": "ok" if db else "unavailable",
        "redis": "ok" if broker else "unavailable",
        # A missing worker is reported but does not make the web tier unhealthy.
        "celery_workers": workers,
    }
    return JsonResponse(body, status=200 if db and broker else 503)
