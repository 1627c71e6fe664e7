"""``make loadtest``: the request rate the archive sustains with p95 under 100 ms, no errors.

1. Starts (or reuses) the embedded PostgreSQL server and fills a database of its own,
   ``archive_loadtest``, with the sample documents and synthetic questions (once; later runs
   reuse it). The archive's own database is never touched, and ``DATABASE_URL`` is ignored so
   a production database cannot be filled with synthetic records by mistake.
2. Serves the archive with gunicorn on 127.0.0.1 only.
3. Runs locust headless in steps of rising concurrency (1, 2, 4, 8, 16 users, 30 seconds
   each, users waiting for nothing between requests), against a mix of searches, filtered
   searches, permalink pages and API calls (``loadtest/locustfile.py``).
4. Stops gunicorn, writes ``loadtest/results.json`` and prints a table. The answer is the
   highest rate among the steps whose p95 latency stayed under 100 ms with zero errors.

Every step is bounded in time and the whole run stops by itself (about three minutes).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = REPO / "loadtest" / "results.json"
DATABASE = "archive_loadtest"
P95_LIMIT_MS = 100
# Enough records that searches scan real posting lists, small enough to seed in seconds.
DEFAULT_QUESTIONS = 20_000
PERMALINK_SAMPLE = 500

sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--steps", default="1,2,4,8,16", help="users per step (default %(default)s)"
    )
    parser.add_argument("--step-seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers, as in production")
    parser.add_argument("--questions", type=int, default=DEFAULT_QUESTIONS)
    args = parser.parse_args(argv)
    steps = [int(users) for users in args.steps.split(",")]

    database_url = _database_url()
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false", "PRODUCTION": "false"}
    _manage(env, "migrate", "--noinput", "--verbosity", "0")
    questions = _seed(database_url, args.questions)

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="loadtest-") as scratch:
        permalinks = Path(scratch) / "permalinks.json"
        permalinks.write_text(json.dumps(_permalinks()))
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        with _gunicorn(env, port, args.workers, Path(scratch)):
            results = [
                _step(base_url, users, args.step_seconds, permalinks, Path(scratch))
                for users in steps
            ]

    passing = [r for r in results if r["failures"] == 0 and r["p95_ms"] < P95_LIMIT_MS]
    sustained = max(passing, key=lambda r: r["requests_per_second"], default=None)
    report = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "make loadtest",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            # Other work on the machine competes for its cores; figures taken under a
            # load average well above the core count understate the archive.
            "load_average_before": round(load_before, 1),
            "load_average_after": round(os.getloadavg()[0], 1),
        },
        "archive": {"questions": questions, "gunicorn_workers": args.workers},
        "step_seconds": args.step_seconds,
        "p95_limit_ms": P95_LIMIT_MS,
        "steps": results,
        "sustained": sustained,
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    _print_table(report)
    return 0


# -- the database ---------------------------------------------------------------------


def _database_url() -> str:
    from archive.db import server

    pgdata = Path(os.environ.get("PGDATA", REPO / "var" / "pgdata"))
    # This process stays registered as a user of the server until it exits, so the server
    # outlives gunicorn and locust.
    return server.database_url(server.ensure_running(pgdata, DATABASE), DATABASE)


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True)


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()


def _seed(database_url: str, wanted: int) -> int:
    """Fill the load-test database up to ``wanted`` questions; returns how many it holds."""
    _django(database_url)
    from django.db import transaction

    from archive.models import Department, House, Member, Question, Status
    from ingest.identity import fingerprint
    from loadtest import corpus

    held = Question.objects.count()
    if held >= wanted:
        return held
    print(f"Seeding {wanted - held} synthetic questions into {DATABASE}…", flush=True)
    rng = random.Random(held)  # reproducible, yet new questions on a top-up
    with transaction.atomic():
        departments = [Department.objects.get_or_create(name=n)[0] for n in corpus.DEPARTMENTS]
        members = list(Member.objects.filter(name__startswith="LT "))
        if not members:
            members = Member.objects.bulk_create(
                Member(
                    name=f"LT {first} {last}",
                    party=rng.choice(corpus.PARTIES),
                    house=rng.choice([House.COMMONS, House.LORDS]),
                )
                for first in corpus.FIRST_NAMES
                for last in corpus.SURNAMES
            )
        batch = []
        for number in range(held, wanted):
            department = rng.choice(departments)
            asker, answerer = rng.sample(members, 2)
            topic, other = rng.sample(corpus.TOPICS, 2)
            place = rng.choice(corpus.PLACES)
            tabled = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
            text = (
                f"To ask the Secretary of State what steps the {department.name} is taking on "
                f"{topic} in {place}, and what assessment has been made of {other} "
                f"(reference {number})."
            )
            batch.append(
                Question(
                    house=asker.house,
                    uin=f"LT{number}",
                    heading=f"{topic.title()}: {place}",
                    asker=asker,
                    asker_name=asker.name,
                    answerer=answerer,
                    answerer_name=answerer.name,
                    department=department,
                    department_name=department.name,
                    question_text=text,
                    answer_text=(
                        f"The Government is committed to improving {topic} across {place}.\n\n"
                        f"We keep {other} under review and will publish data in due course."
                    ),
                    date_tabled=tabled,
                    date_answered=tabled + dt.timedelta(days=rng.randrange(5, 40)),
                    status=Status.ANSWERED,
                    fingerprint=fingerprint(text),
                )
            )
            if len(batch) == 2000:
                Question.objects.bulk_create(batch)
                batch = []
        Question.objects.bulk_create(batch)
    return Question.objects.count()


def _permalinks() -> list[str]:
    from archive.models import Question

    questions = Question.objects.order_by("?").only("pk", "heading", "question_text")
    return [question.get_absolute_url() for question in questions[:PERMALINK_SAMPLE]]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- the server and the load ----------------------------------------------------------


@contextlib.contextmanager
def _gunicorn(env: dict[str, str], port: int, workers: int, scratch: Path) -> Iterator[None]:
    from django.db import connections

    connections.close_all()  # the seeding connection is no longer needed
    command = [
        str(BIN / "gunicorn"),
        "archive.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--error-logfile",
        str(scratch / "gunicorn.log"),
    ]
    process = subprocess.Popen(command, cwd=REPO, env=env)
    try:
        _wait_until_serving(f"http://127.0.0.1:{port}/", process)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with code {process.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:
            if response.status == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout} s")


def _step(base_url: str, users: int, seconds: int, permalinks: Path, scratch: Path) -> dict:
    print(f"{users} user(s) for {seconds} s…", flush=True)
    prefix = scratch / f"step-{users}"
    command = [
        str(BIN / "locust"),
        "--locustfile",
        str(REPO / "loadtest" / "locustfile.py"),
        "--headless",
        "--host",
        base_url,
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "5",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, "LOADTEST_PERMALINKS": str(permalinks)}
    with open(scratch / f"step-{users}.log", "w") as log:
        # Locust exits 1 when any request failed; the failures are in its statistics.
        subprocess.run(
            command, cwd=REPO, env=env, stdout=log, stderr=log, timeout=seconds + 60, check=False
        )
    try:
        with open(f"{prefix}_stats.csv", newline="") as file:
            rows = {row["Name"]: row for row in csv.DictReader(file)}
    except FileNotFoundError:
        log = (scratch / f"step-{users}.log").read_text()
        raise SystemExit(f"locust wrote no statistics; its output:\n{log[-3000:]}") from None
    total = rows["Aggregated"]
    return {
        "users": users,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "requests_per_second": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "p95_ms_by_page": {
            name: float(row["95%"]) for name, row in rows.items() if name != "Aggregated"
        },
    }


def _print_table(report: dict) -> None:
    print()
    print(f"{'users':>5} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7}")
    for step in report["steps"]:
        print(
            f"{step['users']:>5} {step['requests_per_second']:>8} {step['p50_ms']:>7.0f} "
            f"{step['p95_ms']:>7.0f} {step['p99_ms']:>7.0f} {step['failures']:>7}"
        )
    sustained = report["sustained"]
    print()
    if sustained:
        print(
            f"Sustained: {sustained['requests_per_second']} requests/s at {sustained['users']} "
            f"concurrent users, p95 {sustained['p95_ms']:.0f} ms, no errors "
            f"({report['archive']['questions']} questions, "
            f"{report['archive']['gunicorn_workers']} gunicorn workers)."
        )
    else:
        print(f"No step kept p95 under {P95_LIMIT_MS} ms with zero errors.")
    machine = report["machine"]
    print(
        f"Machine: {machine['cpus']} CPUs, load average {machine['load_average_before']} "
        f"before and {machine['load_average_after']} after."
    )
    print(f"Written to {RESULTS.relative_to(REPO)}.")


if __name__ == "__main__":
    sys.exit(main())
