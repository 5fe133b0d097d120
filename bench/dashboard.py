"""Benchmark of the coordinator's pages at scale, over real HTTP (bench/README.md, "Dashboard").

    DEBUG=true .venv/bin/python bench/dashboard.py --logs 1000000 --cases 100000

Builds a scratch database next to the configured one (dropped first; kept with --keep, reused
with --reuse): N crime logs (25% flagged by the sweep, a third of those awaiting review, 1%
high risk, recorded over two years), M cases with two flagged logs and a victim and a suspect each,
in SQL (`generate_series`), then refreshes the dashboard's summary tables and learning's
recording-gap summary (as beat would). It collects the
static files, starts gunicorn with 2 workers under production settings, signs in as a
coordinator and measures, in one run, p50 and p95 of 20 warm-up and 200 timed requests to: a
trivial authenticated page (the account page), the dashboard, the review queue (first page,
and a filtered later page), the case list, a case page and the recording-gap team report.
The last line prints each page's
ratio to the trivial page.

Then, unless --users 0, the load test: gunicorn restarted with the deployment's workers for
2 cores (--load-workers, 4), --users simulated coordinators (50) for --duration seconds (60),
each signing in and then opening the pages above in a random mix with a think time of 1-3 s;
it prints requests per second, errors, and p50/p95 per page.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from signals import drop_database, scratch_database, setup_django  # noqa: E402

EMAIL = "bench.coordinator@bench.invalid"
PASSWORD = "bench-password-not-secret"
WARM_UP = 20
TIMED = 200


# --- Building the data set ----------------------------------------------------------------------


def build(logs: int, cases: int, users: int) -> None:
    """The data set, in SQL: a bulk load as after a first import (history triggers off)."""
    from django.db import connection

    from foundation.accounts.models import Agency, Role, User

    force = Agency.objects.create(name="Bench Police", kind=Agency.Kind.POLICE_FORCE)
    for index in range(users):
        User.objects.create_user(
            EMAIL if index == 0 else f"bench.coordinator{index}@bench.invalid",
            PASSWORD,
            full_name=f"Bench Coordinator {index}",
            agency=force,
            roles=[Role.COORDINATOR],
        )
    owner = User.objects.get(email=EMAIL).pk
    started = time.perf_counter()
    with connection.cursor() as cursor:
        tables = (
            "cases_crimelog",
            "cases_case",
            "cases_person",
            "cases_caseparty",
            "cases_logreview",
        )
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        # Logs: 25% flagged (i % 20 < 5), of which a third awaiting review; 1% high risk.
        cursor.execute(
            """
            INSERT INTO cases_crimelog (
                source, reference, recorded_at, offence_code, offence, flags, area, officer,
                relationship, narrative, status, signal_kinds, is_high_risk, review_state, outcome)
            SELECT 'bench', 'B/' || lpad(i::text, 8, '0'),
                   now() - make_interval(secs => (i::bigint * 7919) %% (730 * 86400)),
                   CASE WHEN i %% 20 = 0 THEN '8Q' ELSE '195/94' END,
                   CASE WHEN i %% 20 = 0 THEN 'Stalking' ELSE 'Malicious communications' END,
                   CASE WHEN i %% 20 = 0 THEN ARRAY['STALKING']::varchar[] ELSE '{}' END,
                   (ARRAY['NS-NORTH','NS-SOUTH','NS-EAST','NS-WEST','NS-CITY'])[i %% 5 + 1],
                   'officer' || (i %% 400) || '@bench.invalid', 'ex-partner',
                   'Synthetic narrative for the benchmark.', 'open',
                   CASE
                     WHEN i %% 20 = 0 THEN ARRAY['tagged_stalking']::varchar[]
                     WHEN i %% 20 = 1 THEN ARRAY['indicators','course_of_conduct']::varchar[]
                     WHEN i %% 20 = 2 THEN ARRAY['course_of_conduct']::varchar[]
                     WHEN i %% 20 = 3 THEN ARRAY['former_partner']::varchar[]
                     WHEN i %% 20 = 4 THEN ARRAY['indicators']::varchar[]
                     ELSE '{}' END,
                   i %% 100 = 1,
                   CASE WHEN i %% 20 >= 5 THEN 'not_flagged'
                        WHEN i %% 3 = 0 THEN 'awaiting' ELSE 'reviewed' END,
                   CASE WHEN i %% 20 < 5 AND i %% 7 = 0 THEN '1' ELSE '' END
            FROM generate_series(1, %s) AS i
            """,
            [logs],
        )
        cursor.execute(
            """
            INSERT INTO cases_case (reference, status, relationship, summary, cross_border_forces,
                                    opened_at, closure_reason, outcome_notes, current_risk,
                                    owner_id)
            SELECT 'SHB-' || lpad(i::text, 7, '0'),
                   CASE WHEN i %% 4 = 0 THEN 'closed' ELSE 'open' END, 'ex_partner',
                   'Synthetic case for the benchmark.',
                   CASE WHEN i %% 50 = 0 THEN ARRAY['WM']::varchar[] ELSE '{}' END,
                   now() - make_interval(days => i %% 700), '', '',
                   (ARRAY['standard','medium','high'])[i %% 3 + 1], %s
            FROM generate_series(1, %s) AS i
            """,
            [owner, cases],
        )
        cursor.execute(
            """
            INSERT INTO cases_caselog (case_id, log_id, added_by_id, added_at)
            SELECT c.id, l.id, %s, now()
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM cases_case) c
            JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM cases_crimelog
                  WHERE review_state <> 'not_flagged') l
              ON (l.n + 1) / 2 = c.n
            """,
            [owner],
        )
        # The hub's decisions on the reviewed logs (learning's recording-gap report reads them).
        cursor.execute(
            """
            INSERT INTO cases_logreview (log_id, outcome, advice, case_id, reviewed_by_id,
                                         reviewed_at)
            SELECT l.id, (ARRAY['not_stalking','confirmed','possible'])[l.id %% 3 + 1], '',
                   cl.case_id, %s, l.recorded_at + interval '2 days'
            FROM cases_crimelog l LEFT JOIN cases_caselog cl ON cl.log_id = l.id
            WHERE l.review_state = 'reviewed'
            """,
            [owner],
        )
        cursor.execute(
            """
            INSERT INTO cases_person (name, name_normalised, aliases, date_of_birth)
            SELECT 'Bench Person ' || i, 'bench person ' || i, '{}',
                   DATE '1960-01-01' + (i %% 15000)
            FROM generate_series(1, %s) AS i
            """,
            [cases * 2],
        )
        cursor.execute(
            """
            INSERT INTO cases_caseparty (case_id, person_id, role)
            SELECT c.id, p.id, CASE WHEN p.n % 2 = 1 THEN 'victim' ELSE 'suspect' END
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM cases_case) c
            JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM cases_person) p
              ON (p.n + 1) / 2 = c.n
            """
        )
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"built {logs:,} logs and {cases:,} cases in {time.perf_counter() - started:.0f}s")


def refresh() -> None:
    from django.db import transaction
    from django.utils import timezone

    from learning.summary import refresh_gap_summary
    from stalking_hub.dashboard.summary import refresh_figures

    started = time.perf_counter()
    with transaction.atomic():
        refresh_figures(now=timezone.now())
    print(f"summary tables refreshed in {time.perf_counter() - started:.1f}s")
    # Learning's recording-gap summary (the team report reads it), as beat would.
    started = time.perf_counter()
    rows = refresh_gap_summary(now=timezone.now())
    print(
        f"recording-gap summary refreshed in {time.perf_counter() - started:.1f}s ({rows:,} rows)"
    )


# --- The web server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_environment(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "stalking_hub.settings.base",
        "DEBUG": "false",
        "HUB_READ_DOT_ENV": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEF",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": url,
        "HUB_REQUIRE_MFA": "false",
        "HUB_SSL_REDIRECT": "false",
        "HUB_BEHIND_TLS_PROXY": "false",
        "HUB_LOG_LEVEL": "WARNING",
        # A bench signs in many times from one address.
        "HUB_LOGIN_FAILURE_LIMIT": "1000",
    }


def collect_static(url: str) -> None:
    """The production static files (hashed names); once, as the manifest then exists."""
    if (ROOT / "staticfiles" / "staticfiles.json").exists():
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=server_environment(url),
        check=True,
    )


class Server:
    def __init__(self, url: str, workers: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.process = subprocess.Popen(
            [
                gunicorn,
                "stalking_hub.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--no-control-socket",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=server_environment(url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def signed_in(base: str, email: str) -> Any:
    import requests

    session = requests.Session()
    page = fetch(session, f"{base}/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None:
        raise RuntimeError("no sign-in form")
    response = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token.group(1), "username": email, "password": PASSWORD},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=60,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"sign-in refused ({response.status_code})")
    _plain_http(session)
    return session


def fetch(session: Any, url: str, timeout: float = 120) -> Any:
    response = session.get(url, timeout=timeout, allow_redirects=False)
    _plain_http(session)
    return response


def _plain_http(session: Any) -> None:
    """Production cookies are Secure (__Host-), and the session cookie is set again on each
    response (the idle timeout): the bench talks plain HTTP to gunicorn on the loopback, so
    it marks them sendable after every response."""
    for cookie in session.cookies:
        cookie.secure = False


def pages(case_ids: list[int]) -> dict[str, object]:
    """Page name -> path, or a function giving a path (the case page varies its case)."""
    rng = random.Random(7)
    # The filter matches logs: area and signal kinds both follow the log's number (see build).
    return {
        "trivial (account page)": "/accounts/",
        "dashboard": "/dashboard/",
        "review queue, first page": "/logs/queue/",
        "review queue, filtered page 3": "/logs/queue/?state=all&signal=course_of_conduct"
        "&area=NS-SOUTH&page=3",
        "case list": "/cases/",
        "case page": lambda: f"/cases/{rng.choice(case_ids)}/",
        # Learning's recording-gap report: every decided log of the last 12 months, grouped.
        "recording gaps by team": "/learning/gaps/",
    }


def path_of(target: object) -> str:
    return target() if callable(target) else str(target)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * fraction + 0.5) - 1, 0)]


def measure(base: str, case_ids: list[int]) -> dict[str, tuple[float, float]]:
    session = signed_in(base, EMAIL)
    results: dict[str, tuple[float, float]] = {}
    for name, target in pages(case_ids).items():
        for _ in range(WARM_UP):
            fetch(session, base + path_of(target))
        timings: list[float] = []
        for _ in range(TIMED):
            started = time.perf_counter()
            response = fetch(session, base + path_of(target))
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: HTTP {response.status_code}")
        results[name] = (statistics.median(timings), percentile(timings, 0.95))
    return results


def print_table(results: dict[str, tuple[float, float]]) -> None:
    trivial = results["trivial (account page)"][0]
    print(f"{'page':32} {'p50 ms':>9} {'p95 ms':>9} {'p50 ratio':>10}")
    for name, (p50, p95) in results.items():
        print(f"{name:32} {p50:9.1f} {p95:9.1f} {p50 / trivial:9.1f}x")


def ratio_line(results: dict[str, tuple[float, float]]) -> str:
    trivial = results["trivial (account page)"][0]
    ratios = ", ".join(
        f"{name} {p50 / trivial:.1f}x"
        for name, (p50, _) in results.items()
        if not name.startswith("trivial")
    )
    return f"ratios to the trivial page (p50): {ratios}"


# --- Under load ----------------------------------------------------------------------------------


def load(base: str, case_ids: list[int], users: int, duration: float) -> None:
    targets = pages(case_ids)
    # A coordinator's mix: the queue and cases most, the dashboard at the start of a task, the
    # team report now and then. Keyed by page so a page added above cannot misalign the mix (a
    # mismatch killed every simulated user silently once).
    mix = {
        "dashboard": 2,
        "review queue, first page": 3,
        "review queue, filtered page 3": 1,
        "case list": 2,
        "case page": 3,
        "recording gaps by team": 1,
    }
    names = [name for name in targets if not name.startswith("trivial")]
    weights = [mix[name] for name in names]
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    sessions = [
        signed_in(base, EMAIL if i == 0 else f"bench.coordinator{i}@bench.invalid")
        for i in range(users)
    ]

    def user(index: int) -> None:
        rng = random.Random(index)
        session = sessions[index]
        time.sleep(rng.uniform(0, 2))
        while time.monotonic() < stop_at:
            name = rng.choices(names, weights)[0]
            started = time.perf_counter()
            try:
                response = fetch(session, base + path_of(targets[name]), timeout=60)
                ok = response.status_code == 200
            except Exception as error:
                ok, response = False, error
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                timings[name].append(elapsed)
                if not ok:
                    errors.append(f"{name}: {getattr(response, 'status_code', response)}")
            time.sleep(rng.uniform(1, 3))

    started = time.monotonic()
    stop_at = started + duration
    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    total = sum(len(values) for values in timings.values())
    print(
        f"under load: {users} users for {duration:.0f}s: {total:,} requests, "
        f"{total / elapsed:.1f} requests/s, {len(errors)} errors"
    )
    print(f"{'page':32} {'requests':>9} {'p50 ms':>9} {'p95 ms':>9}")
    for name in names:
        values = timings[name]
        if values:
            print(
                f"{name:32} {len(values):9d} {statistics.median(values):9.1f} "
                f"{percentile(values, 0.95):9.1f}"
            )
    if errors:
        print("first errors:", "; ".join(errors[:5]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logs", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--users", type=int, default=50, help="simulated users under load (0: skip)"
    )
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for the ratios")
    parser.add_argument(
        "--load-workers", type=int, default=4, help="gunicorn workers under load (2 per core)"
    )
    parser.add_argument("--database", default="")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept scratch database")
    parser.add_argument(
        "--build-only", action="store_true", help="build and keep the data set; measure nothing"
    )
    args = parser.parse_args(argv)
    if args.cases * 2 > args.logs // 4:
        parser.error("each case takes two flagged logs: --logs must be at least 8 x --cases")

    name = args.database or f"sh_bench_dashboard_{args.logs}_{args.cases}"
    if args.reuse:
        base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stalking_hub")
        url = urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
        setup_django(url)
    else:
        url = scratch_database(name)
        setup_django(url)
        build(args.logs, args.cases, max(args.users, 1))
    if args.build_only:
        from django.db import connections

        connections.close_all()
        print(f"kept {name}: measure it with --reuse")
        return
    try:
        refresh()
        from cases.models import Case

        case_ids = list(Case.objects.order_by("?").values_list("pk", flat=True)[:500])
        from django.db import connections

        connections.close_all()
        collect_static(url)
        server = Server(url, args.workers)
        try:
            print(
                f"{args.logs:,} logs, {args.cases:,} cases; gunicorn {args.workers} workers; "
                f"{WARM_UP} warm-up and {TIMED} timed requests per page"
            )
            results = measure(server.base, case_ids)
            print_table(results)
        finally:
            server.stop()
        if args.users:
            server = Server(url, args.load_workers)
            try:
                print(f"load: gunicorn {args.load_workers} workers")
                load(server.base, case_ids, args.users, args.duration)
            finally:
                server.stop()
        # The last line: each page's ratio to the trivial page.
        print(ratio_line(results), flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        if not (args.keep or args.reuse):
            drop_database(url)


if __name__ == "__main__":
    main()
