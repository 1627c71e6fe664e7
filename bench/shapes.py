"""The fixed query mix, and the two baselines each shape is also run against.

A shape is one kind of search researchers make, with parameters the results page and the API
both accept. The planted terms of ``bench.corpus`` make each shape's match count known in
advance (``government`` ~71% of rows, ``modern slavery`` ~2.4%, ``hovercraft`` ~0.07% …).

The baselines live here, not in the app, so that the app never grows a second search:
- ``icontains``: what a Django project writes first: ``icontains`` on both texts, an exact
  count, the first page by date;
- ``fts``: the textbook PostgreSQL design on the same stored vector, computing what our
  results page shows: ``websearch`` query, ``SearchRank`` order, exact ``COUNT(*)``, an
  exact ``GROUP BY`` for each facet the page lists (department, asker, answerer, house)
  and for the timeline's months (which give the years too), and ``ts_headline`` of the
  page's questions and answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import TruncMonth

from archive.models import Question
from archive.search.engine import FACET_SIZE
from archive.search.vector import SEARCH_CONFIG

PAGE_SIZE = 20


@dataclass(frozen=True)
class Shape:
    name: str
    q: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    # What the icontains baseline looks for: any of these groups, each group all of its terms.
    icontains: tuple[tuple[str, ...], ...] = ()

    @property
    def params(self) -> dict[str, str]:
        """The query string both /search and /api/questions take."""
        params = {"q": self.q, **self.filters, "sort": self.sort}
        if self.page > 1:
            params["page"] = str(self.page)
        return {key: value for key, value in params.items() if value}

    @property
    def ranked(self) -> bool:
        return bool(self.q) and self.sort == "relevance"

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE


@dataclass(frozen=True)
class Terms:
    """What the mix searches for; the defaults are the synthetic corpus's planted terms."""

    rare: str = "hovercraft"
    common: str = "government"
    phrase: str = "modern slavery"
    either: tuple[str, str] = ("pension", "asylum")
    both: tuple[str, str] = ("police", "funding")
    department: str = "Home Office"
    year: int = 2019


SYNTHETIC = Terms()
# The real samples (checked against them): "breathalyser" is in a few MoJ questions,
# "government" in about half of all rows, "mental health" in twenty.
REAL = Terms(
    rare="breathalyser",
    phrase="mental health",
    both=("school", "funding"),
    department="Department for Education",
    year=2009,
)


def mix(top_asker: str, deep_page: int, terms: Terms = SYNTHETIC) -> list[Shape]:
    """The shapes of the issue, in the order the report lists them."""
    t = terms
    year = {"date_from": f"{t.year}-01-01", "date_to": f"{t.year}-12-31"}
    return [
        Shape("rare word", q=t.rare, icontains=((t.rare,),)),
        Shape("common word", q=t.common, icontains=((t.common,),)),
        Shape("phrase", q=f'"{t.phrase}"', icontains=((t.phrase,),)),
        Shape("or", q=f"{t.either[0]} OR {t.either[1]}", icontains=tuple((w,) for w in t.either)),
        Shape(
            "and + department",
            q=f"{t.both[0]} AND {t.both[1]}",
            filters={"department": t.department},
            icontains=(t.both,),
        ),
        Shape("asker filter", filters={"asker": top_asker}, sort="newest"),
        Shape("date range", filters=year, sort="newest"),
        Shape("common word, newest", q=t.common, sort="newest", icontains=((t.common,),)),
        Shape("rare word, newest", q=t.rare, sort="newest", icontains=((t.rare,),)),
        Shape(
            f"deep page ({deep_page})",
            q=t.common,
            page=deep_page,
            icontains=((t.common,),),
        ),
    ]


# -- baselines -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaselineResult:
    count: int
    ids: list[int]


def _filtered(shape: Shape) -> QuerySet[Question]:
    # Joins on names, as a straightforward design would write them.
    rows = Question.objects.all()
    filters = shape.filters
    if "department" in filters:
        rows = rows.filter(department__name=filters["department"])
    if "asker" in filters:
        rows = rows.filter(asker__name=filters["asker"])
    if "date_from" in filters:
        rows = rows.filter(date__gte=dt.date.fromisoformat(filters["date_from"]))
    if "date_to" in filters:
        rows = rows.filter(date__lte=dt.date.fromisoformat(filters["date_to"]))
    return rows


def _by_date(rows: QuerySet[Question], sort: str) -> QuerySet[Question]:
    if sort == "oldest":
        return rows.order_by(F("date").asc(nulls_last=True), "id")
    return rows.order_by(F("date").desc(nulls_last=True), "-id")


def icontains_baseline(shape: Shape) -> BaselineResult:
    rows = _filtered(shape)
    if shape.icontains:

        def contains(term: str) -> Q:
            return Q(question_text__icontains=term) | Q(answer_text__icontains=term)

        groups = [reduce(and_, map(contains, group)) for group in shape.icontains]
        rows = rows.filter(reduce(or_, groups))
    count = rows.count()
    page = list(_by_date(rows, shape.sort)[shape.offset : shape.offset + PAGE_SIZE])
    return BaselineResult(count, [question.pk for question in page])


def websearch(shape: Shape) -> SearchQuery:
    return SearchQuery(shape.q, search_type="websearch", config=SEARCH_CONFIG)


# What the results page lists beside the questions, grouped the straightforward way: named
# facets by name (a join), the house as stored, the timeline (and the years) by month.
FACET_GROUPS = ("department__name", "asker__name", "answerer__name", "house")


def fts_baseline(shape: Shape) -> BaselineResult:
    rows = _filtered(shape)
    query = websearch(shape) if shape.q else None
    if query is not None:
        rows = rows.filter(search_vector=query)
    count = rows.count()
    # Evaluated for their cost: the page shows them.
    for group in FACET_GROUPS:
        facet = rows.order_by().values(group).annotate(n=Count("id")).order_by("-n", group)
        list(facet[:FACET_SIZE])
    list(
        rows.order_by()
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    if shape.ranked:
        ordered = rows.annotate(rank=SearchRank(F("search_vector"), query)).order_by("-rank", "-id")
    else:
        ordered = _by_date(rows, shape.sort)
    page = ordered[shape.offset : shape.offset + PAGE_SIZE]
    if query is not None:
        page = page.annotate(
            question_headline=SearchHeadline("question_text", query, config=SEARCH_CONFIG),
            answer_headline=SearchHeadline("answer_text", query, config=SEARCH_CONFIG),
        )
        ids = [pk for pk, *_ in page.values_list("id", "question_headline", "answer_headline")]
    else:
        ids = list(page.values_list("id", flat=True))
    return BaselineResult(count, ids)


def exact_top_ids(shape: Shape, normalization: int, rank_tsquery: str = "") -> list[int]:
    """The exact page under the engine's own rank (tsquery and normalisation), over every match.

    Ranking every match is what an engine that ranks a window of candidates avoids; this is
    run once per shape, untimed, to measure what the window alone changes. ``rank_tsquery``
    is the engine's ranking query when it ranks by other terms than it matches by (an AND
    search ranked by any of its words).
    """
    query = websearch(shape)
    ranking = (
        SearchQuery(rank_tsquery, search_type="raw", config=SEARCH_CONFIG)
        if rank_tsquery
        else query
    )
    rows = (
        _filtered(shape)
        .filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), ranking, normalization=Value(normalization)))
        .order_by("-rank", F("date").desc(nulls_last=True), "-id")
    )
    return list(rows.values_list("id", flat=True)[shape.offset : shape.offset + PAGE_SIZE])
