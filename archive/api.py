"""The JSON API. Other tools rely on these shapes: change them only with those tools.

``GET /api/questions`` takes the results page's parameters and returns
``{"count", "count_capped", "page", "results", "facets"}``; ``GET /api/questions/<id>`` one
record in the same shape as each result. Problems are ``{"error": "..."}`` with status 400
(bad parameters), 404 (no such question or address), 405 (a method other than GET or
HEAD), 500 (an error of ours) or 503 (database unavailable, search stopped: middleware).
"""

from __future__ import annotations

from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from archive import filters
from archive.models import Question
from archive.search import engine

MAX_PK = 2**63 - 1


def _date(value: object) -> str | None:
    return value.isoformat() if value else None  # type: ignore[attr-defined]


def record(question: Question, request: HttpRequest) -> dict:
    """One question as the API (and the CSV export) presents it."""
    asker, answerer = question.asker, question.answerer
    return {
        "id": question.pk,
        "url": request.build_absolute_uri(question.get_absolute_url()),
        "uin": question.uin,
        "house": question.house,
        "heading": question.heading,
        "date_tabled": _date(question.date_tabled),
        "date_answered": _date(question.date_answered),
        "status": question.status,
        "asker": (
            {"name": asker.display_name, "party": asker.party, "seat": asker.seat}
            if asker
            else None
        ),
        "department": question.department.name if question.department else None,
        "answerer": {"name": answerer.display_name} if answerer else None,
        "answerer_role": question.answerer_role,
        "question_text": question.question_text,
        "answer_text": question.answer_text,
    }


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


ENDPOINTS = "GET /api/questions or GET /api/questions/<id>"


def read_only(view):
    """GET and HEAD only, refused in JSON. Exempt from the CSRF check: nothing here writes,
    and the check would answer a POST with an HTML page before the method is refused."""

    @csrf_exempt
    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        if request.method not in ("GET", "HEAD"):
            response = _error(f"The API only reads: use {ENDPOINTS}.", 405)
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return checked


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a JSON error for the API, the site's page for everything else."""
    if request.path_info.startswith("/api/"):
        return _error("Something went wrong on our side; it has been logged.", 500)
    return defaults.server_error(request)


@read_only
def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    return _error(f"There is no API address {request.path}: use {ENDPOINTS}.", 404)


@read_only
def questions(request: HttpRequest) -> JsonResponse:
    try:
        params = filters.parse(request.GET)
    except filters.InvalidSearch as problem:
        return _error(problem.message, 400)
    results = engine.search(params, snippets=False)
    return JsonResponse(
        {
            "count": results.count,
            "count_capped": results.count_capped,
            "page": params.page,
            "results": [record(hit.question, request) for hit in results.hits],
            "facets": {
                name: [{"value": v.value, "count": v.count} for v in results.facets.get(name, [])]
                for name in engine.FACET_NAMES
            },
        }
    )


@read_only
def question(request: HttpRequest, pk: str) -> JsonResponse:
    # Any text is accepted in the URL so that a bad id gets a JSON 404, not an HTML page.
    found = None
    if pk.isascii() and pk.isdigit() and 0 < int(pk) <= MAX_PK:
        found = (
            Question.objects.select_related("asker", "answerer", "department")
            .defer("search_vector", "parse_warnings")
            .filter(pk=int(pk))
            .first()
        )
    if found is None:
        return _error(f"There is no question with id {pk}.", 404)
    return JsonResponse(record(found, request))
