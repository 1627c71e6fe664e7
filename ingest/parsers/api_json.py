"""Parliament's written questions API (questions-statements-api.parliament.uk) saved as JSON.

Accepted shapes: one record; ``{"value": record, "links": […]}``; a JSON array of either;
and the search envelope ``{"totalResults": N, "results": [{"value": …, "links": …}]}``.

Quirks of the list endpoint: ``questionText`` is cut at exactly 255 characters with no
marker, and ``answerText`` is cut to 255 characters plus ``...`` with its HTML stripped (so
paragraphs run together). Such records are flagged truncated so a fuller copy can win later.
Members come as bare ids unless the export was made with ``expandMember``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ingest.parsers.base import (
    ANSWER_CUT_WARNING,
    ANSWERED,
    COMMONS,
    CORRECTED,
    HOLDING,
    LORDS,
    QUESTION_CUT_WARNING,
    UNANSWERED,
    WITHDRAWN,
    ParsedAttachment,
    ParsedDocument,
    ParsedMember,
    ParsedQuestion,
)
from ingest.parsers.common import (
    bom_encoding,
    decode_bytes,
    find_references,
    infer_house,
    join_paragraphs,
    member_house,
    normalise_department,
    normalise_space,
    not_a_question,
    parse_date,
)
from ingest.parsers.html_page import markup_to_text

LAYOUT = "api-json"

# The list endpoint's cut: exactly this many characters of question text, no marker.
LIST_CUT_LENGTH = 255
CLIPPED_MARKER = "..."
_HOUSES = {"commons": COMMONS, "lords": LORDS}


def sniff(data: bytes) -> bool:
    """Starts like a JSON object or array (after any byte-order mark and whitespace)."""
    declared = bom_encoding(data)
    if declared and declared[0] != "utf-8":
        return False
    head = data[declared[1] if declared else 0 :][:256].lstrip()
    second = head[1:].lstrip()[:1]
    if head[:1] == b"{":
        return second in (b"", b'"', b"}")
    if head[:1] == b"[":
        return second in (b"", b'"', b"{", b"[", b"]", b"-") or second.isdigit()
    return False


def parse(data: bytes, name: str = "") -> ParsedDocument:
    """The question records of an API response; other JSON is not a question.

    ``name`` is unused: every record carries its own dates and House.
    """
    text = decode_bytes(data)
    if text is None:
        return not_a_question("starts like JSON but is not text in any encoding")
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError) as error:
        return ParsedDocument(
            layout=LAYOUT,
            skip_reason=f"starts like JSON but does not parse ({_first_line(error)})",
            damaged=True,
        )

    items = _items(payload)
    records = [(item, value) for item in items if (value := _record_of(item)) is not None]
    if not records:
        if isinstance(payload, dict) and isinstance(payload.get("results"), list) and not items:
            return ParsedDocument(
                layout=LAYOUT,
                skip_reason="written questions API response with no records"
                f" (totalResults {payload.get('totalResults')!r})",
            )
        return not_a_question(f"JSON, but not written questions API records: {_describe(payload)}")
    # A record without its question cannot be archived: the text is what identifies it.
    questions = [q for item, value in records if (q := _question(value, item)).question_text]
    if not questions:
        return ParsedDocument(
            layout=LAYOUT,
            skip_reason=f"written questions API records ({len(records)}) without question text",
        )
    return ParsedDocument(layout=LAYOUT, questions=questions)


def _items(payload: Any) -> list[Any]:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        results = payload.get("results")
        if isinstance(results, list):
            return results
        return [payload]
    return []


def _record_of(item: Any) -> dict[str, Any] | None:
    """The question record an item holds (bare, or under "value"), or None."""
    if not isinstance(item, dict):
        return None
    value = item.get("value")
    record = value if isinstance(value, dict) else item
    if "questionText" in record or ("uin" in record and "answeringBodyName" in record):
        return record
    return None


def _question(record: dict[str, Any], item: dict[str, Any]) -> ParsedQuestion:
    warnings: list[str] = []
    raw_question = _text(record.get("questionText"))
    question_text = normalise_space(markup_to_text(raw_question))
    raw_answer = _text(record.get("answerText"))
    answer_text = _paragraphs(raw_answer)

    question_truncated = len(raw_question) == LIST_CUT_LENGTH or raw_question.rstrip().endswith(
        CLIPPED_MARKER
    )
    if question_truncated:
        warnings.append(
            f"{QUESTION_CUT_WARNING} by the API list export ({len(raw_question)} characters)"
        )
    answer_truncated = raw_answer.rstrip().endswith(CLIPPED_MARKER)
    if answer_truncated:
        warnings.append(f"{ANSWER_CUT_WARNING} by the API list export (ends in '...')")

    asker = _member(record.get("askingMember"), record.get("askingMemberId"))
    house = _HOUSES.get(_text(record.get("house")).lower(), "")
    if not house:
        house, house_warnings = infer_house(question_text, asker)
        warnings.extend(house_warnings)

    date_answered = _date(record.get("dateAnswered"))
    if record.get("isWithdrawn") is True:
        status = WITHDRAWN
    elif record.get("answerIsCorrection") is True:
        status = CORRECTED
    elif record.get("answerIsHolding") is True:
        # The answer on record is the holding reply ("I will reply as soon as possible").
        status = HOLDING
    elif answer_text or date_answered:
        status = ANSWERED
    else:
        status = UNANSWERED

    uin = _id_text(record.get("uin")).strip().upper()
    return ParsedQuestion(
        question_text=question_text,
        house=house,
        uin=uin,
        heading=normalise_space(_text(record.get("heading"))),
        asker=asker,
        department=normalise_department(_text(record.get("answeringBodyName"))),
        answerer=_member(record.get("answeringMember"), record.get("answeringMemberId")),
        answer_text=answer_text,
        date_tabled=_date(record.get("dateTabled")),
        date_for_answer=_date(record.get("dateForAnswer")),
        date_answered=date_answered,
        status=status,
        date_holding_answer=_date(record.get("dateHoldingAnswer")),
        date_answer_corrected=_date(record.get("dateAnswerCorrected")),
        original_answer_text=_paragraphs(_text(record.get("originalAnswerText"))),
        references=find_references(question_text, answer_text, exclude=uin),
        grouped_uins=tuple(
            uin for uin in _list(record.get("groupedQuestions")) if isinstance(uin, str)
        ),
        attachments=tuple(
            _attachment(attachment) for attachment in _list(record.get("attachments"))
        ),
        question_truncated=question_truncated,
        answer_truncated=answer_truncated,
        source_id=_id_text(record.get("id")),
        raw_text=json.dumps(item, ensure_ascii=False),
        warnings=warnings,
    )


def _member(expanded: Any, member_id: Any) -> ParsedMember | None:
    """An expanded member object, or a member known only by id (name "")."""
    parliament_id = _int(member_id)
    if isinstance(expanded, dict):
        name = normalise_space(_text(expanded.get("name")) or _text(expanded.get("listAs")))
        # "memberFrom" is a constituency for an MP and the kind of peerage for a peer.
        seat = normalise_space(_text(expanded.get("memberFrom")))
        return ParsedMember(
            name=name,
            party=normalise_space(_text(expanded.get("party"))),
            seat=seat,
            house=member_house(name, seat),
            parliament_id=_int(expanded.get("id")) or parliament_id,
        )
    if parliament_id is None:
        return None
    return ParsedMember(name="", parliament_id=parliament_id)


def _attachment(value: Any) -> ParsedAttachment:
    attachment = value if isinstance(value, dict) else {}
    return ParsedAttachment(
        title=normalise_space(_text(attachment.get("title"))),
        url=_text(attachment.get("url")).strip(),
        file_type=normalise_space(_text(attachment.get("fileType"))),
    )


def _paragraphs(text: str) -> str:
    """Answer HTML (``<p>…</p><p>…</p>``) or plain text as paragraphs separated by a blank line."""
    return join_paragraphs(markup_to_text(text).split("\n"))


def _date(value: Any) -> dt.date | None:
    return parse_date(value) if isinstance(value, str) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    """An id, written as a number or (by some exports) as a string of digits."""
    if isinstance(value, str) and (digits := value.strip()).isascii() and digits.isdigit():
        return int(digits)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _id_text(value: Any) -> str:
    if isinstance(value, bool):
        return ""
    return str(value) if isinstance(value, int | str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _describe(payload: Any) -> str:
    if isinstance(payload, dict):
        keys = ", ".join(repr(key) for key in list(payload)[:6])
        more = " …" if len(payload) > 6 else ""
        return f"an object with keys {keys}{more}" if keys else "an empty object"
    if isinstance(payload, list):
        return f"an array of {len(payload)} item(s), none of them a question record"
    return f"a bare {type(payload).__name__} value"


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
