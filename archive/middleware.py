"""Middleware of the archive's own."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from psycopg.errors import QueryCanceled

from archive.search.engine import SEARCH_TIME_LIMIT

logger = logging.getLogger(__name__)

# What a lost, refused or overloaded database raises (the embedded server failing to start
# included: archive.db reports that as an OperationalError too).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Long enough for a restart of the database, short enough that nobody gives up.
RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"
UNAVAILABLE = "The archive's database is unavailable; please try again shortly."
STOPPED = (
    f"This search took longer than {SEARCH_TIME_LIMIT} and was stopped. Add words, a filter "
    "or a date range to narrow it."
)


class DatabaseUnavailableMiddleware:
    """Answers 503 with a plain message, not a 500 and a traceback, when the database is down
    or stopped a search that ran past its time limit (``engine.SEARCH_TIME_LIMIT``).

    The page is rendered without the request, so no context processor (the signed-in user,
    for one) reaches for the database that just failed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        stopped = isinstance(exception.__cause__, QueryCanceled)
        # One line for the operator; the traceback says nothing a failed connection does not.
        if stopped:
            path = request.get_full_path()
            logger.warning("search stopped after %s: %s", SEARCH_TIME_LIMIT, path)
        else:
            logger.error("database unavailable for %s: %s", request.path, str(exception).strip())
        message = STOPPED if stopped else UNAVAILABLE
        if request.path_info.startswith(API_PREFIX):
            response: HttpResponse = JsonResponse({"error": message}, status=503)
        else:
            context = {"stopped": stopped, "message": message}
            response = HttpResponse(render_to_string("503.html", context), status=503)
        if not stopped:  # retrying the same search would only stop it again
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
