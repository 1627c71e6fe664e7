"""What a question's permanent page shows besides the question: its sources and its relatives.

Each lookup is one indexed query limited to RELATED_LIMIT rows, so a page costs the same for
a question with a famous heading as for one with a unique heading.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import Q, QuerySet
from django.db.models.functions import MD5

from archive.models import Provenance, Question

RELATED_LIMIT = 10
# UINs restart every session (about a year), so a UIN names a question only near in time.
SESSION = dt.timedelta(days=400)


@dataclass(frozen=True)
class Source:
    name: str  # the file's name, not its path on the server that ingested it
    layout: str
    ingested: dt.datetime


@dataclass(frozen=True)
class Attachment:
    title: str
    url: str  # "" when the source gave no web address we can safely link to
    file_type: str


@dataclass(frozen=True)
class Related:
    grouped: list[Question]
    same_heading: list[Question]
    references: list[Question]
    referenced_by: list[Question]
    same_answer: list[Question]

    def __bool__(self) -> bool:
        return any(
            (self.grouped, self.same_heading, self.references, self.referenced_by, self.same_answer)
        )


def sources(question: Question) -> list[Source]:
    provenance = Provenance.objects.filter(question=question).select_related("source")
    seen: dict[int, Source] = {}
    for record in provenance:
        document = record.source
        seen.setdefault(
            document.pk,
            Source(
                posixpath.basename(document.path.replace("\\", "/")) or "(unnamed document)",
                document.layout,
                document.ingested_at,
            ),
        )
    return list(seen.values())


def attachments(question: Question) -> list[Attachment]:
    """The question's attachments; only http(s) addresses become links (never javascript:)."""
    shown = []
    for item in question.attachments if isinstance(question.attachments, list) else []:
        if not isinstance(item, dict):
            continue
        url = str(item.get("url") or "")
        safe = _web_address(url)
        title = str(item.get("title") or "") or (url if safe else "Attachment")
        shown.append(Attachment(title, url if safe else "", str(item.get("file_type") or "")))
    return shown


def _web_address(url: str) -> bool:
    try:
        return urlsplit(url).scheme.lower() in ("http", "https")
    except ValueError:  # e.g. an unclosed [ in the host
        return False


def _listed(questions: QuerySet[Question]) -> list[Question]:
    return list(
        questions.select_related("asker", "department").defer("search_vector")[:RELATED_LIMIT]
    )


def _near(question: Question) -> Q:
    when = question.date_tabled or question.date
    if when is None:
        return Q()
    # A date an admin typed near year 1 or 9999 has no session around it to speak of.
    low = when - SESSION if when - dt.date.min > SESSION else dt.date.min
    high = when + SESSION if dt.date.max - when > SESSION else dt.date.max
    return Q(date_tabled__range=(low, high))


def related(question: Question) -> Related:
    others = Question.objects.exclude(pk=question.pk)
    grouped = references = referenced_by = same_answer = []
    if question.grouped_uins:
        grouped = _listed(
            others.filter(_near(question), house=question.house, uin__in=question.grouped_uins)
        )
    if question.references:
        references = _listed(others.filter(_near(question), uin__in=question.references))
    if question.uin:
        referenced_by = _listed(others.filter(_near(question), references__contains=[question.uin]))
    same_heading = []
    if question.heading:
        same_heading = _listed(others.filter(heading=question.heading))
    if question.answer_text:
        # md5() and the non-empty condition match the partial expression index
        # question_answer_md5, so long answers are not compared row by row; comparing the
        # text as well guards against a hash collision.
        digest = hashlib.md5(question.answer_text.encode(), usedforsecurity=False).hexdigest()
        same_answer = _listed(
            others.exclude(answer_text="")
            .annotate(answer_md5=MD5("answer_text"))
            .filter(answer_md5=digest, answer_text=question.answer_text)
        )
    return Related(grouped, same_heading, references, referenced_by, same_answer)
