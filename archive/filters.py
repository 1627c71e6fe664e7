"""The public search parameters: a request's query string in, ``SearchParams`` out, and back.

``QuestionFilterSet`` declares the filters readers can use (its form validates and renders
them); what each filter means for the database is ``engine.filter_condition``, so the two
cannot drift apart. The results page, the API and the exports all parse through ``parse()``
and build their links with ``querystring()``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import QuerySet
from django.forms.renderers import Jinja2

from archive.models import House, Question, Status
from archive.search import engine, query
from archive.search.engine import MAX_PAGE, SearchParams, Sort

DATE_FORMAT = "%Y-%m-%d"
DATE_HELP = "Enter a date as YYYY-MM-DD, for example 2024-01-31."
SORT_LABELS = {Sort.RELEVANCE: "Relevance", Sort.NEWEST: "Newest", Sort.OLDEST: "Oldest"}
# The order parameters appear in links, so the same search always has the same URL.
# The engine's filters by display name; the ``*_id`` ones are for member and department pages.
FILTER_GET_NAMES = tuple(name for name in engine.FILTER_NAMES if not name.endswith("_id"))
GET_NAMES = ("q", *FILTER_GET_NAMES, "sort", "page")


class InvalidSearch(ValueError):
    """Parameters a reader (or a tool) got wrong; ``message`` is shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _AnyCaseChoiceMixin:
    """Accept ``commons`` for ``Commons``: the value is canonicalised before validation."""

    def to_python(self, value: object) -> str:
        text = super().to_python(value)  # type: ignore[misc]
        for key, _ in self.choices:  # type: ignore[attr-defined]
            if key and str(key).casefold() == text.casefold():
                return str(key)
        return text


class _AnyCaseChoiceField(_AnyCaseChoiceMixin, django_filters.fields.ChoiceField):
    pass


class _AnyCaseFormChoiceField(_AnyCaseChoiceMixin, forms.ChoiceField):
    pass


class _ChoiceFilter(django_filters.ChoiceFilter):
    field_class = _AnyCaseChoiceField


def _choice_error(label: str, choices: list[tuple[str, str]]) -> dict[str, str]:
    allowed = ", ".join(str(key) for key, _ in choices)
    return {"invalid_choice": f"{label} must be one of: {allowed}."}


# One renderer for every form: each renderer instance compiles the widget templates anew.
_WIDGETS = Jinja2()


class SearchForm(forms.Form):
    """The parameters that are not filters; the FilterSet adds its filters to this form."""

    # Widgets rendered by Jinja2 like the page around them: Django's engine took 4-7 ms
    # for the filter fields alone.
    default_renderer = _WIDGETS

    q = forms.CharField(label="Search for", required=False, widget=forms.SearchInput)
    sort = _AnyCaseFormChoiceField(
        label="Sort by",
        required=False,
        choices=[("", "Best first"), *((s.value, SORT_LABELS[s]) for s in Sort)],
        error_messages=_choice_error("Sort", [(s.value, "") for s in Sort]),
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": "The page number must be a whole number.",
            "min_value": "The page number must be 1 or more.",
            "max_value": (
                f"Only the first {MAX_PAGE} pages of results are shown. Narrow your search "
                "with a filter or a date range to reach the questions further on."
            ),
        },
    )

    def clean_q(self) -> str:
        text = self.cleaned_data["q"]
        try:
            engine.compile_query(text)
        except query.QueryError as error:
            raise forms.ValidationError(error.message) from error
        return text

    def clean(self) -> dict:
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError(
                "The “from” date is after the “to” date: swap them to search between them."
            )
        return cleaned


def _date_filter(label: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        method="filter_with_engine",
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={"invalid": DATE_HELP},
    )


class QuestionFilterSet(django_filters.FilterSet):
    asker = django_filters.CharFilter(label="Asked by", method="filter_with_engine")
    answerer = django_filters.CharFilter(label="Answered by", method="filter_with_engine")
    department = django_filters.CharFilter(label="Department", method="filter_with_engine")
    house = _ChoiceFilter(
        label="House",
        choices=[(h.value, h.label) for h in House],
        empty_label="Any House",
        method="filter_with_engine",
        error_messages=_choice_error("House", House.choices),
    )
    status = _ChoiceFilter(
        label="Status",
        choices=Status.choices,
        empty_label="Any status",
        method="filter_with_engine",
        error_messages=_choice_error("Status", Status.choices),
    )
    date_from = _date_filter("From")
    date_to = _date_filter("To")

    class Meta:
        model = Question
        fields: list[str] = []
        form = SearchForm

    def filter_with_engine(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        condition = engine.filter_condition(name, value)
        return queryset.none() if condition is None else queryset.filter(condition)

    def params(self) -> SearchParams:
        """The validated parameters; raises InvalidSearch with every problem in one message."""
        form = self.form
        if not form.is_valid():
            problems = []
            for name, errors in form.errors.items():
                for error in errors:
                    # Filter errors say which filter; the query language's messages and those
                    # naming their field already read well on their own.
                    label = form.fields[name].label if name in FILTER_GET_NAMES else ""
                    prefix = f"{label}: " if label and not error.startswith(label) else ""
                    problems.append(prefix + error)
            raise InvalidSearch(" ".join(problems))
        data = form.cleaned_data
        return SearchParams(
            q=data["q"],
            asker=data["asker"].strip(),
            answerer=data["answerer"].strip(),
            department=data["department"].strip(),
            house=data["house"] or "",
            status=data["status"] or "",
            date_from=data["date_from"],
            date_to=data["date_to"],
            sort=Sort(data["sort"]) if data["sort"] else None,
            page=data["page"] or 1,
        )


def parse(data: Mapping[str, str]) -> SearchParams:
    """SearchParams from a query string; raises InvalidSearch."""
    return QuestionFilterSet(data=data).params()


# --- Back to URLs ------------------------------------------------------------------------------


def _as_get(params: SearchParams) -> dict[str, str]:
    values = {}
    for name in GET_NAMES:
        value = getattr(params, name)
        if value in ("", None) or (name == "page" and value == 1):
            continue
        values[name] = value.strftime(DATE_FORMAT) if isinstance(value, dt.date) else str(value)
    return values


def querystring(params: SearchParams, **changes: object) -> str:
    """``?…`` for ``params`` with ``changes`` applied; any change but ``page`` resets the page."""
    changes.setdefault("page", 1)
    for name in ("sort", "date_from", "date_to"):
        if name in changes and not changes[name]:
            changes[name] = None
    encoded = urlencode(_as_get(dataclasses.replace(params, **changes)))
    return f"?{encoded}" if encoded else "?"


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%b %Y}"


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str


def chips(params: SearchParams) -> list[Chip]:
    """The active filters, each with the link that removes it."""
    status_labels = dict(Status.choices)
    labels = {
        "asker": lambda v: f"Asked by {v}",
        "answerer": lambda v: f"Answered by {v}",
        "department": lambda v: f"Department: {v}",
        "house": lambda v: f"House: {v}",
        "status": lambda v: f"Status: {status_labels.get(v, v)}",
        "date_from": lambda v: f"From {_day(v)}",
        "date_to": lambda v: f"To {_day(v)}",
    }
    return [
        Chip(label(getattr(params, name)), querystring(params, **{name: ""}))
        for name, label in labels.items()
        if getattr(params, name)
    ]


def has_filters(params: SearchParams) -> bool:
    return bool(chips(params))


def without_filters(params: SearchParams) -> str:
    """The same words with every filter removed."""
    return querystring(params, **dict.fromkeys(FILTER_GET_NAMES, ""))


def date_range_url(params: SearchParams, start: dt.date, end: dt.date) -> str:
    """Narrow to [start, end] within any range already chosen (a timeline bar, a year)."""
    date_from = max(start, params.date_from) if params.date_from else start
    date_to = min(end, params.date_to) if params.date_to else end
    return querystring(params, date_from=date_from, date_to=date_to)


def facet_url(params: SearchParams, facet: str, value: str) -> str:
    if facet == "year":
        year = int(value)
        return date_range_url(params, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return querystring(params, **{facet: value})


def describe(params: SearchParams, compiled: query.CompiledQuery | None) -> str:
    """A plain-words description of the search, for page and feed titles."""
    parts = []
    if compiled:
        parts.append(f"“{query.describe(compiled.tree)}”")
    parts.extend(chip.label for chip in chips(params))
    return ", ".join(parts) if parts else "All questions"
