"""The auditor's unusual-access rules, run daily over the access audit (issue 19, section 5;
docs/information-management-access.md). Each rule has a setting and a default:

- NIGHT_CASES: a user consulting HUB_UNUSUAL_NIGHT_CASES (20) or more distinct cases between
  HUB_UNUSUAL_NIGHT_START_HOUR (19:00) and HUB_UNUSUAL_NIGHT_END_HOUR (07:00), Europe/London
  (from 19:00:00 inclusive to 07:00:00 exclusive);
- DENIED_BURST: HUB_UNUSUAL_DENIED_ATTEMPTS (5) or more refused attempts by one user within
  HUB_UNUSUAL_DENIED_WINDOW_MINUTES (60) — the first and last less than that apart;
- OWN_NAME: a user opening a case on which a person with their own name (normalised, aliases
  too) appears.

The period is the day that ended at the night window's end (07:00 local) at or before `now`.
A finding is unique per rule, user, period and case, so a second run (or a run after a crash)
adds nothing twice. A handful of queries whatever the size of the audit: no query per user.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count

from cases.models import CaseParty, UnusualAccess
from cases.names import normalise_name
from foundation.accounts.models import User
from foundation.audit.models import AccessRecord

# The case's access-record types, current and older spellings (docs/access.md).
CASE_TYPES = ("cases.case", "case")


@dataclass(frozen=True)
class Period:
    """The day the rules look at: from the previous night window's end to this one's."""

    night_start: datetime
    end: datetime

    @property
    def start(self) -> datetime:
        return self.end - timedelta(days=1)


def period_ending_before(now: datetime) -> Period:
    """The latest complete day, ending at the night window's end (local time) at or before
    `now`; its night is the window just before that end."""
    zone = ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(zone)
    end_hour = settings.HUB_UNUSUAL_NIGHT_END_HOUR
    end_day = local.date() if local.time() >= time(end_hour) else local.date() - timedelta(days=1)
    end = datetime.combine(end_day, time(end_hour), tzinfo=zone)
    start_day = (
        end_day - timedelta(days=1) if end_hour < settings.HUB_UNUSUAL_NIGHT_START_HOUR else end_day
    )
    night_start = datetime.combine(
        start_day, time(settings.HUB_UNUSUAL_NIGHT_START_HOUR), tzinfo=zone
    )
    return Period(night_start=night_start, end=end)


def night_cases(period: Period) -> list[UnusualAccess]:
    """Users who consulted at least the threshold of distinct cases in the night window."""
    rows = (
        AccessRecord.objects.filter(
            at__gte=period.night_start,
            at__lt=period.end,
            object_type__in=CASE_TYPES,
            action=AccessRecord.Action.CONSULT,
            outcome=AccessRecord.Outcome.ALLOWED,
            user__isnull=False,
        )
        .values("user_id")
        .annotate(cases=Count("object_id", distinct=True))
        .filter(cases__gte=settings.HUB_UNUSUAL_NIGHT_CASES)
    )
    return [
        UnusualAccess(
            rule=UnusualAccess.Rule.NIGHT_CASES,
            user_id=row["user_id"],
            period_start=period.night_start,
            count=row["cases"],
        )
        for row in rows
    ]


def denied_bursts(period: Period) -> list[UnusualAccess]:
    """Users with at least the threshold of refused attempts within the window, in a window
    starting in the period (or up to one window before it, so a burst across the day's end
    is never missed)."""
    window = timedelta(minutes=settings.HUB_UNUSUAL_DENIED_WINDOW_MINUTES)
    threshold = settings.HUB_UNUSUAL_DENIED_ATTEMPTS
    times: dict[int, list[datetime]] = defaultdict(list)
    denied = (
        AccessRecord.objects.filter(
            at__gte=period.start - window,
            at__lt=period.end,
            outcome=AccessRecord.Outcome.DENIED,
            user__isnull=False,
        )
        .order_by("user_id", "at")
        .values_list("user_id", "at")
    )
    for user_id, at in denied.iterator(chunk_size=5000):
        times[user_id].append(at)
    found = []
    for user_id, stamps in times.items():
        most, first = 0, 0
        for last in range(len(stamps)):
            while stamps[last] - stamps[first] >= window:
                first += 1
            most = max(most, last - first + 1)
        if most >= threshold:
            found.append(
                UnusualAccess(
                    rule=UnusualAccess.Rule.DENIED_BURST,
                    user_id=user_id,
                    period_start=period.start,
                    count=most,
                )
            )
    return found


def own_name_cases(period: Period) -> list[UnusualAccess]:
    """A user who opened a case naming a person with their own name."""
    opened = set(
        AccessRecord.objects.filter(
            at__gte=period.start,
            at__lt=period.end,
            object_type__in=CASE_TYPES,
            action=AccessRecord.Action.CONSULT,
            outcome=AccessRecord.Outcome.ALLOWED,
            user__isnull=False,
        )
        .values_list("user_id", "object_id")
        .distinct()
    )
    if not opened:
        return []
    names = {
        user_id: normalise_name(full_name)
        for user_id, full_name in User.objects.filter(
            pk__in={user_id for user_id, _ in opened}
        ).values_list("pk", "full_name")
    }
    case_ids = {int(object_id) for _, object_id in opened if object_id.isdigit()}
    on_case: dict[int, set[str]] = defaultdict(set)
    for case_id, name, aliases in CaseParty.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "person__name_normalised", "person__aliases"
    ):
        on_case[case_id].add(name)
        on_case[case_id].update(normalise_name(alias) for alias in aliases or [])
    found = []
    for user_id, object_id in sorted(opened):
        if not object_id.isdigit():
            continue
        name = names.get(user_id, "")
        if name and name in on_case.get(int(object_id), set()):
            found.append(
                UnusualAccess(
                    rule=UnusualAccess.Rule.OWN_NAME,
                    user_id=user_id,
                    period_start=period.start,
                    case_id=int(object_id),
                    count=1,
                )
            )
    return found


def find_unusual_access(*, now: datetime) -> int:
    """Run every rule over the day that ended before `now`; store new findings (idempotent).
    Returns how many findings the day has."""
    period = period_ending_before(now)
    findings = night_cases(period) + denied_bursts(period) + own_name_cases(period)
    UnusualAccess.objects.bulk_create(findings, ignore_conflicts=True)
    return len(findings)
