"""Compliance with mandatory training, counted in SQL.

A requirement applies to every active trainee with its role (compared without case), on its
team, or of its organisation; two requirements for one course count once per person. For
each (person, course) the state on a day is:

- *never trained*: no completion of the course on or before that day;
- *expired*: the last completion plus the course's validity is on or before that day (the day
  a certificate expires, it is expired);
- *due*: it expires within the next 60 days (on that day + 60 at the latest);
- *current*: otherwise, and always for a course that does not expire.

A completion is a booking marked *completed*, or *attended* for a course that attending
completes; its date is the session's date (Europe/London). docs/training.md says the same.
Every query here is one statement, whatever the number of people, teams or months.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection

DUE_WITHIN_DAYS = 60
STATES = ("current", "due", "expired", "never")
STATE_LABELS = {
    "current": "Current",
    "due": "Due (expires within 60 days)",
    "expired": "Expired",
    "never": "Never trained",
}

# Scope: %(all_teams)s true means every trainee; otherwise those on %(team_ids)s, plus (for a
# person's own page) %(trainee_ids)s.
_PAIRS = """
WITH pairs AS (
    SELECT DISTINCT t.id AS trainee_id, t.team_id, r.course_id
    FROM training_trainee t
    JOIN training_requirement r
      ON (r.role <> '' AND upper(r.role) = upper(t.role))
      OR (r.team_id IS NOT NULL AND r.team_id = t.team_id)
      OR (r.organisation_id IS NOT NULL AND r.organisation_id = t.organisation_id)
    JOIN training_course c ON c.id = r.course_id AND c.is_active
    WHERE t.is_active
      AND (%(all_teams)s
           OR t.team_id = ANY(%(team_ids)s::bigint[])
           OR t.id = ANY(%(trainee_ids)s::bigint[]))
),
completions AS (
    SELECT e.trainee_id, s.course_id, (s.starts_at AT TIME ZONE %(tz)s)::date AS done_on
    FROM training_enrolment e
    JOIN training_session s ON s.id = e.session_id
    JOIN training_course c ON c.id = s.course_id
    WHERE e.trainee_id IN (SELECT trainee_id FROM pairs)
      AND (e.status = 'completed' OR (e.status = 'attended' AND c.attendance_completes))
),
as_of AS (SELECT unnest(%(days)s::date[]) AS day),
latest AS (
    SELECT a.day, p.trainee_id, p.team_id, p.course_id, max(k.done_on) AS last_done
    FROM pairs p
    CROSS JOIN as_of a
    LEFT JOIN completions k
      ON k.trainee_id = p.trainee_id AND k.course_id = p.course_id AND k.done_on <= a.day
    GROUP BY a.day, p.trainee_id, p.team_id, p.course_id
),
states AS (
    SELECT l.*, c.validity_months,
      CASE WHEN l.last_done IS NOT NULL AND c.validity_months IS NOT NULL
           THEN (l.last_done + make_interval(months => c.validity_months))::date END AS expires_on
    FROM latest l JOIN training_course c ON c.id = l.course_id
),
judged AS (
    SELECT s.*,
      CASE
        WHEN s.last_done IS NULL THEN 'never'
        WHEN s.expires_on IS NULL THEN 'current'
        WHEN s.expires_on <= s.day THEN 'expired'
        WHEN s.expires_on <= s.day + %(due_days)s::int THEN 'due'
        ELSE 'current'
      END AS state
    FROM states s
)
"""


# What each query selects from the judged (person, course, day) rows.
_BY_TEAM = "SELECT team_id, state, count(*) FROM judged GROUP BY team_id, state"
_BY_DAY = "SELECT day, state, count(*) FROM judged GROUP BY day, state"
_PERSON_STATES = """
        SELECT j.trainee_id, t.name, t.staff_number, t.role, j.team_id, coalesce(tm.name, ''),
               coalesce(o.name, ''), j.course_id, c.title, j.last_done, j.expires_on, j.state
        FROM judged j
        JOIN training_trainee t ON t.id = j.trainee_id
        JOIN training_course c ON c.id = j.course_id
        LEFT JOIN training_team tm ON tm.id = j.team_id
        LEFT JOIN accounts_agency o ON o.id = t.organisation_id
        WHERE (%(any_team)s
               OR j.team_id = %(team_id)s::bigint
               OR (%(no_team)s AND j.team_id IS NULL))
          AND (%(state)s = '' OR j.state = %(state)s)
        ORDER BY coalesce(tm.name, ''), t.name, t.id, c.title
    """
_QUEUE_REMINDERS = """
        INSERT INTO training_refreshreminder (trainee_id, course_id, expires_on, created_at)
        SELECT trainee_id, course_id, expires_on, now() FROM judged WHERE state = 'due'
        ON CONFLICT (trainee_id, course_id, expires_on) DO NOTHING
    """


@dataclass(frozen=True)
class Scope:
    """Whose compliance: every trainee, or some teams (and some people)."""

    all_teams: bool = False
    team_ids: tuple[int, ...] = ()
    trainee_ids: tuple[int, ...] = ()

    def params(self) -> dict[str, Any]:
        return {
            "all_teams": self.all_teams,
            "team_ids": list(self.team_ids),
            "trainee_ids": list(self.trainee_ids),
            "tz": settings.TIME_ZONE,
            "due_days": DUE_WITHIN_DAYS,
        }


@dataclass(frozen=True)
class Counts:
    current: int = 0
    due: int = 0
    expired: int = 0
    never: int = 0

    @property
    def total(self) -> int:
        return self.current + self.due + self.expired + self.never

    @property
    def compliant(self) -> int:
        """Current or due: still holding valid training."""
        return self.current + self.due

    @property
    def percent(self) -> int | None:
        return round(100 * self.compliant / self.total) if self.total else None


def _counts(by_state: dict[str, int]) -> Counts:
    return Counts(**{state: by_state.get(state, 0) for state in STATES})


def counts_by_team(scope: Scope, *, today: date) -> dict[int | None, Counts]:
    """{team id (None: no team): counts} on `today`. One query."""
    sql = _PAIRS + _BY_TEAM
    found: dict[int | None, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, {**scope.params(), "days": [today]})
        for team_id, state, number in cursor.fetchall():
            found.setdefault(team_id, {})[state] = number
    return {team_id: _counts(by_state) for team_id, by_state in found.items()}


def counts_by_day(scope: Scope, *, days: Sequence[date]) -> dict[date, Counts]:
    """{day: counts over the whole scope} for each day given (the monthly trend). One query."""
    sql = _PAIRS + _BY_DAY
    found: dict[date, dict[str, int]] = {day: {} for day in days}
    with connection.cursor() as cursor:
        cursor.execute(sql, {**scope.params(), "days": list(days)})
        for day, state, number in cursor.fetchall():
            found.setdefault(day, {})[state] = number
    return {day: _counts(found[day]) for day in sorted(found)}


@dataclass(frozen=True)
class PersonState:
    trainee_id: int
    name: str
    staff_number: str
    role: str
    team_id: int | None
    team: str
    organisation: str
    course_id: int
    course: str
    last_done: date | None
    expires_on: date | None
    state: str

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def person_states(
    scope: Scope,
    *,
    today: date,
    team_id: int | None = None,
    no_team: bool = False,
    state: str | None = None,
) -> list[PersonState]:
    """Each (person, required course) in scope with its state on `today`, by team, name and
    course; optionally one team's (or those without a team), optionally in one state. One
    query."""
    sql = _PAIRS + _PERSON_STATES
    params = {
        **scope.params(),
        "days": [today],
        "any_team": team_id is None and not no_team,
        "team_id": team_id,
        "no_team": no_team,
        "state": state or "",
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [PersonState(*row) for row in cursor.fetchall()]


def queue_refresh_reminders(*, today: date) -> int:
    """A refresh reminder for every (person, course) due on `today`, once per expiry date
    (the unique key makes a second run a no-op). One statement."""
    sql = _PAIRS + _QUEUE_REMINDERS
    with connection.cursor() as cursor:
        cursor.execute(sql, {**Scope(all_teams=True).params(), "days": [today]})
        return cursor.rowcount
