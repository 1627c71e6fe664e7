"""The Jinja2 environment the archive's pages are rendered with (``templates/``).

Jinja2 compiles a template to Python, where Django's own engine walks a node tree and
resolves every ``{{ a.b.c }}`` by trial lookups: a results page of twenty questions took
20-35 ms to render that way, a third of the page's time budget. The admin keeps Django's
engine (its templates are written for it).

The filters are Django's own where one exists, so dates and line breaks read the same as
everywhere else in Django. Dates and links without a record's id are memoised: Django's
``date`` filter takes ~40 µs and ``reverse()`` ~50 µs, and a results page made some 40 of
each from a few hundred distinct values (the archive has one language, one time zone and
one URL prefix, so the answers never change while the process runs).
"""

from __future__ import annotations

from functools import lru_cache

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import Environment


def thousands(value: object) -> str:
    """1234567 -> "1,234,567" (British style, without needing django.contrib.humanize)."""
    try:
        return f"{int(value):,}"  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(value)


def plural(count: object, words: str) -> str:
    """``{{ n|plural("question,questions") }}`` -> "question" for 1, else "questions"."""
    one, many = words.split(",")
    return one if count == 1 else many


@lru_cache(maxsize=64)
def url(name: str) -> str:
    return reverse(name)


# Pages show days (some 13,000 since 1990), each in two formats.
date = lru_cache(maxsize=32_768)(defaultfilters.date)


def environment(**options: object) -> Environment:
    env = Environment(**options)
    env.globals.update(url=url, static=static)
    env.filters.update(
        thousands=thousands,
        plural=plural,
        date=date,
        truncatewords=defaultfilters.truncatewords,
        linebreaks=defaultfilters.linebreaks_filter,
        linebreaksbr=defaultfilters.linebreaksbr,
    )
    return env
