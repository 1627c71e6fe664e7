"""The one search: a parsed query and the public filters applied to the archive.

Every reader of the archive searches through ``search()``: the results page, the JSON API,
the Atom feed and the member and department pages; the CSV export streams the same search
through ``stream()``. Both take a ``SearchParams`` of plain values (``archive/filters.py``
makes one from a request), so nothing here knows about HTTP.

The archive is designed for a million questions served from two cores within 100 ms a page,
so no request does work proportional to the whole corpus where a cap will serve. Each lever
is a named constant below with the reason for its value, and the results say whenever one of
them changed what the reader sees. Measured on a million questions, the costs that matter are:

* testing a row against words reads its table row and its search vector (kept in the row:
  migration 0005), about 2 µs a row, so a plan that tests rows one by one must stop within
  some tens of thousands;
* the GIN index finds matches without reading rows, but costs time for every question that
  contains the words (about 0.6 µs each): too slow for words in a twentieth of the archive;
* the planner knows neither cost, so word searches choose their plan shape themselves.

Hence three strategies (``Strategy``), each one windowed query (``WINDOW_SQL``) returning the
count, the facets, the timeline and the page's ids in one pass:

* FILTERS, no words: the first COUNT_CAP + 1 questions the filters allow, by plain scans;
* INDEXED, words: the first COUNT_CAP + 1 matches found through the GIN index (bitmap scans
  only); a date-sorted page of more matches than that walks the date index for early pages
  (DATE_WALK_BUDGET) or sorts every match by ``date + 0`` (the guard no index provides);
* RECENT, words the planner expects in COMMON_SHARE or more of the questions the filters
  allow, when walking to the RECENT_WINDOW newest (or oldest) of them in the date index
  costs less than the INDEXED window would: the newest (or oldest) matches only.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum

from django.contrib.postgres.search import SearchConfig, SearchQuery
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import OrderBy, RawSQL
from django.db.models.functions import Cast
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.models import SUMMARY_COLUMNS, Department, Member, Question
from archive.search import query
from archive.search.vector import SEARCH_CONFIG

# --- Levers ------------------------------------------------------------------------------------

PAGE_SIZE = 20
# Pages past the 50th are not served: an OFFSET makes PostgreSQL produce and throw away every
# earlier row, and nobody reads 1,000 results in order; filters narrow a search far better.
MAX_PAGE = 50
# Counting stops here: ``SELECT count(*) FROM (SELECT 1 ... LIMIT COUNT_CAP + 1)`` visits at
# most COUNT_CAP + 1 rows, where an exact count of a common word would visit most of the corpus.
COUNT_CAP = 10_000
# Facets and the timeline are counted over the first SUMMARY_WINDOW matches found (in index
# order, the cheapest to find), not over all of them. At most COUNT_CAP, so the count tells
# whether the window left matches out.
SUMMARY_WINDOW = 10_000
# Ranking reads each candidate's search vector again and runs ts_rank (~3 µs), so only the
# first RANK_WINDOW matches found are ranked: about 6 ms. Below that number it is exact.
RANK_WINDOW = 2_000
# A query is "common" when the planner expects it to match at least this share of the
# questions its filters allow, and walking them in date order costs less than the GIN window:
# the walk then finds a match in every few rows, where the GIN index would decode an entry
# for every question containing the words, up to hundreds of thousands. Measured at a million
# questions: the walk costs about WALK_ROW_US a row (vectors kept in the row), the GIN window
# POSTING_US a matching question plus WINDOW_ROW_US for each row it reads (35 ms for 10,000),
# so at a million the two meet near 4%; at 8% (pension OR asylum) the walk took 35 ms where
# the index took 95. In a smaller archive, or within a narrow filter, the same share is few
# matches, which the window reads (and counts exactly) faster than a walk finds a thousand.
COMMON_SHARE = 0.05
WALK_ROW_US = 2.0
POSTING_US = 0.6
WINDOW_ROW_US = 3.5
# A common query is said to match "more than COUNT_CAP" without counting only when the planner
# expects this many matches: five times the cap, a margin for its guess that words and filters
# are independent. Otherwise the count says "more than RECENT_WINDOW", which the walk proved.
COMMON_MIN_MATCHES = 5 * COUNT_CAP
# Common queries are summarised and ranked over their RECENT_WINDOW newest matches (or oldest,
# when sorted oldest first), found by walking the date index: some RECENT_WINDOW / COMMON_SHARE
# rows at most. At least MAX_PAGE * PAGE_SIZE, so every page of a date sort comes from it.
RECENT_WINDOW = 1_000
# ... and the walk gives up after RECENT_SCAN rows, reporting the matches it found as a lower
# bound, when the planner over-estimated (say for a heading: search of common words): half
# as many again as a walk at exactly COMMON_SHARE needs, so at most about 60 ms.
RECENT_SCAN = 30_000
# A walk reads every question the filters allow, for an exact count with undated questions
# last, when the planner expects at most this many: no index has that order, so the walk
# sorts them first (their addresses, ~10 ms for 5,000). Larger pools are walked in the date
# index's own order, dated questions only.
WHOLE_POOL_MAX = 5_000
# Date sorts of more than COUNT_CAP matches that are not common: the page is found by walking
# the date index when the planner expects that to read at most this many rows (early pages,
# denser words); otherwise every match is found through the GIN index and sorted by date.
DATE_WALK_BUDGET = 5_000
# Word searches get this much sort memory so that GIN bitmaps stay exact: a lossy bitmap makes
# PostgreSQL re-test every row of a page, reading search vectors again.
TEXT_SEARCH_WORK_MEM = "32MB"
# A word search's estimates and window are stopped after this long (statement_timeout, per
# statement; the snippets that follow read 20 rows at most). The levers above keep every
# search we know of well under a second at a million questions (the sweep's slowest page
# took 126-133 ms); one they fail to bound, on a cold cache or behind a lock, would
# otherwise hold a web worker and a database core for as long as it liked. The reader is
# told the search was stopped and how to narrow it (archive.middleware).
SEARCH_TIME_LIMIT = "5s"
FACET_SIZE = 10
# A timeline spanning at most this many months is drawn by month rather than by year.
MONTHLY_TIMELINE_MAX_MONTHS = 24
# Past this many years the bars cover several years each ("1990-1999"), so that one question
# dated centuries away (a typing slip an admin left) cannot make a page of ten thousand bars.
TIMELINE_MAX_BARS = 60
EXPORT_MAX_ROWS = 10_000
# Rows fetched per query while streaming an export, so memory stays flat.
EXPORT_CHUNK = 500
FEED_SIZE = 50

# Snippets: ts_headline re-parses a whole text, so it runs on the shown page's rows only (see
# ``_hits``); exports and feeds carry the full texts instead. It brackets matches with these
# private-use characters, which no source document contains, so after the text is
# HTML-escaped they can be turned into <mark> safely.
MARK_START = "\ue000"
MARK_STOP = "\ue001"
_MARK_RE = re.compile(f"({MARK_START}|{MARK_STOP})")
# ts_headline's options, written out once: SearchHeadline composes each option through a
# client-side cursor on every call, some 2 ms of Python a page. Values are double-quoted,
# as ts_headline reads them.
SNIPPET_OPTIONS = ", ".join(
    f'{option}="{value}"'
    for option, value in {
        "StartSel": MARK_START,
        "StopSel": MARK_STOP,
        "MaxWords": 35,
        "MinWords": 15,
        "MaxFragments": 2,
        "FragmentDelimiter": " … ",
    }.items()
)

# ts_rank normalisation 1 divides by 1 + log(length), so a long answer does not outrank a
# short question merely by repeating the word.
RANK_NORMALISATION = 1

FACET_NAMES = ("department", "asker", "answerer", "house", "year")


class Sort(StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    OLDEST = "oldest"


class Strategy(StrEnum):
    # No words: B-tree indexes and plain scans, which read no search vectors.
    FILTERS = "filters"
    # Words: the GIN index finds the matches; rows are read only for the capped window.
    INDEXED = "indexed"
    # Very common words: the newest (or oldest) matches, walking the date index.
    RECENT = "recent"


QueryError = query.QueryError


@dataclass(frozen=True)
class SearchParams:
    """What the reader asked for, as plain validated values.

    ``asker``, ``answerer`` and ``department`` are display names, matched without regard to
    case or accents; the ``*_id`` fields pin one exact record (member and department pages
    use them).
    ``sort`` None means relevance when there are words to rank by, else newest first.
    """

    q: str = ""
    asker: str = ""
    answerer: str = ""
    department: str = ""
    house: str = ""
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: Sort | None = None
    page: int = 1
    asker_id: int | None = None
    answerer_id: int | None = None
    department_id: int | None = None


@dataclass(frozen=True)
class Hit:
    question: Question
    # Safe HTML: escaped text with <mark> around the matched words; "" without words.
    question_snippet: SafeString | str = ""
    answer_snippet: SafeString | str = ""


@dataclass(frozen=True)
class FacetValue:
    value: str  # what the filter of the same name accepts
    count: int


@dataclass(frozen=True)
class TimelineBar:
    label: str
    start: dt.date
    end: dt.date
    count: int


@dataclass(frozen=True)
class Timeline:
    unit: str  # "month", "year" or "N-year period"
    bars: tuple[TimelineBar, ...]


@dataclass(frozen=True)
class Window:
    """The part of the matches something was computed from, when it was not all of them."""

    size: int
    # "first": the first found, in index order; "newest" or "oldest": by date.
    kind: str

    def __str__(self) -> str:
        if self.kind == "first":
            return f"the first {self.size:,} matches found"
        return f"the {self.size:,} {self.kind} matches"


@dataclass(frozen=True)
class SearchResults:
    params: SearchParams
    sort: Sort  # the order actually used
    compiled: query.CompiledQuery | None
    count: int  # exact unless count_capped, then a lower bound (COUNT_CAP, as a rule)
    count_capped: bool
    hits: list[Hit] = field(default_factory=list)
    page_size: int = PAGE_SIZE
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    timeline: Timeline | None = None
    strategy: Strategy = Strategy.FILTERS
    # Set when facets and timeline were counted over part of the matches only.
    summary_window: Window | None = None
    # Set when relevance was ranked among part of the matches only.
    ranking_window: Window | None = None
    # Every word the reader gave to rank by is a stop word, so nothing can match.
    only_stop_words: bool = False
    # Set when a common-words search stopped after reading this many questions (the newest
    # or oldest) with fewer matches than it looks for: ``count`` is then a lower bound.
    stopped_after: int | None = None

    @property
    def page(self) -> int:
        return self.params.page

    @property
    def page_count(self) -> int:
        """Pages the reader can reach: the whole count, but never past MAX_PAGE. A search
        that stopped early (``stopped_after``) has only the pages of what it found."""
        pages = -(-self.count // self.page_size)
        if self.count_capped and self.stopped_after is None:
            return MAX_PAGE
        return min(pages, MAX_PAGE)

    @property
    def pages_limited(self) -> bool:
        """More matches exist than MAX_PAGE pages can show."""
        if self.stopped_after is not None:
            return False
        return self.count_capped or self.count > MAX_PAGE * self.page_size


@dataclass(frozen=True)
class Totals:
    questions: int
    questions_estimated: bool  # from the planner's statistics, past EXACT_TOTAL_BELOW
    members: int
    departments: int


# --- The search --------------------------------------------------------------------------------


def compile_query(text: str) -> query.CompiledQuery | None:
    """The reader's words as SQL, or None when there are none; raises QueryError."""
    return query.build(text) if text.strip() else None


def effective_sort(params: SearchParams, compiled: query.CompiledQuery | None) -> Sort:
    """Relevance needs words to rank by; without them every sort falls back to newest first."""
    can_rank = bool(compiled and compiled.rank_tsquery)
    if params.sort is None:
        return Sort.RELEVANCE if can_rank else Sort.NEWEST
    if params.sort == Sort.RELEVANCE and not can_rank:
        return Sort.NEWEST
    return params.sort


def search(
    params: SearchParams,
    *,
    page_size: int = PAGE_SIZE,
    summary: bool = True,
    snippets: bool = True,
) -> SearchResults:
    """One page of questions matching ``params``, with count, and facets and timeline if asked.

    Raises QueryError for a query the language rejects.
    """
    compiled = compile_query(params.q)
    sort = effective_sort(params, compiled)
    offset = (params.page - 1) * page_size
    with _text_search(compiled) as only_stop_words:
        if only_stop_words:
            return SearchResults(
                params, sort, compiled, 0, False, page_size=page_size, only_stop_words=True
            )
        found = _find(params, compiled, sort, offset, page_size, summary)
    return SearchResults(
        params=params,
        sort=sort,
        compiled=compiled,
        count=found.count,
        count_capped=found.capped,
        hits=_hits(found.page_ids, compiled if snippets else None),
        page_size=page_size,
        facets=_facets(found.rows) if summary else {},
        timeline=_timeline(found.rows) if summary else None,
        strategy=found.strategy,
        summary_window=found.summary_window if summary else None,
        ranking_window=found.ranking_window if sort == Sort.RELEVANCE else None,
        stopped_after=found.stopped_after,
    )


def stream(params: SearchParams, *, limit: int = EXPORT_MAX_ROWS) -> Iterator[Question]:
    """Up to ``limit`` questions of the same search in the same order, a chunk at a time.

    The search itself runs now, not when the first question is asked for: a search the
    database stops (SEARCH_TIME_LIMIT) raises here, before a caller has started a download
    that it would cut short; only reading the questions by id is left for later.
    """
    compiled = compile_query(params.q)
    sort = effective_sort(params, compiled)
    with _text_search(compiled) as only_stop_words:
        # An export ranks as many matches as it exports (a page, only RANK_WINDOW).
        rank_window = max(RANK_WINDOW, limit)
        found = (
            None
            if only_stop_words
            else _find(params, compiled, sort, 0, limit, False, rank_window, exhaustive=True)
        )
    return _questions(found.page_ids if found else [])


def _questions(ids: list[int]) -> Iterator[Question]:
    for start in range(0, len(ids), EXPORT_CHUNK):
        for hit in _hits(ids[start : start + EXPORT_CHUNK], None):
            yield hit.question


def totals() -> Totals:
    """How much the archive holds, for the home page, without counting a million rows."""
    questions, estimated, members, departments = _totals_row()
    return Totals(questions, estimated, members, departments)


# --- Filters -----------------------------------------------------------------------------------


def members_called(name: str) -> Q:
    """Members whose display name is ``name`` (any case, accents or none); see
    Member.display_name."""
    condition = Q(name__unaccent__iexact=name)
    if match := re.fullmatch(r"member\s*#\s*(\d{1,9})", name.strip(), re.IGNORECASE):
        condition |= Q(name="", parliament_id=int(match[1]))
    return condition | Q(name="", parliament_id__isnull=True, twfy_id__iexact=name)


def _named(model: type[Member | Department], name: str) -> Q:
    """Records called ``name`` exactly or, when none is, in any case and without accents.

    A facet's link carries the exact name, and an exact match is one index probe; comparing
    every name without its accents (2,150 members at a million questions) costs ~3 ms more,
    paid only for a name typed otherwise (spaced otherwise too: names are stored with single
    spaces).
    """
    name = " ".join(name.split())
    loosely = members_called(name) if model is Member else Q(name__unaccent__iexact=name)
    return Q(name=name) | (~Exists(model.objects.filter(name=name)) & loosely)


FILTER_NAMES = (
    "asker",
    "answerer",
    "department",
    "house",
    "status",
    "date_from",
    "date_to",
    "asker_id",
    "answerer_id",
    "department_id",
)


# Name filters: the parameter, the question's foreign key, and the table of names.
NAME_FILTERS = {
    "asker": ("asker_id", Member),
    "answerer": ("answerer_id", Member),
    "department": ("department_id", Department),
}
# The filters that pin one record by id (member and department pages).
_RECORD_IDS = {column for column, _ in NAME_FILTERS.values()}


def filter_condition(name: str, value: object) -> Q | None:
    """The condition one public filter adds; ``archive/filters.py`` validates ``value`` first.

    Names are looked up first (a small table) and the questions filtered by the ids found, so
    that the planner sees real ids, whose frequencies it knows, rather than a subquery it must
    guess about. None means that no record has that name, so nothing can match.
    """
    if name in NAME_FILTERS:
        column, model = NAME_FILTERS[name]
        ids = list(model.objects.filter(_named(model, str(value))).values_list("id", flat=True))
        if not ids:
            return None
        return _record_is(column, ids[0]) if len(ids) == 1 else Q(**{f"{column}__in": ids})
    if name == "date_from":
        return Q(date__gte=value)
    if name == "date_to":
        return Q(date__lte=value)
    if name in _RECORD_IDS:
        return _record_is(name, value)
    if name in FILTER_NAMES:
        return Q(**{name: value})
    raise ValueError(f"no filter called {name!r}")


class _IndexedKey(Q):
    """A filter the search index holds beside the words (see ``_record_is``)."""


def _record_is(column: str, pk: object) -> Q:
    """``column = pk`` in the search index's own type, so words and record meet in it.

    The index keeps member and department ids beside the words (migration 0007), but
    btree_gin compares a bigint only with a bigint: an id sent as a plain integer would leave
    the condition to a B-tree bitmap of every question of that record.
    """
    return _IndexedKey(**{column: Cast(Value(pk), BigIntegerField())})


def _conditions(params: SearchParams) -> list[Q] | None:
    """Every filter's condition, or None when one of them can match nothing."""
    conditions = []
    for name in FILTER_NAMES:
        value = getattr(params, name)
        if value in ("", None):
            continue
        if (condition := filter_condition(name, value)) is None:
            return None
        conditions.append(condition)
    return conditions


def _matching(conditions: list[Q], compiled: query.CompiledQuery | None) -> QuerySet[Question]:
    """Every question matching the query (if given) and the filters' conditions, unordered."""
    matches = Question.objects.order_by().filter(*conditions)
    return matches.filter(words_condition(compiled)) if compiled else matches


def words_condition(compiled: query.CompiledQuery) -> Q:
    """The query language's match as a condition on questions, for any queryset of them."""
    return Q(RawSQL(compiled.where_sql, compiled.params, output_field=BooleanField()))


# --- Choosing and running a strategy -----------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    strategy: Strategy
    count: int
    capped: bool  # count is a lower bound
    rows: list[tuple[str, str, int]]  # (facet, key, count), see WINDOW_SQL
    page_ids: list[int]
    summary_window: Window | None
    ranking_window: Window | None
    stopped_after: int | None = None  # see SearchResults.stopped_after


@dataclass(frozen=True)
class _Page:
    sort: Sort
    offset: int
    limit: int
    rank_tsquery: str  # for Sort.RELEVANCE: the words to rank by
    rank_window: int  # how many of the first matches to rank


def _find(
    params: SearchParams,
    compiled: query.CompiledQuery | None,
    sort: Sort,
    offset: int,
    limit: int,
    summary: bool,
    rank_window: int | None = None,
    *,
    exhaustive: bool = False,
) -> _Found:
    """The matches' count, summary rows and page. ``exhaustive`` (an export) wants every
    match up to the page's end, not the summary of a window: common words are found through
    the index too (a walk finds only the newest RECENT_WINDOW, and only dated ones)."""
    rank_window = rank_window or RANK_WINDOW
    strategy = Strategy.INDEXED if compiled else Strategy.FILTERS
    conditions = _conditions(params)
    if conditions is None:
        return _Found(strategy, 0, False, [], [], None, None)
    matches = _matching(conditions, compiled)
    rank_tsquery = compiled.rank_tsquery if sort == Sort.RELEVANCE and compiled else ""
    page = _Page(sort, offset, limit, rank_tsquery, rank_window)
    expected = _expect(conditions, matches, compiled) if compiled else None
    if compiled and expected and expected.common and not exhaustive:
        _plan_for(Strategy.RECENT)
        return _recent(conditions, compiled, page, summary, expected)
    total, rows, page_ids = _run_window(_first_matches(matches, page), page, summary)
    window = Window(SUMMARY_WINDOW, "first") if total > SUMMARY_WINDOW else None
    ranked = Window(rank_window, "first") if total > rank_window else None
    if sort != Sort.RELEVANCE and total > COUNT_CAP:
        # The window holds only some of the matches, so it cannot say which are newest.
        walk = (
            expected is None
            or expected.rows_to_walk(offset + limit) <= DATE_WALK_BUDGET
            # An export of a dense query: a walk reads some limit / COMMON_SHARE rows, where
            # sorting every match by date would read them all.
            or (exhaustive and expected.dense)
        )
        if walk and expected is not None:
            _plan_for(Strategy.RECENT)
        page_ids = _dated_ids(matches, sort, offset, limit, guard=not walk)
    capped = total > COUNT_CAP
    return _Found(strategy, min(total, COUNT_CAP), capped, rows, page_ids, window, ranked)


@dataclass(frozen=True)
class _Expected:
    """The planner's estimates: questions matching, and questions the filters alone allow."""

    matches: int
    pool: int
    # ``matches`` counts questions with the words in any field, for a query that wants them
    # in one (CompiledQuery.narrowed_to_fields): the candidates the GIN index returns.
    upper_bound: bool = False
    # Entries the GIN index decodes to find the matches, when a filter it does not hold (a
    # date, the house) narrows them afterwards: the words' questions anywhere in the records
    # it does hold. None: ``matches``.
    postings: int | None = None

    @property
    def common(self) -> bool:
        if self.upper_bound and self.matches <= COUNT_CAP:
            # The GIN window reads every candidate, no more rows than any window reads, and
            # counts exactly; a walk would expect matches the field does not have and could
            # read all of RECENT_SCAN for a few (`question:police` in one department: 3% of
            # its questions where 8% hold the word anywhere).
            return False
        if not self.dense:
            return False
        walked = self.pool if self.whole_pool else self.rows_to_walk(RECENT_WINDOW)
        postings = self.matches if self.postings is None else self.postings
        window = WINDOW_ROW_US * min(self.matches, COUNT_CAP) + POSTING_US * postings
        return WALK_ROW_US * walked < window

    @property
    def dense(self) -> bool:
        """At least COMMON_SHARE of the questions allowed match: a walk finishes soon."""
        return self.matches >= COMMON_SHARE * self.pool

    @property
    def whole_pool(self) -> bool:
        """A walk reads every question the filters allow (see WHOLE_POOL_MAX)."""
        return self.pool <= min(RECENT_SCAN, WHOLE_POOL_MAX)

    def rows_to_walk(self, wanted: int) -> float:
        """Rows a walk in date order reads to find ``wanted`` matches."""
        return wanted * self.pool / max(self.matches, 1)


def _expect(
    conditions: list[Q], matches: QuerySet[Question], compiled: query.CompiledQuery
) -> _Expected:
    expected = _Expected(
        _estimated_rows(matches),
        _estimated_rows(_matching(conditions, None)),
        upper_bound=compiled.narrowed_to_fields,
    )
    indexed = [condition for condition in conditions if isinstance(condition, _IndexedKey)]
    if expected.dense and len(indexed) < len(conditions):
        # Only then does the window's cost decide the strategy (see _Expected.common).
        postings = _estimated_rows(_matching(indexed, compiled))
        expected = replace(expected, postings=postings)
    return expected


def _recent(
    conditions: list[Q],
    compiled: query.CompiledQuery,
    page: _Page,
    summary: bool,
    expected: _Expected,
) -> _Found:
    """The common-words strategy: the newest (or oldest) matches, walking the date index."""
    oldest = page.sort == Sort.OLDEST
    whole_pool = expected.whole_pool
    pool = _matching(conditions, None)
    if oldest:
        pool = pool.order_by(F("date").asc(), F("id").asc())
    elif whole_pool:
        pool = pool.order_by(F("date").desc(nulls_last=True), F("id").desc())
    else:
        # Undated questions come first walking the date index backwards; with this many
        # questions to walk they could never reach the pages shown anyway.
        pool = pool.filter(date__isnull=False).order_by(F("date").desc(), F("id").desc())
    walked = _walked_matches(pool, compiled, page, sorted_walk=whole_pool and not oldest)
    total, rows, page_ids = _run_window(walked, page, summary)
    kind = "oldest" if oldest else "newest"
    if total < RECENT_WINDOW:
        if whole_pool:
            return _Found(Strategy.RECENT, total, False, rows, page_ids, None, None)
        # Rarer than the planner expected (a phrase or a heading: search of common words,
        # which the index cannot confirm without reading every candidate): rather than read
        # on through the whole archive, report what the walk found.
        window = Window(total, kind)
        # As many as RECENT_SCAN, or every question the walk could read in a smaller archive.
        walked_rows = pool.values("id")[:RECENT_SCAN].count()
        return _Found(Strategy.RECENT, total, True, rows, page_ids, window, window, walked_rows)
    if page.offset + page.limit > RECENT_WINDOW and page.sort != Sort.RELEVANCE:
        # An export reaching past the window walks on in date order.
        matches = _matching(conditions, compiled)
        page_ids = _dated_ids(matches, page.sort, page.offset, page.limit, guard=False)
    window = Window(RECENT_WINDOW, kind)
    # The walk proved RECENT_WINDOW matches; more is the planner's word (see COMMON_MIN_MATCHES).
    many = COUNT_CAP if expected.matches >= COMMON_MIN_MATCHES else RECENT_WINDOW
    return _Found(Strategy.RECENT, many, True, rows, page_ids, window, window)


def _rank_query(compiled: query.CompiledQuery) -> SearchQuery | None:
    if not compiled.rank_tsquery:
        return None
    return SearchQuery(compiled.rank_tsquery, search_type="raw", config=SEARCH_CONFIG)


GUARDED_DATE = ExpressionWrapper(F("date") + Value(0), output_field=DateField())


def _dated_ids(
    matches: QuerySet[Question], sort: Sort, offset: int, limit: int, *, guard: bool
) -> list[int]:
    """Ids in date order.

    ``guard`` sorts by ``date + 0``, an expression no index provides, so that the planner finds
    the matches through the GIN index and sorts them, rather than walk the date index reading
    a search vector per row, which is quick only within DATE_WALK_BUDGET rows. Without words
    (no vectors to read) the planner's own choice is right.
    """
    date = GUARDED_DATE if guard else F("date")
    if sort == Sort.OLDEST:
        order: list[OrderBy] = [date.asc(nulls_last=True), F("id").asc()]
    elif guard:
        order = [date.desc(nulls_last=True), F("id").desc()]
    else:
        # DESC NULLS LAST is not the date index's order backwards; undated questions are
        # beyond the pages anyone reaches once matches are this many.
        matches = matches.filter(date__isnull=False)
        order = [date.desc(), F("id").desc()]
    return list(matches.order_by(*order).values_list("id", flat=True)[offset : offset + limit])


# --- Rows and snippets -------------------------------------------------------------------------


def _hits(ids: list[int], compiled: query.CompiledQuery | None) -> list[Hit]:
    if not ids:
        return []
    rows = (
        Question.objects.filter(pk__in=ids)
        .order_by()  # put in the ids' order below
        .select_related("asker", "answerer", "department")
        .defer("search_vector", "parse_warnings")
    )
    words = _rank_query(compiled) if compiled else None
    if words is not None:
        rows = rows.annotate(
            question_headline=_snippet("question_text", words),
            answer_headline=_snippet("answer_text", words),
        )
    by_id = {row.pk: row for row in rows}
    hits = []
    for pk in ids:
        if (row := by_id.get(pk)) is None:
            continue  # deleted since the ids were read
        if words is None:
            hits.append(Hit(row))
        else:
            question, answer = row.question_headline, row.answer_headline or ""
            hits.append(Hit(row, marked(question), marked(answer)))
    return hits


def _snippet(column: str, words: SearchQuery) -> Func:
    """ts_headline of ``column``: SearchHeadline's SQL, with SNIPPET_OPTIONS."""
    return Func(
        SearchConfig(SEARCH_CONFIG),
        F(column),
        words,
        Value(SNIPPET_OPTIONS),
        function="ts_headline",
        output_field=TextField(),
    )


def marked(headline: str) -> SafeString:
    """Escape a ts_headline result, then turn its markers into balanced <mark> elements.

    Escaping first means nothing in the document can become markup; a marker that the
    document itself contained can at worst add an (always closed) <mark>.
    """
    out, open_ = [], False
    for part in _MARK_RE.split(headline):
        if part == MARK_START:
            if not open_:
                out.append("<mark>")
                open_ = True
        elif part == MARK_STOP:
            if open_:
                out.append("</mark>")
                open_ = False
        else:
            out.append(escape(part))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))  # every piece of text was escaped above


# --- Facets and timeline -----------------------------------------------------------------------


def _facets(rows: list[tuple[str, str, int]]) -> dict[str, list[FacetValue]]:
    keyed: dict[str, list[tuple[str, int]]] = {name: [] for name in (*FACET_NAMES, "month")}
    for facet, key, count in rows:
        keyed[facet].append((key, count))
    member_ids = {int(key) for facet in ("asker", "answerer") for key, _ in keyed[facet]}
    members = Member.objects.in_bulk(member_ids) if member_ids else {}
    department_ids = {int(key) for key, _ in keyed["department"]}
    departments = Department.objects.in_bulk(department_ids) if department_ids else {}
    years: dict[str, int] = {}
    for month, count in keyed["month"]:
        years[month[:4]] = years.get(month[:4], 0) + count

    def by_count(values: list[FacetValue]) -> list[FacetValue]:
        return sorted(values, key=lambda v: (-v.count, v.value))

    def named(facet: str, records: dict) -> list[FacetValue]:
        # A facet links by name (the name filter), so records sharing a name (two peers
        # titled alike, one member from two sources) are one value: the count its link finds.
        counts: dict[str, int] = {}
        for key, count in keyed[facet]:
            if int(key) in records:
                name = str(records[int(key)])
                counts[name] = counts.get(name, 0) + count
        return by_count([FacetValue(name, count) for name, count in counts.items()])

    return {
        "department": named("department", departments),
        "asker": named("asker", members),
        "answerer": named("answerer", members),
        "house": by_count([FacetValue(key, count) for key, count in keyed["house"]]),
        "year": [FacetValue(year, years[year]) for year in sorted(years, reverse=True)],
    }


def _month_end(start: dt.date) -> dt.date:
    if start.month == 12:
        return dt.date(start.year, 12, 31)
    return dt.date(start.year, start.month + 1, 1) - dt.timedelta(days=1)


def _timeline(rows: list[tuple[str, str, int]]) -> Timeline | None:
    months = {
        dt.date(int(key[:4]), int(key[5:7]), 1): count
        for facet, key, count in rows
        if facet == "month"
    }
    if not months:
        return None
    first, last = min(months), max(months)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    if span <= MONTHLY_TIMELINE_MAX_MONTHS:
        bars = []
        start = first
        while start <= last:
            end = _month_end(start)
            bars.append(TimelineBar(start.strftime("%b %Y"), start, end, months.get(start, 0)))
            if end == dt.date.max:
                break
            start = end + dt.timedelta(days=1)
        return Timeline("month", tuple(bars))
    width = -(-(last.year - first.year + 1) // TIMELINE_MAX_BARS)  # years a bar, rounded up
    counts: dict[int, int] = {}
    for start, count in months.items():
        bucket = first.year + (start.year - first.year) // width * width
        counts[bucket] = counts.get(bucket, 0) + count
    bars = []
    for year in range(first.year, last.year + 1, width):
        end_year = min(year + width - 1, dt.MAXYEAR)
        label = str(year) if width == 1 else f"{year}\u2013{end_year}"
        bars.append(
            TimelineBar(label, dt.date(year, 1, 1), dt.date(end_year, 12, 31), counts.get(year, 0))
        )
    return Timeline("year" if width == 1 else f"{width}-year period", tuple(bars))


# --- Raw SQL: the only SQL this app writes by hand ---------------------------------------------
# The ORM cannot select FROM a subquery, group one result several ways in a single pass, set
# planner options for one transaction or report the planner's estimate. Everything else is
# ORM expressions, compiled by Django and embedded here.

# The planner does not know that testing a row against words costs some 2 µs (ts_match_vq on
# a vector of 3 KB), so left alone it walks an index testing row after row for a word it
# thinks common. Word searches therefore choose their plan shape themselves, for the rest of their
# transaction (set_config(..., true) is SET LOCAL): INDEXED uses bitmap scans only, where the
# GIN index finds the matches, with enough work_mem to keep the bitmaps exact (a lossy bitmap
# re-tests every row of a page); RECENT walks the date index. Each statement may run for
# SEARCH_TIME_LIMIT. numnode() = 0 means that only stop words were given.
TEXT_SEARCH_SQL = """
SELECT set_config('work_mem', %s, true), set_config('statement_timeout', %s, true),
       set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true),
       numnode(to_tsquery(%s::regconfig, %s))
"""
PLAN_SQL = """
SELECT set_config('enable_indexscan', %s, true), set_config('enable_bitmapscan', %s, true)
"""

# The columns every window selects, which the covering indexes carry (so a window of
# filters alone reads no table row); a ranked window adds each row's address (_address).
WINDOW_COLUMNS = tuple(Question._meta.get_field(name).attname for name in SUMMARY_COLUMNS)

# One pass over a window of matches gives the count, the facets, the timeline and the page.
# ``matches`` stops after COUNT_CAP + 1 rows (or RECENT_WINDOW) whatever the corpus size.
# GROUPING(column) = 0 marks the grouping set a row of facet_counts belongs to. Months are
# truncated as timestamps without time zone, so no row goes through time zone rules.
WINDOW_SQL = """
WITH matches AS MATERIALIZED ({matches}),
summarised AS (
    SELECT department_id, asker_id, answerer_id, house,
           date_trunc('month', date::timestamp) AS month
    FROM matches LIMIT %s
),
facet_counts AS (
    SELECT CASE WHEN GROUPING(department_id) = 0 THEN 'department'
                WHEN GROUPING(asker_id) = 0 THEN 'asker'
                WHEN GROUPING(answerer_id) = 0 THEN 'answerer'
                WHEN GROUPING(house) = 0 THEN 'house'
                ELSE 'month' END AS facet,
           COALESCE(department_id::text, asker_id::text, answerer_id::text, NULLIF(house, ''),
                    to_char(month, 'YYYY-MM')) AS key,
           count(*) AS n
    FROM summarised
    GROUP BY GROUPING SETS ((department_id), (asker_id), (answerer_id), (house), (month))
),
top_facets AS (
    SELECT facet, key, n, row_number() OVER (PARTITION BY facet ORDER BY n DESC, key) AS place
    FROM facet_counts WHERE key IS NOT NULL
),
page AS ({page})
SELECT 'total', '', count(*) FROM (SELECT 1 FROM matches LIMIT %s) AS capped
UNION ALL
SELECT facet, key, n FROM top_facets WHERE place <= %s OR facet = 'month'
UNION ALL
SELECT 'page', id::text, place FROM page
"""

# The page of a window in date order; exact whenever the window holds every match, or is the
# newest or oldest matches walked in that order. The ORDER BY texts are fixed, never input.
DATE_ORDERS = {
    Sort.NEWEST: "date DESC NULLS LAST, id DESC",
    Sort.OLDEST: "date ASC NULLS LAST, id ASC",
}
# The page is cut first (a top-N sort of the window) and only its rows are numbered.
DATED_PAGE_SQL = """
SELECT id, row_number() OVER (ORDER BY {order}) AS place
FROM (SELECT id, date FROM matches ORDER BY {order} LIMIT %s OFFSET %s) AS dated
"""

# The page of a window in relevance order, ranking its first RANK_WINDOW candidates. The rank
# is ts_rank as Django's SearchRank writes it, with RANK_NORMALISATION. The window carries
# each row's address (``tid``, its ctid: stable within one statement's snapshot) rather than
# its search vector, which a materialised window would copy for every row; the candidates'
# vectors are then read by address, with no index (6 ms for 2,000 rows, 14 ms by id).
RANKED_PAGE_SQL = """
SELECT candidate.id, row_number() OVER (
    ORDER BY ts_rank(ranked.search_vector, to_tsquery(%s::regconfig, %s), %s) DESC,
             candidate.date DESC NULLS LAST, candidate.id DESC
) AS place
FROM (SELECT id, date, tid FROM matches LIMIT %s) AS candidate
JOIN archive_question AS ranked ON ranked.ctid = candidate.tid
ORDER BY place LIMIT %s OFFSET %s
"""

# Common words: walk ``pool`` (the filters, in date order, at most RECENT_SCAN rows) and keep
# the first RECENT_WINDOW rows matching the words. The walk is named ``archive_question`` so
# that the query language's SQL, written against the table, applies to it unchanged.
WALKED_MATCHES_SQL = """
SELECT {columns} FROM ({pool}) AS archive_question WHERE {where} LIMIT %s
"""
# A walk that needs a sort (every question allowed, newest first with undated ones last: no
# index has that order) would copy each row's search vector into the sort. It sorts row
# addresses instead and reads each walked row by its address, under the table's own name
# (about 1 µs a row more, so only where there is a sort).
SORTED_WALK_MATCHES_SQL = """
SELECT {columns} FROM ({pool}) AS walk,
LATERAL (SELECT * FROM archive_question WHERE archive_question.ctid = walk.tid) AS archive_question
WHERE {where} LIMIT %s
"""

# pg_class.reltuples is the planner's estimate (-1 before the first ANALYZE); below
# EXACT_TOTAL_BELOW counting is cheap enough to be exact. The initplan under CASE runs only
# when its branch is taken.
EXACT_TOTAL_BELOW = 100_000
TOTALS_SQL = """
SELECT
    (SELECT CASE WHEN reltuples >= %s THEN reltuples::bigint
                 ELSE (SELECT count(*) FROM archive_question) END
     FROM pg_class WHERE oid = 'archive_question'::regclass),
    (SELECT reltuples >= %s FROM pg_class WHERE oid = 'archive_question'::regclass),
    (SELECT count(*) FROM archive_member),
    (SELECT count(*) FROM archive_department)
"""


@contextmanager
def _text_search(compiled: query.CompiledQuery | None) -> Iterator[bool]:
    """A transaction set up for a word search; yields whether only stop words were given."""
    if compiled is None:
        yield False
        return
    with transaction.atomic(), connection.cursor() as cursor:
        rank_tsquery = compiled.rank_tsquery or "x"
        cursor.execute(
            TEXT_SEARCH_SQL,
            [TEXT_SEARCH_WORK_MEM, SEARCH_TIME_LIMIT, SEARCH_CONFIG, rank_tsquery],
        )
        only_stop_words = cursor.fetchone()[-1] == 0 and not compiled.has_prefixes
        yield bool(compiled.rank_tsquery) and only_stop_words


def _plan_for(strategy: Strategy) -> None:
    walk = strategy == Strategy.RECENT
    with connection.cursor() as cursor:
        cursor.execute(PLAN_SQL, ["on" if walk else "off", "off" if walk else "on"])


def _estimated_rows(queryset: QuerySet) -> int:
    plan = json.loads(queryset.values("id").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


ROW_ADDRESS = RawSQL('"archive_question"."ctid"', ())


def _address(page: _Page) -> dict[str, RawSQL]:
    """The row address RANKED_PAGE_SQL reads vectors by, when the page is ranked.

    Only then: a window of filters alone is read from the covering indexes, which hold no
    row addresses PostgreSQL can return.
    """
    return {"tid": ROW_ADDRESS} if page.sort == Sort.RELEVANCE and page.rank_tsquery else {}


def _first_matches(matches: QuerySet[Question], page: _Page) -> tuple[str, tuple]:
    """The first COUNT_CAP + 1 matches in whatever order the indexes yield them."""
    return matches.values(*WINDOW_COLUMNS, **_address(page))[
        : COUNT_CAP + 1
    ].query.sql_with_params()


def _walked_matches(
    pool: QuerySet[Question], compiled: query.CompiledQuery, page: _Page, *, sorted_walk: bool
) -> tuple[str, tuple]:
    address = _address(page)
    if sorted_walk:
        walk = pool.values(*WINDOW_COLUMNS, tid=ROW_ADDRESS)[:RECENT_SCAN]
        columns = ", ".join(f"walk.{column}" for column in (*WINDOW_COLUMNS, *address))
        template = SORTED_WALK_MATCHES_SQL
    else:
        texts = query.LITERAL_COLUMNS if compiled.reads_text else ()
        walk = pool.values(*WINDOW_COLUMNS, "search_vector", *texts, **address)[:RECENT_SCAN]
        columns = ", ".join((*WINDOW_COLUMNS, *address))
        template = WALKED_MATCHES_SQL
    sql, params = walk.query.sql_with_params()
    walked = template.format(columns=columns, pool=sql, where=compiled.where_sql)
    return walked, (*params, *compiled.params, RECENT_WINDOW)


def _run_window(
    matches: tuple[str, tuple], page: _Page, summary: bool
) -> tuple[int, list[tuple[str, str, int]], list[int]]:
    """Run WINDOW_SQL; returns (total up to COUNT_CAP + 1, facet and month rows, page ids)."""
    matches_sql, matches_params = matches
    if page.sort == Sort.RELEVANCE and page.rank_tsquery:
        page_sql = RANKED_PAGE_SQL
        page_params: tuple = (
            SEARCH_CONFIG,
            page.rank_tsquery,
            RANK_NORMALISATION,
            page.rank_window,
            page.limit,
            page.offset,
        )
    else:
        page_sql = DATED_PAGE_SQL.format(order=DATE_ORDERS[page.sort])
        page_params = (page.limit, page.offset)
    sql = WINDOW_SQL.format(matches=matches_sql, page=page_sql)
    params = (
        *matches_params,
        min(SUMMARY_WINDOW, COUNT_CAP) if summary else 0,
        *page_params,
        COUNT_CAP + 1,
        FACET_SIZE,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        result = cursor.fetchall()
    total = next(count for facet, _, count in result if facet == "total")
    page_rows = sorted((place, int(key)) for facet, key, place in result if facet == "page")
    rows = [row for row in result if row[0] not in ("total", "page")]
    return total, rows, [pk for _, pk in page_rows]


def _totals_row() -> tuple[int, bool, int, int]:
    with connection.cursor() as cursor:
        cursor.execute(TOTALS_SQL, [EXACT_TOTAL_BELOW, EXACT_TOTAL_BELOW])
        questions, estimated, members, departments = cursor.fetchone()
    return questions, bool(estimated), members, departments
