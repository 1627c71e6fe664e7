"""Faults: a database that is down, a file that fails half-way, two ingests at once.

None of them may lose data, leave half a file behind, or show anyone a traceback.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import Client, RequestFactory
from django.urls import path

from archive.db import server
from archive.db.base import DatabaseWrapper
from archive.middleware import STOPPED, DatabaseUnavailableMiddleware
from archive.models import Department, Member, Provenance, Question, SourceDocument
from archive.search import engine
from tests.conftest import REPO, SAMPLES
from tests.factories import QuestionFactory
from tests.test_foundation import run_manage

ARCHIVE_MODELS = (Member, Department, Question, SourceDocument, Provenance)


# A page and an API endpoint that read the database, so these tests do not depend on the
# archive's own pages (``@pytest.mark.urls`` swaps them in).
def _reads_database(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"{Question.objects.count()} questions")


def _api_reads_database(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"count": Question.objects.count()})


def _fails(request: HttpRequest) -> HttpResponse:
    raise ValueError("a bug of ours")


def _runs_too_long(request: HttpRequest) -> HttpResponse:
    """A statement the database stops, as it stops a search past engine.SEARCH_TIME_LIMIT."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', '20ms', true)")
        cursor.execute("SELECT pg_sleep(5)")
    return HttpResponse("finished")


urlpatterns = [
    path("probe/", _reads_database),
    path("api/probe", _api_reads_database),
    path("boom/", _fails),
    path("slow/", _runs_too_long),
    path("api/slow", _runs_too_long),
]
uses_probe_urls = pytest.mark.urls("tests.test_faults")


def refuse_connection() -> None:
    raise OperationalError("connection to server on socket failed: Connection refused")


@pytest.fixture
def database_down(monkeypatch):
    """Every new query fails the way a stopped or unreachable server makes it fail."""
    monkeypatch.setattr(connection, "ensure_connection", refuse_connection)


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def subprocess_database_url() -> str:
    """The URL by which a subprocess reaches the test database on the embedded server."""
    settings = connection.settings_dict
    if "PGDATA" not in settings:
        pytest.skip("the tests run on a DATABASE_URL server, not the embedded one")
    embedded = server.ensure_running(Path(settings["PGDATA"]), settings["EMBEDDED_NAME"])
    return server.database_url(embedded, settings["NAME"])


def table_dump() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in ARCHIVE_MODELS}


def plain_list(*topics: str, answered: bool = True) -> bytes:
    """A plain-list document with one question on each topic."""
    answer = (
        "Answered by Joe Bloggs - Parliamentary Under-Secretary of State (Home Office)\n"
        "The Government takes {topic} seriously.\n"
    )
    return "".join(
        "Asked by: Jane Smith (Labour (Co-op) - Ashton-under-Lyne)\n"
        "Question to the Home Office:\n"
        "To ask the Secretary of State for the Home Department what steps she is taking "
        f"on {topic}.\n" + (answer.format(topic=topic) if answered else "")
        for topic in topics
    ).encode()


# -- the database is down: pages ------------------------------------------------------


@pytest.mark.django_db
@uses_probe_urls
def test_a_page_answers_503_with_a_plain_message_when_the_database_is_down(client, database_down):
    response = client.get("/probe/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"]
    body = response.content.decode()
    assert "temporarily unavailable" in body
    assert "Traceback" not in body
    assert "OperationalError" not in body
    assert "Connection refused" not in body


@pytest.mark.django_db
@uses_probe_urls
def test_an_api_call_answers_503_with_a_json_error_when_the_database_is_down(client, database_down):
    response = client.get("/api/probe")
    assert response.status_code == 503
    assert set(response.json()) == {"error"}
    assert "unavailable" in response.json()["error"]


@pytest.mark.django_db
def test_the_admin_answers_503_when_the_database_goes_away_mid_session(client, monkeypatch):
    client.force_login(User.objects.create_user("editor", is_staff=True, is_superuser=True))
    monkeypatch.setattr(connection, "ensure_connection", refuse_connection)
    response = client.get("/admin/")
    assert response.status_code == 503
    assert "Traceback" not in response.content.decode()


def test_an_interface_error_is_a_503_too():
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/api/questions?q=police")
    response = middleware.process_exception(request, InterfaceError("connection already closed"))
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "error": "The archive's database is unavailable; please try again shortly."
    }


# -- a search the database stopped ------------------------------------------------------


@pytest.mark.django_db
@uses_probe_urls
def test_a_search_stopped_for_taking_too_long_says_so_and_how_to_narrow_it(client):
    response = client.get("/slow/")
    assert response.status_code == 503
    body = response.content.decode()
    assert "This search was stopped" in body
    assert "took longer than 5s" in body
    assert "Add words, a filter or a date range" in body
    assert "unavailable" not in body
    assert "Traceback" not in body and "QueryCanceled" not in body
    # Retrying the same search would be stopped again.
    assert "Retry-After" not in response


@pytest.mark.django_db
@uses_probe_urls
def test_an_api_search_stopped_for_taking_too_long_answers_a_json_error(client):
    response = client.get("/api/slow")
    assert response.status_code == 503
    assert response.json() == {"error": STOPPED}


@pytest.mark.django_db
def test_a_csv_export_whose_search_is_stopped_says_so_instead_of_a_cut_off_file(
    client, monkeypatch
):
    QuestionFactory(question_text="To ask about canals.")

    def stopped(*args, **kwargs):
        _runs_too_long(RequestFactory().get("/"))

    monkeypatch.setattr(engine, "_find", stopped)
    response = client.get("/search.csv", {"q": "canals"})
    assert response.status_code == 503
    assert not response.streaming
    assert "This search was stopped" in response.content.decode()


def test_other_errors_are_left_to_the_500_page():
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    assert middleware.process_exception(RequestFactory().get("/"), ValueError()) is None


@pytest.mark.django_db
def test_an_embedded_server_that_will_not_start_is_reported_as_unreachable(monkeypatch):
    if "PGDATA" not in connection.settings_dict:
        pytest.skip("the tests run on a DATABASE_URL server, not the embedded one")

    def broken(pgdata: Path, database: str) -> server.Connection:
        raise RuntimeError("postmaster.pid does not contain port or socket information")

    monkeypatch.setattr(server, "ensure_running", broken)
    wrapper = DatabaseWrapper(dict(connection.settings_dict), alias="broken")
    with pytest.raises(OperationalError, match="embedded database server did not start"):
        wrapper.get_connection_params()


# -- errors of ours, and missing pages ------------------------------------------------


@pytest.mark.django_db
@uses_probe_urls
def test_a_bug_shows_the_plain_500_page_without_a_traceback():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "Traceback" not in body and "a bug of ours" not in body


@pytest.mark.django_db
def test_a_missing_page_shows_the_plain_404_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# -- the database is down: commands ---------------------------------------------------


@pytest.mark.parametrize("command", [["ingest", "--json", str(SAMPLES)], ["export", "-"]])
def test_commands_exit_non_zero_with_one_line_when_the_database_is_unreachable(command):
    result = run_manage(*command, DATABASE_URL=f"postgres://u:p@127.0.0.1:{unused_port()}/x")
    assert result.returncode != 0
    assert "cannot reach the database:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.fixture
def empty_database_url():
    """A database on the test server with none of the archive's tables."""
    url = subprocess_database_url()
    name = "archive_not_migrated"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    yield url.rsplit("/", 1)[0] + "/" + name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("command", [["ingest", "--json", str(SAMPLES)], ["export", "-"]])
def test_commands_on_a_database_not_yet_migrated_say_to_migrate(command, empty_database_url):
    result = run_manage(*command, DATABASE_URL=empty_database_url)
    assert result.returncode != 0
    assert "run `python manage.py migrate` first" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


# -- a file failing half-way ----------------------------------------------------------


@pytest.mark.django_db
def test_a_write_failing_mid_file_leaves_the_database_as_it_was_and_names_the_file(
    tmp_path,
):
    earlier = tmp_path / "earlier.txt"
    earlier.write_bytes(plain_list("knife crime", answered=False))
    call_command("ingest", str(earlier), json=True, stdout=StringIO())
    # The failing file would also have answered the question already in the archive.
    failing = tmp_path / "failing.txt"
    failing.write_bytes(plain_list("knife crime", "fraud", "burglary", "shoplifting"))
    before = table_dump()
    with connection.cursor() as cursor:
        # The third block's write fails inside the database, as a full disk would.
        cursor.execute(
            """
            CREATE FUNCTION fail_third_block() RETURNS trigger AS $$
            BEGIN
                IF NEW.position >= 2 THEN
                    RAISE EXCEPTION 'simulated write failure at block %', NEW.position;
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER fail_third_block BEFORE INSERT ON archive_provenance
                FOR EACH ROW EXECUTE FUNCTION fail_third_block();
            """
        )
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("ingest", str(failing), json=True, stdout=out)
    assert exit_.value.code == 1

    report = json.loads(out.getvalue())
    [file] = report["files"]
    assert file["path"] == str(failing)
    assert file["status"] == "failed"
    assert "simulated write failure at block 2" in file["reason"]
    assert report["totals"]["failed"] == 1
    after = table_dump()
    # The only trace of the file is the record of its failure.
    failure = after["SourceDocument"].pop()
    assert (failure["path"], failure["outcome"], failure["question_count"]) == (
        str(failing),
        "failed",
        0,
    )
    assert after == before


# -- two ingests at once --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_ingests_of_the_same_files_at_once_load_each_question_once():
    url = subprocess_database_url()
    command = [sys.executable, "manage.py", "ingest", "--json", str(SAMPLES)]
    env = {**os.environ, "DATABASE_URL": url}
    processes = [
        subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
        assert "Traceback" not in stderr
    reports = [json.loads(stdout) for stdout, _ in outputs]

    files = len(reports[0]["files"])
    loaded = [f for report in reports for f in report["files"] if f["status"] == "ingested"]
    # Each file was loaded by one process; the other found it already there.
    assert len({f["path"] for f in loaded}) == len(loaded)
    assert sum(f["created"] for f in loaded) == Question.objects.count() > 0
    assert Provenance.objects.count() == sum(f["questions"] for f in loaded)
    assert SourceDocument.objects.count() == files
    copies = Question.objects.values("fingerprint", "asker_id").annotate(n=Count("id"))
    assert not copies.filter(n__gt=1)
