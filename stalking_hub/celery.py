"""The Celery app and the beat schedule. The schedule lives here, in code, never in the DB."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stalking_hub.settings.base")

app = Celery("stalking_hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Proves beat and a worker are alive; /health/ reports workers separately.
    "heartbeat": {"task": "hub.heartbeat", "schedule": 60.0},
    # Publishes follow-up work that could not reach the broker when it was committed.
    "outbox-relay": {"task": "outbox.relay", "schedule": 30.0},
    # Removes expired sessions from the database every night.
    "clear-expired-sessions": {
        "task": "accounts.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
}


@app.task(name="hub.heartbeat")
def heartbeat() -> str:
    return "ok"
