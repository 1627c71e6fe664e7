"""The Jinja2 environment the archive's pages are rendered with (``templates/``).

Jinja2 compiles a template to Python, where Django's own engine walks a node tree and
resolves every ``{{ a.b.c }}`` by trial lookups: a results page of twenty questions took
20-35 ms to render that way, a third of the page's time budget. The admin keeps Django's
engine (its templates are written for it).

The filters are Django's own where one exists, so dates and line breaks read the same as
everywhere else in Django.
"""

from __future__ import annotations

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


def url(name: str, *args: object) -> str:
    return reverse(name, args=args or None)


def environment(**options: object) -> Environment:
    env = Environment(**options)
    env.globals.update(url=url, static=static)
    env.filters.update(
        thousands=thousands,
        plural=plural,
        date=defaultfilters.date,
        truncatewords=defaultfilters.truncatewords,
        linebreaks=defaultfilters.linebreaks_filter,
        linebreaksbr=defaultfilters.linebreaksbr,
    )
    return env
