"""Benchmark of the crime-log sweep (issue: crime-log sweep and review queue).

    python bench/sweep.py                 # 100,000 rows
    python bench/sweep.py --rows 1000000  # 1M rows (about 25 minutes with generation)

It creates a scratch database (`<dev database>_bench`, dropped and re-created), generates a
synthetic feed with the pinned default generator (stalking_hub/demo/feedgen.py, fixed seed;
tests/lib/test_feedgen_pinned.py fails if its output moves), and times, each
in a fresh `manage.py import_logs` process whose peak memory (max RSS) is read from the kernel:

1. a plain Postgres COPY of the same file into an unindexed table: the physical limit;
2. the first import into the empty database (parse, validate, upsert, link parties, evaluate
   signals: everything);
3. a re-import of the same file, unchanged;
4. an import of a copy with 1% of the rows changed.

It prints rows/s for each, each as a share of the COPY rate, and the peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stalking_hub.demo.feedgen import generate_feed  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/stalking_hub"


@dataclass
class Phase:
    name: str
    seconds: float
    rows: int
    peak_mb: float
    report: dict[str, object]

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def dev_database_url() -> str:
    """DATABASE_URL from the environment, else from .env (as the settings read it), so the
    scratch database is named after this checkout's own database, not a shared default."""
    if url := os.environ.get("DATABASE_URL"):
        return url
    dot_env = ROOT / ".env"
    if dot_env.exists():
        for line in dot_env.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            if name.strip() == "DATABASE_URL" and value.strip():
                return value.strip()
    return DEFAULT_DB


def bench_database_url() -> str:
    base = urlparse(dev_database_url())
    return urlunparse(base._replace(path=base.path + "_bench"))


def admin_sql(url: str, sql: str) -> None:
    import psycopg

    admin = urlparse(url)._replace(path="/postgres")
    with psycopg.connect(urlunparse(admin), autocommit=True) as conn:
        conn.execute(sql)


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a child process; return (seconds, peak RSS in MB, stdout)."""
    started = time.perf_counter()
    child = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed")
    child.returncode = 0
    return seconds, usage.ru_maxrss / 1024, out


def copy_limit(url: str, feed: Path, env: dict[str, str]) -> Phase:
    code = f"""
import psycopg, sys
with psycopg.connect({url!r}) as conn:
    conn.execute("DROP TABLE IF EXISTS bench_copy_raw")
    header = open({str(feed)!r}, encoding="utf-8").readline().strip().split(",")
    cols = ", ".join(f'"{{c}}" text' for c in header)
    conn.execute(f"CREATE UNLOGGED TABLE bench_copy_raw ({{cols}})")
    with conn.cursor().copy("COPY bench_copy_raw FROM STDIN (FORMAT csv, HEADER true)") as copy:
        with open({str(feed)!r}, "rb") as f:
            while chunk := f.read(1 << 20):
                copy.write(chunk)
    rows = conn.execute("SELECT count(*) FROM bench_copy_raw").fetchone()[0]
    conn.execute("DROP TABLE bench_copy_raw")
print(rows)
"""
    seconds, peak, out = run_child([sys.executable, "-c", code], env)
    return Phase("plain COPY (limit)", seconds, int(out.strip()), peak, {})


# `manage.py import_logs --json` in a fresh process, then the seconds per phase of the work
# (cases.phases) on a line of its own.
_IMPORT_CHILD = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from cases.phases import background_totals, totals
call_command("import_logs", sys.argv[1], "--json")
print()
print(json.dumps({"main": totals(), "background": background_totals()}))
"""

# Phases in the order the import meets them (cases/feed/importer.py, cases/services/logs.py).
PHASES = (
    "read",
    "digests",
    "duplicates",
    "convert",
    "stage",
    "upsert",
    "people",
    "signals",
    "signals: scope",
    "signals: read and classify",
    "signals: decide",
    "signals: write",
    "hooks",
    "analyze",
    "commit",
)


def import_phase(name: str, feed: Path, env: dict[str, str]) -> Phase:
    seconds, peak, out = run_child([sys.executable, "-c", _IMPORT_CHILD, str(feed)], env)
    lines = [line for line in out.strip().splitlines() if line.strip()]
    report = json.loads(lines[-2])
    timed = json.loads(lines[-1])
    report["phases"] = timed["main"]
    report["background"] = timed["background"]
    rows = sum(int(report[key]) for key in ("created", "updated", "unchanged", "rejected"))
    return Phase(name, seconds, rows, peak, report)


def print_phases(phases: list[Phase]) -> None:
    """Seconds per phase of each import; "other" is process start, commits and bookkeeping.

    The evaluation (people already linked: signals, hooks) runs on a second thread that
    overlaps the import's own (cases.feed.evaluation): its phases are marked "*" and do not
    count in "other", which is the main thread's wall-clock time left over."""
    print("\nseconds per phase (* on the evaluation thread, overlapping the others)")
    print(f"{'phase':<30}" + "".join(f"{p.name.split(',')[0][:12]:>14}" for p in phases))
    names = {k for p in phases for d in ("phases", "background") for k in p.report[d]}  # type: ignore[attr-defined]
    hooks = sorted(k for k in names if k.startswith("hook "))
    extra = sorted(k for k in names if k.startswith("evaluate: "))
    for key in (*PHASES, *extra, *hooks, "other"):
        if key == "hooks":
            continue
        values = []
        background = False
        for p in phases:
            timed: dict[str, float] = p.report["phases"]  # type: ignore[assignment]
            behind: dict[str, float] = p.report["background"]  # type: ignore[assignment]
            background |= key in behind
            spent = sum(timed.values())
            value = p.seconds - spent if key == "other" else timed.get(key, 0.0)
            values.append(value + behind.get(key, 0.0))
        if key.startswith("hook "):
            label = f"  hook {key[5:]}"[:30]
        elif key.startswith("signals: "):
            label = f"  {key[9:]}"
        else:
            label = key
        label = f"{label} *" if background else label
        print(f"{label:<30}" + "".join(f"{value:>14.1f}" for value in values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the scratch database a previous run left (its first import done) and time "
        "the re-imports only: the unchanged file is imported back first (untimed in the "
        "table), then the unchanged re-import and the 1%%-changed import",
    )
    options = parser.parse_args()

    options.workdir.mkdir(parents=True, exist_ok=True)
    feed = options.workdir / f"feed-{options.rows}.csv"
    changed = options.workdir / f"feed-{options.rows}-changed.csv"
    if not feed.exists():
        print(f"generating {options.rows:,} rows…", flush=True)
        generate_feed(feed, options.rows, seed=options.seed)
    if not changed.exists():
        generate_feed(changed, options.rows, seed=options.seed, changed_fraction=0.01)

    url = bench_database_url()
    name = urlparse(url).path.lstrip("/")
    if not options.reuse:
        admin_sql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin_sql(url, f'CREATE DATABASE "{name}"')
    env = os.environ | {
        "DATABASE_URL": url,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "stalking_hub.settings.base",
        "HUB_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    limit = copy_limit(url, feed, env)
    if options.reuse:
        # A full run ends with the changed file's rows stored: put the unchanged ones back.
        import_phase("restore", feed, env)
    first = [] if options.reuse else [import_phase("first import", feed, env)]
    phases = [
        *first,
        import_phase("re-import, unchanged", feed, env),
        import_phase("import, 1% changed", changed, env),
    ]
    size_mb = feed.stat().st_size / 1e6
    print(f"\nCrime-log sweep benchmark: {options.rows:,} rows ({size_mb:,.0f} MB CSV)")
    print(f"{'phase':<24}{'seconds':>9}{'rows/s':>11}{'of COPY':>9}{'peak MB':>9}  result")
    print(
        f"{limit.name:<24}{limit.seconds:>9.1f}{limit.rate:>11,.0f}{'100%':>9}{limit.peak_mb:>9.0f}"
    )
    for phase in phases:
        counts = ", ".join(
            f"{key} {phase.report[key]:,}"
            for key in ("created", "updated", "unchanged", "rejected")
        )
        print(
            f"{phase.name:<24}{phase.seconds:>9.1f}{phase.rate:>11,.0f}"
            f"{phase.rate / limit.rate:>9.0%}{phase.peak_mb:>9.0f}  {counts}"
        )
    print_phases(phases)
    print(
        "targets: first import >= 10% of COPY, unchanged >= 40%, 1% changed close to "
        "unchanged, peak memory < 300 MB and flat in N"
    )


if __name__ == "__main__":
    main()
