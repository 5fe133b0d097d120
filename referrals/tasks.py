"""Celery wrappers: read the clock, call the sweep. Scheduled in stalking_hub/celery.py."""

from celery import shared_task
from django.utils import timezone

from referrals import reminders


@shared_task(name="referrals.chase_overdue_referrals")
def chase_overdue_referrals() -> int:
    return reminders.chase_overdue_referrals(now=timezone.now())


@shared_task(name="referrals.remind_advice_queue")
def remind_advice_queue() -> int:
    return reminders.remind_advice_queue(now=timezone.now())


@shared_task(name="referrals.remind_safety_plan_reviews")
def remind_safety_plan_reviews() -> int:
    return reminders.remind_safety_plan_reviews(now=timezone.now())
