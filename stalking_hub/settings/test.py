"""Test overrides: speed and determinism only; everything else comes from base."""

import os
from pathlib import Path

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# A checkout's .env may name its own database (several checkouts on one machine, each with its
# own); the tests then use that database's test_ twin. Only DATABASE_URL is taken from .env
# here: the test defaults above and below win over the rest of it, as before.
_DOTENV = Path(__file__).resolve().parents[2] / ".env"
if "DATABASE_URL" not in os.environ and _DOTENV.exists():
    for _line in _DOTENV.read_text().splitlines():
        if _line.startswith("DATABASE_URL="):
            os.environ["DATABASE_URL"] = _line.removeprefix("DATABASE_URL=").strip()
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stalking_hub")
os.environ.setdefault("HUB_SSL_REDIRECT", "false")
os.environ.setdefault("HUB_REQUIRE_MFA", "false")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("HUB_EVALUATION_KEY", "test-only-evaluation-key")
# Playwright's sync API runs an event loop in the test thread; live_server tests need this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from .base import *  # noqa: F403, E402
from .base import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests drive the broker explicitly; a dead broker must fail fast, not hang the suite.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_MAX_RETRIES = 0
# Tests never run collectstatic: WhiteNoise serves the app's static files from the finders
# (so the browser tests get Bootstrap), and there is no STATIC_ROOT to scan.
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
