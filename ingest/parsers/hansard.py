"""Hansard's written answers, as printed (publications.parliament.uk, saved or as text).

Commons, under the department's and the subject's headings::

    Written Answers to Questions
    Tuesday 19 July 2011
    Home Department
    Animal Experiments: Scotland
    Mr Bain: To ask the Secretary of State for the Home Department how many … [67046]
    Lynne Featherstone: As at 31 December 2010, there were 32 establishments …

Lords, under the subject's heading only::

    Written Answers
    Monday 6 June 2011
    Cornwall: Stannary Law
    Question
    Asked by Lord Berkeley
    To ask Her Majesty's Government … in Cornwall.[HL9224]
    The Minister of State, Ministry of Justice (Lord McNally): There is no special status …

Lords pages before 2010 print "Lord Taylor of Holbeach asked Her Majesty's Government:" and
the question below it. A member's questions may be printed as parts, "(1) how many …;
[67101]" then "(2) how many … [67102]", each its own question. Several questions may share
one answer, and a subject heading the questions after it until the next. The page's date is
the day the answers were printed, the day they were given; a day's later pages carry it only
in their column lines ("28 Nov 2001 : Column: 957W"). parlparse's XML (``twfy_xml``) is made
from these pages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.parsers.base import (
    ANSWERED,
    LORDS,
    UNANSWERED,
    ParsedDocument,
    ParsedMember,
    ParsedQuestion,
)
from ingest.parsers.common import (
    ASKED_BY_RE,
    PRINTED_UIN_RE,
    Label,
    Line,
    block_text,
    date_line,
    department_named,
    find_references,
    infer_house,
    is_furniture,
    join_paragraphs,
    label_of,
    lines_of,
    names_a_department,
    normalise_department,
    parse_date,
)

LAYOUT = "hansard-written-answers"

_TITLE_RE = re.compile(r"^written answers(?: to questions)?$", re.IGNORECASE)
# "Mr Leigh: To ask the hon. Member for …": the Commons' asker and question on one line.
_ASKED_RE = re.compile(r"^(?P<name>[^:]{2,80}): (?P<text>To ask\b.*)$")
# "John Thurso: The Commission …", "The Minister of State, Ministry of Justice (Lord
# McNally): There is …": who answers, then the answer.
_SPEAKER_RE = re.compile(r"^(?P<speaker>[^:]{2,160}?): (?P<text>\S.*)$")
# The Lords before 2010: "Lord Taylor of Holbeach asked Her Majesty's Government:".
_LORD_ASKED_RE = re.compile(r"^(?P<name>[^:]{2,80}?) asked (?P<to>[^:]{3,80}?):?$")
# A further part of a member's question: "(2) how many … refused in 2010. [67102]".
_PART_RE = re.compile(r"^\((?P<number>\d{1,2})\) (?P<text>.+)$")
_FIRST_PART_RE = re.compile(r"\s\(1\) ")
# "Lynne Featherstone [holding answer 12 July 2011]": the answer was held over that day.
_HOLDING_RE = re.compile(r"\s*\[holding answer (?P<date>[^\]]{6,40})\]", re.IGNORECASE)
# Page furniture between columns: "19 July 2011 : Column 774W", "28 Nov 2001 : Column: 957W",
# "Column 457" (1988-97), "3 Apr 2008 : Column WA190".
_COLUMN_RE = re.compile(r"^(?:\d{1,2} \w+ \d{4} ?: ?)?Column:? ?\w+$", re.IGNORECASE)
# A written answers column: the Commons' end in W, the Lords' start with WA.
_ANSWERS_COLUMN_RE = re.compile(r": ?Column:? ?(?:\d+W|WA\d+)$", re.IGNORECASE)
_HEADING_MAX_LENGTH = 120


def sniff(text: str) -> bool:
    """Hansard's "Written Answers" title, or a written answers column line (a day's later
    pages), and a question in its printed form."""
    lines = lines_of(text)
    return any(
        _TITLE_RE.match(line.text) or _ANSWERS_COLUMN_RE.search(line.text) for line in lines
    ) and any(_starts_question(lines, index) for index in range(len(lines)))


def parse(text: str) -> ParsedDocument:
    everything = lines_of(text)
    day = next((found for line in everything if (found := date_line(line.text))), None)
    if day is None:
        day = next(
            (parse_date(line.text) for line in everything if _ANSWERS_COLUMN_RE.search(line.text)),
            None,
        )
    lines = [line for line in everything if not _COLUMN_RE.match(line.text)]
    questions: list[ParsedQuestion] = []
    department = heading = ""
    headings: list[str] = []
    index = 0
    while index < len(lines):
        if not _starts_question(lines, index):
            line = lines[index].text
            if _TITLE_RE.match(line) or date_line(line):
                headings = []  # the page's own links and title are above these
            elif _is_heading(line):
                headings.append(line)
            index += 1
            continue
        if (
            len(headings) >= 2
            and _ASKED_RE.match(lines[index].text)
            and names_a_department(headings[-2])
        ):
            # The department's heading, then the subject's (the Commons only).
            department = department_named(normalise_department(headings[-2]))
        if headings:
            heading = headings[-1]  # and the questions after it until the next
        headings = []
        group, index = _read_group(lines, index)
        questions.extend(group.records(text, heading, department, day))
    if not questions:
        return ParsedDocument(
            layout=LAYOUT, skip_reason="Hansard written answers page with no question"
        )
    return ParsedDocument(layout=LAYOUT, questions=questions)


@dataclass
class _Group:
    """Questions printed together and the answer they share."""

    asked: list[tuple[ParsedMember | None, str, Sequence[Line]]] = field(default_factory=list)
    speaker: str = ""
    answer: list[str] = field(default_factory=list)
    answer_lines: Sequence[Line] = ()

    def records(
        self, text: str, heading: str, department: str, day: dt.date | None
    ) -> list[ParsedQuestion]:
        holding = _HOLDING_RE.search(self.speaker)
        name, role = _speaker(_HOLDING_RE.sub("", self.speaker))
        answer_text = join_paragraphs(self.answer)
        uins = [_number(question) for _, question, _ in self.asked]
        records = []
        for (asker, question, lines), uin in zip(self.asked, uins, strict=True):
            question_text = PRINTED_UIN_RE.sub("", question).rstrip(" ;,")
            house, warnings = infer_house(question_text, asker)
            if not house and uin.startswith("HL"):
                house, warnings = LORDS, []
            records.append(
                ParsedQuestion(
                    question_text=question_text,
                    house=house,
                    uin=uin,
                    heading=heading,
                    asker=asker,
                    department=department,
                    answerer=ParsedMember(name=name) if name else None,
                    answerer_role=role,
                    answer_text=answer_text,
                    date_answered=day if answer_text else None,
                    date_holding_answer=parse_date(holding["date"]) if holding else None,
                    status=ANSWERED if answer_text else UNANSWERED,
                    grouped_uins=tuple(other for other in uins if other and other != uin),
                    references=find_references(question_text, answer_text, exclude=uin),
                    raw_text=block_text(text, [*lines, *self.answer_lines]),
                    warnings=warnings,
                )
            )
        return records


def _number(question: str) -> str:
    number = PRINTED_UIN_RE.search(question)
    return number["uin"].replace(" ", "").upper() if number else ""


def _read_group(lines: Sequence[Line], index: int) -> tuple[_Group, int]:
    group = _Group()
    while index < len(lines) and _starts_question(lines, index):
        asker, question, end = _read_question(lines, index)
        parts = [question]
        while end < len(lines) and (part := _PART_RE.match(lines[end].text)):
            parts.append(part["text"])
            end += 1
        for text in _split_parts(parts):
            group.asked.append((asker, text, lines[index:end]))
        index = end
    start = index
    if index < len(lines) and (match := _SPEAKER_RE.match(lines[index].text)):
        group.speaker = match["speaker"]
        group.answer.append(match["text"])
        index += 1
        while index < len(lines) and not _ends_answer(lines, index):
            if not is_furniture(lines[index].text):
                group.answer.append(lines[index].text)
            index += 1
    group.answer_lines = lines[start:index]
    return group, index


def _split_parts(parts: list[str]) -> list[str]:
    """A question printed in parts as one question each: the words before "(1)" and the part
    ("To ask the Secretary of State … how many … refused in 2010.")."""
    first = parts[0]
    split = _FIRST_PART_RE.search(first)
    if len(parts) == 1 or split is None:
        return [" ".join(parts)]
    opening = first[: split.start()].rstrip(" ,")
    return [f"{opening} {part}" for part in [first[split.end() :], *parts[1:]]]


def _read_question(lines: Sequence[Line], index: int) -> tuple[ParsedMember | None, str, int]:
    text = lines[index].text
    if match := _ASKED_RE.match(text):
        return ParsedMember(name=match["name"].strip()), match["text"], index + 1
    if match := _LORD_ASKED_RE.match(text):
        # The question below, without the formula: given it, as the other sources print it.
        asked = lines[index + 1].text
        if asked[1:2].islower():
            asked = asked[0].lower() + asked[1:]
        question = f"To ask {match['to']} {asked}"
        return ParsedMember(name=match["name"].strip()), question, index + 2
    if text.lower() == "question":
        index += 1
        text = lines[index].text
    # "Asked by Lord Berkeley", then the question on the next line.
    name = ASKED_BY_RE.match(text)["rest"].strip()
    return ParsedMember(name=name) if name else None, lines[index + 1].text, index + 2


def _starts_question(lines: Sequence[Line], index: int) -> bool:
    text = lines[index].text
    if _ASKED_RE.match(text):
        return True
    if _LORD_ASKED_RE.match(text) and index + 1 < len(lines):
        return PRINTED_UIN_RE.search(lines[index + 1].text) is not None
    if text.lower() == "question" and index + 1 < len(lines):
        index += 1
        text = lines[index].text
    return (
        label_of(text) == Label.ASKED_BY
        and index + 1 < len(lines)
        and label_of(lines[index + 1].text) == Label.TO_ASK
    )


def _ends_answer(lines: Sequence[Line], index: int) -> bool:
    """The answer ends at the next question, or at the headings printed above it: the
    subject's, and the department's above that (a short last line of the answer is not)."""
    if _starts_question(lines, index):
        return True
    if not _is_heading(lines[index].text):
        return False
    if index + 1 < len(lines) and _starts_question(lines, index + 1):
        return True
    return (
        index + 2 < len(lines)
        and names_a_department(lines[index].text)
        and _is_heading(lines[index + 1].text)
        and _starts_question(lines, index + 2)
    )


# A table's row: figures side by side ("2010 17,790 13,020").
_FIGURES_RE = re.compile(r"\d[\d,.]*%?\s+\d")


def _is_heading(text: str) -> bool:
    return (
        len(text) <= _HEADING_MAX_LENGTH
        and not _FIGURES_RE.search(text)
        and not text.endswith((".", ",", ";", ":", "?"))
        and not _TITLE_RE.match(text)
        and date_line(text) is None
        and not is_furniture(text)
        and label_of(text) is None
    )


def _speaker(speaker: str) -> tuple[str, str]:
    """Name and role: "The Minister of State, Ministry of Justice (Lord McNally)" gives
    "Lord McNally" and the role; a name alone ("John Thurso") has none."""
    if speaker.endswith(")") and "(" in speaker:
        role, _, name = speaker[:-1].rpartition("(")
        return name.strip(), role.strip()
    return speaker.strip(), ""
