"""TheyWorkForYou / parlparse written answers XML ("twfy-xml").

One file is one day of written answers from one house: Commons (``answers2009-10-28c.xml``),
Lords (``lordswrans2009-10-27a.xml``) or the Scottish Parliament (``spwa2009-10-27.xml``).
The root ``<publicwhip>`` holds a flat run of elements::

    <major-heading>  department (Commons), a date banner and then "Scottish Executive" (SP)
    <minor-heading>  topic of the questions that follow
    <ques>           one member's question(s), each ``<p qnum="...">`` one question number
    <reply>          the answer to every ``<ques>`` since the last heading or reply
    <gidredirect>    an id moved by a re-scrape (see ``redirects``)

Quirks handled here:
- One ``<ques>`` may carry several question numbers: a preamble paragraph ("To ask the
  Secretary of State for ...") and numbered paragraphs "(1) ...", "(2) ..." (Commons), or
  several complete questions (Lords). Each number becomes its own record, since the UIN is
  what other sources know a question by; they share the answer and list each other in
  ``grouped_uins``.
- Several ``<ques>`` before one ``<reply>`` (Scottish grouped answers, possibly from
  different members) likewise share the answer and are grouped.
- Re-scrapes: the newest file of a day has ``latest="yes"``; older ones (``latest="no"``)
  keep ``<gidredirect>`` lines for every question block and a copy of the blocks that
  changed. Their questions are still parsed (so nothing is lost if the newer file is
  missing) but are marked ``superseded`` and carry ``SUPERSEDED_WARNING``; a file of
  redirects only is skipped with a reason. The loader identifies parlparse records by
  house, UIN and answer date, so a re-scrape merges rather than duplicates, and the newer
  scrape's text wins whichever of the two is loaded first.

Each record's ``raw_text`` is its block (root, headings, question(s), reply) as a small
parlparse file of its own, so ``ingest.reparse`` can parse it again after a parser fix.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from lxml import etree

from ingest.parsers.base import (
    ANSWERED,
    COMMONS,
    CORRECTED,
    HOLDING,
    LORDS,
    SCOTTISH,
    UNANSWERED,
    ParsedDocument,
    ParsedMember,
    ParsedQuestion,
)
from ingest.parsers.common import (
    PRINTED_UIN_RE,
    department_named,
    find_references,
    normalise_department,
    normalise_lines,
    normalise_space,
    parse_date,
)
from ingest.parsers.html_page import markup_to_text
from ingest.parsers.xmltools import MalformedXML, excerpt, load_xml, starts_like_xml

LAYOUT = "twfy-xml"

# Every record read from an older scrape (latest="no") carries a warning starting so.
SUPERSEDED_WARNING = 'superseded scrape (latest="no")'

_SNIFF_BYTES = 8192
# The entity DTD comes before the root, about 2 KB in parlparse's Commons files.
_SNIFF_ROOT = re.compile(rb"<publicwhip[\s>]")
_SNIFF_WRANS = re.compile(rb"<ques[\s>]|publicwhip/(?:wrans|spwa)/")

_GID_DATE = re.compile(r"/(?:wrans|spwa)/(\d{4}-\d{2}-\d{2})")
_NAME_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
# Files scraped from the written questions website (from 2014) link each question to its page
# there, which is dated, like the ids, by the day the question was tabled; the file itself is
# named after the day of the answers.
_TABLED_URL = re.compile(r"/written-questions/detail/(\d{4}-\d{2}-\d{2})/")
# Their ids are "<day tabled>.<question number>.q0", where older ones carry a letter after the
# day ("2009-10-28c.296192.q0") and a Hansard column or the number.
_TABLED_GID = re.compile(r"/wrans/(\d{4}-\d{2}-\d{2})\.(?P<number>[^.]+)\.q\d+$")
# "(1)  which countries ...;" in a numbered group under one preamble.
_LIST_NUMBER = re.compile(r"^\(\d+\)\s*")
_LIST_END = re.compile(r";\s*$")
# Scottish speaker names carry the seat and party: "Bill Aitken (Glasgow) (Con)".
_SP_NAME = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<seat>[^()]+)\)\s*\((?P<party>[^()]+)\)$")
# The first Scottish major heading is a date banner, not an answering body.
_DATE_BANNER = re.compile(r"^written answers\b", re.IGNORECASE)

# Redirect kinds that mean "the same item, now under this id". "missing" is left out:
# parlparse points an item that vanished at its nearest surviving neighbour, and
# following that would merge two different questions into one.
_SAME_ITEM_MATCHES = frozenset(
    {"perfectmatch", "changes", "multiplecover", "altques", "oldwransgid"}
)


def sniff(data: bytes) -> bool:
    """True if ``data`` looks like a parlparse written answers file (not debates or WMS)."""
    head = data[:_SNIFF_BYTES]
    return starts_like_xml(head) and bool(_SNIFF_ROOT.search(head) and _SNIFF_WRANS.search(head))


def parse(data: bytes, name: str = "") -> ParsedDocument:
    """Read one parlparse written answers file; ``name`` is its file name (date and house
    are taken from the content first, the name only as a fallback)."""
    try:
        root = load_xml(data)
    except MalformedXML as error:
        return ParsedDocument(layout=LAYOUT, skip_reason=f"malformed XML: {error}", damaged=True)
    if root.tag != "publicwhip":
        return ParsedDocument(
            layout=LAYOUT, skip_reason=f"not parlparse XML: root element is <{root.tag}>"
        )
    superseded = root.get("latest") == "no"
    if root.find("ques") is None:
        return ParsedDocument(layout=LAYOUT, skip_reason=_empty_reason(root, superseded))

    house, house_warning = _house(root, name)
    date, date_warning = _date(root, name)
    warnings = [w for w in (house_warning, date_warning) if w]
    if superseded:
        warnings.insert(0, f"{SUPERSEDED_WARNING}: a newer scrape of this day replaces this file")
    reader = _Reader(
        root=root, house=house, date=date, superseded=superseded, document_warnings=warnings
    )
    return ParsedDocument(layout=LAYOUT, questions=reader.read())


def redirects(data: bytes) -> dict[str, str]:
    """Old gid -> current gid, from the file's ``<gidredirect>`` lines, chains followed.

    parlparse redirects name question blocks by their minor-heading gid (``….295392.h``),
    not ``<ques>`` gids. Only redirects meaning "the same item moved" are returned (see
    ``_SAME_ITEM_MATCHES``); for ``multiplecover`` (one old block split over several new
    ones) the first target is kept; cycles are dropped. Malformed files give ``{}``.
    """
    try:
        root = load_xml(data)
    except MalformedXML:
        return {}
    moves: dict[str, str] = {}
    for element in root.iter("gidredirect"):
        old, new = element.get("oldgid", ""), element.get("newgid", "")
        if old and new and old != new and element.get("matchtype") in _SAME_ITEM_MATCHES:
            moves.setdefault(old, new)
    resolved: dict[str, str] = {}
    for old, new in moves.items():
        seen = {old}
        while new in moves and new not in seen:
            seen.add(new)
            new = moves[new]
        if new != old:  # a cycle names no current item
            resolved[old] = new
    return resolved


def _empty_reason(root: etree._Element, superseded: bool) -> str:
    moved = sum(1 for _ in root.iter("gidredirect"))
    if superseded and moved:
        return (
            f"{SUPERSEDED_WARNING} holding only {moved} gid redirects and no questions; "
            "the newer scrape of the day has them (see twfy_xml.redirects)"
        )
    return "parlparse file with no written questions (no <ques> elements)"


# -- house and date --------------------------------------------------------------------


def _house_from_name(name: str) -> str:
    base = name.rsplit("/", 1)[-1].lower()
    if base.startswith("spwa"):
        return SCOTTISH
    if base.startswith("lordswrans"):
        return LORDS
    if base.startswith("answers"):
        return COMMONS
    return ""


def _house_from_content(root: etree._Element) -> str:
    for element in root:
        if "/spwa/" in (element.get("id") or ""):
            return SCOTTISH
    # Commons and Lords share the "/wrans/" gid; their question numbers and speaker ids
    # differ (HL5813, .../lord/100042). Newer files use person_id, which tells neither.
    commons = False
    for ques in root.iter("ques"):
        speaker = ques.get("speakerid") or ""
        numbers = [p.get("qnum") or "" for p in ques.iter("p")]
        if "/lord/" in speaker or any(n.upper().startswith("HL") for n in numbers):
            return LORDS
        if any(n.isdigit() for n in numbers):
            commons = True
    return COMMONS if commons else ""


def _house(root: etree._Element, name: str) -> tuple[str, str]:
    from_content, from_name = _house_from_content(root), _house_from_name(name)
    if from_content and from_name and from_content != from_name:
        return from_content, f"file name suggests {from_name} but the content is {from_content}"
    if not (from_content or from_name):
        return "", "house not known from the content or the file name"
    return from_content or from_name, ""


def _date(root: etree._Element, name: str) -> tuple[dt.date | None, str]:
    """The day of the file's answers: from the ids, else the file name."""
    if _tabled_on(root.find("ques")) is not None:
        # The ids give the days questions were tabled: only the name says when they were answered.
        from_name = _NAME_DATE.search(name)
        if from_name:
            return parse_date(from_name.group(1)), ""
        return None, "answer date not known: the ids give the days the questions were tabled"
    from_content = None
    for element in root:
        match = _GID_DATE.search(element.get("id") or "")
        if match:
            from_content = parse_date(match.group(1))
            break
    match = _NAME_DATE.search(name)
    from_name = parse_date(match.group(1)) if match else None
    if from_content and from_name and from_content != from_name:
        return from_content, f"file name says {from_name} but the ids say {from_content}"
    if not (from_content or from_name):
        return None, "date not known from the ids or the file name"
    return from_content or from_name, ""


def _tabled_on(ques: etree._Element | None) -> dt.date | None:
    """The day a question was tabled, when its link to the questions website gives it."""
    if ques is None:
        return None
    match = _TABLED_URL.search(ques.get("url") or "")
    if match is None:
        match = _TABLED_GID.search(ques.get("id") or "")
        numbers = {p.get("qnum") for p in ques.iter("p")}
        if match is None or match["number"] not in numbers:
            return None
    return parse_date(match.group(1))


# -- text ------------------------------------------------------------------------------


# Elements that break the line (list items in replies copied from the questions website).
_LINE_BREAKING = frozenset({"br", "p", "div", "li", "ul", "ol", "blockquote", "h3", "h4"})


def _inline_text(element: etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == "del":
            pass  # words a correction deleted
        elif child.tag in _LINE_BREAKING:
            parts.extend(("\n", _inline_text(child), "\n"))
        else:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _table_text(table: etree._Element) -> str:
    """One line per row, cells separated by " | ", so figures stay readable and searchable."""
    rows = []
    for row in table.iter("tr"):
        cells = [normalise_space(_inline_text(cell)) for cell in row if cell.tag in ("td", "th")]
        if any(cells):
            rows.append(" | ".join(cells).strip())
    return "\n".join(rows)


@dataclass
class _Block:
    text: str
    qnum: str = ""
    holding_date: dt.date | None = None


def _blocks(element: etree._Element) -> list[_Block]:
    """The paragraphs and tables of a ``<ques>`` or ``<reply>``, in order."""
    blocks = []
    if (element.text or "").strip():
        # Newer Scottish files hold each question and answer as escaped HTML.
        blocks.extend(
            _Block(line) for line in markup_to_text(element.text).split("\n") if line.strip()
        )
    for child in element:
        text = normalise_lines(_table_text(child) if child.tag == "table" else _inline_text(child))
        if child.get("class") == "holdinganswer":
            # "holding answer <phrase class="date" code="2009-10-27">": the day a holding
            # reply was sent; the substantive answer follows in the same <reply>.
            phrase = child.find("phrase")
            holding = parse_date((phrase.get("code") if phrase is not None else text) or "")
            blocks.append(_Block("", holding_date=holding))
        elif text:
            blocks.append(_Block(text, qnum=(child.get("qnum") or "").strip()))
        if (child.tail or "").strip():
            blocks.append(_Block(normalise_lines(child.tail)))
    return blocks


def _question_parts(ques: etree._Element) -> list[tuple[str, str]]:
    """(question number, question text) for each number a ``<ques>`` carries."""
    preamble: list[str] = []
    parts: list[tuple[str, list[str]]] = []
    for block in _blocks(ques):
        if block.qnum:
            parts.append((block.qnum, [block.text]))
        elif parts:
            parts[-1][1].append(block.text)
        else:
            preamble.append(block.text)
    if not parts:
        # Scottish questions carry their number on the element, not on a paragraph; the
        # oldest Commons files print it after the question: "… Main Line. [1234]".
        text = "\n\n".join(preamble)
        if (spid := (ques.get("spid") or "").strip()) or not (
            printed := PRINTED_UIN_RE.search(text)
        ):
            return [(spid, text)]
        return [(printed["uin"].replace(" ", "").upper(), text[: printed.start()].rstrip())]
    if len(parts) == 1:
        return [(parts[0][0], "\n\n".join(preamble + parts[0][1]))]
    texts = []
    for number, paragraphs in parts:
        if preamble:
            # "To ask the Secretary of State for X" + "(2) which ..." reads as one sentence.
            first = _LIST_NUMBER.sub("", paragraphs[0], count=1)
            paragraphs = [" ".join([*preamble, first]), *paragraphs[1:]]
            paragraphs[-1] = _LIST_END.sub(".", paragraphs[-1])
        texts.append((number, "\n\n".join(paragraphs)))
    return texts


def _member(element: etree._Element, house: str) -> ParsedMember | None:
    name = normalise_space(element.get("speakername") or "")
    twfy_id = (element.get("speakerid") or element.get("person_id") or "").strip()
    if twfy_id == "unknown":  # parlparse's marker for a speaker it could not identify
        twfy_id = ""
    if not (name or twfy_id):
        return None
    seat = party = ""
    match = _SP_NAME.match(name) if house == SCOTTISH else None
    if match:
        name, seat, party = match.group("name"), match.group("seat"), match.group("party")
    return ParsedMember(name=name, party=party, seat=seat, house=house, twfy_id=twfy_id)


# -- walking the file ------------------------------------------------------------------


@dataclass
class _Reader:
    root: etree._Element
    house: str = ""
    date: dt.date | None = None
    superseded: bool = False
    document_warnings: list[str] = field(default_factory=list)
    department: str = ""
    heading: str = ""
    # The headings in force, copied into each record's block.
    major: etree._Element | None = None
    minor: etree._Element | None = None
    pending: list[etree._Element] = field(default_factory=list)
    # The last answered group, in case its answer runs on in a second <reply>.
    last_group: list[ParsedQuestion] = field(default_factory=list)
    last_elements: list[etree._Element] = field(default_factory=list)
    records: list[ParsedQuestion] = field(default_factory=list)

    def read(self) -> list[ParsedQuestion]:
        for element in self.root:
            tag = element.tag
            if tag == "major-heading":
                self._flush_unanswered()
                title = normalise_space(_inline_text(element))
                if not _DATE_BANNER.match(title):
                    self.department = department_named(normalise_department(title))
                    self.major = element
                    self.heading, self.minor = "", None
            elif tag == "minor-heading":
                self._flush_unanswered()
                self.heading = normalise_space(_inline_text(element))
                self.minor = element
            elif tag == "ques":
                self.pending.append(element)
            elif tag == "reply":
                self._reply(element)
            # <gidredirect> and <source> carry no question text.
        self._flush_unanswered()
        return self.records

    def _reply(self, reply: etree._Element) -> None:
        if self.pending:
            self.last_elements = [*self.pending, reply]
            self.last_group = self._group(self.pending, reply)
            self.records.extend(self.last_group)
            self.pending = []
        elif self.last_group:
            self.last_elements.append(reply)
            extra = "\n\n".join(b.text for b in _blocks(reply) if b.text)
            # A reply marking words deleted and inserted is the answer corrected.
            corrected = reply.find(".//ins") is not None or reply.find(".//del") is not None
            block = self._block(self.last_elements)
            for record in self.last_group:
                if corrected and extra:
                    record.original_answer_text = record.answer_text
                    record.answer_text = extra
                    record.status = CORRECTED
                else:
                    record.answer_text = "\n\n".join(filter(None, [record.answer_text, extra]))
                    if record.answer_text:
                        record.status = ANSWERED
                    record.warnings.append("the answer continues in a second <reply>")
                record.references = find_references(
                    record.question_text, record.answer_text, exclude=record.uin
                )
                record.raw_text = block
        # A reply with no question before it under this heading answers nothing we keep.

    def _flush_unanswered(self) -> None:
        for ques in self.pending:
            self.records.extend(self._group([ques], None))
        self.pending = []
        self.last_group, self.last_elements = [], []

    def _block(self, elements: list[etree._Element]) -> str:
        """The record's part of the file as a small file of its own: root, headings,
        questions and reply. Re-parsing it (``ingest.reparse``) gives the record back."""
        return excerpt(self.root, (self.major, self.minor, *elements))

    def _group(
        self, queses: list[etree._Element], reply: etree._Element | None
    ) -> list[ParsedQuestion]:
        parts = [(ques, number, text) for ques in queses for number, text in _question_parts(ques)]
        all_numbers = [number for _, number, _ in parts if number]

        answer_blocks = _blocks(reply) if reply is not None else []
        answer_text = "\n\n".join(b.text for b in answer_blocks if b.text)
        holding = next((b.holding_date for b in answer_blocks if b.holding_date), None)
        answerer = _member(reply, self.house) if reply is not None else None
        block = self._block([*queses, reply] if reply is not None else queses)

        records = []
        seen_gids: set[str] = set()
        for ques, number, text in parts:
            gid = (ques.get("id") or "").strip()
            tabled = _tabled_on(ques)
            # Later numbers of a multi-number <ques> share its gid; keep source ids unique.
            source_id = gid if gid not in seen_gids else f"{gid}#{number}"
            seen_gids.add(gid)
            warnings = list(self.document_warnings)
            if not number:
                warnings.append("question has no number (no qnum or spid)")
            if not text:
                warnings.append("question has no text")
            if reply is None:
                warnings.append("no <reply> follows this question in the file")
            if reply is not None and answer_text:
                status = ANSWERED
            elif reply is not None and holding:
                status = HOLDING
            else:
                status = UNANSWERED
            records.append(
                ParsedQuestion(
                    question_text=text,
                    house=self.house,
                    uin=number,
                    heading=self.heading,
                    asker=_member(ques, self.house),
                    department=self.department,
                    answerer=answerer,
                    answer_text=answer_text,
                    # TWFY "written answers" are filed under the day Hansard printed the
                    # answer, so the file's date is the answer date; the tabling date only
                    # where the question links to its page on the questions website.
                    date_tabled=tabled,
                    date_answered=self._answer_date(gid, tabled) if reply is not None else None,
                    status=status,
                    date_holding_answer=holding or parse_date(ques.get("holdingdate") or ""),
                    references=find_references(text, answer_text, exclude=number),
                    grouped_uins=tuple(dict.fromkeys(n for n in all_numbers if n != number)),
                    superseded=self.superseded,
                    source_id=source_id,
                    raw_text=block,
                    warnings=warnings,
                )
            )
        return records

    def _answer_date(self, gid: str, tabled: dt.date | None) -> dt.date | None:
        if tabled is not None:
            return self.date  # the ids are dated by tabling
        match = _GID_DATE.search(gid)
        return (parse_date(match.group(1)) if match else None) or self.date
