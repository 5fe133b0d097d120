"""Benchmark of person-candidate lookups (`cases.services.people.candidates_for`) at scale.

    DEBUG=true .venv/bin/python bench/people.py --persons 1000000

Creates a scratch database next to the configured one, loads N synthetic persons with COPY
(names from the lists in stalking_hub/demo/feedgen.py, dates of birth over 55 years, so ~50
persons share each date of birth), then times `candidates_for` for --lookups misspelt names
with a date of birth and prints the time per call (p50, p95, max), plus a smaller run
without a date of birth. The scratch database is dropped at the end unless --keep. Not a
timed test: it prints figures (bench/README.md, "People").
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from signals import drop_database, scratch_database, setup_django  # noqa: E402

from stalking_hub.demo.feedgen import FIRST_NAMES, LAST_NAMES  # noqa: E402

EPOCH = date(1950, 1, 1)
DAYS = 55 * 365


def load_persons(count: int, seed: int) -> None:
    from django.db import connection

    from cases.names import normalise_name

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        # A bulk load, as after a first import: no per-row history trigger.
        cursor.execute("ALTER TABLE cases_person DISABLE TRIGGER USER")
        with cursor.cursor.copy(
            "COPY cases_person (name, name_normalised, date_of_birth, aliases, created_at) "
            "FROM STDIN"
        ) as copy:
            for _ in range(count):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                dob = EPOCH + timedelta(days=rng.randrange(DAYS))
                copy.write_row((name, normalise_name(name), dob, "{}", "2026-01-01T00:00:00Z"))
        cursor.execute("ALTER TABLE cases_person ENABLE TRIGGER USER")
        cursor.execute("VACUUM ANALYZE cases_person")


def misspell(name: str, rng: random.Random) -> str:
    """Drop, double or swap one letter: the variations a reviewer meets."""
    index = rng.randrange(1, len(name) - 1)
    match rng.randrange(3):
        case 0:
            return name[:index] + name[index + 1 :]
        case 1:
            return name[:index] + name[index] + name[index:]
        case _:
            return name[: index - 1] + name[index] + name[index - 1] + name[index + 1 :]


def time_lookups(count: int, seed: int, *, with_dob: bool) -> list[float]:
    from cases.services.people import candidates_for

    rng = random.Random(seed)
    timings = []
    for _ in range(count):
        name = misspell(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", rng)
        dob = EPOCH + timedelta(days=rng.randrange(DAYS)) if with_dob else None
        started = time.perf_counter()
        candidates_for(name=name, date_of_birth=dob)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def report(label: str, timings: list[float]) -> None:
    ordered = sorted(timings)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(
        f"{label}: {len(ordered):,} lookups, p50 {statistics.median(ordered):.2f} ms, "
        f"p95 {p95:.2f} ms, max {ordered[-1]:.2f} ms"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="stalking_hub_bench_people")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)

    url = scratch_database(args.database)
    try:
        setup_django(url)
        started = time.perf_counter()
        load_persons(args.persons, args.seed)
        print(f"loaded {args.persons:,} persons in {time.perf_counter() - started:.1f}s")
        time_lookups(50, args.seed + 1, with_dob=True)  # warm the cache and the connection
        report("with a date of birth", time_lookups(args.lookups, args.seed + 2, with_dob=True))
        report(
            "name only (no date of birth)",
            time_lookups(max(args.lookups // 10, 10), args.seed + 3, with_dob=False),
        )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
