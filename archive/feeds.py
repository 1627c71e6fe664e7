"""A search as a CSV download and as an Atom feed, with the results page's parameters."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from archive import filters
from archive.api import record
from archive.models import Question
from archive.search import engine
from archive.search.engine import Sort

SITE_NAME = "Written questions archive"
CSV_COLUMNS = (
    "id",
    "url",
    "uin",
    "house",
    "heading",
    "date_tabled",
    "date_answered",
    "status",
    "asker",
    "asker_party",
    "asker_seat",
    "department",
    "answerer",
    "answerer_role",
    "question_text",
    "answer_text",
)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection), so
# such cells get a leading apostrophe, which spreadsheets show as text and do not display.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _bad_request(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


class _Echo:
    """A file-like object csv.writer can write one row to, handing the line back."""

    def write(self, value: str) -> str:
        return value


def _csv_row(question: Question, request: HttpRequest) -> list[str]:
    data = record(question, request)
    asker = data["asker"] or {}
    flat = {
        **data,
        "asker": asker.get("name"),
        "asker_party": asker.get("party"),
        "asker_seat": asker.get("seat"),
        "answerer": (data["answerer"] or {}).get("name"),
    }
    return [safe_cell(flat[column]) for column in CSV_COLUMNS]


def search_csv(request: HttpRequest) -> HttpResponse:
    try:
        params = filters.parse(request.GET)
    except filters.InvalidSearch as problem:
        return _bad_request(problem.message)
    writer = csv.writer(_Echo())
    # Searched before the response starts, so a search the database stops gets the error
    # page instead of a file cut off after its header.
    questions = engine.stream(params, limit=engine.EXPORT_MAX_ROWS)

    def lines() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for question in questions:
            yield writer.writerow(_csv_row(question, request))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="written-questions.csv"'
    return response


def _published(question: Question) -> dt.datetime | None:
    day = question.date_answered or question.date_tabled
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _summary_html(question: Question) -> str:
    # Atom summaries are HTML: each paragraph is escaped so that the document's own text
    # reaches the feed reader as text, never as markup.
    paragraphs = [question.question_text, *question.answer_paragraphs]
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p.strip())


def search_atom(request: HttpRequest) -> HttpResponse:
    try:
        params = filters.parse(request.GET)
    except filters.InvalidSearch as problem:
        return _bad_request(problem.message)
    newest = dataclasses.replace(params, sort=Sort.NEWEST, page=1)
    results = engine.search(newest, page_size=engine.FEED_SIZE, summary=False, snippets=False)
    page_url = request.build_absolute_uri(reverse("search") + filters.querystring(newest))
    feed = Atom1Feed(
        title=f"{filters.describe(params, results.compiled)} \N{EN DASH} {SITE_NAME}",
        link=page_url,
        description="The newest written questions matching this search.",
        feed_url=request.build_absolute_uri(),
        language="en-gb",
    )
    for hit in results.hits:
        question = hit.question
        link = request.build_absolute_uri(question.get_absolute_url())
        feed.add_item(
            title=question.heading or question.question_text[:100],
            link=link,
            unique_id=link,
            description=_summary_html(question),
            author_name=question.asker.display_name if question.asker else None,
            pubdate=_published(question),
            updateddate=question.updated_at,
            categories=[c for c in (str(question.department or ""), question.house) if c],
        )
    response = HttpResponse(content_type=f"{feed.content_type}")
    feed.write(response, "utf-8")
    return response
