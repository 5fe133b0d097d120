"""A lock on the audit table fails closed within HUB_AUDIT_TIMEOUT_MS, not after minutes."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection, transaction

from foundation.audit.models import AccessRecord
from foundation.audit.services import AuditUnavailable, audit_writable, record_access
from stalking_hub import health

TABLE = AccessRecord._meta.db_table


@pytest.fixture
def audit_table_locked(db) -> Iterator[None]:
    """Another session holds the audit table as a migration or a VACUUM FULL would."""
    other = psycopg.connect(**connection.get_connection_params())
    with other.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
    yield
    other.rollback()
    other.close()


def timeouts() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('lock_timeout'), current_setting('statement_timeout')"
        )
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.audit.urls")
def test_a_locked_audit_table_gives_the_503_page_within_about_a_second(
    client, coordinator, home_force, audit_table_locked
):
    client.force_login(coordinator)
    started = time.monotonic()
    response = client.get(f"/agency/{home_force.pk}/")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert b"cannot be shown" in response.content
    assert b"SECRET-" not in response.content
    assert elapsed < 2.5


@pytest.mark.django_db(transaction=True)
def test_health_says_the_audit_is_unavailable_while_its_table_is_locked(
    client, audit_table_locked, monkeypatch
):
    monkeypatch.setattr(health, "count_workers", lambda: 1)
    started = time.monotonic()
    response = client.get("/health/")
    assert time.monotonic() - started < 2.5
    assert response.status_code == 503
    assert response.json()["audit"] == "unavailable"
    assert response.json()["database"] == "ok"


def test_the_timeout_is_the_setting(coordinator, settings, audit_table_locked):
    settings.HUB_AUDIT_TIMEOUT_MS = 200
    started = time.monotonic()
    with pytest.raises(AuditUnavailable):
        record_access(user=coordinator, action="consult", object_type="case", object_id=1)
    assert time.monotonic() - started < 1.0


def test_the_audit_timeouts_do_not_leak_into_the_callers_transaction(coordinator):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '7s'")
        before = timeouts()
        record_access(user=coordinator, action="consult", object_type="case", object_id=1)
        assert timeouts() == before == ("7s", "0")
    assert AccessRecord.objects.filter(object_id="1").exists()


def test_a_failed_audit_write_leaves_the_callers_timeouts_and_transaction_usable(
    coordinator, audit_table_locked
):
    before = timeouts()
    with pytest.raises(AuditUnavailable):
        record_access(user=coordinator, action="consult", object_type="case", object_id=1)
    assert timeouts() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the caller's transaction is not aborted
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_timeouts_end_with_the_write(coordinator):
    before = timeouts()
    record_access(user=coordinator, action="consult", object_type="case", object_id=1)
    assert timeouts() == before


def test_the_health_probe_writes_nothing_and_keeps_no_lock(db):
    assert audit_writable() is True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks"
            " WHERE pid = pg_backend_pid() AND relation = %s::regclass",
            [TABLE],
        )
        assert cursor.fetchone() == (0,)
    assert not AccessRecord.objects.exists()
