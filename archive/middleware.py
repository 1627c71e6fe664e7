"""Middleware of the archive's own."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# What a lost, refused or overloaded database raises (the embedded server failing to start
# included: archive.db reports that as an OperationalError too).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Long enough for a restart of the database, short enough that nobody gives up.
RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"


class DatabaseUnavailableMiddleware:
    """Answers 503 with a plain message, not a 500 and a traceback, when the database is down.

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
        # One line for the operator; the traceback says nothing a failed connection does not.
        logger.error("database unavailable for %s: %s", request.path, str(exception).strip())
        if request.path_info.startswith(API_PREFIX):
            response: HttpResponse = JsonResponse(
                {"error": "The archive's database is unavailable; please try again shortly."},
                status=503,
            )
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
