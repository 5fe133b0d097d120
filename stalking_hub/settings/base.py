"""All settings live here, driven by the environment (HackSoft: "everything in base").

Fails closed: DEBUG is off unless set, and outside DEBUG a missing SECRET_KEY, ALLOWED_HOSTS or
DATABASE_URL stops start-up with ImproperlyConfigured. Every variable is documented in
docs/configuration.md and .env.example.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from foundation.accounts.oidc_config import (
    provider_logout_origins,
    read_providers,
    read_recheck_minutes,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env fills in what the real environment does not set (never overrides it).
if env.bool("HUB_READ_DOT_ENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG: bool = env.bool("DEBUG", default=False)


def _required_in_production(name: str, development_default: str) -> str:
    """Return the variable; without it, fall back only in development, else refuse to start."""
    value = env.str(name, default="")
    if value:
        return value
    if DEBUG:
        return development_default
    raise ImproperlyConfigured(
        f"{name} must be set when DEBUG is off (see docs/configuration.md and .env.example)."
    )


SECRET_KEY = _required_in_production("SECRET_KEY", "development-only-not-secret-" + "x" * 40)
ALLOWED_HOSTS: list[str] = _required_in_production(
    "ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]"
).split(",")
DATABASES = {
    "default": env.db_url_config(
        _required_in_production("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stalking_hub")
    )
}
# Persistent connections with a health check: reconnecting on every request more than halves
# the throughput of a simple table page on a 2-core machine.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("HUB_DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
# No JIT compilation: the restriction subqueries every case list carries make the planner's
# cost estimate pass jit_above_cost, and compiling then took 210 ms of a 250 ms case list at
# 100k cases (bench/README.md). The hub's queries are short; JIT never pays for itself here.
# No parallel query for the web's own connections (stalking_hub/wsgi.py sets
# HUB_DB_PARALLEL_WORKERS=0; Celery and manage.py keep the server's setting): a page's queries
# read a few thousand index entries at most, and starting parallel workers for them cost more
# than it saved (20 ms for a 1 ms count on the queue, bench/README.md) and takes the cores
# that concurrent requests need.
_parallel_workers = env.str("HUB_DB_PARALLEL_WORKERS", default="")
DATABASES["default"]["OPTIONS"].setdefault(
    "options",
    "-c jit=off"
    + (
        f" -c max_parallel_workers_per_gather={int(_parallel_workers)}" if _parallel_workers else ""
    ),
)

REDIS_URL: str = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")

INSTALLED_APPS = [
    "stalking_hub.apps.HubAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "pgtrigger",
    "pghistory",
    "foundation.accounts",
    "foundation.audit",
    "foundation.outbox",
    "foundation.records",
    "stalking_hub.demo",
    "cases",
    "risk",
    "referrals",
    "training",
    "clinic",
    "legal",
    "oversight",
    "learning",
    "stalking_hub.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "foundation.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "foundation.accounts.middleware.SessionLimitMiddleware",
    "foundation.accounts.middleware.SsoSessionCheckMiddleware",
    "foundation.accounts.middleware.RequireMFAMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "foundation.audit.middleware.AuditFailClosedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Axes must come last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "stalking_hub.urls"
WSGI_APPLICATION = "stalking_hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "stalking_hub.navigation.navigation",
            ],
            "builtins": ["foundation.lib.templatetags"],
        },
    },
]

# --- Identity ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    # Axes first so a locked-out username+IP never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# MFA for every account; off by default only in development so the demo logins work at once.
HUB_REQUIRE_MFA: bool = env.bool("HUB_REQUIRE_MFA", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("HUB_OTP_ISSUER", default="Stalking Hub")

# Single sign-on with each agency's identity provider (OpenID Connect), configured per provider
# from the environment (foundation/accounts/oidc_config.py, docs/configuration.md). Agencies
# without one keep local password + TOTP accounts.
HUB_OIDC_PROVIDERS = read_providers(env)
# An SSO session is re-checked with its provider (token refresh) this often; never over an hour.
HUB_OIDC_RECHECK_MINUTES: int = read_recheck_minutes(env)

# Lockout keyed on username + IP together: one person cannot lock out a whole force that sits
# behind a shared proxy address, and one address cannot guess at many usernames unnoticed.
AXES_FAILURE_LIMIT = env.int("HUB_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("HUB_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form posts the e-mail address in the field Django calls "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The address in that pair is the real client's: behind HUB_PROXY_COUNT trusted proxies it is
# read from X-Forwarded-For, right to left; with 0 the header is ignored (docs/deployment.md).
HUB_PROXY_COUNT: int = env.int("HUB_PROXY_COUNT", default=0)
if HUB_PROXY_COUNT < 0:
    raise ImproperlyConfigured("HUB_PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "foundation.accounts.lockout.client_ip"

# --- Sessions: 30-minute idle limit (cookie age renewed on every request), 12-hour absolute
# limit enforced by SessionLimitMiddleware. The DB store records the user so a leaver's
# sessions can all be ended at once.
SESSION_ENGINE = "foundation.accounts.sessions"
SESSION_COOKIE_AGE = env.int("HUB_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
HUB_SESSION_ABSOLUTE_HOURS: int = env.int("HUB_SESSION_ABSOLUTE_HOURS", default=12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Transport security (production = DEBUG off) --------------------------------------------
SECURE_COOKIES = not DEBUG
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
if SECURE_COOKIES:
    # __Host- cookies are bound to this host, https only, path / — no subdomain can set them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT: bool = env.bool("HUB_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("HUB_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD: bool = env.bool("HUB_HSTS_PRELOAD", default=False)
if env.bool("HUB_BEHIND_TLS_PROXY", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS: list[str] = env.list("HUB_CSRF_TRUSTED_ORIGINS", default=[])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    # Sign-out continues to a provider's own sign-out page where one is set to
    # (HUB_OIDC_<KEY>_LOGOUT_AT_PROVIDER): browsers apply form-action to that redirect.
    "form-action": [CSP.SELF, *provider_logout_origins(HUB_OIDC_PROVIDERS)],
    "frame-ancestors": [CSP.NONE],
}
# HSTS preload is a decision a force takes for its own domain (docs/configuration.md).
SILENCED_SYSTEM_CHECKS: list[str] = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files: Bootstrap comes from the django-bootstrap-static package at install time. --
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env.str("HUB_MEDIA_ROOT", default=str(BASE_DIR / "media")))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Per-process cache: the worker-ping figure on /health/ and other short-lived values. Kept out
# of Redis on purpose so a Redis outage cannot break page rendering.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- E-mail -----------------------------------------------------------------------------------
# EMAIL_URL (django-environ's form, e.g. smtp+tls://user:pass@host:587) becomes Django 6.1's
# MAILERS setting, which replaces the EMAIL_* settings.
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER") or None,
    "password": _email.get("EMAIL_HOST_PASSWORD") or None,
    "use_tls": bool(_email.get("EMAIL_USE_TLS")),
    "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
    "timeout": 10,
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": _smtp_options if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("HUB_FROM_EMAIL", default="stalking-hub@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: JSON only, late acknowledgement so a killed worker's task is redelivered. -------
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("HUB_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("HUB_TASK_TIME_LIMIT", default=660)
# A message not acknowledged within this window is redelivered (must exceed the time limit).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = False
# A web request hands follow-up work to the broker with one attempt bounded by this (ms), never
# Celery's retries: with Redis down a form would otherwise take about 6 s. The work is already
# in the outbox; the relay publishes what could not go (docs/background-work.md).
HUB_WEB_PUBLISH_TIMEOUT_MS: int = env.int("HUB_WEB_PUBLISH_TIMEOUT_MS", default=500)
if HUB_WEB_PUBLISH_TIMEOUT_MS < 1:
    raise ImproperlyConfigured("HUB_WEB_PUBLISH_TIMEOUT_MS must be at least 1 (milliseconds).")

# --- Our own ----------------------------------------------------------------------------------
# The address people reach the hub at, for links in e-mails (e.g. https://hub.force.example).
HUB_SITE_URL: str = env.str(
    "HUB_SITE_URL",
    default="http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].strip()}",
)
HUB_ENVIRONMENT_NAME: str = env.str("HUB_ENVIRONMENT_NAME", default="development" if DEBUG else "")
# Policing areas of this force; a log or party in any other area is cross-border.
HUB_HOME_AREAS: list[str] = [
    area.strip().upper()
    for area in env.list(
        "HUB_HOME_AREAS", default=["NS-NORTH", "NS-SOUTH", "NS-EAST", "NS-WEST", "NS-CITY"]
    )
]
# Information management (docs/information-management.md): crime-log copies on no case, not
# confirmed stalking and unchanged by the feed for this many years expire by rule; access
# records are kept this many years; the disposal job deletes this many records per transaction.
HUB_CRIME_LOG_EXPIRY_YEARS: int = env.int("HUB_CRIME_LOG_EXPIRY_YEARS", default=2)
HUB_ACCESS_RECORD_YEARS: int = env.int("HUB_ACCESS_RECORD_YEARS", default=7)
HUB_DISPOSAL_BATCH: int = env.int("HUB_DISPOSAL_BATCH", default=200)
if min(HUB_CRIME_LOG_EXPIRY_YEARS, HUB_ACCESS_RECORD_YEARS, HUB_DISPOSAL_BATCH) < 1:
    raise ImproperlyConfigured(
        "HUB_CRIME_LOG_EXPIRY_YEARS, HUB_ACCESS_RECORD_YEARS and HUB_DISPOSAL_BATCH "
        "must be 1 or more."
    )
# How often the tactical lead reviews each high-risk case's investigation (docs/oversight.md).
HUB_OVERSIGHT_REVIEW_DAYS: int = env.int("HUB_OVERSIGHT_REVIEW_DAYS", default=14)
# The folder the log sweep reads feed files from (every 15 minutes).
HUB_LOG_FEED_DIR = Path(env.str("HUB_LOG_FEED_DIR", default=str(BASE_DIR / "feeds" / "incoming")))
# The source name given to logs from the folder sweep (the feed's own `source` column wins).
HUB_LOG_FEED_SOURCE: str = env.str("HUB_LOG_FEED_SOURCE", default="rms")
# No feed file for this long alerts the coordinator: a silent feed is a failure.
HUB_FEED_STALE_HOURS: int = env.int("HUB_FEED_STALE_HOURS", default=26)
# An import that fails on the file itself is tried this many times in all, then marked failed
# and the coordinators and admins are e-mailed (docs/log-feed.md, "When an import fails").
HUB_FEED_MAX_FILE_ATTEMPTS: int = env.int("HUB_FEED_MAX_FILE_ATTEMPTS", default=3)
if HUB_FEED_MAX_FILE_ATTEMPTS < 1:
    raise ImproperlyConfigured("HUB_FEED_MAX_FILE_ATTEMPTS must be at least 1.")
# A re-import reads every stored digest once (16 bytes a log) up to this many logs; above it,
# Postgres is asked per batch (cases/feed/digests.py).
HUB_FEED_DIGEST_PRELOAD_LIMIT: int = env.int("HUB_FEED_DIGEST_PRELOAD_LIMIT", default=4_000_000)
HUB_HEALTH_WORKER_CACHE_SECONDS: int = env.int("HUB_HEALTH_WORKER_CACHE_SECONDS", default=15)
# How long writing an access record may wait for a lock or run (ms). Past it the page is not
# served (503): a blocked audit table must fail closed in a second, not hang every page.
HUB_AUDIT_TIMEOUT_MS: int = env.int("HUB_AUDIT_TIMEOUT_MS", default=1000)
if HUB_AUDIT_TIMEOUT_MS < 1:
    # 0 would mean "wait for ever" to Postgres.
    raise ImproperlyConfigured("HUB_AUDIT_TIMEOUT_MS must be at least 1 (milliseconds).")
# A directory outside the repository with the force's licensed instrument wording, one
# <instrument_key>.json per instrument (docs/risk-instruments.md). Empty: items show their key.
HUB_INSTRUMENT_WORDING_DIR: str = env.str("HUB_INSTRUMENT_WORDING_DIR", default="")
# Hours of continuing professional development each member of the hub's staff aims for a year.
HUB_CPD_TARGET_HOURS: int = env.int("HUB_CPD_TARGET_HOURS", default=30)
# Minutes of CPD a hub staff member or champion earns for acknowledging a bulletin
# (docs/learning.md).
HUB_BULLETIN_CPD_MINUTES: int = env.int("HUB_BULLETIN_CPD_MINUTES", default=15)

# The stalking clinic (docs/clinic.md): how long after a meeting its agenda's case shares last;
# the target for discussing a referral (days from referral); how far ahead schedules generate
# meetings (months).
HUB_CLINIC_SHARE_DAYS: int = env.int("HUB_CLINIC_SHARE_DAYS", default=14)
HUB_CLINIC_TARGET_DAYS: int = env.int("HUB_CLINIC_TARGET_DAYS", default=14)
HUB_CLINIC_GENERATE_MONTHS: int = env.int("HUB_CLINIC_GENERATE_MONTHS", default=6)

# The coordinator's dashboard (docs/dashboard.md): the open cases one coordinator or solicitor
# can own at once (the capacity page compares each caseload with it); the secret the
# evaluation export keys its pseudonyms with (HMAC-SHA256). Without it outside development the
# export refuses to run: pseudonyms keyed with a known value could be reversed by guessing.
HUB_CAPACITY_COORDINATOR_CASES: int = env.int("HUB_CAPACITY_COORDINATOR_CASES", default=60)
HUB_CAPACITY_SOLICITOR_CASES: int = env.int("HUB_CAPACITY_SOLICITOR_CASES", default=30)
HUB_EVALUATION_KEY: str = env.str(
    "HUB_EVALUATION_KEY", default="development-only-evaluation-key" if DEBUG else ""
)

# --- Logging: no personal data is ever logged; request ids tie log lines to access records. --
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("HUB_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # authlib logs token responses at DEBUG; keep it quiet whatever the root level.
        "authlib": {"level": "WARNING"},
        # WeasyPrint logs each layout step at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Restricted cases, break-glass and unusual access (docs/information-management-access.md):
# how long a break-glass access lasts (hours); the auditor's unusual-access rules — distinct
# cases a user consults in the night window (local hours, Europe/London), denied attempts
# within a window of minutes.
HUB_BREAK_GLASS_HOURS: int = env.int("HUB_BREAK_GLASS_HOURS", default=4)
HUB_UNUSUAL_NIGHT_CASES: int = env.int("HUB_UNUSUAL_NIGHT_CASES", default=20)
HUB_UNUSUAL_NIGHT_START_HOUR: int = env.int("HUB_UNUSUAL_NIGHT_START_HOUR", default=19)
HUB_UNUSUAL_NIGHT_END_HOUR: int = env.int("HUB_UNUSUAL_NIGHT_END_HOUR", default=7)
HUB_UNUSUAL_DENIED_ATTEMPTS: int = env.int("HUB_UNUSUAL_DENIED_ATTEMPTS", default=5)
HUB_UNUSUAL_DENIED_WINDOW_MINUTES: int = env.int("HUB_UNUSUAL_DENIED_WINDOW_MINUTES", default=60)
