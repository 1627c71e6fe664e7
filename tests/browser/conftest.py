"""Debian's Chromium, driven by Playwright, against the archive served by a live server.

Every test here is marked ``browser``. They are skipped, with the reason, when
``/usr/bin/chromium`` (``make browser`` installs it) or the ``playwright`` package is
missing, so ``make test`` still passes on a machine without a browser; CI installs one.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Iterator
from io import StringIO
from typing import TYPE_CHECKING

import pytest

from tests.browser.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    FLOOD_ASKERS,
    FLOOD_DEPARTMENT,
    FLOOD_QUESTIONS,
)
from tests.conftest import SAMPLES

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Page,
        Playwright,
        Response,
    )
    from pytest_django.live_server_helper import LiveServer


def unavailable_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: `make browser` installs Debian's Chromium"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is missing: `make install-dev` installs it"
    return None


# These wrap a test in a transaction the live server cannot see into, or empty the database
# the module shares after one test; `site` gives every browser test the database instead.
FORBIDDEN_FIXTURES = {"db", "transactional_db", "live_server"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items, so it picks the browser tests by their mark.
    # They go last, in their order (pytest-django has sorted the others already): the
    # `playwright` fixture turns off a Django safety check for the rest of the session.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    browser_tests = [item for item in items if item.get_closest_marker("browser")]
    for item in browser_tests:
        if clash := FORBIDDEN_FIXTURES & set(getattr(item, "fixturenames", ())):
            raise pytest.UsageError(
                f"{item.nodeid} uses {', '.join(sorted(clash))} (directly or through a fixture "
                "such as django_user_model, admin_user or client): browser tests use `site`."
            )
    if reason := unavailable_reason():
        for item in browser_tests:
            item.add_marker(pytest.mark.skip(reason=reason))


def load_archive() -> None:
    """The sample documents, plus enough questions on one topic to fill several pages."""
    from django.core.management import call_command

    from tests.factories import DepartmentFactory, MemberFactory, QuestionFactory

    call_command("ingest", str(SAMPLES), stdout=StringIO(), stderr=StringIO())
    defra = DepartmentFactory(name=FLOOD_DEPARTMENT)
    askers = [MemberFactory(name=name) for name in FLOOD_ASKERS]
    for n in range(FLOOD_QUESTIONS):
        tabled = dt.date(2023, 1, 9) + dt.timedelta(days=11 * n)
        QuestionFactory(
            heading=f"Flood Defences: Area {n}",
            question_text=(
                "To ask the Secretary of State for Environment, Food and Rural Affairs what "
                f"steps she is taking to improve flood defences in area {n}."
            ),
            answer_text="The Environment Agency is investing in flood defences in every region.",
            asker=askers[n % len(askers)],
            department=defra,
            date_tabled=tabled,
            date_answered=tabled + dt.timedelta(days=7),
        )


@pytest.fixture(scope="session")
def test_database(django_db_setup, django_db_blocker, django_db_keepdb: bool) -> Iterator[None]:
    """The test database, even when no test of the session asks pytest-django for one.

    pytest-django creates it only if a collected test has a django_db mark or the `db`,
    `transactional_db` or `live_server` fixture, which browser tests cannot use (see
    FORBIDDEN_FIXTURES). Run alone, they would otherwise load and then empty the
    development database.
    """
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    if connection.settings_dict["NAME"].startswith("test_"):
        yield
        return
    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=0, interactive=False, aliases={"default"}, keepdb=django_db_keepdb
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=0)


@pytest.fixture(scope="module")
def site(test_database, django_db_blocker) -> Iterator[LiveServer]:
    """The archive with its data, served on localhost for one test module.

    pytest-django's ``live_server`` fixture makes each test transactional, which empties
    the database after every test; loading the samples for every test would double the
    suite's time. So each module loads them once, is served by the same LiveServer class
    ``live_server`` uses, and empties the database at the end, as a transactional test
    does, for the tests that follow. The database stays open to the whole module: the
    server's threads and the tests' own ORM calls (a superuser, a question's address) both
    need it, and everything they write is committed where the other can see it.
    """
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import modify_settings
    from pytest_django.live_server_helper import LiveServer

    # It loads, and at the end empties, whatever database it is given.
    assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        # A server thread serves one keep-alive browser connection for as long as it is
        # open; with persistent database connections it would still hold one when the
        # session drops the test database. Every thread shares this settings dict.
        patch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
        load_archive()
        server = LiveServer("localhost")
        hosts = modify_settings(ALLOWED_HOSTS={"append": "localhost"})
        hosts.enable()
        try:
            yield server
        finally:
            hosts.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            # Django keeps connections per asyncio context, and Playwright's loop makes this
            # one of its own: closed now, or no one closes it and the session cannot drop
            # the test database at its end.
            connection.close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio event loop in the tests' own thread, and from its
    # start to the end of the session Django sees that loop as running there: it would refuse
    # every ORM call (SynchronousOnlyOperation), the live server's data and the tests' own,
    # although all of them are plain synchronous code. So the check is off from here on, and
    # only from here: the browser tests run last (see pytest_collection_modifyitems), so the
    # variable never reaches an earlier test's subprocess such as `manage.py check --deploy`,
    # which rightly fails on it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as driver:
            yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # Each launch gets a fresh temporary profile (Playwright's own --user-data-dir).
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, site: LiveServer) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=site.url, viewport=DESKTOP, accept_downloads=True)
    # A page that needs longer than this on localhost is a failure worth seeing.
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def browser_errors() -> list[str]:
    """What went wrong in the page: console errors (a blocked inline style or script among
    them), uncaught exceptions, and responses of 400 or more."""
    return []


@pytest.fixture
def page(context: BrowserContext, browser_errors: list[str]) -> Page:
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        # A failed load is reported below with its address, which the console omits.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            browser_errors.append(message.text)

    def on_response(response: Response) -> None:
        # Browsers ask for /favicon.ico on their own; its absence is no fault of a page.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            browser_errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: browser_errors.append(str(error)))
    return page
