"""scripts/services.py: when `make run`/`make test` use the machine's servers or embedded ones.

The embedded servers themselves are exercised end to end by CI's embedded job
(`make embedded-check`); these tests pin the decision rules of the issue.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("hub_services", ROOT / "scripts" / "services.py")
assert spec
assert spec.loader
services = importlib.util.module_from_spec(spec)
sys.modules["hub_services"] = services
spec.loader.exec_module(services)

EXAMPLE_DB = "postgres://postgres@127.0.0.1:5432/stalking_hub"
EXAMPLE_REDIS = "redis://127.0.0.1:6379/0"


def configured(**env):
    return services.configured_services(env)


def test_development_defaults_are_unset_or_the_env_example_values():
    database, broker = configured(DEBUG="true")
    assert database.url == EXAMPLE_DB
    assert database.is_development_default
    assert broker.url == EXAMPLE_REDIS
    assert broker.is_development_default
    database, broker = configured(DEBUG="true", DATABASE_URL=EXAMPLE_DB, REDIS_URL=EXAMPLE_REDIS)
    assert database.is_development_default
    assert broker.is_development_default


def test_an_address_of_your_own_or_debug_off_is_not_a_development_default():
    database, _ = configured(DEBUG="true", DATABASE_URL="postgres://postgres@db.example/hub")
    assert not database.is_development_default
    database, broker = configured(DEBUG="false")
    assert not database.is_development_default
    assert not broker.is_development_default


@pytest.mark.parametrize(
    ("mode", "answering", "default", "expected"),
    [
        ("auto", True, True, "real"),
        ("auto", False, True, "embedded"),
        ("auto", False, False, "missing"),  # your own server is down: say so, start nothing
        ("never", False, True, "missing"),
        ("never", True, True, "real"),
        ("always", True, True, "embedded"),
        ("always", True, False, "embedded"),
    ],
)
def test_decision(mode, answering, default, expected):
    service = services.Service("PostgreSQL", "DATABASE_URL", EXAMPLE_DB, default)
    assert services.decide(mode, service, answering=answering) == expected


def test_answers_tells_a_listening_port_from_a_closed_one(unused_port):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert services.answers(listener.getsockname())
    assert not services.answers(("127.0.0.1", unused_port))


def test_missing_service_outside_development_defaults_prints_how_to_start_it(unused_port):
    """HUB_EMBEDDED_SERVICES=auto with your own (closed) addresses: today's message."""
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(ROOT / "scripts" / "services.py"), "exec", "--", "true"],
        env={
            "PATH": "/usr/bin:/bin",
            "HUB_READ_DOT_ENV": "false",
            "DEBUG": "true",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{unused_port}/x",
            "REDIS_URL": f"redis://127.0.0.1:{unused_port}/0",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"PostgreSQL is not answering on 127.0.0.1:{unused_port}" in result.stderr
    assert "Start it with: pg_ctlcluster" in result.stderr
    assert "(or set REDIS_URL to a reachable server)" in result.stderr
    assert "embedded" not in result.stdout


def test_unknown_mode_is_refused():
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(ROOT / "scripts" / "services.py"), "exec", "--", "true"],
        env={"PATH": "/usr/bin:/bin", "HUB_READ_DOT_ENV": "false", "HUB_EMBEDDED_SERVICES": "yes"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "auto, never, always" in result.stdout


def test_env_file_fills_in_what_the_environment_does_not_set(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text("# comment\nDEBUG=true\nREDIS_URL='redis://127.0.0.1:1/0'\n")
    monkeypatch.setattr(services, "ROOT", tmp_path)
    merged = services.effective_env({"REDIS_URL": "redis://real:6379/0"})
    assert merged["DEBUG"] == "true"
    assert merged["REDIS_URL"] == "redis://real:6379/0"  # the real environment wins
    assert "DEBUG" not in services.effective_env({"HUB_READ_DOT_ENV": "false"})


def test_embedded_server_that_fails_to_start_falls_back_to_how_to_start_the_real_one(
    tmp_path, monkeypatch, capsys
):
    for name, value in {
        "RUN_DIR": tmp_path,
        "PG_DATA": tmp_path / "postgres",
        "VALKEY_DATA": tmp_path / "valkey",
        "STATE_FILE": tmp_path / "services.json",
        "USERS_LOCK": tmp_path / "services.lock",
        "CONTROL_LOCK": tmp_path / "services.control.lock",
        "RUN_LOCK": tmp_path / "run.lock",
    }.items():
        monkeypatch.setattr(services, name, value, raising=False)
        # The servers' own module reads its paths from its globals.
        monkeypatch.setattr(sys.modules["embedded_servers"], name, value)

    def broken(preferred_port):
        raise services.ServiceError("initdb failed: out of disk")

    monkeypatch.setattr(services, "start_postgres", broken)
    monkeypatch.setenv("HUB_READ_DOT_ENV", "false")
    monkeypatch.setenv("HUB_EMBEDDED_SERVICES", "always")
    ran = []
    monkeypatch.setattr(services, "run_child", lambda command, env: ran.append(command) or 0)
    assert services.main(["exec", "--", "true"]) == 1
    err = capsys.readouterr().err
    assert "Could not start the embedded servers: initdb failed: out of disk" in err
    assert "Start it with: pg_ctlcluster" in err
    assert ran == []  # the command does not run against nothing
