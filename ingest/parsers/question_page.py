"""Single-question page: a heading, then one record with its dates on lines of their own.

    Human Trafficking
    (asked on 24th February 2021) - View Source
    Question to the Home Office:
    To ask Her Majesty's Government …
    Answered by
    Baroness Williams of Trafford Portrait
    Baroness Williams of Trafford
    Captain of the Honourable Corps … (Chief Whip, House of Lords)
    This question was answered on 10th March 2021
    <answer paragraphs>
    Reticulating Splines

An "Asked by:" line may appear too. The photo caption ("… Portrait") and the loading text at
the foot ("Reticulating Splines") are page furniture, not part of the record.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.parsers.base import ParsedDocument
from ingest.parsers.common import (
    ANSWERED_BY_RE,
    Label,
    Line,
    block_text,
    date_line,
    is_furniture,
    label_of,
    lines_of,
    portrait_of,
    read_fact,
    trim_furniture,
)
from ingest.parsers.plain_list import read_asker, read_record

LAYOUT = "question-page"


def sniff(text: str) -> bool:
    """One question, with a heading above it or its dates and answerer on lines of their own."""
    lines = lines_of(text)
    labels = [label_of(line.text) for line in lines]
    if labels.count(Label.TO_ASK) > 1 or labels.count(Label.QUESTION_TO) > 1:
        return False
    if Label.TO_ASK not in labels and Label.QUESTION_TO not in labels:
        return False
    if labels.count(None) == len(labels) - 1 and not any(read_fact(line.text) for line in lines):
        # One "To ask" paragraph and no other label or fact: an article quoting a question.
        return False
    body = _body_start(lines, labels)
    if body is not None and body > 0:
        return True
    return any(
        read_fact(line.text) is not None
        or (label == Label.ANSWERED_BY and not ANSWERED_BY_RE.match(line.text).group("rest"))
        for line, label in zip(lines, labels, strict=True)
    )


def parse(text: str) -> ParsedDocument:
    """The one question of a question page, with the page heading as its heading."""
    lines = trim_furniture(lines_of(text))
    body = _body_start(lines, [label_of(line.text) for line in lines])
    question = read_record(lines[body:], text) if body is not None else None
    if question is None:
        return ParsedDocument(layout=LAYOUT, skip_reason="question page without a question text")
    header = [line.text for line in lines[:body] if _may_be_heading(line.text)]
    if not header:
        # The asker's card may come first (a side column printed before the main one): the
        # heading is then the line above the record's first fact or "Question to" line.
        first = next(
            (
                at
                for at in range(body, len(lines))
                if read_fact(lines[at].text) is not None
                or label_of(lines[at].text) in (Label.QUESTION_TO, Label.TO_ASK)
            ),
            body,
        )
        card_end = body + 1
        if label_of(lines[body].text) == Label.ASKED_BY:
            _, card_end = read_asker(lines, body + 1, lines[body].text)
        above = lines[first - 1].text if first > card_end else ""
        header = [above] if above and _may_be_heading(above) and not label_of(above) else []
    question.heading = header[-1] if header else ""
    question.raw_text = block_text(text, lines)
    return ParsedDocument(layout=LAYOUT, questions=[question])


def _may_be_heading(text: str) -> bool:
    return not is_furniture(text) and not portrait_of(text) and not date_line(text)


def _body_start(lines: Sequence[Line], labels: Sequence[Label | None]) -> int | None:
    """Index of the first record label or fact line: everything above it is the page header."""
    for index, (line, label) in enumerate(zip(lines, labels, strict=True)):
        if label is not None or read_fact(line.text) is not None:
            return index
    return None
