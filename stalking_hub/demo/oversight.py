"""Demo oversight: crime outcomes from a second feed import, plans, directions (some overdue)
and reviews on the high-risk demo cases, and the coordinator covering the tactical lead for a
week. Synthetic throughout; idempotent.

Runs after the risk histories (they set which cases are at high risk). The outcomes arrive the
way a force sends them: a feed of (source, reference, recorded_at, outcome, outcome_date)
through the real import, so each is an alteration of its log with the log's history kept.
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.feed.importer import create_feed_import, run_import
from cases.models import Case, CaseLog, CrimeLog, FeedImport, RiskLevel
from foundation.accounts.cover import active_covers_of, create_cover
from foundation.accounts.models import Role, RoleCover, User
from oversight import services
from oversight.checklist import ensure_checklist
from oversight.models import InvestigationPlan, PlanLine
from stalking_hub.demo.accounts import demo_email

DEMO_SEED = 2026
# Only logs at least this old have an outcome: a fresh log is still being investigated.
OUTCOME_AFTER = timedelta(days=21)
STALKING_CODES = ("8Q", "8Q/2")

# (outcome type, weight): most stalking still open or with evidential difficulties, some
# charged; the force's other crime types resolve more often, without a suspect more often.
STALKING_OUTCOMES: tuple[tuple[str, int], ...] = (
    ("", 45),
    ("16", 16),
    ("15", 8),
    ("14", 4),
    ("1", 12),
    ("8", 4),
    ("4", 3),
    ("21", 3),
    ("18", 3),
    ("9", 2),
)
OTHER_OUTCOMES: tuple[tuple[str, int], ...] = (
    ("", 30),
    ("18", 20),
    ("16", 10),
    ("15", 6),
    ("14", 5),
    ("1", 14),
    ("8", 6),
    ("4", 4),
    ("6", 2),
    ("21", 2),
    ("20", 1),
)

DIRECTIONS = (
    (
        "digital_evidence",
        "Download the victim's phone and preserve the messages and call log before the "
        "handset is replaced; request the suspect's subscriber checks.",
    ),
    ("cctv", "Request the CCTV from the victim's workplace car park for the dates in the diary."),
    ("witnesses", "Take statements from the two neighbours who saw the suspect outside."),
    (
        "spo_considered",
        "Meet the hub solicitor about an interim SPO; bring the risk assessment and the diary.",
    ),
)


def seed_oversight(*, now: datetime | None = None) -> dict[str, int]:
    """Outcomes, plans, directions, reviews and the cover (each part idempotent)."""
    now = timezone.now() if now is None else now
    return {
        "outcomes": seed_outcomes(now=now),
        "plans": seed_plans(now=now),
        "covers": seed_cover(now=now),
    }


# --- Outcomes through the feed ------------------------------------------------------------------


def _pick(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([code for code, _ in table], weights=[w for _, w in table])[0]


def seed_outcomes(*, now: datetime) -> int:
    """Import outcomes for a realistic share of the demo logs (skipped once any log has one).
    Returns how many logs the import changed."""
    if CrimeLog.objects.exclude(outcome="").exists():
        return 0
    on_cases = set(CaseLog.objects.values_list("log_id", flat=True))
    logs = CrimeLog.objects.filter(recorded_at__lt=now - OUTCOME_AFTER).order_by("pk")
    rng = random.Random(DEMO_SEED)
    yesterday = timezone.localdate(now) - timedelta(days=1)
    rows: list[tuple[str, str, str, str, str]] = []
    for log_id, source, reference, recorded_at, code in logs.values_list(
        "pk", "source", "reference", "recorded_at", "offence_code"
    ).iterator():
        stalking = log_id in on_cases or code in STALKING_CODES
        outcome = _pick(rng, STALKING_OUTCOMES if stalking else OTHER_OUTCOMES)
        if not outcome:
            continue
        recorded = timezone.localdate(recorded_at)
        decided = min(recorded + timedelta(days=rng.randint(5, 120)), yesterday)
        rows.append((source, reference, recorded_at.isoformat(), outcome, decided.isoformat()))
    if not rows:
        return 0
    folder = Path(settings.MEDIA_ROOT) / "feeds" / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"demo-outcomes-{timezone.localdate(now).isoformat()}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "reference", "recorded_at", "outcome", "outcome_date"])
        writer.writerows(rows)
    feed_import = run_import(
        create_feed_import(path=path, origin=FeedImport.Origin.COMMAND), now=now
    )
    return feed_import.updated


# --- Plans, directions and reviews --------------------------------------------------------------


def _users() -> dict[str, User]:
    parts = ("coordinator", "tactical", "officer", "champion", "admin")
    found = {user.email: user for user in User.objects.filter(email__in=map(demo_email, parts))}
    return {part: found[demo_email(part)] for part in parts if demo_email(part) in found}


@transaction.atomic
def seed_plans(*, now: datetime) -> int:
    """A plan on each open high-risk demo case, with directions (some overdue) and reviews.
    Returns how many plans it started (none once any plan exists)."""
    users = _users()
    if InvestigationPlan.objects.exists() or not {"tactical", "officer"} <= set(users):
        return 0
    ensure_checklist()
    tactical, officer = users["tactical"], users["officer"]
    officers = [officer, users.get("champion", officer)]
    cases = list(
        Case.objects.filter(status=Case.Status.OPEN, current_risk=RiskLevel.HIGH).order_by("pk")
    )
    started = 0
    for index, case in enumerate(cases):
        if case.officer_in_charge_id is None:
            Case.objects.filter(pk=case.pk).update(officer_in_charge=officers[index % 2])
            case.refresh_from_db()
        since = max(case.current_risk_at or case.opened_at, now - timedelta(days=40))
        plan = services.start_plan(case=case, by=tactical, now=since)
        started += 1
        _progress(plan, index=index, by=tactical, now=since + timedelta(days=1))
        _directions(plan, index=index, by=tactical, since=since, now=now)
        # Reviews: the first case is left without a current one (the flag shows on it).
        if index % 3 != 0:
            services.record_review(
                case=case,
                summary=(
                    "Plan reviewed with the officer in charge. Digital evidence under way; "
                    "the SPO is to be decided at the next review."
                ),
                next_review_on=None,
                by=tactical,
                now=max(since + timedelta(days=2), now - timedelta(days=6)),
            )
    return started


def _progress(plan: InvestigationPlan, *, index: int, by: User, now: datetime) -> None:
    lines = {
        line.template.key: line for line in plan.lines.select_related("template") if line.template
    }
    if "victim_account" in lines:
        services.update_plan_line(
            line=lines["victim_account"],
            status=PlanLine.Status.DONE,
            note="Full statement taken; the victim keeps a diary.",
            by=by,
            now=now,
        )
    if "bail_conditions" in lines and index % 2:
        services.update_plan_line(
            line=lines["bail_conditions"],
            status=PlanLine.Status.NOT_APPLICABLE,
            note="The suspect has not been arrested; no bail to set.",
            by=by,
            now=now,
        )
    if "social_media" in lines:
        services.delegate_plan_line(line=lines["social_media"], delegated=True, by=by)


def _directions(
    plan: InvestigationPlan, *, index: int, by: User, since: datetime, now: datetime
) -> None:
    lines = {
        line.template.key: line for line in plan.lines.select_related("template") if line.template
    }
    today = timezone.localdate(now)
    for position, (key, text) in enumerate(DIRECTIONS[: 2 + index % 2]):
        given = since + timedelta(days=1 + position)
        # The first direction of every other case is overdue; the rest fall due soon.
        overdue = position == 0 and index % 2 == 0
        due: date = (
            today - timedelta(days=3 + index)
            if overdue
            else today + timedelta(days=4 + position * 3)
        )
        due = max(due, timezone.localdate(given))
        direction = services.give_direction(
            case=plan.case, text=text, due_on=due, plan_line=lines.get(key), by=by, now=given
        )
        if position == 1:
            services.acknowledge_direction(
                direction=direction, by=direction.officer, now=given + timedelta(hours=5)
            )


# --- The coordinator covers the tactical lead ---------------------------------------------------


def seed_cover(*, now: datetime) -> int:
    """The coordinator covers the tactical lead for a week around now (approved by the
    administrator), unless someone covers the role now. Returns how many covers it made."""
    users = _users()
    if not {"coordinator", "tactical", "admin"} <= set(users):
        return 0
    tactical = users["tactical"]
    if active_covers_of([tactical.pk], now=now).filter(role=Role.TACTICAL_LEAD).exists():
        return 0
    start = now - timedelta(days=2)
    if RoleCover.objects.filter(
        covered_user=tactical, role=Role.TACTICAL_LEAD, ends_at__gt=start
    ).exists():
        start = now  # an earlier demo cover ended within the last two days: start after it
    coordinator = users["coordinator"]
    with transaction.atomic():
        create_cover(
            user=coordinator,
            role=Role.TACTICAL_LEAD,
            covered_user=tactical,
            starts_at=start,
            ends_at=start + timedelta(days=7),
            by=users["admin"],
            now=now,
        )
        # Acting for the tactical lead: one review recorded under the cover.
        case = (
            Case.objects.filter(
                status=Case.Status.OPEN,
                current_risk=RiskLevel.HIGH,
                investigation_plan__isnull=False,
            )
            .order_by("pk")
            .first()
        )
        if case is not None:
            services.record_review(
                case=case,
                summary=(
                    "Reviewed for the tactical lead during leave: CCTV still outstanding; the "
                    "officer in charge is chased; the SPO decision stays with the tactical lead."
                ),
                next_review_on=None,
                by=coordinator,
                now=now,
            )
    return 1
