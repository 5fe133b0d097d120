"""Retention benchmark: listing and disposing of expired crime-log copies and closed cases.

    DATABASE_URL=postgres://... .venv/bin/python bench/records_disposal.py [--logs 20000]

Builds its fixture in a throwaway database (test_<name>_bench): `--logs` crime-log copies
unchanged for ten years, each with two parties linked to their own person and an update (so
each has history rows), plus a tenth as many closed cases with a party each. Times
`list_due_reviews` (the nightly listing) and `dispose_queued` (batches of HUB_DISPOSAL_BATCH,
history rows included), then checks nothing is left in history. Prints the figures and drops
the database.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stalking_hub.settings.test")

import django

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402


def main() -> None:
    from django.db import connection

    parser = argparse.ArgumentParser()
    parser.add_argument("--logs", type=int, default=20_000)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"test_{old_name}_bench"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(args.logs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(n_logs: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from cases.models import Case, CaseParty, CrimeLog, LogParty, Person
    from foundation.accounts.models import Agency, Role, User
    from foundation.records.history import history_count
    from foundation.records.models import RecordReview
    from foundation.records.services import dispose_queued, list_due_reviews

    agency = Agency.objects.create(name="Bench force", kind=Agency.Kind.POLICE_FORCE)
    owner = User.objects.create_user(
        "bench@example.test", full_name="Bench", agency=agency, roles=[Role.COORDINATOR]
    )
    old = datetime(2014, 1, 1, tzinfo=UTC)
    n_cases = max(1, n_logs // 10)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL pgtrigger.ignore = '{}'")
        persons = Person.objects.bulk_create(
            Person(name=f"Bench Person {n}", name_normalised=f"bench person {n}")
            for n in range(2 * n_logs + n_cases)
        )
        logs = CrimeLog.objects.bulk_create(
            CrimeLog(source="bench", reference=f"B/{n:08d}", recorded_at=old, updated_at=old)
            for n in range(n_logs)
        )
        LogParty.objects.bulk_create(
            LogParty(log=log, role=role, position=0, person=persons[2 * n + i])
            for n, log in enumerate(logs)
            for i, role in enumerate(("victim", "suspect"))
        )
        # One change each: the history tables hold old versions to be purged.
        CrimeLog.objects.filter(source="bench").update(narrative="Changed narrative")
        CrimeLog.objects.filter(source="bench").update(updated_at=old)
        Person.objects.filter(pk__in=[p.pk for p in persons]).update(aliases=["alias"])
        cases = Case.objects.bulk_create(
            Case(reference=f"BENCH-{n:06d}", owner=owner, status="closed", closed_at=old)
            for n in range(n_cases)
        )
        CaseParty.objects.bulk_create(
            CaseParty(case=case, person=persons[2 * n_logs + n], role="victim")
            for n, case in enumerate(cases)
        )
    history_before = history_count(CrimeLog, [log.pk for log in logs])
    now = timezone.now()

    started = time.perf_counter()
    listed = list_due_reviews(now=now)
    listing = time.perf_counter() - started
    # The cases are disposed too (as if the information manager had decided).
    RecordReview.objects.filter(record_type="cases.case").update(state="queued")
    started = time.perf_counter()
    report = dispose_queued(now=now)
    disposal = time.perf_counter() - started

    left = history_count(CrimeLog, [log.pk for log in logs]) + history_count(
        Person, [p.pk for p in persons]
    )
    print(f"crime-log copies: {n_logs:,}; closed cases: {n_cases:,}")
    print(f"history rows of the logs before: {history_before:,}; left after disposal: {left}")
    print(
        f"list_due_reviews: {listing:.2f} s ({listed.listed:,} due, "
        f"{listed.queued_by_rule:,} queued by rule)"
    )
    print(
        f"dispose_queued: {disposal:.2f} s, {report.disposed:,} disposed in {report.batches} "
        f"batches ({report.disposed / disposal:,.0f} records/s), {report.blocked} blocked"
    )
    print(f"persons left: {Person.objects.count():,}")


if __name__ == "__main__":
    main()
