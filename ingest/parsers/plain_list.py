"""Plain list: records of labelled lines, one after another, with no headings or dates.

    Asked by: Baroness Doocey (Liberal Democrat - Life peer)
    Question to the Home Office:
    To ask His Majesty's Government …
    Answered by Lord Hanson of Flint - Minister of State (Home Office)
    <answer paragraphs, one a line>

The record (asker, department, question, answerer, answer) is the unit every text layout
prints; ``read_record`` reads it for the search-results and question-page layouts too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.parsers.base import (
    ANSWERED,
    CORRECTED,
    HOLDING,
    UNANSWERED,
    WITHDRAWN,
    ParsedDocument,
    ParsedMember,
    ParsedQuestion,
)
from ingest.parsers.common import (
    ANSWERED_BY_RE,
    ASKED_BY_RE,
    Fact,
    FactKind,
    Label,
    Line,
    block_text,
    date_line,
    department_of,
    find_references,
    infer_house,
    is_furniture,
    join_paragraphs,
    label_of,
    lines_of,
    parse_member,
    portrait_of,
    read_fact,
    read_facts,
    read_split_fact,
    split_on_dash,
    trim_furniture,
)

LAYOUT = "plain-list"

# How far after a bare "Answered by" line the answerer block may run before the
# "This question was answered on …" line that closes it.
_ANSWERER_BLOCK_LIMIT = 8
# A role line is short and is not a sentence; anything else after the name is answer text.
_ROLE_MAX_LENGTH = 200


def sniff(text: str) -> bool:
    """A "To ask …" line together with at least one other record label."""
    labels = {label_of(line.text) for line in lines_of(text)}
    return Label.TO_ASK in labels and bool(
        labels & {Label.ASKED_BY, Label.QUESTION_TO, Label.ANSWERED_BY}
    )


def parse(text: str) -> ParsedDocument:
    """The records of a plain list; skipped when none has a question text."""
    questions = []
    for record_lines in split_records(lines_of(text)):
        record_lines = trim_furniture(record_lines)
        question = read_record(record_lines, text)
        if question is not None:
            if question.asker is None:
                question.warnings.append("no 'Asked by' line")
            questions.append(question)
    if not questions:
        return ParsedDocument(
            layout=LAYOUT,
            skip_reason="has written-question labels but no record with a question text",
        )
    return ParsedDocument(layout=LAYOUT, questions=questions)


def split_records(lines: Sequence[Line]) -> list[Sequence[Line]]:
    """The records of a run of lines; lines before the first label are in none."""
    starts = record_starts(lines)
    return [lines[start:end] for start, end in zip(starts, [*starts[1:], len(lines)], strict=True)]


def record_starts(lines: Sequence[Line]) -> list[int]:
    """Where each record begins: the index of its first label line.

    An "Asked by", "Question to" or "To ask" line begins a record when the current record
    already has that label, or already has its question or answer.
    """
    starts: list[int] = []
    seen: set[Label] = set()
    opener = Label.TO_ASK
    labelled = [
        (index, label) for index, line in enumerate(lines) if (label := label_of(line.text))
    ]
    for position, (index, label) in enumerate(labelled):
        if label == Label.ANSWERED_BY:
            # An answer closes a record but never opens one.
            seen.add(label)
            continue
        answered = Label.ANSWERED_BY in seen
        if (
            answered
            and _OPENING_ORDER[label] > _OPENING_ORDER[opener]
            and not _opens_a_record(label, labelled[position + 1 : position + 2])
        ):
            # An answer may quote the formula ("To ask … , the Minister said"): where records
            # open with "Asked by", only another "Asked by" opens the next one, or a record
            # that lacks it but goes on as one.
            continue
        if not starts or answered or Label.TO_ASK in seen or label in seen:
            starts.append(index)
            seen = set()
            opener = label
        seen.add(label)
    return starts


# The order of the labels that can open a record.
_OPENING_ORDER = {Label.ASKED_BY: 0, Label.QUESTION_TO: 1, Label.TO_ASK: 2}
# The label that comes next in a record opened by each of these (and not in an answer that
# quotes one of them): "Question to …:" then "To ask …", "To ask …" then "Answered by".
_NEXT_IN_RECORD = {Label.QUESTION_TO: Label.TO_ASK, Label.TO_ASK: Label.ANSWERED_BY}


def _opens_a_record(label: Label, following: Sequence[tuple[int, Label]]) -> bool:
    """Whether a record without an "Asked by" line opens at ``label``, after an answer."""
    return bool(following) and following[0][1] == _NEXT_IN_RECORD.get(label)


def read_record(lines: Sequence[Line], text: str) -> ParsedQuestion | None:
    """Read one record's labelled lines; None when it has no question text.

    Labels may be missing or reordered before the question; a bare label ("Asked by", then the
    member on the next line) is read like an inline one. ``lines`` come from ``lines_of`` (so
    their text is whitespace-normalised); ``text`` is the document, for raw_text.
    """
    asker: ParsedMember | None = None
    department = ""
    question: list[str] = []
    # Whether the question opened with the "To ask …" formula; until it does, lines gathered
    # as question text may be stray page text (a hidden "Question" heading) to be dropped.
    has_formula = False
    answerer: ParsedMember | None = None
    role = ""
    answer: list[str] = []
    # The answer as first given, when the page prints it below a corrected one.
    original: list[str] = []
    facts: list[Fact] = []
    warnings: list[str] = []

    index = 0
    count = len(lines)
    while index < count:
        line = lines[index].text
        index += 1
        if answerer is not None:
            if asker is None and label_of(line) == Label.ASKED_BY and _is_side_card(lines[index:]):
                # The asker's card beside the record, printed after it (a page's side column).
                asker, _ = read_asker(lines, index, line)
                break
            fact = None if answer else read_fact(line)
            if fact:
                facts.append(fact)
            elif original or (answer and _ORIGINAL_ANSWER_RE.match(line)):
                original.append(line)
            else:
                answer.append(line)
            continue
        label = label_of(line)
        if label == Label.ASKED_BY and asker is None:
            card_follows_question = has_formula and _is_side_card(lines[index:])
            asker, index = read_asker(lines, index, line)
            if card_follows_question:
                break  # the asker's card beside an unanswered question: the rest is the card's
        elif label == Label.QUESTION_TO and not has_formula:
            _drop_stray_lines(question, warnings)
            department = department_of(line)
        elif label == Label.ANSWERED_BY:
            value = ANSWERED_BY_RE.match(line).group("rest")
            if value:
                name, role = split_on_dash(value)
                # A role wrapped onto the next line: "(Department for …)", or the rest of an
                # open bracket.
                while index < count and _continues_role(role, lines[index].text):
                    role = f"{role} {lines[index].text}"
                    index += 1
            else:
                name, role, index = _read_answerer_block(lines, index)
            answerer = ParsedMember(name=name)
        elif (found := _facts_at(lines, index - 1))[0]:
            stated, index = found
            facts.extend(stated)
            if (
                has_formula
                and FactKind.ANSWERED in {fact.kind for fact in stated}
                and not any(label_of(rest.text) == Label.ANSWERED_BY for rest in lines[index:])
            ):
                # "Answered on …" with no "Answered by" label (the official site): the
                # answerer's card, then the answer.
                name, index = _read_answerer_card(lines, index)
                answerer = ParsedMember(name=name)
        elif label == Label.TO_ASK and not has_formula:
            _drop_stray_lines(question, warnings)
            question.append(line)
            has_formula = True
        elif is_furniture(line) or (not question and portrait_of(line)):
            continue
        elif not has_formula and date_line(line):
            # A result's date, or an index page's: the question is never a bare date.
            continue
        else:
            question.append(line)

    for paragraphs in (answer, original):
        foot = _page_foot(paragraphs)
        facts.extend(fact for line in paragraphs[foot:] if (fact := read_fact(line)))
        del paragraphs[foot:]
        # Facts printed below the answer ("This answer was corrected on …") and furniture.
        while paragraphs:
            fact = read_fact(paragraphs[-1])
            if fact is None and not is_furniture(paragraphs[-1]):
                break
            paragraphs.pop()
            if fact is not None:
                facts.append(fact)

    question_text = " ".join(question)
    if not question_text:
        return None
    answer_text = join_paragraphs(answer)
    house, house_warnings = infer_house(question_text, asker)
    warnings.extend(house_warnings)
    if not department:
        warnings.append("no 'Question to the …' line: the answering department is unknown")
    if answerer is not None and not answerer.name:
        warnings.append("'Answered by' without a name")
    if answerer is not None and not answer_text:
        warnings.append("'Answered by' line but no answer text")

    parsed = ParsedQuestion(
        question_text=question_text,
        house=house,
        asker=asker,
        department=department,
        answerer=answerer,
        answerer_role=role,
        answer_text=answer_text,
        original_answer_text=join_paragraphs(original[1:]),
        status=ANSWERED if answer_text else UNANSWERED,
        raw_text=block_text(text, lines),
        warnings=warnings,
    )
    _apply_facts(parsed, facts)
    parsed.references = find_references(question_text, answer_text, exclude=parsed.uin)
    return parsed


# The heading a page prints above the answer as first given, below a corrected one.
_ORIGINAL_ANSWER_RE = re.compile(
    r"^(?:the )?(?:original|previous|earlier|uncorrected) answer(?: \(?(?:before|prior to) "
    r"(?:the )?correction\)?)?(?: was)?\s*:?$|^answer before (?:the )?correction\s*:?$",
    re.IGNORECASE,
)
# "Independent - Na h-Eileanan an Iar", "Labour (Co-op) - Walthamstow" or "(Democratic
# Unionist Party - Strangford)".
_MEMBER_DETAILS_RE = re.compile(
    r"^\((?P<bracketed>[^()]+(?:\([^()]*\)[^()]*)*)\)$|^(?P<bare>[^():]+(?:\([^():]*\)[^():]*)*)$"
)
_MEMBER_DETAILS_MAX_LENGTH = 120
# Lines a page prints below the last answer (footer links, a disclaimer) are short.
_FOOT_LINE_MAX_LENGTH = 100


def read_asker(lines: Sequence[Line], index: int, label_line: str) -> tuple[ParsedMember, int]:
    """The member an "Asked by" line at ``index - 1`` names, on it or on the lines below
    (photo caption, name, party and seat); returns the member and the next index."""
    count = len(lines)
    value = ASKED_BY_RE.match(label_line).group("rest")
    while not value and index < count and portrait_of(lines[index].text):
        index += 1
    if not value and index < count:
        value = lines[index].text
        index += 1
    if "(" not in value and index < count and (details := _member_details(lines[index].text)):
        # Party and seat on a line of their own, under the name.
        value = f"{value} ({details})"
        index += 1
    return parse_member(value), index


def _facts_at(lines: Sequence[Line], index: int) -> tuple[list[Fact], int]:
    """The facts the line at ``index`` states and the index after them: the date may be
    on the next line."""
    text = lines[index].text
    if facts := read_facts(text):
        return facts, index + 1
    if index + 1 < len(lines) and (fact := read_split_fact(text, lines[index + 1].text)):
        return [fact], index + 2
    return [], index + 1


# A member's card: name, then party and seat or role, on short lines of their own.
_CARD_MAX_LINES = 3
_CARD_LINE_MAX_LENGTH = 80


def _read_answerer_card(lines: Sequence[Line], index: int) -> tuple[str, int]:
    """The name on the card of short lines at ``index`` (name, party, seat or role), and
    the index after the card; "" when the answer follows at once."""
    end = index
    while (
        end < len(lines)
        and end - index < _CARD_MAX_LINES
        and len(text := lines[end].text) <= _CARD_LINE_MAX_LENGTH
        and not text.endswith((".", ":", "?", "!"))
        and label_of(text) is None
        and read_fact(text) is None
    ):
        end += 1
    names = [lines[at].text for at in range(index, end) if not portrait_of(lines[at].text)]
    return (names[0] if names else ""), end


def _is_side_card(rest: Sequence[Line]) -> bool:
    """Whether what follows an "Asked by" line below an answer is a card of short lines (the
    member's name, party, roles, their other questions), not another record."""
    return all(
        len(line.text) <= _FOOT_LINE_MAX_LENGTH and label_of(line.text) != Label.TO_ASK
        for line in rest
    )


def _member_details(text: str) -> str:
    """The party and seat ("Party - Seat") a line under a member's name gives, else ""."""
    if len(text) > _MEMBER_DETAILS_MAX_LENGTH or label_of(text) or read_fact(text):
        return ""
    match = _MEMBER_DETAILS_RE.match(text)
    if match is None:
        return ""
    details = match.group("bracketed") or match.group("bare")
    party, seat = split_on_dash(details)
    return details if party and seat and not details.endswith((".", "?")) else ""


def _continues_role(role: str, text: str) -> bool:
    if role.count("(") > role.count(")"):
        return len(text) <= _ROLE_MAX_LENGTH and text.count(")") > text.count("(")
    return (
        bool(role) and text.startswith("(") and text.endswith(")") and len(text) <= _ROLE_MAX_LENGTH
    )


def _page_foot(answer: Sequence[str]) -> int:
    """Where the page's foot begins below an answer: at a furniture line ("Share this
    question") followed by nothing but short lines (links, a disclaimer, a list of the
    member's other questions); the answer's length when there is none."""
    for index, line in enumerate(answer):
        if (
            index
            and is_furniture(line)
            and all(len(rest) <= _FOOT_LINE_MAX_LENGTH for rest in answer[index + 1 :])
        ):
            return index
    return len(answer)


def _drop_stray_lines(question: list[str], warnings: list[str]) -> None:
    if question:
        warnings.append(f"ignored text before the question: {' / '.join(question)!r}")
        question.clear()


def _read_answerer_block(lines: Sequence[Line], index: int) -> tuple[str, str, int]:
    """Read the lines after a bare "Answered by": photo caption, name, role line(s).

    The block ends at the "This question was answered on …" line when there is one; otherwise
    it is the name and at most one short role line. Returns name, role and the next index.
    """
    texts = [line.text for line in lines[index : index + _ANSWERER_BLOCK_LIMIT]]
    closing = next((at for at, text in enumerate(texts) if read_fact(text) is not None), None)
    if not texts or closing == 0:
        return "", "", index
    # A photo caption "Name Portrait" comes before the name, which some copies leave out.
    pictured = portrait_of(texts[0])
    used = 2 if pictured and texts[1:2] == [pictured] else 1
    name, role = split_on_dash(pictured or texts[0])
    roles = [role] if role else []
    if closing is not None and closing >= used:
        roles.extend(texts[used:closing])
        used = closing
    elif not role and used < len(texts) and _looks_like_role(texts[used]):
        roles.append(texts[used])
        used += 1
    return name, "; ".join(roles), index + used


def _looks_like_role(text: str) -> bool:
    return len(text) <= _ROLE_MAX_LENGTH and not text.endswith((".", ":", "?"))


def _apply_facts(question: ParsedQuestion, facts: Sequence[Fact]) -> None:
    """Dates, identifiers and status from the fact lines of a record. The first of a kind
    counts: the record's own lines come before its answer's (whose first or last line may
    read like a fact: "Tabled on 3 May 2020.")."""
    kinds = {fact.kind for fact in facts}
    firsts: dict[FactKind, Fact] = {}
    for fact in facts:
        firsts.setdefault(fact.kind, fact)
    for fact in firsts.values():
        if fact.kind == FactKind.TABLED:
            question.date_tabled = fact.date
        elif fact.kind == FactKind.ANSWERED:
            question.date_answered = fact.date
        elif fact.kind == FactKind.DUE:
            question.date_for_answer = fact.date
        elif fact.kind == FactKind.HOLDING:
            question.date_holding_answer = fact.date
        elif fact.kind == FactKind.CORRECTED:
            question.date_answer_corrected = fact.date
        elif fact.kind == FactKind.UIN:
            question.uin = fact.value
        elif fact.kind == FactKind.GROUPED:
            question.grouped_uins = tuple(fact.value.split())
    if FactKind.WITHDRAWN in kinds:
        question.status = WITHDRAWN
    elif FactKind.CORRECTED in kinds and question.answer_text:
        question.status = CORRECTED
    elif FactKind.HOLDING in kinds and not question.answer_text:
        question.status = HOLDING
