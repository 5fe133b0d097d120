"""Allocation benchmark: 2,000 waiting referrals over 100 future meetings (target < 1 s).

    DATABASE_URL=postgres://... .venv/bin/python bench/clinic_allocation.py

Builds its fixture in a throwaway database (test_<name>_bench), times `clinic.allocation.allocate`
(three reads, the in-memory plan, one bulk insert), prints the figures and drops the database.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stalking_hub.settings.test")

import django

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402

REFERRALS = 2_000
MEETINGS = 100


def main() -> None:
    from django.db import connection

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    bench_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    del bench_name


def run() -> None:
    from django.utils import timezone

    from cases.models import Case
    from clinic.allocation import allocate
    from clinic.models import AgendaItem, ClinicMeeting, ClinicReferral
    from foundation.accounts.models import Agency, Role, User

    agency = Agency.objects.create(name="Bench force", kind=Agency.Kind.POLICE_FORCE)
    owner = User.objects.create_user(
        "bench@example.test", full_name="Bench", agency=agency, roles=[Role.COORDINATOR]
    )
    now = timezone.now()
    cases = Case.objects.bulk_create(
        Case(reference=f"BENCH-{n:05d}", owner=owner) for n in range(REFERRALS)
    )
    ClinicReferral.objects.bulk_create(
        ClinicReferral(
            case=case,
            criterion=ClinicReferral.Criterion.HIGH_RISK,
            priority=1 + n % 3,
            state=ClinicReferral.State.ACCEPTED,
            referred_at=now - timedelta(minutes=n),
        )
        for n, case in enumerate(cases)
    )
    ClinicMeeting.objects.bulk_create(
        ClinicMeeting(
            starts_at=now + timedelta(days=1 + 7 * n),
            ends_at=now + timedelta(days=1 + 7 * n, hours=5),
            capacity=20,
            minutes_per_case=15,
        )
        for n in range(MEETINGS)
    )
    started = time.perf_counter()
    result = allocate(now=now)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = allocate(now=now)
    second = time.perf_counter() - started
    assert AgendaItem.objects.count() == REFERRALS
    print(f"clinic allocation: {REFERRALS} waiting referrals over {MEETINGS} meetings")
    print(f"  first run:  {first:.3f} s ({result.listed} listed, {result.overflow} overflow)")
    print(f"  second run: {second:.3f} s ({again.moved} moved: nothing to change)")
    print(f"  target < 1 s: {'met' if first < 1 else 'MISSED'}")


if __name__ == "__main__":
    main()
