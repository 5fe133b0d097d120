import pytest

from stalking_hub import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_cached_workers():
    from django.core.cache import cache

    cache.delete(health.WORKERS_CACHE_KEY)


def test_health_needs_no_login_and_reports_db_audit_and_redis(client, monkeypatch):
    monkeypatch.setattr(health, "count_workers", lambda: 2)
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "audit": "ok",
        "redis": "ok",
        "celery_workers": 2,
    }


def test_redis_down_is_503(client, settings, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    monkeypatch.setattr(health, "count_workers", lambda: 1)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["redis"] == "unavailable"
    assert response.json()["celery_workers"] == 0


def test_database_down_is_503(client, monkeypatch):
    monkeypatch.setattr(health, "database_ok", lambda: False)
    monkeypatch.setattr(health, "count_workers", lambda: 1)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_audit_unavailable_is_503(client, monkeypatch):
    monkeypatch.setattr(health, "audit_writable", lambda: False)
    monkeypatch.setattr(health, "count_workers", lambda: 1)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["audit"] == "unavailable"


def test_no_worker_is_reported_but_does_not_make_web_unhealthy(client, monkeypatch):
    monkeypatch.setattr(health, "count_workers", lambda: 0)
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["celery_workers"] == 0


def test_worker_ping_is_cached_between_polls(client, monkeypatch):
    calls = []
    monkeypatch.setattr(health, "count_workers", lambda: calls.append(1) or 1)
    for _ in range(5):
        client.get("/health/")
    assert len(calls) == 1


def test_real_redis_answers():
    assert health.redis_ok() is True
