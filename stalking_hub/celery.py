"""The Celery app and the beat schedule. The schedule lives here, in code, never in the DB."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stalking_hub.settings.base")

app = Celery("stalking_hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Lists records due for review under the retention rules, queues crime-log copies expired
    # by rule, disposes of queued records and of access records past their period (02:30 UTC).
    "review-retention": {
        "task": "records.review_retention",
        "schedule": crontab(hour=2, minute=30),
    },
    # Proves beat and a worker are alive; /health/ reports workers separately.
    "heartbeat": {"task": "hub.heartbeat", "schedule": 60.0},
    # Publishes follow-up work that could not reach the broker when it was committed.
    "outbox-relay": {"task": "outbox.relay", "schedule": 30.0},
    # Reads the crime-log feed folder, queues new files, alerts when the feed goes silent.
    "sweep-log-feed": {"task": "cases.sweep_log_feed", "schedule": crontab(minute="*/15")},
    # Publishes feed imports queued while the broker was down, interrupted ones, due retries.
    "dispatch-pending-imports": {"task": "cases.dispatch_pending_imports", "schedule": 60.0},
    # Chases referrals not accepted or declined within 2 working days (once a day, in hours).
    "chase-overdue-referrals": {
        "task": "referrals.chase_overdue_referrals",
        "schedule": crontab(minute="5,35"),
    },
    # Sends learning-bulletin e-mails a publish left unsent (broker down, a worker that died).
    "send-bulletin-emails": {
        "task": "learning.send_bulletin_emails",
        "schedule": crontab(minute="*/10"),
    },
    # Recomputes the recording-gap summary the team report reads (imports, review decisions and
    # risk assessments also refresh their months at once, through the outbox).
    "learning-refresh-gap-summary": {
        "task": "learning.refresh_gap_summary",
        "schedule": crontab(minute="5-59/10"),
    },
    # Warns the advice queue an hour of working time before a request is due, and when overdue.
    "remind-advice-queue": {
        "task": "referrals.remind_advice_queue",
        "schedule": crontab(minute="*/5"),
    },
    # Tells caseworkers their safety-plan reviews are due, each morning (07:00 UTC).
    "remind-safety-plan-reviews": {
        "task": "referrals.remind_safety_plan_reviews",
        "schedule": crontab(hour=7, minute=0),
    },
    # E-mails assessors and case owners whose risk reviews are due or overdue (06:30 UTC daily).
    "send-risk-review-reminders": {
        "task": "risk.send_review_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    # Tells people whose mandatory training expires within 60 days, once per expiry (06:45 UTC).
    "training-remind-refreshers": {
        "task": "training.remind_refreshers",
        "schedule": crontab(hour=6, minute=45),
    },
    # Warns trainers of sessions a week away with fewer bookings than the minimum (daily).
    "training-remind-underbooked": {
        "task": "training.remind_underbooked",
        "schedule": crontab(hour=7, minute=15),
    },
    # Tells people recorded as not attending (and their team's managers), every half hour.
    "training-notify-no-shows": {
        "task": "training.notify_no_shows",
        "schedule": crontab(minute="20,50"),
    },
    # Generates clinic meetings ahead from schedules, then allocates the waiting list (02:30 UTC).
    "clinic-nightly": {"task": "clinic.nightly", "schedule": crontab(hour=2, minute=30)},
    # Lists the day's unusual access for the auditor (07:40 UTC: after the night window ends
    # at 07:00 Europe/London in winter and summer alike).
    "find-unusual-access": {
        "task": "cases.find_unusual_access",
        "schedule": crontab(hour=7, minute=40),
    },
    # Chases overdue clinic actions: the day after the due date, then weekly (08:10 UTC daily).
    "chase-overdue-clinic-actions": {
        "task": "clinic.chase_overdue_actions",
        "schedule": crontab(hour=8, minute=10),
    },
    # Chases overdue directions to officers: the day after due, then weekly (07:15 UTC daily).
    "chase-overdue-directions": {
        "task": "oversight.chase_overdue_directions",
        "schedule": crontab(hour=7, minute=15),
    },
    # Reminds the solicitor of hearings (7 days and 1 day before) and renewal reviews (06:45 UTC).
    "send-legal-reminders": {
        "task": "legal.send_reminders",
        "schedule": crontab(hour=6, minute=45),
    },
    # Ends order files whose interim or fixed-term order lapsed before today (00:20 UTC daily).
    "end-lapsed-orders": {
        "task": "legal.end_lapsed_orders",
        "schedule": crontab(hour=0, minute=20),
    },
    # Recomputes the dashboard's summary tables (imports also refresh the log figures at once).
    "dashboard-refresh-figures": {
        "task": "dashboard.refresh_figures",
        "schedule": crontab(minute="*/10"),
    },
    # Recomputes every case's evaluation outcome for the evaluation page (imports also refresh
    # the cases their logs touch at once); at 100,000 cases a run takes about a minute.
    "dashboard-refresh-evaluation": {
        "task": "dashboard.refresh_evaluation",
        "schedule": crontab(minute="5,35"),
    },
    # Generates last month's report for the coordinator on the 1st (06:00 UTC); frozen once made.
    "dashboard-monthly-report": {
        "task": "dashboard.monthly_report",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    # Removes expired sessions from the database every night.
    "clear-expired-sessions": {
        "task": "accounts.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
}


@app.task(name="hub.heartbeat")
def heartbeat() -> str:
    return "ok"
