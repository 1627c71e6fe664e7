"""What the results page shows beside the results: links, pagination and the timeline chart.

Pure functions of the search parameters and results, so views stay thin and the SVG geometry
can be tested without a browser.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from archive.filters import (
    chips,
    date_range_url,
    describe,
    facet_url,
    querystring,
    without_filters,
)
from archive.search import engine
from archive.search.engine import SearchParams, SearchResults, Sort, Timeline

FACET_TITLES = {
    "department": "Department",
    "asker": "Asked by",
    "answerer": "Answered by",
    "house": "House",
    "year": "Year",
}


def results_page(params: SearchParams, results: SearchResults) -> dict:
    """Everything the results page shows besides the form, for templates/search.html."""
    return {
        "params": params,
        "results": results,
        "description": describe(params, results.compiled),
        "chips": chips(params),
        "clear_filters_url": without_filters(params),
        "facets": facets(params, results),
        "sort_links": sort_links(params, results),
        "pagination": pagination(params, results),
        "chart": timeline_chart(params, results.timeline),
        # Exports and feeds always start from the first result.
        "feed_query_string": querystring(params)[1:],
        "first_number": (params.page - 1) * results.page_size + 1,
        "export_max": engine.EXPORT_MAX_ROWS,
        "count_cap": engine.COUNT_CAP,
    }


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class FacetLink:
    value: str
    count: int
    url: str
    current: bool


@dataclass(frozen=True)
class Facet:
    name: str
    title: str
    values: list[FacetLink]


def facets(params: SearchParams, results: SearchResults) -> list[Facet]:
    chosen = {
        "department": params.department.casefold(),
        "asker": params.asker.casefold(),
        "answerer": params.answerer.casefold(),
        "house": params.house.casefold(),
    }
    shown = []
    for name, title in FACET_TITLES.items():
        values = [
            FacetLink(
                value.value,
                value.count,
                facet_url(params, name, value.value),
                value.value.casefold() == chosen.get(name),
            )
            for value in results.facets.get(name, [])
        ]
        if values:
            shown.append(Facet(name, title, values))
    return shown


def sort_links(params: SearchParams, results: SearchResults) -> list[Link]:
    sorts = [Sort.NEWEST, Sort.OLDEST]
    if results.compiled and results.compiled.rank_tsquery:
        sorts.insert(0, Sort.RELEVANCE)
    labels = {Sort.RELEVANCE: "Best match", Sort.NEWEST: "Newest", Sort.OLDEST: "Oldest"}
    return [
        Link(labels[sort], querystring(params, sort=sort), results.sort == sort) for sort in sorts
    ]


@dataclass(frozen=True)
class Pagination:
    previous: str | None
    next: str | None
    pages: list[Link | None]  # None marks a gap
    last: int


def pagination(params: SearchParams, results: SearchResults) -> Pagination | None:
    last = results.page_count
    if last <= 1 and params.page == 1:
        return None
    current = params.page
    numbers = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)} - {0})
    pages: list[Link | None] = []
    for number in numbers:
        if pages and pages[-1] is not None and number - int(pages[-1].label) > 1:
            pages.append(None)
        pages.append(Link(str(number), querystring(params, page=number), number == current))
    return Pagination(
        # Past the last page (an old link), "previous" leads back to the last real one.
        previous=querystring(params, page=min(current - 1, last)) if current > 1 else None,
        next=querystring(params, page=current + 1) if current < last else None,
        pages=pages,
        last=last,
    )


# --- Timeline chart ----------------------------------------------------------------------------

CHART_WIDTH = 640
CHART_HEIGHT = 160
PLOT_TOP = 18  # room for the scale label
PLOT_BOTTOM = 136  # room below for period labels
MAX_LABELS = 12


@dataclass(frozen=True)
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int
    url: str
    show_label: bool
    label_x: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    unit: str
    bars: list[ChartBar]
    largest: int
    description: str
    baseline: int
    label_y: int


def timeline_chart(params: SearchParams, timeline: Timeline | None) -> Chart | None:
    """Geometry for an SVG bar chart of the timeline (drawn by templates/_timeline.html)."""
    if timeline is None or not timeline.bars:
        return None
    largest = max(bar.count for bar in timeline.bars) or 1
    slot = CHART_WIDTH / len(timeline.bars)
    gap = min(2.0, slot * 0.2)
    every = math.ceil(len(timeline.bars) / MAX_LABELS)
    plot = PLOT_BOTTOM - PLOT_TOP
    bars = []
    for index, bar in enumerate(timeline.bars):
        height = round(plot * bar.count / largest, 1)
        if bar.count and height < 1:
            height = 1.0  # a period with a match must not look empty
        bars.append(
            ChartBar(
                x=round(index * slot + gap / 2, 1),
                y=round(PLOT_BOTTOM - height, 1),
                width=round(slot - gap, 1),
                height=height,
                label=bar.label,
                count=bar.count,
                url=date_range_url(params, bar.start, bar.end),
                show_label=index % every == 0,
                label_x=round(index * slot + slot / 2, 1),
            )
        )
    peak = max(timeline.bars, key=lambda bar: bar.count)
    first, last = timeline.bars[0].label, timeline.bars[-1].label
    description = (
        f"Bars for each {timeline.unit} from {first} to {last}; the most matching questions "
        f"({peak.count:,}) were in {peak.label}."
    )
    return Chart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        unit=timeline.unit,
        bars=bars,
        largest=largest,
        description=description,
        baseline=PLOT_BOTTOM,
        label_y=PLOT_BOTTOM + 16,
    )


# --- Count tables on member and department pages -----------------------------------------------


@dataclass(frozen=True)
class SummaryTable:
    title: str
    heading: str
    values: list[FacetLink]
    link: bool = True


def summary_tables(
    search_url: str, base: SearchParams, results: SearchResults, specs: list[tuple[str, str]]
) -> list[SummaryTable]:
    """Facet counts as tables; each row links to the search ``base`` narrowed to that value."""
    tables = []
    for name, title in specs:
        values = [
            FacetLink(v.value, v.count, search_url + facet_url(base, name, v.value), False)
            for v in results.facets.get(name, [])
        ]
        if values:
            tables.append(SummaryTable(title, FACET_TITLES[name], values))
    return tables
