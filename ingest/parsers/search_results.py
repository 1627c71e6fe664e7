"""Search-results page: each result is a marker line, a heading and a date above a record.

    Written Question
    Human Trafficking: Children
    Thursday 28th March 2019
    Asked by: … / Question to the …: / To ask … / Answered by … / answer paragraphs

The date is the day the answer was given (or, for an unanswered result, the day it was
tabled). Search tips and alert offers above the first result are page furniture. Copies
that lost the marker lines still print each result's heading and date above its record.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.parsers.base import ParsedDocument, ParsedQuestion
from ingest.parsers.common import (
    Line,
    block_text,
    date_line,
    heading_and_date,
    is_furniture,
    label_of,
    lines_of,
    portrait_of,
    read_fact,
    trim_furniture,
)
from ingest.parsers.plain_list import read_record, record_starts

LAYOUT = "search-results"

# Results of other kinds (written statements) share the page; they have no question and drop out.
_MARKER_RE = re.compile(r"^written (?:questions?|answers?|statements?)$", re.IGNORECASE)
# A site-wide search mixes in results of kinds that are not written at all: each ends the
# result above it, and is dropped whole (a debate's snippet may quote "To ask …").
_OTHER_MARKER_RE = re.compile(
    r"^(?:parliamentary debates?|department(?:al)? publications?(?: [-\u2013] .{1,60})?"
    r"|select committee (?:documents?|publications?|evidence|reports?)|bill documents?"
    r"|early day motions?|petitions?|division votes?|deposited papers?|tweets?"
    r"|statutory instruments?|ministerial corrections?|oral questions?|calendar)$",
    re.IGNORECASE,
)
_HEADING_MAX_LENGTH = 150


def sniff(text: str) -> bool:
    """Result markers and record labels, or at least two records under a heading and date."""
    lines = lines_of(text)
    labels = [label_of(line.text) for line in lines]
    if not any(labels):
        return False
    # A marker above the first record: an answer may have a "Written Question" line too.
    first_record = next(index for index, label in enumerate(labels) if label)
    if any(_MARKER_RE.match(line.text) for line in lines[:first_record]):
        return True
    starts = record_starts(lines)
    headers = _header_starts(lines, starts)
    return sum(header < start for header, start in zip(headers, starts, strict=True)) >= 2


def parse(text: str) -> ParsedDocument:
    """The written-question results of a search page."""
    lines = lines_of(text)
    headers = _header_starts(lines, record_starts(lines))
    # A marker's own heading may read like one ("Written Questions", the Leader of the House's).
    markers = [
        index
        for index, line in enumerate(lines)
        if _MARKER_RE.match(line.text) and not (index and _MARKER_RE.match(lines[index - 1].text))
    ]
    starts = markers or headers
    # A marker may be a menu's ("Written questions | Written statements") above results
    # that have none: where the lines after one marker hold several records, each record
    # begins at its own heading and date instead.
    ends = [*markers[1:], len(lines)] if markers else []
    for start, end in zip(markers, ends, strict=True):
        inside = [header for header in headers if start < header < end]
        if len(inside) > 1:
            starts = sorted({*starts, *inside})
    if markers:
        others = [index for index, line in enumerate(lines) if _OTHER_MARKER_RE.match(line.text)]
        starts = sorted({*starts, *others})
    questions = []
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        if _OTHER_MARKER_RE.match(lines[start].text):
            continue
        question = _read_result(trim_furniture(lines[start:end]), text)
        if question is not None:
            questions.append(question)
    if not questions:
        return ParsedDocument(
            layout=LAYOUT, skip_reason="search results page with no written-question result"
        )
    return ParsedDocument(layout=LAYOUT, questions=questions)


def _header_starts(lines: Sequence[Line], records: Sequence[int]) -> list[int]:
    """Where each result begins on a page without markers: at the date line (and the heading
    line above it) printed just above a record's first label, else at that label."""
    starts = []
    floor = 0
    for start in records:
        header = start
        if header > floor and date_line(lines[header - 1].text):
            header -= 1
            if header > floor and _looks_like_heading(lines[header - 1].text):
                header -= 1
        starts.append(header)
        floor = start + 1
    return starts


def _looks_like_heading(text: str) -> bool:
    # A short title ("Missing Persons: Dementia"), not the last sentence or link of an answer.
    return (
        len(text) <= _HEADING_MAX_LENGTH
        and not text.endswith((".", "?", "!", ",", ";", ":"))
        and not text.startswith(("http://", "https://", "www."))
        and label_of(text) is None
        and read_fact(text) is None
        and not is_furniture(text)
    )


def _read_result(lines: Sequence[Line], text: str) -> ParsedQuestion | None:
    body = next(
        (
            index
            for index, line in enumerate(lines)
            if label_of(line.text) is not None or read_fact(line.text) is not None
        ),
        None,
    )
    if body is None:
        return None
    question = read_record(lines[body:], text)
    if question is None or _looks_like_heading(question.question_text):
        # No question, or only the next entry's title of a list of titles (asker,
        # department and date, no question): not a written question.
        return None

    marked = bool(lines) and _MARKER_RE.match(lines[0].text) is not None
    header = [line.text for line in lines[int(marked) : body]]
    heading = ""
    date = None
    for line in header:
        if (found := date_line(line)) is not None:
            date = date or found
        elif not heading and not is_furniture(line) and not portrait_of(line):
            heading = line
            if dated := heading_and_date(line):
                heading, date = dated[0], date or dated[1]
    question.heading = heading
    if date is not None:
        if question.answer_text or question.answerer is not None:
            question.date_answered = question.date_answered or date
        else:
            question.date_tabled = question.date_tabled or date
    elif any(_looks_dated(line) for line in header):
        question.warnings.append("the result's date line is not a valid date")
    if question.asker is None:
        question.warnings.append("no 'Asked by' line")
    question.raw_text = block_text(text, lines)
    return question


_WEEKDAY_LINE_RE = re.compile(
    r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day\b.*\d{4}$", re.IGNORECASE
)


def _looks_dated(text: str) -> bool:
    # "Thursday 31st February 2019": shaped like the date line but no such day.
    return bool(_WEEKDAY_LINE_RE.match(text))
