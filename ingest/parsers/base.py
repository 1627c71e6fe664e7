"""The records every layout parser produces: plain data, no database.

Each parser turns the text (or bytes) of one document into a ``ParsedDocument``;
``ingest.loader`` decides what those records mean for the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

COMMONS = "Commons"
LORDS = "Lords"
SCOTTISH = "Scottish Parliament"

ANSWERED = "answered"
UNANSWERED = "unanswered"
HOLDING = "holding"
WITHDRAWN = "withdrawn"
CORRECTED = "corrected"


@dataclass(frozen=True)
class ParsedMember:
    """A member as a source names them.

    ``seat`` is a constituency for an MP and the peerage type (``Life peer``) for a peer.
    A member known only by an id has an empty ``name``.
    """

    name: str = ""
    party: str = ""
    seat: str = ""
    house: str = ""
    # Parliament's members API id (askingMemberId, MemberId).
    parliament_id: int | None = None
    # TheyWorkForYou / parlparse id, e.g. ``uk.org.publicwhip/person/10001``.
    twfy_id: str = ""


@dataclass(frozen=True)
class ParsedAttachment:
    title: str
    url: str
    file_type: str = ""


@dataclass
class ParsedQuestion:
    """One written question, with its answer when it has one, as read from one source."""

    question_text: str
    house: str = ""
    uin: str = ""
    heading: str = ""
    asker: ParsedMember | None = None
    # Answering body, normalised (``the Home Office`` -> ``Home Office``).
    department: str = ""
    answerer: ParsedMember | None = None
    answerer_role: str = ""
    # Paragraphs separated by a blank line.
    answer_text: str = ""
    date_tabled: dt.date | None = None
    date_for_answer: dt.date | None = None
    date_answered: dt.date | None = None
    status: str = UNANSWERED
    date_holding_answer: dt.date | None = None
    date_answer_corrected: dt.date | None = None
    # The answer as first given, kept beside a corrected answer.
    original_answer_text: str = ""
    # Question numbers cited in the text: ``HL12231``, ``6504``.
    references: tuple[str, ...] = ()
    # UINs answered together with this one.
    grouped_uins: tuple[str, ...] = ()
    attachments: tuple[ParsedAttachment, ...] = ()
    # Source exports that clip texts (API list endpoints) mark them here, and say so in a
    # warning starting QUESTION_CUT_WARNING or ANSWER_CUT_WARNING.
    question_truncated: bool = False
    answer_truncated: bool = False
    # Read from a copy its source says a newer one replaces (a parlparse scrape marked
    # latest="no"): its values give way to the newer copy's whichever is loaded first.
    superseded: bool = False
    # Identifier in the source, e.g. the API ``id`` or a parlparse gid.
    source_id: str = ""
    # The block of the document this record was read from, for admins to compare.
    raw_text: str = ""
    warnings: list[str] = field(default_factory=list)


QUESTION_CUT_WARNING = "question text looks cut short"
ANSWER_CUT_WARNING = "answer text is cut short"


@dataclass
class ParsedDocument:
    """What a document turned out to be.

    ``skip_reason`` is set (and ``questions`` empty) for documents that are not written
    questions; it says what the document looked like. ``damaged`` marks one of a format we
    read that is broken (cut off mid-download, say): a failure to report, not a skip.
    """

    layout: str
    questions: list[ParsedQuestion] = field(default_factory=list)
    skip_reason: str = ""
    damaged: bool = False
