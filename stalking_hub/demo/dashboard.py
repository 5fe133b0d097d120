"""The dashboard's demo figures (idempotent).

The other demo seeds cover a year of logs, clinic meetings and training but only the recent
advice requests; so the dashboard's demand chart and the monthly report have a year behind
them, this adds a year of answered advice requests from the demo officers and champions
(synthetic questions, a few a week, more after the spring training push), then computes the
summary tables and last month's report (frozen: a second run returns it unchanged).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from foundation.accounts.models import User
from foundation.lib.working_time import subtract_working_time
from referrals.models import AdviceCategory, AdviceRequest
from referrals.services.advice import DUE_SOON_NOTICE, due_at_for
from stalking_hub.dashboard.evaluation import refresh_outcomes
from stalking_hub.dashboard.report import generate_report, previous_month
from stalking_hub.dashboard.summary import refresh_figures
from stalking_hub.demo.accounts import demo_email

# Marks the history this module adds, so a second run adds nothing.
HISTORY_QUESTION = "Demo history: "
TOPICS = (
    (AdviceCategory.RECORDING, "should this be recorded as stalking rather than harassment?"),
    (AdviceCategory.RISK, "does a new threat mean the risk assessment must be repeated?"),
    (AdviceCategory.INVESTIGATION, "what evidence of a course of conduct should I gather?"),
    (AdviceCategory.SAFEGUARDING, "who should I tell about the children in the household?"),
    (AdviceCategory.SPO_LEGAL, "is an interim SPO worth applying for here?"),
)
ANSWER = "Answered by the hub (demo history)."


def _seed_advice_history(now: datetime) -> int:
    if AdviceRequest.objects.filter(question__startswith=HISTORY_QUESTION).exists():
        return 0
    askers = list(
        User.objects.filter(
            email__in=[demo_email(name) for name in ("officer", "champion", "enhanced")]
        )
    )
    answerer = User.objects.filter(email=demo_email("coordinator")).first()
    if not askers or answerer is None:
        return 0
    rng = random.Random(15)
    rows: list[AdviceRequest] = []
    for weeks_ago in range(52, 3, -1):
        # More questions in the weeks after the spring push (20-30 weeks ago).
        for _ in range(rng.randint(3, 6) if 20 <= weeks_ago <= 30 else rng.randint(1, 3)):
            submitted = now - timedelta(weeks=weeks_ago, hours=rng.randint(0, 100))
            category, text = rng.choice(TOPICS)
            urgency = rng.choice(
                [AdviceRequest.Urgency.ROUTINE] * 4 + [AdviceRequest.Urgency.URGENT]
            )
            due = due_at_for(urgency=urgency, submitted_at=submitted)
            rows.append(
                AdviceRequest(
                    requester=rng.choice(askers),
                    category=category,
                    urgency=urgency,
                    question=HISTORY_QUESTION + text,
                    submitted_at=submitted,
                    due_at=due,
                    due_soon_at=subtract_working_time(due, DUE_SOON_NOTICE),
                    answer=ANSWER,
                    answered_by=answerer,
                    answered_at=submitted + (due - submitted) * rng.uniform(0.2, 1.2),
                )
            )
    AdviceRequest.objects.bulk_create(rows)
    return len(rows)


def seed_dashboard() -> None:
    now = timezone.now()
    with transaction.atomic():
        _seed_advice_history(now)
        refresh_figures(now=now)
    refresh_outcomes(now=now)
    generate_report(month=previous_month(now), now=now)
