"""Helpers shared by the layout parsers: one way to do each generic thing.

Decoding bytes, splitting text into lines, reading dates, member lines, departments,
the House, cited question numbers, and the labelled lines ("Asked by:", "Question to the …:",
"To ask …", "Answered by …", "(asked on …)") that every text layout prints.
Pure functions, no I/O.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

import charset_normalizer
from dateutil import parser as dateutil_parser

from ingest.parsers.base import COMMONS, LORDS, ParsedDocument, ParsedMember

# The layout of every document that is not a written question; its skip_reason says what it is.
NOT_A_QUESTION = "not-a-question"


def not_a_question(reason: str) -> ParsedDocument:
    """A skipped document; ``reason`` says in plain English what the file looked like."""
    return ParsedDocument(layout=NOT_A_QUESTION, skip_reason=reason)


# --- bytes -> text ----------------------------------------------------------------------------

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark declares, and the mark's length."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


# How much of a file's start decides whether it is UTF-16 without a byte-order mark.
_UTF16_SAMPLE = 4096


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` for UTF-16 text saved without a byte-order mark, else None.

    Text in the Latin alphabet has a zero byte beside nearly every letter, on one side of
    each pair and almost never on the other; a binary file's zeros fall on both sides.
    """
    sample = data[:_UTF16_SAMPLE]
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    zeros_first = sample[0 : 2 * pairs : 2].count(0)
    zeros_second = sample[1 : 2 * pairs : 2].count(0)
    for zeros, other, encoding in (
        (zeros_second, zeros_first, "utf-16-le"),
        (zeros_first, zeros_second, "utf-16-be"),
    ):
        if zeros >= 0.7 * pairs and other <= 0.01 * pairs:
            return encoding
    return None


def decode_bytes(data: bytes) -> str | None:
    """Decode a document, or None when no text encoding fits (a binary file).

    A byte-order mark wins; then UTF-16 by the zeros of its bytes (it has no other sign when
    saved without a mark); then UTF-8 when the bytes are valid UTF-8; then charset-normalizer.
    """
    declared = bom_encoding(data)
    if declared:
        encoding, length = declared
        return data[length:].decode(encoding, errors="replace")
    if encoding := utf16_without_bom(data):
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if (mixed := _utf8_with_stray_bytes(data)) is not None:
        return mixed
    if (declared_text := _decoded_as_declared(data)) is not None:
        return declared_text
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None
    if best.encoding != "cp1252" and _is_single_byte(best.encoding):
        # charset-normalizer cannot tell the Latin code pages apart on English prose: it reads
        # Windows-1252 as cp1250 and turns "£" into "Ł". Our sources are English, saved on Windows.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return str(best)


# A page's or XML file's own statement of its encoding, near its start.
_DECLARED_CHARSET_RE = re.compile(
    rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?(?P<html>[\w.:-]{1,40})"
    rb"|<\?xml[^>]{0,100}?encoding\s*=\s*[\"'](?P<xml>[\w.:-]{1,40})",
    re.IGNORECASE,
)
# As browsers read them (the WHATWG Encoding standard): these labels mean Windows-1252.
_WINDOWS_1252_LABELS = frozenset({"iso8859-1", "ascii", "cp1252"})


def _decoded_as_declared(data: bytes) -> str | None:
    """Bytes that are not UTF-8, in the code page the document declares (a page saved in
    Windows-1250 says so: no guess tells its letters from Windows-1252's), or None."""
    match = _DECLARED_CHARSET_RE.search(data[:4096])
    if match is None:
        return None
    try:
        encoding = codecs.lookup((match["html"] or match["xml"]).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if encoding in _WINDOWS_1252_LABELS:
        encoding = "cp1252"
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


# Bytes that are not UTF-8, as surrogateescape leaves them in the text.
_STRAY_BYTE_RE = re.compile("[\udc80-\udcff]")


def _utf8_with_stray_bytes(data: bytes) -> str | None:
    """A UTF-8 file with a few Windows-1252 bytes pasted in (a curly quote from Word), or None.

    Decoding the whole file as one code page would garble every other accent and pound sign
    in it, so the UTF-8 stays UTF-8 and only the stray bytes are read as Windows-1252. A file
    has UTF-8 in it when it holds at least as many valid multi-byte characters as stray bytes
    (a Windows-1252 file's accented letters almost never form UTF-8 sequences).
    """
    text = data.decode("utf-8", errors="surrogateescape")
    stray = len(_STRAY_BYTE_RE.findall(text))
    valid = sum(1 for char in text if char > "\x7f") - stray
    if valid < max(stray, 1):
        return None
    return _STRAY_BYTE_RE.sub(
        lambda match: bytes([ord(match.group()) - 0xDC00]).decode("cp1252", errors="replace"),
        text,
    )


@functools.cache
def _is_single_byte(encoding: str) -> bool:
    # A single-byte code page maps each of the 256 byte values to exactly one character.
    return len(bytes(range(256)).decode(encoding, errors="replace")) == 256


# --- whitespace, lines, paragraphs --------------------------------------------------------------

# Invisible characters that saved pages leave inside words.
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\xad]")


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (non-breaking spaces included) to one space."""
    return " ".join(_INVISIBLE_RE.sub("", text).split())


class Line(NamedTuple):
    """A non-blank line of a document: its text, whitespace-normalised so that patterns need
    not care about non-breaking or doubled spaces, and where it sits in the document."""

    text: str
    start: int
    end: int


# Every text layout's sniff and then the chosen parser split the same document: split it once.
@functools.lru_cache(maxsize=4)
def lines_of(text: str) -> tuple[Line, ...]:
    """The non-blank lines of ``text``; blank lines carry no meaning in any text layout.

    Lines end at LF or CRLF, or at CR in a file that has no LF at all (old Mac files).
    """
    separator = "\r" if "\r" in text and "\n" not in text else "\n"
    lines = []
    position = 0
    # str.split is many times faster than a regex over long answer lines.
    for raw in text.split(separator):
        stripped = raw.strip()
        if stripped:
            start = position + len(raw) - len(raw.lstrip())
            lines.append(Line(normalise_space(stripped), start, start + len(stripped)))
        position += len(raw) + 1
    return tuple(lines)


# Hard-wrapped text (saved as text by a browser, pasted from a mail): lines no longer than
# this, most of them nearly as long as the longest.
_WRAP_MAX_WIDTH = 100
# Wrapped lines end within a word's length of the width: more than one line comes this close.
_WRAP_EDGE = 4
# Browsers and mail programs wrap text at 72 to 80 characters; none narrower than this.
_WRAP_MIN_WIDTH = 60
_WRAP_SLACK = 12
_WRAP_MIN_FULL_LINES = 8
_WRAP_MIN_FULL_SHARE = 0.4
_WRAP_SHORT_SHARE = 0.9


def unwrapped(text: str) -> str:
    """``text`` with the line breaks of hard wrapping removed; other text as it is.

    Hard-wrapped text breaks each paragraph where the next word would not fit the width:
    a line followed by one whose first word would have fitted on it ends its paragraph.
    Every layout reads a paragraph (and a label with its value) from one line.
    """
    raw = text.split("\n")
    lengths = [len(line.rstrip()) for line in raw if line.strip()]
    if not lengths:
        return text
    short = [length for length in lengths if length <= _WRAP_MAX_WIDTH]
    if len(short) < _WRAP_SHORT_SHARE * len(lengths):
        return text
    width = _wrap_width(short)
    if width is None:
        return text
    out: list[str] = []
    previous = ""  # the last line as it was printed, before any joining
    for line in raw:
        first_word = line.split(None, 1)[0] if line.strip() else ""
        if (
            previous
            and first_word
            and len(previous) + 1 + len(first_word) > width
            and label_of(normalise_space(line)) is None
            and _may_run_on(previous)
        ):
            joiner = "" if previous.endswith("-") and previous[-2:-1].isalpha() else " "
            out[-1] = out[-1].rstrip() + joiner + line.strip()
        else:
            out.append(line)
        previous = line.rstrip() if len(line.rstrip()) <= width else ""
    return "\n".join(out)


def _wrap_width(lengths: list[int]) -> int | None:
    """The width text was wrapped at: the longest line length that many lines come close
    to (a long address or word on a line of its own runs past it), or None for text that
    was not wrapped."""
    for width in sorted(set(lengths), reverse=True):
        if sum(width - _WRAP_EDGE <= length <= width for length in lengths) < 2:
            continue  # a line of its own, longer than the rest
        full = sum(width - _WRAP_SLACK <= length <= width for length in lengths)
        # Among the lines long enough to have been wrapped: a saved page's menu items and
        # buttons are short lines of their own.
        longish = sum(width / 2 <= length <= width for length in lengths)
        if width < _WRAP_MIN_WIDTH:
            return None  # short lines alike (a list's items, a card): not wrapping
        if full >= max(_WRAP_MIN_FULL_LINES, _WRAP_MIN_FULL_SHARE * longish):
            return width
    return None


def _may_run_on(line: str) -> bool:
    """A member or department label line is one line whatever its length (the answer starts
    below it), unless a bracket it opened is still open; a question runs on like any text."""
    label = label_of(normalise_space(line))
    return (
        label in (None, Label.TO_ASK)
        or line.count("(") > line.count(")")
        or _UNFINISHED_RE.search(line) is not None
    )


# A name or role cut short: "Secretary of State for Environment," then "Food and …".
_UNFINISHED_RE = re.compile(r"(?:[,&-]|\b(?:and|of|for|the|to|in|on|at))$")


def block_text(text: str, lines: Sequence[Line]) -> str:
    """The exact stretch of ``text`` that ``lines`` cover, for ``raw_text``."""
    return text[lines[0].start : lines[-1].end] if lines else ""


def normalise_lines(text: str) -> str:
    """Each line whitespace-normalised and blank lines dropped; the line breaks are kept."""
    return "\n".join(line for line in map(normalise_space, text.split("\n")) if line)


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Paragraphs whitespace-normalised, empty ones dropped, separated by a blank line."""
    return "\n\n".join(p for p in map(normalise_space, paragraphs) if p)


# --- dates ------------------------------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)\.?,?"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
# With or without a time; an offset may follow the date alone (the QnA feed's "2013-01-22Z").
_ISO_DATE = r"\d{4}-\d{2}-\d{2}(?:T[\d:.]+)?(?:Z|[+-]\d{2}:?\d{2})?"
_DATE_RE = re.compile(
    rf"\b(?:{_WEEKDAY}\s+)?(?:the\s+)?(?P<date>"
    rf"\d{{1,2}}{_ORDINAL}(?:\s+of)?\s+{_MONTH},?\s+\d{{4}}"
    rf"|\d{{1,2}}-{_MONTH}-\d{{4}}"
    rf"|{_MONTH}\s+\d{{1,2}}{_ORDINAL},?\s+\d{{4}}"
    rf"|{_ISO_DATE}|\d{{4}}/\d{{1,2}}/\d{{1,2}}"
    # Day first, as in Britain: 24/02/2021, 24.02.2021, 24-02-2021, 24/02/21, 24-02-21.
    r"|\d{1,2}(?P<sep>[/.-])\d{1,2}(?P=sep)\d{4}|\d{1,2}(?P<sep2>[/-])\d{1,2}(?P=sep2)\d{2})\b",
    re.IGNORECASE,
)
_ISO_DATE_RE = re.compile(_ISO_DATE)
_YEAR_FIRST_RE = re.compile(r"\d{4}/\d{1,2}/\d{1,2}")


def parse_date(text: str) -> dt.date | None:
    """The first date written in ``text`` (``Thursday 28th March 2019``, ``2024-08-30T00:00:00``).

    None when there is none or it is impossible (``31st February``). Numeric dates are day-first.
    An ISO timestamp gives its date as written, whatever its time or offset.
    """
    match = _DATE_RE.search(text)
    return _to_date(match.group("date")) if match else None


def date_line(text: str) -> dt.date | None:
    """The date when the whole line is a date (a search result's date line), else None."""
    match = _DATE_RE.fullmatch(text.strip().rstrip("."))
    return _to_date(match.group("date")) if match else None


def heading_and_date(text: str) -> tuple[str, dt.date] | None:
    """A title with its date after it on the same line, the date led by its weekday
    ("Roads: Skye Tuesday 15th October 2024"), split; None for any other line.

    Only with the weekday: a title may end in a date of its own ("Armistice Day: 11 November").
    """
    *_, match = (None, *_DATE_RE.finditer(text))
    if (
        match is None
        or match.end() != len(text.rstrip(". "))
        or match.start("date") == match.start()
    ):
        return None
    heading, date = text[: match.start()].strip(), _to_date(match.group("date"))
    return (heading, date) if heading and date is not None else None


# Written answers have been printed since Hansard began (1803); a year outside these is a
# slip of the keyboard or an export's placeholder (0001-01-01, 9999-12-31), not a date.
PLAUSIBLE_YEARS = (1800, 2199)


# Documents repeat a handful of dates many times over, and dateutil is slow to parse them.
@functools.lru_cache(maxsize=4096)
def _to_date(text: str) -> dt.date | None:
    try:
        if _ISO_DATE_RE.fullmatch(text):
            # The pattern guarantees YYYY-MM-DD up front; the time is not ours to judge.
            day = dt.date.fromisoformat(text[:10])
        elif _YEAR_FIRST_RE.fullmatch(text):
            day = dt.date(*map(int, text.split("/")))
        else:
            day = dateutil_parser.parse(text, dayfirst=True).date()
    except (ValueError, OverflowError):
        return None
    return day if PLAUSIBLE_YEARS[0] <= day.year <= PLAUSIBLE_YEARS[1] else None


# --- labelled lines -----------------------------------------------------------------------------

ASKED_BY_RE = re.compile(r"^asked by\b\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
ANSWERED_BY_RE = re.compile(r"^answered by\b\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
# Only a short line or one ending in a colon is a label: an answer may start "Question to …".
# The body is a department's name, capitalised ("Questions for the review panel:" is not).
QUESTION_TO_RE = re.compile(
    r"^questions? (?:to|for) (?P<body>(?:the )?(?-i:[A-Z])[^.]{0,120}?)\s*:$"
    r"|^questions? (?:to|for) (?P<short>(?:the )?(?-i:[A-Z])[^.:]{0,100})$",
    re.IGNORECASE,
)
# Case-sensitive: the formula every written question starts with, addressed to someone ("To
# ask the Secretary of State", "To ask His Majesty's Government", "To ask Mr. Chancellor");
# "To ask for a review, write to …" in an answer is not one.
TO_ASK_RE = re.compile(r"^To ask (?i:the|his|her|their|hm|mr|mrs|ms|madam|mister)\b")


class Label(StrEnum):
    """The lines that make up a record in every text layout."""

    ASKED_BY = "asked by"
    QUESTION_TO = "question to"
    TO_ASK = "to ask"
    ANSWERED_BY = "answered by"


def label_of(text: str) -> Label | None:
    """Which record label a line is, if any."""
    if TO_ASK_RE.match(text):
        return Label.TO_ASK
    first = text[:1].lower()
    # A cheap first-letter test keeps this fast on the long answer paragraphs.
    if first == "a":
        if (match := ASKED_BY_RE.match(text)) and _names_a_member(match["rest"], _ASKER_MAX_WORDS):
            return Label.ASKED_BY
        if (match := ANSWERED_BY_RE.match(text)) and _names_a_member(match["rest"], None):
            return Label.ANSWERED_BY
    elif first == "q" and QUESTION_TO_RE.match(text):
        return Label.QUESTION_TO
    return None


# A member label names a member (or no one: the name is on the next line). A paragraph that
# starts with the same words goes on in lower case, or as a sentence: "Asked by the Committee
# in 2023 to review these figures, the Department commissioned an independent audit."
# An asker is a name and bracketed party and seat; an answerer's role may run longer.
_SENTENCE_MIN_WORDS = 8
_ASKER_MAX_WORDS = 16


def _names_a_member(rest: str, max_words: int | None) -> bool:
    if not rest:
        return True
    words = rest.split()
    if max_words is not None and _CLAUSE_RE.search(rest.split("(", 1)[0]):
        # An asker's name stops at its bracket: "the Committee, we reviewed it." goes on.
        return False
    return not (
        (words[0].islower() and words[0] != "the")
        or (rest.endswith(".") and len(words) >= _SENTENCE_MIN_WORDS)
        or (max_words is not None and len(words) > max_words)
    )


# A clause after a comma, or the end of a sentence.
_CLAUSE_RE = re.compile(r",\s+[a-z]|[.?!;]\s*$")


def department_of(text: str) -> str:
    """The department a "Question to the …:" line names, normalised."""
    match = QUESTION_TO_RE.match(text)
    if not match:
        return ""
    return normalise_department(match.group("body") or match.group("short"))


# Hansard heads the Commons' written answers with the department's short name ("HOME
# DEPARTMENT", "JUSTICE"); the questions API, and so the other sources, give its name.
# "Treasury" is the API's name too; names that changed over time map to the one of the
# heading's own era ("Health" was the Department of Health until 2018).
_HEADING_DEPARTMENTS = {
    "home department": "Home Office",
    "justice": "Ministry of Justice",
    "defence": "Ministry of Defence",
    "transport": "Department for Transport",
    "work and pensions": "Department for Work and Pensions",
    "education": "Department for Education",
    "health": "Department of Health",
    "health and social care": "Department of Health and Social Care",
    "environment food and rural affairs": "Department for Environment, Food and Rural Affairs",
    "culture media and sport": "Department for Culture, Media and Sport",
    "digital culture media and sport": "Department for Digital, Culture, Media and Sport",
    "foreign and commonwealth affairs": "Foreign and Commonwealth Office",
    "international development": "Department for International Development",
    "communities and local government": "Department for Communities and Local Government",
    "business innovation and skills": "Department for Business, Innovation and Skills",
    "children schools and families": "Department for Children, Schools and Families",
    "energy and climate change": "Department of Energy and Climate Change",
    "scotland": "Scotland Office",
    "wales": "Wales Office",
    "northern ireland": "Northern Ireland Office",
}


# A question's number as Hansard prints it after the question: "… a statement. [67391]",
# "…in Cornwall.[HL9224]".
PRINTED_UIN_RE = re.compile(r"\s*\[(?P<uin>(?:HL\s?)?\d+)\]$", re.IGNORECASE)


def department_named(heading: str) -> str:
    """The department a Commons answers heading stands for, by the name other sources use."""
    return _HEADING_DEPARTMENTS.get(_heading_key(heading), heading)


def names_a_department(heading: str) -> bool:
    """Whether a Commons answers heading is a department's ("Home Department", "Cabinet
    Office", "House of Commons Commission") rather than a subject's."""
    return _heading_key(heading) in _HEADING_DEPARTMENTS or bool(
        _DEPARTMENT_WORDS_RE.search(heading)
    )


def _heading_key(heading: str) -> str:
    return " ".join(heading.replace(",", " ").lower().split())


# The words the other answering bodies' headings are made of.
_DEPARTMENT_WORDS_RE = re.compile(
    r"\b(?:department|office|ministry|treasury|commission|commissioners|minister|leader of"
    r" the house|attorney|solicitor|advocate|chancellor|duchy|equalities|speaker|committee)\b",
    re.IGNORECASE,
)


# Words Hansard prints in lower case inside a department's name.
_SMALL_WORDS = frozenset({"and", "for", "of", "the", "in", "on", "to"})


def normalise_department(name: str) -> str:
    """``the Home Office`` -> ``Home Office``; commas inside names are kept; Hansard's
    upper-case section titles (``CULTURE MEDIA AND SPORT``) are brought to title case."""
    name = normalise_space(name).rstrip(":").strip()
    if name[:4].lower() == "the ":
        name = name[4:].lstrip()
    if name.isupper():
        name = " ".join(
            word if index and word in _SMALL_WORDS else _capitalised(word)
            for index, word in enumerate(name.lower().split(" "))
        )
    return name


def _capitalised(word: str) -> str:
    # Each part of a hyphenated word: "ATTORNEY-GENERAL" is the Attorney-General.
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


class FactKind(StrEnum):
    """What a short fact line (``(asked on 24th February 2021)``, ``UIN 5851``) states."""

    TABLED = "tabled"
    ANSWERED = "answered"
    DUE = "due"
    HOLDING = "holding"
    CORRECTED = "corrected"
    WITHDRAWN = "withdrawn"
    UIN = "uin"
    GROUPED = "grouped"


@dataclass(frozen=True, slots=True)
class Fact:
    kind: FactKind
    date: dt.date | None = None
    # A UIN, or the UINs of grouped questions separated by spaces.
    value: str = ""


# A fact line is short; a long line that happens to start the same way is a paragraph.
_FACT_MAX_LENGTH = 160
_FACT_RES = tuple(
    (kind, re.compile(rf"^[\[(]?\s*(?:{prefix})\b\s*:?\s*(?P<rest>.*)$", re.IGNORECASE))
    for kind, prefix in (
        (FactKind.TABLED, r"asked on|tabled on|tabled|date tabled"),
        (FactKind.ANSWERED, r"this question was answered on|answered on|date answered"),
        (FactKind.DUE, r"answer due(?: on| by)?|due for answer(?: on| by)?|due (?:on|by)"),
        (
            FactKind.HOLDING,
            r"this question (?:received|was given) a holding answer(?: on)?"
            r"|holding answer(?: received| given)?(?: on)?",
        ),
        (
            FactKind.CORRECTED,
            r"this answer (?:was|has been) corrected(?: on)?|corrected on|answer corrected",
        ),
        (FactKind.WITHDRAWN, r"this question (?:was|has been) withdrawn(?: on)?|withdrawn(?: on)?"),
        (FactKind.UIN, r"uin|question number|question no\.?"),
        (FactKind.GROUPED, r"grouped questions?"),
    )
)
_QUESTION_NUMBER_RE = re.compile(r"HL\s?\d+|\d+")
# A UIN or grouped questions' line: numbers joined by separators, then at most a short note
# ("UIN HL13568 - View source") or the tabling date ("UIN 9876, tabled on 3 March 2024").
_NUMBERS_LINE_RE = re.compile(
    r"(?:HL\s?\d+|\d+)(?:\s*(?:[,;|/&+]|\band\b)?\s*(?:HL\s?\d+|\d+))*"
    r"(?:[\s.,;)\]]*(?:[-\u2013\u2014|]\s*.{0,40})?|,?\s+(?:tabled|asked|answered)\b.{0,40})",
    re.IGNORECASE,
)
# A question number on a line of its own, as Hansard prints it below the question: "HL14421",
# "[HL14421]", "[292659]" (a bare number only in brackets: unbracketed, it is any figure).
_BARE_UIN_RE = re.compile(r"^\[?(?P<lords>HL\s?\d+)\]?$|^\[(?P<commons>\d+)\]$", re.IGNORECASE)


def read_fact(text: str) -> Fact | None:
    """The fact a short labelled line states (``(asked on 24th February 2021) - View Source``)."""
    if len(text) > _FACT_MAX_LENGTH:
        return None
    if bare := _BARE_UIN_RE.match(text):
        return Fact(FactKind.UIN, value=(bare["lords"] or bare["commons"]).replace(" ", "").upper())
    for kind, regex in _FACT_RES:
        match = regex.match(text)
        if not match:
            continue
        rest = match.group("rest")
        if kind in (FactKind.UIN, FactKind.GROUPED):
            numbers = [n.replace(" ", "") for n in _QUESTION_NUMBER_RE.findall(rest)]
            # The numbers and nothing else of substance: "Question number 5 in the survey
            # asked …" opens an answer's paragraph.
            if numbers and _NUMBERS_LINE_RE.fullmatch(rest.lstrip(" .:#")):
                return Fact(
                    kind, value=" ".join(numbers) if kind == FactKind.GROUPED else numbers[0]
                )
            return None
        date = _stated_date(rest)
        if date is not None:
            return Fact(kind, date)
        if kind == FactKind.WITHDRAWN and not rest.strip(" .)]"):
            return Fact(kind)
    return None


# After a fact's date: closing punctuation, and perhaps a short link or note after a dash or
# bar ("(asked on 24th February 2021) - View Source"); not a sentence going on.
_FACT_TAIL_RE = re.compile(r"[\s.,;)\]]*(?:[-\u2013\u2014|]\s*.{0,40})?")
_FACT_DATE_OFFSET = 4


def read_facts(text: str) -> list[Fact]:
    """Every fact a line states: one, or several joined by commas (the official site's
    "UIN HL13568, tabled on 24 February 2021")."""
    pieces = text.split(", ")
    if len(pieces) > 1 and all(found := [read_fact(piece) for piece in pieces]):
        return found  # type: ignore[return-value]
    fact = read_fact(text)
    return [fact] if fact else []


def read_split_fact(text: str, following: str) -> Fact | None:
    """A dated fact whose date is the next line's ("Answered on" / "10 March 2021")."""
    if read_fact(text) is not None or date_line(following) is None:
        return None
    fact = read_fact(f"{text} {following}")
    return fact if fact is not None and fact.date is not None else None


def _stated_date(rest: str) -> dt.date | None:
    """The date a fact line states: at its start, with nothing but a short note after it.

    "Withdrawn on 1 April 2023, the old scheme was replaced …" is an answer's paragraph.
    """
    match = _DATE_RE.search(rest)
    if match is None or match.start() > _FACT_DATE_OFFSET:
        return None
    if not _FACT_TAIL_RE.fullmatch(rest[match.end() :]):
        return None
    return _to_date(match.group("date"))


# --- page furniture -----------------------------------------------------------------------------

# Whole lines that saved pages add around a record: loading spinners, share and print links,
# cookie notices, pagination. Only ever removed at the edges of a record, never from inside it.
_FURNITURE_LINES = frozenset(
    {
        "reticulating splines",
        "written questions, answers and statements",
        "loading",
        "loading...",
        "please wait",
        "view source",
        "share",
        "share this",
        "share this page",
        "share this question",
        "share this answer",
        "print",
        "print this page",
        "email",
        "email this",
        "copy link",
        "link copied",
        "tweet",
        "twitter",
        "facebook",
        "linkedin",
        "whatsapp",
        "back to top",
        "skip to main content",
        "skip to content",
        "menu",
        "search",
        "close",
        "next",
        "previous",
        "next page",
        "previous page",
        "show more",
        "read more",
        "load more",
        "view all",
        "view sample alert",
        "subscribe",
        "sign in",
        "log in",
        "feedback",
        "cookie settings",
        "cookie policy",
        "manage cookies",
        "accept",
        "accept cookies",
        "accept all cookies",
        "reject cookies",
        "reject all cookies",
        "is this page useful",
        "report a problem with this page",
    }
)
_FURNITURE_RE = re.compile(
    r"^(?:(?:previous(?: page)? )?page \d+ of \d+(?: next(?: page)?)?"
    r"|this answer (?:groups|is grouped with|was grouped with) (?:the following|these) questions?"
    r"|(?:the )?(?:question|answer)s?"
    r"|(?:latest|recent|more|other|related|similar) (?:written )?(?:questions?|answers?)"
    r"(?: (?:from|by|on|to|for|about) .{1,80})?"
    r"|showing (?:results )?[\d,]+(?: ?[-\u2013] ?[\d,]+)? of [\d,]+(?: results)?"
    r"|[\d,]+ results?(?: found)?"
    # "Copyright © 2024 …", "© Parliament": not "Copyright: Artificial Intelligence", a heading.
    r"|\u00a9.*|copyright(?:\s*(?:\u00a9|\(c\)|\d{4}\b).*)?"
    r"|(?:this site|this website|we) (?:uses?|is using|are using)(?: \w+){0,2} cookies\b.*"
    r"|cookies on .{1,60}|(?:accept|reject)(?: all| recommended| necessary| optional)? cookies"
    r"|cookie (?:settings|preferences|policy)"
    # Page links under a list: "\u00ab", "Next \u203a" on lines of their own (guillemets,
    # angle quotes, arrows).
    r"|[\u00ab\u00bb\u2039\u203a\u2190\u2192]+"
    r"|[\u00ab\u2039\u2190]? ?(?:next|previous|prev|older|newer)(?: page)?"
    r" ?[\u00bb\u203a\u2192]?)$",
    re.IGNORECASE,
)
_PORTRAIT_RE = re.compile(r"^(?P<name>.{2,100}?) Portrait$")


def is_furniture(text: str) -> bool:
    """Whether a whole line is page furniture rather than question or answer text."""
    if len(text) > 200:
        return False
    lowered = text.lower().rstrip(" .:?")
    return (
        lowered in _FURNITURE_LINES or bool(_FURNITURE_RE.match(lowered)) or _is_page_links(lowered)
    )


# The words of a line of page links: "« Previous 1 2 3 … 12 Next »".
_PAGE_LINK_WORDS = frozenset(
    {"\u00ab", "\u00bb", "\u2039", "\u203a", "\u2190", "\u2192", "\u2026", "...", "previous",
     "prev", "next", "first", "last", "page"}
)  # fmt: skip


def _is_page_links(lowered: str) -> bool:
    # Numbers alone only in a run from 1 ("1 2 3"): "12 40" is a table's row.
    words = lowered.split()
    numbers = [int(word) for word in words if word.isdigit()]
    return (
        len(numbers) >= 2
        and all(word.isdigit() or word in _PAGE_LINK_WORDS for word in words)
        and (len(numbers) < len(words) or numbers[:3] == [1, 2, 3][: len(numbers)])
    )


def portrait_of(text: str) -> str:
    """The member a "Name Portrait" line (a photo's caption) shows, or ""."""
    match = _PORTRAIT_RE.match(text)
    return match.group("name") if match else ""


def trim_furniture(lines: Sequence[Line]) -> Sequence[Line]:
    """``lines`` without the furniture lines that trail them."""
    end = len(lines)
    while end and is_furniture(lines[end - 1].text):
        end -= 1
    return lines[:end]


# --- members ------------------------------------------------------------------------------------

# A hyphen or dash with a space on either side ("Name - Role", "Name -Role"):
# "Ashton-under-Lyne" and "Under-Secretary" keep theirs.
_SEPARATOR_RE = re.compile(r"\s+[-\u2013\u2014]\s*|[-\u2013\u2014]\s+")


def split_on_dash(text: str) -> tuple[str, str]:
    """Split ``Name - Role`` or ``Party - Seat`` at the first spaced dash outside parentheses."""
    for match in _SEPARATOR_RE.finditer(text):
        before = text[: match.start()]
        if before.count("(") == before.count(")"):
            return before.strip(), text[match.end() :].strip()
    return text.strip(), ""


def parse_member(text: str) -> ParsedMember:
    """``Stella Creasy (Labour (Co-op) - Walthamstow)`` -> name, party, seat and House."""
    text = normalise_space(text).rstrip(" :")
    name, bracketed = text, ""
    if text.endswith(")"):
        depth = 0
        for index in range(len(text) - 1, -1, -1):
            char = text[index]
            if char == ")":
                depth += 1
            elif char == "(":
                depth -= 1
                if depth == 0:
                    name, bracketed = text[:index].strip(), text[index + 1 : -1]
                    break
    party, seat = split_on_dash(bracketed)
    if not seat:
        party, seat = _split_on_comma(party)
    return ParsedMember(name=name, party=party, seat=seat, house=member_house(name, seat))


def _split_on_comma(text: str) -> tuple[str, str]:
    """``Labour, Normanton, Pontefract and Castleford``: some sites put a comma, not a dash,
    after the party; no party's name has a comma, where seats do, so the first one splits."""
    for match in re.finditer(r",\s+", text):
        before = text[: match.start()]
        if before.count("(") == before.count(")"):
            return before.strip(), text[match.end() :].strip()
    return text, ""


# Peers are listed with their kind of peerage where an MP has a constituency.
_PEER_SEAT_RE = re.compile(
    r"^(?:life|hereditary|excepted hereditary|elected hereditary)(?: peer(?:ess)?)?$"
    r"|^(?:arch)?bishops?$|^lords? (?:spiritual|temporal)$|^(?:life )?peer(?:ess)?$",
    re.IGNORECASE,
)
_PEER_TITLE_RE = re.compile(
    r"^(?:the\s+)?(?:lord|baroness|viscount|viscountess|earl|countess|duke|duchess|marquess"
    r"|marchioness|archbishop|bishop)\b",
    re.IGNORECASE,
)


def member_house(name: str, seat: str) -> str:
    """The House a member line shows: a peerage or peer's title means Lords, a seat Commons."""
    if seat:
        return LORDS if _PEER_SEAT_RE.match(seat) else COMMONS
    if _PEER_TITLE_RE.match(name):
        return LORDS
    return ""


# --- the House ---------------------------------------------------------------------------------

_LORDS_QUESTION_RE = re.compile(
    r"^To ask (?:his|her|their) majesty\W{0,2}s? government"
    r"|^To ask the (?:senior deputy speaker|chairman of committees|lord speaker|lord chairman)",
    re.IGNORECASE,
)
_COMMONS_QUESTION_RE = re.compile(
    r"^To ask (?:the )?(?:right )?(?:hon(?:ourable|\.)?\s+)?(?:"
    r"secretary of state|minister\b|prime minister|deputy prime minister|chancellor of the"
    r"|attorney general|solicitor general|advocate general|first secretary|president of the"
    r"|member for|chair(?:man)? of the (?!committees)|chair of|speaker's committee"
    r"|second church estates commissioner|leader of the house of commons)",
    re.IGNORECASE,
)


def question_house(question_text: str) -> str:
    """The House a question's opening formula belongs to, or "" when the formula is shared."""
    if _LORDS_QUESTION_RE.match(question_text):
        return LORDS
    if _COMMONS_QUESTION_RE.match(question_text):
        return COMMONS
    return ""


def infer_house(question_text: str, asker: ParsedMember | None) -> tuple[str, list[str]]:
    """The House of a question and any warnings: from its wording, else from its asker."""
    by_wording = question_house(question_text)
    by_asker = asker.house if asker else ""
    if by_wording and by_asker and by_wording != by_asker:
        return by_wording, [
            f"the question is worded for the {by_wording} but the asker looks like a member"
            f" of the {by_asker}"
        ]
    house = by_wording or by_asker
    if not house:
        return "", ["could not tell the House from the question's wording or the asker"]
    return house, []


# --- references --------------------------------------------------------------------------------

_LORDS_NUMBER_RE = re.compile(r"\bHL\s?(\d{1,6})\b")
# Scottish Parliament numbers name the session and kind: S3W- written, S3O- oral, S3F- First
# Minister's, S3T- topical.
_SCOTTISH_NUMBER_RE = re.compile(r"\bS\d{1,2}[WOFT]-\d{1,6}\b")
_BRACKETED_NUMBER_RE = re.compile(r"\((\d{3,7})\)")
# Hansard cites a question bare, in brackets, after the date of its answer: "on 20 November
# (187328)". Five digits or more is a question number wherever it stands; a shorter one is
# more often a count ("offences (554) recorded"), so it is one only after a date.
_SHORT_NUMBER_DIGITS = 4
_ENDS_WITH_DAY_RE = re.compile(
    rf"\d{{1,2}}{_ORDINAL}\s+{_MONTH}(?:,?\s+\d{{4}})?,?\s*$", re.IGNORECASE
)
_CITED_QUESTION_RE = re.compile(
    r"\b(?:Questions?|PQs?|UINs?)\s+(?:[Nn]o\.?\s*|[Nn]umbers?\s+)?"
    r"(?P<numbers>(?:HL\s?)?\d{2,7}(?:\s*(?:,|and|&)\s*(?:HL\s?)?\d{2,7})*)"
)
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")


def find_references(*texts: str, exclude: str = "") -> tuple[str, ...]:
    """Question numbers cited in the texts, in order of appearance.

    ``(HL12231)`` -> ``HL12231``, ``Question 6504`` -> ``6504``, ``(187328)`` -> ``187328``,
    ``S3W-12345`` -> ``S3W-12345``. A bracketed year such as ``(2019)`` is not a question
    number, nor a bracketed number of three or four digits unless it follows a date.
    """
    found: list[tuple[int, int, str]] = []
    for order, text in enumerate(texts):
        # Cheap substring tests first: most answers cite nothing, and the scans are not free.
        if "HL" in text:
            for match in _LORDS_NUMBER_RE.finditer(text):
                found.append((order, match.start(), "HL" + match.group(1)))
        if "-" in text:
            for match in _SCOTTISH_NUMBER_RE.finditer(text):
                found.append((order, match.start(), match.group()))
        if "(" in text:
            for match in _BRACKETED_NUMBER_RE.finditer(text):
                number = match.group(1)
                if _YEAR_RE.fullmatch(number):
                    continue
                after_a_day = _ENDS_WITH_DAY_RE.search(
                    text, max(0, match.start() - 30), match.start()
                )
                if len(number) > _SHORT_NUMBER_DIGITS or after_a_day:
                    found.append((order, match.start(), number))
        if "Question" in text or "PQ" in text or "UIN" in text:
            for match in _CITED_QUESTION_RE.finditer(text):
                for number in _QUESTION_NUMBER_RE.findall(match.group("numbers")):
                    found.append((order, match.start(), number.replace(" ", "")))
    found.sort()
    references = dict.fromkeys(number for _, _, number in found)
    references.pop(exclude, None)
    return tuple(references)
