"""Decide what a document is, and read it with the parser for its layout.

``parse_document`` never raises: a document that is not a written question comes back with
no questions and a ``skip_reason`` saying what the file looked like.

Byte-level parsers (JSON, XML) get the raw bytes so they can honour their own encoding
declarations, and the file name, which parlparse files need for their date and House; the
text layouts get the decoded text, and saved HTML pages are first reduced to their visible
text and reported as ``html/<layout>``. A page or text wrapped in a MIME message (a
single-file web archive, an e-mail) is taken out of it first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from ingest.parsers import (
    api_json,
    hansard,
    html_page,
    mime,
    plain_list,
    qna_xml,
    question_page,
    search_results,
    twfy_xml,
)
from ingest.parsers.base import ParsedDocument
from ingest.parsers.common import (
    NOT_A_QUESTION,
    Line,
    bom_encoding,
    date_line,
    decode_bytes,
    label_of,
    lines_of,
    not_a_question,
    unwrapped,
    utf16_without_bom,
)

# A parser raised: a bug of ours, reported rather than raised so one file cannot stop an import.
PARSER_ERROR = "parser-error"
HTML_PREFIX = "html/"

# A byte-level parse takes the bytes and the file name, whether or not it needs the name.
ByteLayout = tuple[str, Callable[[bytes], bool], Callable[[bytes, str], ParsedDocument]]
TextLayout = tuple[str, Callable[[str], bool], Callable[[str], ParsedDocument]]

# Tried first, in order, on the raw bytes: (layout name, sniff, parse).
BYTE_LAYOUTS: tuple[ByteLayout, ...] = (
    ("api-json", api_json.sniff, api_json.parse),
    ("twfy-xml", twfy_xml.sniff, twfy_xml.parse),
    ("qna-xml", qna_xml.sniff, qna_xml.parse),
)

# Tried in order on decoded text (and on the visible text of saved HTML pages); the most
# specific layout first, since a search-results page also looks like a plain list.
TEXT_LAYOUTS: tuple[TextLayout, ...] = (
    # Before the layouts of Parallel Parliament's pages: a Lords page's "Written Answers"
    # title and "Asked by" lines would read as a page of search results.
    ("hansard-written-answers", hansard.sniff, hansard.parse),
    ("search-results", search_results.sniff, search_results.parse),
    ("question-page", question_page.sniff, question_page.parse),
    ("plain-list", plain_list.sniff, plain_list.parse),
)


def parse_document(data: bytes, name: str = "") -> ParsedDocument:
    """Read one document into written-question records, or say why it holds none.

    The layout is decided from the content, since saved pages often carry the wrong
    extension; ``name`` (the file name) only reaches the byte-level parsers, where parlparse
    files fall back on it for their date and House.
    """
    try:
        return _parse(data, name)
    except Exception as error:
        # Decoding, sniffing or reducing HTML went wrong: still a bug of ours, still reported.
        return _parser_error("layout detection", error)


def _parse(data: bytes, name: str) -> ParsedDocument:
    if not data.strip():
        return not_a_question("empty file" if not data else "file contains only whitespace")
    binary = _binary_kind(data)
    if binary:
        return not_a_question(f"binary file ({binary})")
    data = _utf8_if_wide(data)
    for layout, sniff, parse in BYTE_LAYOUTS:
        if sniff(data):
            return _run(layout, functools.partial(parse, data, name))
    if (unwrapped := mime.unwrap(data)) is not None:
        return _read_unwrapped(unwrapped)

    text = decode_bytes(data)
    if text is None:
        return not_a_question("binary file (its bytes fit no text encoding)")
    if not text.strip():
        return not_a_question("file contains only whitespace")
    if _mostly_control_characters(text):
        return not_a_question("binary file (mostly control characters)")

    if html_page.sniff(text):
        return _read_html(text, "saved HTML page")
    if match := _XML_ROOT_RE.match(text[:_XML_HEAD]):
        return not_a_question(
            f"XML document (root element <{match.group(1)}>) that no parser reads"
        )
    if text.lstrip().startswith("<?xml"):
        return not_a_question("XML document that no parser reads")
    if text.lstrip().startswith("{\\rtf"):
        return not_a_question(
            "Rich Text Format (RTF) document: save it as plain text or HTML to import it"
        )
    document = _read_text(text)
    if document is not None:
        return document
    return not_a_question(_describe_text(text))


_XML_DECLARED_ENCODING_RE = re.compile(r"^(\s*<\?xml[^>]*?\bencoding\s*=\s*)([\"'])[\w.:-]+\2")


def _utf8_if_wide(data: bytes) -> bytes:
    """A UTF-16 or UTF-32 file (as .NET and Windows tools save XML and JSON) in UTF-8, so
    the byte-level parsers, which look for '<' and '{', read it; other files as they are.
    An XML declaration naming the old encoding is changed to say UTF-8."""
    declared = bom_encoding(data)
    if not (declared and declared[0] != "utf-8") and not utf16_without_bom(data):
        return data
    text = decode_bytes(data) or ""
    return _XML_DECLARED_ENCODING_RE.sub(r"\1\2UTF-8\2", text, count=1).encode("utf-8")


def _read_unwrapped(unwrapped: mime.Unwrapped) -> ParsedDocument:
    if not unwrapped.text.strip():
        return not_a_question(f"{unwrapped.kind} with no page or text in it")
    if unwrapped.is_html:
        return _read_html(unwrapped.text, unwrapped.kind)
    document = _read_text(unwrapped.text)
    if document is not None:
        return document
    return not_a_question(f"{unwrapped.kind}: {_describe_text(unwrapped.text)}")


def _read_html(markup: str, kind: str) -> ParsedDocument:
    title, visible = html_page.read_page(markup)
    document = _read_text(visible)
    page = f"{kind} {title!r}" if title else kind
    if document is None:
        return not_a_question(f"{page}: {_describe_text(visible)}")
    if document.layout == NOT_A_QUESTION:
        return not_a_question(f"{page}: {document.skip_reason}")
    document.layout = HTML_PREFIX + document.layout
    return document


def _read_text(text: str) -> ParsedDocument | None:
    text = unwrapped(text)
    for layout, sniff, parse in TEXT_LAYOUTS:
        if sniff(text):
            document = _run(layout, functools.partial(parse, text))
            return _quoted_question(text, document) or document
    return None


def _quoted_question(text: str, document: ParsedDocument) -> ParsedDocument | None:
    """A debate or an article that holds a question, skipped; None for a written question.

    Hansard prints a question asked in the chamber with the labels of a written one ("Asked
    by", "To ask …"), but the debate follows, not an answer; an article may quote a question
    whole. Without an "Answered by" line, a debate's speeches to the House with another sign
    of one, or two signs of news, tell.
    """
    if not document.questions or any(q.answerer for q in document.questions):
        return None
    lines = lines_of(text)
    debate = _debate_evidence(lines)
    if len(debate) >= 2 and _first(lines, _ADDRESS_RE):
        return not_a_question(
            "looks like a debate transcript (a question asked in the chamber): "
            f"{', '.join(debate)}, and no 'Answered by' line"
        )
    news = _news_evidence(lines)
    if len(news) >= 2:
        return not_a_question(
            f"looks like a news article quoting a question: {', '.join(news)}, "
            "and no 'Answered by' line"
        )
    return None


def _run(layout: str, read: Callable[[], ParsedDocument]) -> ParsedDocument:
    try:
        return read()
    except Exception as error:
        return _parser_error(f"the {layout} parser", error)


def _parser_error(who: str, error: Exception) -> ParsedDocument:
    return ParsedDocument(
        layout=PARSER_ERROR,
        skip_reason=f"{who} failed on this document ({type(error).__name__}: {error})",
    )


# --- binary files -------------------------------------------------------------------------------

_SIGNATURES = (
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive, perhaps a Word or Excel file"),
    (b"\x1f\x8b", "gzip-compressed file"),
    (b"\xd0\xcf\x11\xe0", "Microsoft Office 97-2003 document"),
)
_CONTROL_SAMPLE = 4096
_CONTROL_SHARE = 0.05
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
# The root element's name, past the XML declaration, comments, processing instructions and
# a DOCTYPE with its internal subset (parlparse files declare their entities there).
_XML_ROOT_RE = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<\?[^>]*>\s*|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)*"
    r"<([A-Za-z_][\w:.-]*)",
    re.DOTALL | re.IGNORECASE,
)
_XML_HEAD = 65536


def _binary_kind(data: bytes) -> str:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if b"\x00" in data:
        declared = bom_encoding(data)
        wide = (declared and declared[0] != "utf-8") or utf16_without_bom(data)
        if not wide:
            return "contains NUL bytes"
    return ""


def _mostly_control_characters(text: str) -> bool:
    sample = text[:_CONTROL_SAMPLE]
    return len(_CONTROL_RE.findall(sample)) > _CONTROL_SHARE * len(sample)


# --- what a non-question looks like ------------------------------------------------------------

_NO_LABELS = "but no 'Asked by' / 'Question to the …' / 'To ask …' lines"
_QUOTE_LENGTH = 40

# Debates: speeches open by addressing the chair or the House, carry time stamps and column
# references, and speakers refer to one another by courtesy titles.
_ADDRESS_RE = re.compile(
    r"^(?:My Lords|Mr\.? Speaker|Madam Speaker|Mr\.? Deputy Speaker|Madam Deputy Speaker"
    r"|Mr\.? Chairman|Madam Chairman|Mr\.? President|Madam President|(?:Deputy )?Presiding Officer"
    r"|Sir|Madam)\b[,.!]"
)
_TIME_STAMP_RE = re.compile(r"^\d{1,2}[.:]\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)$", re.IGNORECASE)
_COLUMN_RE = re.compile(r"\b\d+\s+cc?\.?\s*\d+(?:-\d+)?\b|\bH[LC] Deb\b|\bHansard\b")
_COURTESY_RE = re.compile(
    r"\b(?:noble (?:Lord|Lords|Baroness|Earl|Viscount|Duke|and learned|Friend)"
    r"|(?:right )?hon\. (?:Member|Friend|Gentleman|Lady|Members))\b"
)
# "Lord Sharpe of Epsom (Con): …", "Jane Smith (Bristol West) (Lab): …"
_SPEAKER_RE = re.compile(r"^[A-Z][^:()\n]{2,60}(?:\([^()\n]{2,60}\)\s*)?\([A-Z][\w /&-]{0,30}\):\s")
_AMENDMENT_RE = re.compile(r"\b(?:Amendments?|Clause|Schedule) \d+\b")

# News articles: a dateline, reported speech, and comment / subscription furniture.
_NEWS_DATELINE_RE = re.compile(
    r"^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$|^(?:published|updated)\b.{0,40}$", re.I
)
_REPORTED_SPEECH_RE = re.compile(
    r"\b(?:said|says|told|added|warned|claimed|explained)\b[:,]?\s*[\u201c\"]"
    r"|[\u201d\"],? (?:he|she|they|it|the \w+)? ?(?:said|says|added)\b"
)
_NEWS_FURNITURE_RE = re.compile(
    r"\b(?:comments?|subscribe|newsletter|image credit|read more|related (?:articles|stories)"
    r"|advertisement|more\s*>|view all news|latest news)\b",
    re.IGNORECASE,
)
_BYLINE_RE = re.compile(r"^By [A-Z][\w'-]+(?: [A-Z][\w'-]+){0,3}$")
_SHORT_LINE = 120


def _describe_text(text: str) -> str:
    """A plain-English account of what a text that no layout reads looks like."""
    lines = lines_of(text)
    if not lines:
        return "no visible text"
    labels = sorted({str(label) for line in lines if (label := label_of(line.text))})
    if labels:
        found = ", ".join(f"'{label}'" for label in labels)
        return f"has written-question wording ({found}) but not in any layout we know"
    debate = _debate_evidence(lines)
    if len(debate) >= 2:
        return f"looks like a debate transcript: {', '.join(debate)}, {_NO_LABELS}"
    news = _news_evidence(lines)
    if len(news) >= 2:
        return f"looks like a news article: {', '.join(news)}, {_NO_LABELS}"
    return f"unrecognised text ({len(lines)} lines, beginning {_quote(lines[0].text)}) {_NO_LABELS}"


def _debate_evidence(lines: Sequence[Line]) -> list[str]:
    evidence = []
    if address := _first(lines, _ADDRESS_RE):
        evidence.append(f"speeches addressing the House ({_quote(address)})")
    if speaker := _first(lines, _SPEAKER_RE):
        evidence.append(f"speaker attributions ({_quote(speaker)})")
    if stamp := _first(lines, _TIME_STAMP_RE, search=False, short=True):
        evidence.append(f"a time stamp ({_quote(stamp)})")
    if column := _first_match(lines, _COLUMN_RE):
        evidence.append(f"a Hansard column reference ({_quote(column)})")
    if courtesy := _first_match(lines, _COURTESY_RE):
        evidence.append(f"members referred to by courtesy titles ({_quote(courtesy)})")
    if amendment := _first_match(lines, _AMENDMENT_RE):
        evidence.append(f"a bill's amendments or clauses ({_quote(amendment)})")
    return evidence


def _news_evidence(lines: Sequence[Line]) -> list[str]:
    evidence = []
    dateline = next(
        (
            line.text
            for line in lines
            if len(line.text) <= 40 and (_NEWS_DATELINE_RE.match(line.text) or date_line(line.text))
        ),
        "",
    )
    if dateline:
        evidence.append(f"a dateline ({_quote(dateline)})")
    if byline := _first(lines, _BYLINE_RE, short=True):
        evidence.append(f"a byline ({_quote(byline)})")
    if speech := _first(lines, _REPORTED_SPEECH_RE):
        evidence.append(f"reported speech ({_quote(speech)})")
    if furniture := _first(lines, _NEWS_FURNITURE_RE, short=True):
        evidence.append(f"comment or subscription links ({_quote(furniture)})")
    return evidence


def _first(
    lines: Sequence[Line], regex: re.Pattern[str], *, search: bool = True, short: bool = False
) -> str:
    """The first line the pattern finds (or, with ``search=False``, matches whole)."""
    for line in lines:
        if short and len(line.text) > _SHORT_LINE:
            continue
        if (regex.search(line.text) if search else regex.match(line.text)) is not None:
            return line.text
    return ""


def _first_match(lines: Sequence[Line], regex: re.Pattern[str]) -> str:
    """The first stretch of text the pattern finds."""
    for line in lines:
        if match := regex.search(line.text):
            return match.group()
    return ""


def _quote(text: str) -> str:
    if len(text) > _QUOTE_LENGTH:
        text = text[:_QUOTE_LENGTH].rstrip() + " …"
    return f"'{text}'"
