"""Benchmark of the after-import engine: linking parties to persons, then evaluating signals.

    DEBUG=true .venv/bin/python bench/signals.py --rows 100000

Loads N synthetic rows (stalking_hub/demo/feedgen.py) into a scratch database with COPY,
exactly as a fresh import leaves them (parties unlinked, no signals), then times `link_parties` and
`evaluate_logs` over all of them in batches of --batch ids, as the import calls them, and
prints rows/s for each and the second (idempotent) run. The scratch database is dropped at
the end unless --keep. Not a timed test: it prints figures (docs in bench/README.md).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def scratch_database(name: str) -> str:
    """Create an empty database next to the configured one; return its URL."""
    import psycopg

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stalking_hub")
    parts = urlsplit(base)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stalking_hub.settings.base")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _copy_text(value: object) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def load_feed(rows: int, seed: int) -> list[int]:
    """COPY N feed rows into cases_crimelog and cases_logparty; returns the log ids in order."""
    from django.db import connection

    from cases.names import normalise_name
    from stalking_hub.demo.feedgen import generate_rows

    logs = io.StringIO()
    parties: list[tuple[str, str, str, str, str]] = []
    for row in generate_rows(rows, seed=seed):
        flags = "{" + ",".join(f'"{f}"' for f in row["flags"].split(";") if f) + "}"
        values = [
            row["source"], row["reference"], row["recorded_at"] + "+00:00", row["offence_code"],
            row["offence"], flags, row["area"], row["officer"], row["relationship"],
            row["narrative"], row["status"], "{}", "f", "not_flagged",
        ]  # fmt: skip
        logs.write("\t".join(_copy_text(v) for v in values) + "\n")
        for role in ("victim", "suspect"):
            parties.append(
                (row["reference"], role, row[f"{role}_id"], row[f"{role}_name"], row[f"{role}_dob"])
            )
    logs.seek(0)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(
            "COPY cases_crimelog (source, reference, recorded_at, offence_code, offence, flags, "
            "area, officer, relationship, narrative, status, signal_kinds, is_high_risk, "
            "review_state) FROM STDIN"
        ) as copy:
            while chunk := logs.read(1 << 20):
                copy.write(chunk)
        cursor.execute("SELECT reference, id FROM cases_crimelog")
        ids = dict(cursor.fetchall())
        with raw.copy(
            "COPY cases_logparty (log_id, role, position, source_id, name, name_normalised, "
            "date_of_birth, area) FROM STDIN"
        ) as copy:
            for reference, role, source_id, name, dob in parties:
                copy.write_row(
                    (ids[reference], role, 0, source_id, name, normalise_name(name), dob, "")
                )
        cursor.execute("ANALYZE")
    return [ids[reference] for reference, *_ in parties[::2]]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="stalking_hub_bench_signals")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--load-only", action="store_true", help="load the feed, then stop")
    args = parser.parse_args(argv)

    url = scratch_database(args.database)
    try:
        setup_django(url)
        from django.db import transaction

        from cases.services.people import link_parties
        from cases.signals import evaluate_logs
        from foundation.outbox import services as outbox

        # Alerts stay in the scratch database's outbox: nothing reaches the broker.
        outbox.publish = lambda *, message_ids, connection=None: 0

        started = time.perf_counter()
        log_ids = load_feed(args.rows, args.seed)
        print(f"loaded {len(log_ids):,} logs in {time.perf_counter() - started:.1f}s")
        if args.load_only:
            return
        batches = [log_ids[i : i + args.batch] for i in range(0, len(log_ids), args.batch)]
        now = datetime.now(UTC)
        for attempt in ("first", "again"):
            seconds = 0.0
            linked = 0
            for batch in batches:
                started = time.perf_counter()
                with transaction.atomic():
                    linked += link_parties(log_ids=batch)
                seconds += time.perf_counter() - started
            rate = len(log_ids) * 2 / seconds
            print(f"link_parties ({attempt}): {linked:,} parties linked in {seconds:.2f}s "
                  f"({rate:,.0f} parties/s)")  # fmt: skip
            seconds = 0.0
            counts: dict[str, int] = {}
            evaluated = alerted = 0
            for batch in batches:
                started = time.perf_counter()
                result = evaluate_logs(log_ids=batch, now=now)
                seconds += time.perf_counter() - started
                evaluated += result.evaluated
                alerted += len(result.newly_high_risk)
                for kind, count in result.counts.items():
                    counts[kind] = counts.get(kind, 0) + count
            print(f"evaluate_logs ({attempt}): {len(log_ids):,} logs ({evaluated:,} with their "
                  f"pairs) in {seconds:.2f}s ({len(log_ids) / seconds:,.0f} logs/s); "
                  f"{alerted:,} alerted; signals {dict(sorted(counts.items()))}")  # fmt: skip
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
