"""Settings fail closed: production without required variables refuses to start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_base(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "HUB_"))
    }
    clean.update(env)
    clean["HUB_READ_DOT_ENV"] = "false"
    clean["DJANGO_SETTINGS_MODULE"] = "stalking_hub.settings.base"
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_without_a_required_variable_refuses_to_start(missing):
    env = {
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "hub.example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/stalking_hub",
    }
    del env[missing]
    result = load_base(env)
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off" in result.stderr


def test_debug_is_off_unless_set():
    result = load_base(
        {
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "hub.example.org",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/stalking_hub",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


PRODUCTION = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "hub.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/stalking_hub",
}


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("HUB_PROXY_COUNT", "-1", "HUB_PROXY_COUNT must be 0 or more"),
        ("HUB_AUDIT_TIMEOUT_MS", "0", "HUB_AUDIT_TIMEOUT_MS must be at least 1"),
        ("HUB_WEB_PUBLISH_TIMEOUT_MS", "0", "HUB_WEB_PUBLISH_TIMEOUT_MS must be at least 1"),
    ],
)
def test_a_setting_that_would_open_a_hole_refuses_to_start(variable, value, message):
    result = load_base({**PRODUCTION, variable: value})
    assert result.returncode != 0
    assert message in result.stderr
