"""Parliament's older QnA XML feed ("qna-xml", namespace ``http://data.parliament.uk/QnA/2013/02``).

A ``<Questions>`` document lists ``<Question>`` elements: UIN, tabling and due dates, house,
answering body, tabling member (``MemberId`` is the members API id), ``Text`` and
``QuestionStatus``. The feed as saved by departments (e.g. the Ministry of Justice's
tracker) carries question text only: no answer elements, although ``QuestionStatus`` may
already say ``Answered``. Lines end in CRLF; the XML parser normalises them.

The same namespace is used by the daily report (``<DailyReport>``), where each
``<ReportQuestion>`` pairs a ``<Question>`` with an ``<Answer>`` (answer text as escaped
HTML in ``CurrentVersion/Text``). Answers are read from there, or from an ``<Answer>``
inside a ``<Question>``, when present.
"""

from __future__ import annotations

import re

from lxml import etree, html

from ingest.parsers.base import (
    ANSWERED,
    COMMONS,
    CORRECTED,
    HOLDING,
    LORDS,
    UNANSWERED,
    WITHDRAWN,
    ParsedDocument,
    ParsedMember,
    ParsedQuestion,
)
from ingest.parsers.common import (
    find_references,
    infer_house,
    normalise_department,
    normalise_lines,
    normalise_space,
    parse_date,
)
from ingest.parsers.xmltools import (
    MalformedXML,
    excerpt,
    load_xml,
    local_name,
    starts_like_xml,
)

LAYOUT = "qna-xml"

_NAMESPACE_MARK = "data.parliament.uk/QnA/"
_ROOTS = ("Questions", "DailyReport")
_SNIFF_BYTES = 4096
_SNIFF_ROOT = re.compile(
    rb"<(?:[\w.-]+:)?(?:Questions|DailyReport)[\s>][^>]*data\.parliament\.uk/QnA/"
)

_HOUSES = {"house of commons": COMMONS, "commons": COMMONS, "house of lords": LORDS, "lords": LORDS}
_HOUSE_IDS = {"1": COMMONS, "2": LORDS}

# QuestionStatus values. An answer still in the answering system ("PendingAnswerReview",
# "Incomplete", "ReturnedAnswer": awaiting review, not finished, sent back) has not been
# published, so the public record is still unanswered; a correction awaiting review leaves
# the published answer standing.
_STATUSES = {
    "tabled": UNANSWERED,
    "pendinganswerreview": UNANSWERED,
    "incomplete": UNANSWERED,
    "returnedanswer": UNANSWERED,
    "answered": ANSWERED,
    "pendingcorrectionreview": ANSWERED,
    "holding": HOLDING,
    "corrected": CORRECTED,
    "withdrawn": WITHDRAWN,
    "withdrawnwithoutnotice": WITHDRAWN,
}


def sniff(data: bytes) -> bool:
    """True if the root element of ``data`` is a QnA ``Questions`` or ``DailyReport``."""
    head = data[:_SNIFF_BYTES]
    return starts_like_xml(head) and bool(_SNIFF_ROOT.search(head))


def parse(data: bytes, name: str = "") -> ParsedDocument:
    """Read one QnA XML document. ``name`` is unused: the feed dates every question."""
    try:
        root = load_xml(data)
    except MalformedXML as error:
        return ParsedDocument(layout=LAYOUT, skip_reason=f"malformed XML: {error}", damaged=True)
    if local_name(root) not in _ROOTS or _NAMESPACE_MARK not in root.tag:
        return ParsedDocument(
            layout=LAYOUT,
            skip_reason=f"not a QnA questions feed: root element is <{local_name(root)}>",
        )
    questions = [_question(element, root) for element in root.iter("{*}Question")]
    if not questions:
        return ParsedDocument(layout=LAYOUT, skip_reason="QnA feed with no <Question> elements")
    return ParsedDocument(layout=LAYOUT, questions=questions)


def _text(element: etree._Element | None, path: str) -> str:
    """Stripped text at ``path`` ("A/B"), any namespace; "" when absent or xsi:nil."""
    if element is None:
        return ""
    found = element.find("/".join(f"{{*}}{step}" for step in path.split("/")))
    return (found.text or "").strip() if found is not None else ""


def _house(question: etree._Element, uin: str) -> str:
    by_name = _HOUSES.get(_text(question, "House/HouseName").lower())
    by_id = _HOUSE_IDS.get(_text(question, "House/HouseId"))
    # Lords UINs are "HL" numbers; the last resort when the house is not given.
    return by_name or by_id or (LORDS if uin.upper().startswith("HL") else "")


def _member(element: etree._Element | None, house: str) -> ParsedMember | None:
    if element is None:
        return None
    member_id = _text(element, "MemberId")
    name = normalise_space(_text(element, "MemberName"))
    if not (name or member_id.isdigit()):
        return None
    return ParsedMember(
        name=name,
        seat=normalise_space(_text(element, "Constituency")),
        house=house,
        parliament_id=int(member_id) if member_id.isdigit() else None,
    )


def _html_text(markup: str) -> str:
    """Answer text arrives as escaped HTML ("<p>...</p><ul><li>..."): paragraphs and list
    items become paragraphs separated by a blank line, table rows lines of " | " cells."""
    if "<" not in markup:
        return normalise_lines(markup)
    try:
        container = html.fragment_fromstring(markup, create_parent="div")
    except (etree.LxmlError, ValueError):
        return normalise_lines(markup)
    paragraphs = [normalise_space(container.text or "")]
    for child in container:
        if not isinstance(child.tag, str):
            pass
        elif child.tag in ("ul", "ol"):
            paragraphs.extend(normalise_space(item.text_content()) for item in child.iter("li"))
        elif child.tag == "table":
            rows = (
                " | ".join(normalise_space(cell.text_content()) for cell in row.iter("td", "th"))
                for row in child.iter("tr")
            )
            paragraphs.append("\n".join(row for row in rows if row.strip(" |")))
        else:
            paragraphs.append(normalise_space(child.text_content()))
        paragraphs.append(normalise_space(child.tail or ""))
    return "\n\n".join(p for p in paragraphs if p)


def _report_question(question: etree._Element) -> etree._Element | None:
    parent = question.getparent()
    return parent if parent is not None and local_name(parent) == "ReportQuestion" else None


def _answer_element(question: etree._Element) -> etree._Element | None:
    answer = question.find("{*}Answer")
    report = _report_question(question)
    if answer is None and report is not None:
        answer = report.find("{*}Answer")
    return answer


def _block(question: etree._Element, root: etree._Element) -> str:
    """The question (with its answer) as a small document of its own, under a copy of the
    root, so that re-parsing it (``ingest.reparse``) gives the record back."""
    report = _report_question(question)
    return excerpt(root, [report if report is not None else question])


def _question(element: etree._Element, root: etree._Element) -> ParsedQuestion:
    uin = _text(element, "Uin")
    house = _house(element, uin)
    tabled = parse_date(_text(element, "TabledDate"))
    warnings = []
    if not uin:
        warnings.append("question has no Uin")
    question_text = _html_text(_text(element, "Text"))
    if not house:
        # Not given: the question's wording tells, as it does for the other formats.
        house, house_warnings = infer_house(question_text, None)
        warnings.extend(house_warnings)
    if not question_text:
        warnings.append("question has no text")

    raw_status = _text(element, "QuestionStatus")
    status = _STATUSES.get(raw_status.lower().replace(" ", ""))
    if status is None:
        status = UNANSWERED
        if raw_status:
            warnings.append(f"unknown QuestionStatus {raw_status!r}; taken as unanswered")

    record = ParsedQuestion(
        question_text=question_text,
        house=house,
        uin=uin,
        heading=normalise_space(_text(element, "Heading")),
        asker=_member(element.find("{*}TablingMember"), house),
        department=normalise_department(_text(element, "AnsweringBody/AnsweringBodyName")),
        date_tabled=tabled,
        date_for_answer=parse_date(_text(element, "DateForAnswer")),
        status=status,
        # The feed has no id of its own; a UIN repeats across sessions, the tabling day
        # tells them apart.
        source_id=f"{uin}/{tabled.isoformat()}" if tabled else uin,
        raw_text=_block(element, root),
        warnings=warnings,
    )
    answer = _answer_element(element)
    if answer is not None:
        _read_answer(record, answer)
    elif status == ANSWERED:
        warnings.append("QuestionStatus is Answered but the feed carries no answer text")
    record.references = find_references(record.question_text, record.answer_text, exclude=uin)
    return record


def _read_answer(record: ParsedQuestion, answer: etree._Element) -> None:
    current = answer.find("{*}CurrentVersion")
    version = current if current is not None else answer
    record.answer_text = _html_text(_text(version, "Text") or _text(version, "AnswerText"))
    minister = version.find("{*}Minister")
    if minister is None:
        minister = version.find("{*}AnsweringMember")
    record.answerer = _member(minister, record.house)
    record.date_answered = parse_date(
        _text(answer, "DateAnswered") or _text(answer, "DateOfAnswer")
    )
    record.date_holding_answer = parse_date(_text(answer, "DateOfHoldingAnswer"))
    record.date_answer_corrected = parse_date(_text(answer, "DateOfMinisterialCorrection"))
    if record.date_answer_corrected or _text(version, "IsMinisterialCorrection") == "true":
        record.status = CORRECTED
        previous = answer.find("{*}PreviousVersions/*")
        record.original_answer_text = _html_text(_text(previous, "Text"))
    elif _text(version, "IsHoldingAnswer") == "true":
        record.status = HOLDING
    elif record.answer_text:
        record.status = ANSWERED
