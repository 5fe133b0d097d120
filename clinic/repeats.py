"""The repeat rule (MARAC practice; docs/clinic.md, "Repeat incidents").

A new incident with the same victim and suspect whose occurrence date (else its recorded date)
is 1 to 365 days after the date of their last clinic referral raises a *repeat* referral for
the coordinator to confirm: day 365 counts, day 366 does not; an incident on or before the
referral's own day is what the referral already knew. Dates are Europe/London calendar days.

The "last clinic referral" of a victim-suspect pair is the latest referral, on any case naming
both (victim and suspect as case parties), that the coordinator has not returned; a repeat
still awaiting confirmation does not count (it is not yet a referral), and a case with one
waiting gets no second.

Incidents arrive through `cases.hooks.register_logs_changed` (the import, person merges,
re-evaluations, the demo): `repeats_from_logs` is the one handler, set-based: one query finds
every repeat in the batch, one insert raises them, whatever the batch's size.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from django.db import connection

from cases.signals.database import int_array
from clinic.models import ClinicReferral

# Day 365 counts, day 366 does not.
REPEAT_WINDOW_DAYS = 365

_FIND_REPEATS = """
WITH pairs AS (
    SELECT DISTINCT l.id AS log_id,
           (COALESCE(l.occurred_from, l.recorded_at) AT TIME ZONE 'Europe/London')::date
               AS incident_on,
           v.person_id AS victim_id,
           s.person_id AS suspect_id
    -- Driven by the ids (one index probe each), never by a filter on the log table: with the
    -- statistics a bulk import leaves stale, "l.id = ANY(...)" was planned as a filter on
    -- every probe of a nested loop (the whole array scanned per party: ~4 s per batch).
    FROM unnest(%(log_ids)s::bigint[]) AS ids(id)
    JOIN cases_crimelog l ON l.id = ids.id
    JOIN cases_logparty v ON v.log_id = l.id AND v.role = 'victim' AND v.person_id IS NOT NULL
    JOIN cases_logparty s ON s.log_id = l.id AND s.role = 'suspect' AND s.person_id IS NOT NULL
),
latest AS (
    SELECT DISTINCT ON (p.log_id)
           p.log_id, p.incident_on, r.case_id,
           (r.referred_at AT TIME ZONE 'Europe/London')::date AS referred_on
    FROM pairs p
    JOIN cases_caseparty cv ON cv.person_id = p.victim_id AND cv.role = 'victim'
    JOIN cases_caseparty cs ON cs.person_id = p.suspect_id AND cs.role = 'suspect'
                           AND cs.case_id = cv.case_id
    JOIN clinic_clinicreferral r ON r.case_id = cv.case_id
    WHERE r.state <> 'returned' AND NOT (r.criterion = 'repeat' AND r.state = 'pending')
    ORDER BY p.log_id, r.referred_at DESC, r.id DESC
)
SELECT latest.log_id, latest.case_id, latest.incident_on, latest.referred_on
FROM latest
WHERE latest.incident_on - latest.referred_on BETWEEN 1 AND %(window)s
  AND NOT EXISTS (
      SELECT 1 FROM clinic_clinicreferral w
      WHERE w.case_id = latest.case_id AND w.criterion = 'repeat' AND w.state = 'pending'
  )
ORDER BY latest.case_id, latest.incident_on, latest.log_id
"""


def is_repeat(*, incident_on: date, last_referred_on: date) -> bool:
    """The rule on two dates (the SQL above applies the same)."""
    return 1 <= (incident_on - last_referred_on).days <= REPEAT_WINDOW_DAYS


def repeats_from_logs(*, log_ids: Collection[int], now: datetime) -> None:
    """The `logs_changed` handler: raise a repeat referral for each case with a new incident
    inside the window (one per case per batch: the earliest incident). Two queries in all."""
    if not log_ids:
        return
    # Without a referral that counts as a pair's last there is no repeat to find: a hub's
    # first import of a force's history skips the query over each batch's 10,000 logs.
    counted = ClinicReferral.objects.exclude(state=ClinicReferral.State.RETURNED).exclude(
        criterion=ClinicReferral.Criterion.REPEAT, state=ClinicReferral.State.PENDING
    )
    if not counted.exists():
        return
    with connection.cursor() as cursor:
        cursor.execute(_FIND_REPEATS, {"log_ids": int_array(log_ids), "window": REPEAT_WINDOW_DAYS})
        found = cursor.fetchall()
    raised: dict[int, ClinicReferral] = {}
    for log_id, case_id, incident_on, referred_on in found:
        if case_id in raised:
            continue
        raised[case_id] = ClinicReferral(
            case_id=case_id,
            criterion=ClinicReferral.Criterion.REPEAT,
            priority=ClinicReferral.Priority.HIGH,
            state=ClinicReferral.State.PENDING,
            referred_at=now,
            trigger_log_id=log_id,
            incident_on=incident_on,
            reason=(
                f"A new incident on {incident_on:%d %b %Y}, "
                f"{(incident_on - referred_on).days} days after the last clinic referral "
                f"({referred_on:%d %b %Y}). Confirm to list the case again."
            ),
        )
    if raised:
        # A log seen again (an update, a resumed batch) raises nothing new.
        ClinicReferral.objects.bulk_create(raised.values(), ignore_conflicts=True)
