"""Small formatting filters for the archive's templates."""

from django import template

register = template.Library()


@register.filter
def thousands(value: object) -> str:
    """1234567 -> "1,234,567" (British style, without needing django.contrib.humanize)."""
    try:
        return f"{int(value):,}"  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(value)


@register.filter
def plural(count: object, words: str) -> str:
    """``{{ n|plural:"question,questions" }}`` -> "1 question", "2 questions"."""
    one, many = words.split(",")
    return one if count == 1 else many
