"""The archive's HTML pages: parse the request, call the search engine, render."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from archive import filters, presentation, records
from archive.models import Department, Member, Question
from archive.search import engine
from archive.search.engine import SearchParams, Sort

# Primary keys are bigints; a longer number in a URL names nothing.
MAX_PK = 2**63 - 1
RECENT = 10

EXAMPLES = [
    ('"knife crime"', "an exact phrase"),
    ("flood* -insurance", "words starting flood…, without insurance"),
    ("heading:visas department:home", "a word in the heading, from the Home Office"),
    ("asker:Doocey police", "questions a member asked about the police"),
    ("(ambulance OR paramedic) waiting", "either word, with waiting"),
]


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"totals": engine.totals(), "examples": EXAMPLES})


def search_tips(request: HttpRequest) -> HttpResponse:
    context = {
        "examples": EXAMPLES,
        "count_cap": engine.COUNT_CAP,
        "summary_window": engine.SUMMARY_WINDOW,
        "rank_window": engine.RANK_WINDOW,
        "recent_window": engine.RECENT_WINDOW,
        "max_page": engine.MAX_PAGE,
        "export_max": engine.EXPORT_MAX_ROWS,
        "feed_size": engine.FEED_SIZE,
    }
    return render(request, "tips.html", context)


def search(request: HttpRequest) -> HttpResponse:
    filterset = filters.QuestionFilterSet(data=request.GET)
    try:
        params = filterset.params()
    except filters.InvalidSearch as problem:
        context = {"form": filterset.form, "error": problem.message, "params": None}
        return render(request, "search.html", context, status=400)
    results = engine.search(params)
    context = {"form": filterset.form, **presentation.results_page(params, results)}
    return render(request, "search.html", context)


def _canonical(record: Question | Member | Department, request: HttpRequest) -> str | None:
    """The canonical URL when the request used another (no slug, an old or a wrong one)."""
    url = record.get_absolute_url()
    return url if request.path != url else None


def _check_pk(pk: int) -> None:
    if pk > MAX_PK:
        raise Http404


def question(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    _check_pk(pk)
    record = get_object_or_404(
        Question.objects.select_related("asker", "answerer", "department").defer("search_vector"),
        pk=pk,
    )
    if url := _canonical(record, request):
        return redirect(url, permanent=True)
    context = {
        "question": record,
        "sources": records.sources(record),
        "attachments": records.attachments(record),
        "related": records.related(record),
        "permalink": request.build_absolute_uri(record.get_absolute_url()),
    }
    return render(request, "question.html", context)


def member(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    _check_pk(pk)
    record = get_object_or_404(Member, pk=pk)
    if url := _canonical(record, request):
        return redirect(url, permanent=True)
    asked = engine.search(
        SearchParams(asker_id=pk, sort=Sort.NEWEST), page_size=RECENT, snippets=False
    )
    answered = engine.search(
        SearchParams(answerer_id=pk, sort=Sort.NEWEST), page_size=RECENT, snippets=False
    )
    search_url = reverse("search")
    as_asker = SearchParams(asker=record.display_name)
    as_answerer = SearchParams(answerer=record.display_name)
    context = {
        "member": record,
        "asked": asked,
        "asked_questions": [hit.question for hit in asked.hits],
        "asked_tables": presentation.summary_tables(
            search_url, as_asker, asked, [("department", "Asked of"), ("year", "Asked by year")]
        ),
        "asked_url": search_url + filters.querystring(as_asker),
        "answered": answered,
        "answered_questions": [hit.question for hit in answered.hits],
        "answered_tables": presentation.summary_tables(
            search_url,
            as_answerer,
            answered,
            [("department", "Answered for"), ("year", "Answered by year")],
        ),
        "answered_url": search_url + filters.querystring(as_answerer),
    }
    return render(request, "member.html", context)


def department(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    _check_pk(pk)
    record = get_object_or_404(Department, pk=pk)
    if url := _canonical(record, request):
        return redirect(url, permanent=True)
    questions = engine.search(
        SearchParams(department_id=pk, sort=Sort.NEWEST), page_size=RECENT, snippets=False
    )
    search_url = reverse("search")
    base = SearchParams(department=record.name)
    context = {
        "department": record,
        "questions": questions,
        "recent": [hit.question for hit in questions.hits],
        "tables": presentation.summary_tables(
            search_url,
            base,
            questions,
            [
                ("year", "By year"),
                ("asker", "Most frequent askers"),
                ("answerer", "Most frequent answerers"),
            ],
        ),
        "search_url": search_url + filters.querystring(base),
    }
    return render(request, "department.html", context)
