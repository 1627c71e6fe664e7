"""The document layouts ``ingest`` reads, rendered from generated questions.

Each renderer copies a seed document's layout line for line (``/work/shared/seeds``, also in
``samples/``): the plain list of 000, the search-results page of 002, the single-question page
of 001, the saved-HTML versions of the last two, and the official written questions API's
JSON. They take a list of questions and return the file's bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable, Sequence
from functools import cache

from bench.cast import DEPARTMENTS, LORDS, Member
from bench.corpus import CORRECTED, HOLDING, UNANSWERED, WITHDRAWN, SynthQuestion

# The search page's furniture above the first result, as saved from the site (seed 002).
SEARCH_PAGE_HEADER = (
    'To match an exact phrase, use quotation marks around the search term. eg. "Parliamentary '
    'Estate". Use "OR" or "AND" as link words to form more complex queries.\n\n\n'
    "View sample alert\n\n"
    "Keep yourself up-to-date with the latest developments by exploring our subscription "
    "options to receive notifications direct to your inbox\n\n"
)
# A loading message the question page leaves at the bottom of the saved text (seed 001).
PAGE_FOOTER = "Reticulating Splines"
PAGE_TITLE = (
    "Written questions and answers - Written questions, answers and statements - UK Parliament"
)


# Cached: a corpus has a few thousand distinct days and prints one or two for every question.
@cache
def long_date(day: dt.date, weekday: bool = False) -> str:
    """``Thursday 28th March 2019`` / ``24th February 2021``, as the site prints dates."""
    suffix = "th" if 11 <= day.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    text = f"{day.day}{suffix} {day:%B %Y}"
    return f"{day:%A} {text}" if weekday else text


def answered_by(question: SynthQuestion) -> str:
    # Some records print the minister without a role (seed 000: "Answered by Lord Greenhalgh").
    if question.answerer_role and question.index % 10:
        return f"Answered by {question.answerer.name} - {question.answerer_role}"
    return f"Answered by {question.answerer.name}"


# -- plain text ------------------------------------------------------------------------------


def plain_list(questions: Sequence[SynthQuestion]) -> bytes:
    """Seed 000: labelled lines, one record after another, answer paragraphs one a line."""
    lines: list[str] = []
    for q in questions:
        lines += [
            f"Asked by: {q.asker.asked_by}",
            f"Question to the {q.department.name}:",
            q.question_text,
            answered_by(q),
            *q.answer_paragraphs,
        ]
    return "\n".join(lines).encode()


def search_results(questions: Sequence[SynthQuestion]) -> bytes:
    """Seed 002: the site's search results, each under "Written Question", heading and date.

    The date a result shows is the day it was answered.
    """
    blocks = []
    for q in questions:
        blocks.append(
            "\n\n".join(
                [
                    f"Written Question\n{q.heading}\n{long_date(q.date_answered, weekday=True)}",
                    f"Asked by: {q.asker.asked_by}",
                    f"Question to the {q.department.name}:",
                    q.question_text,
                    answered_by(q),
                    *q.answer_paragraphs,
                ]
            )
        )
    return (SEARCH_PAGE_HEADER + "\n\n\n".join(blocks) + "\n").encode()


def question_page(questions: Sequence[SynthQuestion]) -> bytes:
    """Seed 001: one question's own page; it names the answerer three times and no asker."""
    (q,) = questions
    name = q.answerer.name
    parts = [
        q.heading,
        f"(asked on {long_date(q.date_tabled)}) - View Source",
        f"Question to the {q.department.name}:",
        q.question_text + "\n",
        f"Answered by\n{name} Portrait\n{name}\n{q.answerer_role}\n"
        f"This question was answered on {long_date(q.date_answered)}",
        *q.answer_paragraphs,
        PAGE_FOOTER,
    ]
    return "\n\n".join(parts).encode()


# -- saved HTML ------------------------------------------------------------------------------


def _page(body: str) -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(PAGE_TITLE)}</title>\n"
        '<link rel="stylesheet" href="/css/site.css">\n<script src="/js/site.js"></script>\n'
        "</head>\n<body>\n"
        '<header class="site-header"><nav><a href="/">UK Parliament</a> '
        '<a href="/written-questions">Written questions, answers and statements</a></nav>'
        "</header>\n"
        f'<main id="main-content">\n{body}</main>\n'
        '<footer class="site-footer"><p>Open Parliament Licence</p></footer>\n'
        "</body>\n</html>\n"
    ).encode()


def _paragraphs(paragraphs: Sequence[str], separator: str = "\n") -> str:
    return "".join(f"<p>{html.escape(p)}</p>{separator}" for p in paragraphs)


def search_results_html(questions: Sequence[SynthQuestion]) -> bytes:
    """Seed 002 as the saved web page: one card per result."""
    e = html.escape
    cards = [
        '<div class="search-help"><p>To match an exact phrase, use quotation marks around the '
        'search term. eg. "Parliamentary Estate". Use "OR" or "AND" as link words to form more '
        "complex queries.</p></div>\n"
    ]
    for q in questions:
        cards.append(
            '<div class="card card-question">\n'
            '<div class="primary-info">Written Question</div>\n'
            f'<div class="heading">{e(q.heading)}</div>\n'
            f'<div class="indicator">{long_date(q.date_answered, weekday=True)}</div>\n'
            f'<div class="question-member"><p>Asked by: {e(q.asker.asked_by)}</p></div>\n'
            f'<div class="answering-body"><p>Question to the {e(q.department.name)}:</p></div>\n'
            f'<div class="question-text"><p>{e(q.question_text)}</p></div>\n'
            f'<div class="answer-member"><p>{e(answered_by(q))}</p></div>\n'
            f'<div class="answer-text">\n{_paragraphs(q.answer_paragraphs)}</div>\n'
            "</div>\n"
        )
    return _page("".join(cards))


def question_page_html(questions: Sequence[SynthQuestion]) -> bytes:
    """Seed 001 as the saved web page."""
    e = html.escape
    (q,) = questions
    name = e(q.answerer.name)
    body = (
        f'<h1 class="question-heading">{e(q.heading)}</h1>\n'
        f'<div class="question-date"><p>(asked on {long_date(q.date_tabled)}) - '
        '<a href="#">View Source</a></p></div>\n'
        f'<div class="answering-body"><p>Question to the {e(q.department.name)}:</p></div>\n'
        f'<div class="question-text"><p>{e(q.question_text)}</p></div>\n'
        '<div class="answer">\n<h2>Answered by</h2>\n'
        f'<div class="member"><img alt="{name} Portrait" src="/portrait.jpg">\n'
        f'<div class="name">{name}</div>\n<div class="role">{e(q.answerer_role)}</div></div>\n'
        f"<p>This question was answered on {long_date(q.date_answered)}</p>\n"
        f'<div class="answer-text">\n{_paragraphs(q.answer_paragraphs)}</div>\n</div>\n'
    )
    return _page(body)


# -- the official API ------------------------------------------------------------------------


@cache
def _api_date(day: dt.date | None) -> str | None:
    return f"{day.isoformat()}T00:00:00" if day else None


# One dict per member, shared by all their records: a member is printed for nearly every
# question, and the encoder reads the dict without changing it.
@cache
def _api_member(member: Member) -> dict:
    surname, _, given = member.name.rpartition(" ")
    return {
        "id": member.parliament_id,
        "listAs": f"{given}, {surname}" if surname else member.name,
        "name": member.name,
        "party": member.party,
        "partyColour": "808080",
        "partyAbbreviation": None,
        "memberFrom": member.seat,
        "thumbnailUrl": f"https://members-api.parliament.uk/api/Members/{member.parliament_id}"
        "/Thumbnail",
    }


# Stable answering-body ids, as the API's are.
DEPARTMENT_IDS = {name: number for number, (name, *_) in enumerate(DEPARTMENTS, start=1)}


def _api_record(q: SynthQuestion) -> dict:
    answered = q.status not in (UNANSWERED, WITHDRAWN)
    corrected = q.status == CORRECTED
    answerer = q.answerer if answered else None
    value = {
        "id": q.api_id,
        "askingMemberId": q.asker.parliament_id,
        "askingMember": _api_member(q.asker),
        "house": "Lords" if q.house == LORDS else "Commons",
        "memberHasInterest": False,
        "dateTabled": _api_date(q.date_tabled),
        "dateForAnswer": _api_date(q.date_tabled + dt.timedelta(days=7)),
        "uin": q.uin,
        "questionText": q.question_text,
        "answeringBodyId": DEPARTMENT_IDS[q.department.name],
        "answeringBodyName": q.department.name,
        "isWithdrawn": q.status == WITHDRAWN,
        "isNamedDay": False,
        "groupedQuestions": [],
        "answerIsHolding": (q.status == HOLDING) if answered else None,
        "answerIsCorrection": corrected if answered else None,
        "answeringMemberId": answerer.parliament_id if answerer else None,
        "answeringMember": _api_member(answerer) if answerer else None,
        "correctingMemberId": answerer.parliament_id if corrected else None,
        "correctingMember": _api_member(answerer) if corrected else None,
        "dateAnswered": _api_date(q.date_answered) if answered else None,
        "answerText": _paragraphs(q.answer_paragraphs, "") if answered else None,
        "originalAnswerText": "",
        "comparableAnswerText": "",
        "dateAnswerCorrected": _api_date(q.date_answered + dt.timedelta(days=20))
        if corrected
        else None,
        "dateHoldingAnswer": _api_date(q.date_answered) if q.status == HOLDING else None,
        "attachmentCount": 0,
        "heading": q.heading,
        "attachments": [],
        "groupedQuestionsDates": [],
    }
    return {
        "value": value,
        "links": [{"rel": "self", "href": f"/Questions/{q.api_id}", "method": "GET"}],
    }


def api_json(questions: Sequence[SynthQuestion]) -> bytes:
    """A page of the written questions API: ``{"totalResults": N, "results": [...]}``."""
    document = {
        "totalResults": len(questions),
        "results": [_api_record(q) for q in questions],
    }
    return json.dumps(document, ensure_ascii=False).encode()


Renderer = Callable[[Sequence[SynthQuestion]], bytes]

RENDERERS: dict[str, tuple[str, Renderer]] = {
    "api-json": ("json", api_json),
    "search-results": ("txt", search_results),
    "search-results-html": ("html", search_results_html),
    "plain-list": ("txt", plain_list),
    "question-page": ("txt", question_page),
    "question-page-html": ("html", question_page_html),
}
