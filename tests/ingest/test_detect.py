"""parse_document: which layout reads a document, why others are skipped, and that it never
raises, whatever the bytes."""

from __future__ import annotations

import datetime as dt
import email.policy
import textwrap
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import detect
from ingest.detect import parse_document
from ingest.parsers import mime
from ingest.parsers.base import ParsedDocument
from ingest.parsers.common import decode_bytes
from tests.ingest.mutations import damaged

DOCUMENTS = Path(__file__).resolve().parent.parent / "fixtures" / "documents"
# The repository and shared/ sit side by side (/work/main and /work/shared here; CI
# clones the repository next to a copy of shared/).
REAL = Path(__file__).resolve().parents[3] / "shared" / "real"
PLAIN_LIST = DOCUMENTS / "000_2cdcaa9bbce80b4a.txt"
QUESTION_PAGE = DOCUMENTS / "001_637a8e166194ae8f.txt"
SEARCH_RESULTS = DOCUMENTS / "002_7d04979459b345ac.txt"
DEBATE = DOCUMENTS / "003_8481d5c50faccbd6.txt"
NEWS = DOCUMENTS / "004_5be7d2579e2ad52a.txt"
ALL_DOCUMENTS = sorted(DOCUMENTS.iterdir())
NO_LABELS = "but no 'Asked by' / 'Question to the …' / 'To ask …' lines"


# --- the registry --------------------------------------------------------------------------------


def test_registry_names_every_layout_once() -> None:
    names = [name for name, _, _ in (*detect.BYTE_LAYOUTS, *detect.TEXT_LAYOUTS)]

    assert names == [
        "api-json",
        "twfy-xml",
        "qna-xml",
        "hansard-written-answers",
        "search-results",
        "question-page",
        "plain-list",
    ]


@pytest.mark.parametrize(
    ("path", "layout"),
    [
        (PLAIN_LIST, "plain-list"),
        (QUESTION_PAGE, "question-page"),
        (SEARCH_RESULTS, "search-results"),
        (DOCUMENTS / "000_plain_list.html", "html/plain-list"),
        (DOCUMENTS / "001_question_page.html", "html/question-page"),
        (DOCUMENTS / "002_search_results.html", "html/search-results"),
        (DOCUMENTS / "api_list_2024-08_sample.json", "api-json"),
        (DOCUMENTS / "api_single_expanded.json", "api-json"),
        (DOCUMENTS / "api_search_envelope.json", "api-json"),
    ],
)
def test_layout_is_decided_by_content_not_file_name(path: Path, layout: str) -> None:
    document = parse_document(path.read_bytes(), "misleading-name.pdf")

    assert document.layout == layout
    assert document.questions
    assert document.skip_reason == ""


def web_archive(html: bytes, transfer_encoding: str, charset: str = "") -> bytes:
    """The page as a browser's "Webpage, single file" saves it: MHTML, CRLF line ends, the
    HTML in a transfer encoding (with no charset, as Chrome writes it, unless one is
    given), followed by the page's images."""
    message = EmailMessage()
    message["From"] = "<Saved by Blink>"
    message["Snapshot-Content-Location"] = "https://questions-statements.parliament.uk/"
    message["Subject"] = "Written questions"
    if charset:
        text = html.decode("utf-8")
        message.set_content(text, subtype="html", charset=charset, cte=transfer_encoding)
    else:
        message.set_content(html, maintype="text", subtype="html", cte=transfer_encoding)
    message.make_related()
    message.add_related(b"\x89PNG\r\n\x1a\n" + bytes(64), "image", "png", cid="<logo@mhtml>")
    return message.as_bytes(policy=email.policy.SMTP)


@pytest.mark.parametrize("transfer_encoding", ["quoted-printable", "base64"])
@pytest.mark.parametrize(
    "name", ["000_plain_list.html", "001_question_page.html", "002_search_results.html"]
)
def test_a_page_saved_as_a_web_archive_reads_as_the_page_itself(name, transfer_encoding) -> None:
    page = (DOCUMENTS / name).read_bytes()

    saved = parse_document(web_archive(page, transfer_encoding))

    assert saved == parse_document(page)
    assert saved.questions


def test_a_web_archive_part_is_read_in_the_charset_it_declares() -> None:
    page = (DOCUMENTS / "002_search_results.html").read_bytes()

    saved = parse_document(web_archive(page, "quoted-printable", charset="windows-1252"))

    assert saved == parse_document(page)


def test_a_web_archive_of_another_page_is_skipped_saying_what_it_is() -> None:
    page = (DOCUMENTS / "004_news_article.html").read_bytes()

    document = parse_document(web_archive(page, "quoted-printable"))

    assert document.questions == []
    assert document.skip_reason.startswith("saved web archive (MHTML)")
    assert "news article" in document.skip_reason


def flowed(text: str, width: int = 72) -> str:
    """``text`` as a mail client sends plain text (RFC 3676 format=flowed): long lines
    wrapped, each piece but the last ending in a space."""
    return "\n".join(
        " \n".join(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False))
        if len(line) > width
        else line
        for line in text.split("\n")
    )


def e_mail(plain: str = "", html: bytes = b"", attachment: bytes = b"") -> bytes:
    """An e-mail as a mail client saves it (.eml): the plain text flowed and quoted-printable,
    an HTML alternative, a file attached."""
    message = EmailMessage()
    message["From"] = "Researcher <researcher@example.org>"
    message["Subject"] = "Fwd: Written question"
    if plain:
        message.set_content(flowed(plain), cte="quoted-printable", params={"format": "flowed"})
    if html:
        message.add_alternative(html, maintype="text", subtype="html", cte="base64")
    if attachment:
        message.add_attachment(attachment, "application", "pdf", filename="answer.pdf")
    return message.as_bytes(policy=email.policy.SMTP)


def test_flowed_text_is_unwrapped_to_its_lines() -> None:
    text = "Asked by: a member\n\n" + "word " * 40 + "end.\n-- \nsignature"

    assert mime.unflow(flowed(text)) == text


@pytest.mark.parametrize(
    "path", [PLAIN_LIST, QUESTION_PAGE, SEARCH_RESULTS], ids=lambda path: path.name
)
def test_an_e_mail_of_written_answers_reads_as_its_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert any(len(line) > 72 for line in text.splitlines())  # so the mail wraps lines

    document = parse_document(e_mail(plain=text))

    assert document == parse_document(path.read_bytes())
    assert document.questions


def test_an_e_mail_with_an_html_alternative_reads_the_html() -> None:
    page = (DOCUMENTS / "001_question_page.html").read_bytes()

    document = parse_document(e_mail(plain="See below.", html=page, attachment=b"%PDF-1.7"))

    assert document == parse_document(page)
    assert document.layout == "html/question-page"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            e_mail(plain=NEWS.read_text(encoding="utf-8")),
            "e-mail message: looks like a news article",
        ),
        (e_mail(attachment=b"%PDF-1.7"), "e-mail message with no page or text in it"),
    ],
    ids=["news", "attachment only"],
)
def test_an_e_mail_without_written_answers_is_skipped_saying_what_it_is(data, reason) -> None:
    document = parse_document(data)

    assert document.questions == []
    assert document.skip_reason.startswith(reason)


# Record counts were taken from the files themselves (grep for qnum= / <ques / <Question>, jq
# length), not from the parsers. A parlparse <ques> may carry several question numbers, each
# its own record; the api-json parser drops records without question text, and these have none.
@pytest.mark.skipif(not REAL.is_dir(), reason=f"real sample documents not found at {REAL}")
@pytest.mark.parametrize(
    ("path", "layout", "count"),
    [
        ("twfy-xml/answers2009-10-28c.xml", "twfy-xml", 291),
        ("twfy-xml/lordswrans2009-10-27a.xml", "twfy-xml", 45),
        ("twfy-xml/spwa2009-10-27.xml", "twfy-xml", 85),
        ("qna-xml/moj-questions-part1.xml", "qna-xml", 400),
        ("official-api-list/2024-08.json", "api-json", 1004),
        ("official-api-list/2026-06.json", "api-json", 192),
    ],
)
def test_real_sample_is_read_whole_by_its_layout(path: str, layout: str, count: int) -> None:
    document = parse_document((REAL / path).read_bytes(), Path(path).name)

    assert (document.layout, document.skip_reason) == (layout, "")
    assert len(document.questions) == count


def test_file_name_reaches_the_parlparse_parser_for_the_answer_date() -> None:
    data = (
        b'<publicwhip><ques speakername="Graham Stringer"><p qnum="292659">To ask the'
        b" Secretary of State for Transport what steps he is taking.</p></ques>"
        b"<reply><p>None.</p></reply></publicwhip>"
    )

    (question,) = parse_document(data, "answers2009-10-28c.xml").questions

    assert question.date_answered == dt.date(2009, 10, 28)
    assert question.warnings == []


def test_a_parser_that_raises_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(text: str) -> ParsedDocument:
        raise RuntimeError("boom")

    monkeypatch.setattr(detect, "TEXT_LAYOUTS", (("plain-list", lambda text: True, explode),))

    document = parse_document(b"Asked by: anyone")

    assert document.layout == detect.PARSER_ERROR
    assert (
        document.skip_reason == "the plain-list parser failed on this document (RuntimeError: boom)"
    )


# --- encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.encode("utf-8"), id="utf-8"),
        pytest.param(lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), id="utf-8 with BOM"),
        pytest.param(lambda text: text.encode("cp1252"), id="windows-1252"),
        pytest.param(lambda text: text.encode("utf-16"), id="utf-16 with BOM"),
        pytest.param(lambda text: text.encode("utf-16-le"), id="utf-16-le without BOM"),
        pytest.param(lambda text: text.encode("utf-16-be"), id="utf-16-be without BOM"),
    ],
)
def test_encodings_read_the_same_records_with_pound_and_apostrophe_intact(encode) -> None:
    text = PLAIN_LIST.read_text(encoding="utf-8").replace("\xa0", " ")
    expected = parse_document(PLAIN_LIST.read_bytes()).questions

    questions = parse_document(encode(text)).questions

    assert [q.answer_text for q in questions] == [q.answer_text for q in expected]
    assert "£2 million" in questions[6].answer_text
    assert "Government\u2019s response" in questions[6].answer_text


def test_windows_1252_html_page_keeps_its_characters() -> None:
    paragraphs = QUESTION_PAGE.read_text(encoding="utf-8").replace("\xa0", " ").split("\n\n")
    page = (
        '<html><head><meta charset="windows-1252"><title>Human Trafficking</title></head><body>'
        + "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        + "</body></html>"
    )

    document = parse_document(page.encode("cp1252"))

    assert document.layout == "html/question-page"
    (question,) = document.questions
    assert "£2 million" in question.answer_text
    assert "Government\u2019s response" in question.answer_text


@pytest.mark.parametrize(
    ("charset", "name"),
    [("windows-1250", "Łódź Żukowska"), ("iso-8859-7", "Κώστας"), ("windows-1251", "Київ")],
)
def test_a_page_in_another_code_page_it_declares_keeps_its_characters(charset, name) -> None:
    paragraphs = QUESTION_PAGE.read_text(encoding="utf-8").replace("\xa0", " ").split("\n\n")
    paragraphs = [p.replace("modern slavery", name) for p in paragraphs]
    page = (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        "<title>Human Trafficking</title></head><body>"
        + "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        + "</body></html>"
    )

    (question,) = parse_document(page.encode(charset, errors="replace")).questions

    assert f"tackling {name} including" in question.answer_text


def test_a_page_declaring_latin_1_is_read_as_windows_1252_as_browsers_do() -> None:
    page = '<meta charset="iso-8859-1"><p>The Government\u2019s answer cost \u00a35.</p>'
    assert decode_bytes(page.encode("cp1252")).endswith(
        "Government\u2019s answer cost \u00a35.</p>"
    )


# --- what a skipped document looked like ---------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \r\n\t\n", "file contains only whitespace"),
        (b"\xef\xbb\xbf\n", "file contains only whitespace"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (PDF document)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file (PNG image)"),
        (b"PK\x03\x04\x14\x00", "binary file (ZIP archive, perhaps a Word or Excel file)"),
        (b"Asked by:\x00\x00\x00 x", "binary file (contains NUL bytes)"),
        (bytes(range(1, 9)) * 50, "binary file (mostly control characters)"),
        (
            b'<?xml version="1.0"?>\n<publicwhip scrapeversion="a"></publicwhip>',
            "XML document (root element <publicwhip>) that no parser reads",
        ),
        (
            b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE publicwhip\n[\n'
            b'<!ENTITY pound "&#163;">\n<!ENTITY ndash "&#8211;" >\n]>\n<publicwhip>\n',
            "XML document (root element <publicwhip>) that no parser reads",
        ),
        (
            b"{\\rtf1\\ansi Asked by: x}",
            "Rich Text Format (RTF) document: save it as plain text or HTML to import it",
        ),
        (
            b"Shopping list\nEggs\nMilk\n",
            f"unrecognised text (3 lines, beginning 'Shopping list') {NO_LABELS}",
        ),
        (b"<html><body></body></html>", "saved HTML page: no visible text"),
    ],
)
def test_skip_reason_says_what_the_file_looked_like(data: bytes, reason: str) -> None:
    document = parse_document(data)

    assert document.layout == "not-a-question"
    assert document.questions == []
    assert document.skip_reason == reason


def test_json_that_is_not_api_records_is_skipped() -> None:
    document = parse_document(b'{"name": "Jo"}')

    assert (document.layout, document.questions) == ("not-a-question", [])
    assert document.skip_reason.startswith("JSON, but not written questions API records")


def test_debate_transcript_is_skipped_as_such() -> None:
    document = parse_document(DEBATE.read_bytes())

    assert document.layout == "not-a-question"
    assert document.skip_reason.startswith("looks like a debate transcript: ")
    assert "a time stamp ('10.15 pm')" in document.skip_reason
    assert document.skip_reason.endswith(NO_LABELS)


def test_commons_debate_in_other_words_is_a_debate_too() -> None:
    text = "\n\n".join(
        [
            "Second Reading",
            "4.32 pm",
            "Jane Smith (Bristol West) (Lab): I beg to move, That the Bill be now read a Second"
            " time.",
            "Mr Speaker, the hon. Member for Bath raised a fair point about costs.",
        ]
    )

    reason = parse_document(text.encode()).skip_reason

    assert reason.startswith("looks like a debate transcript: speeches addressing the House")
    assert "speaker attributions ('Jane Smith (Bristol West) (Lab)" in reason


def test_news_article_is_skipped_as_such() -> None:
    document = parse_document(NEWS.read_bytes())

    assert document.layout == "not-a-question"
    assert document.skip_reason.startswith("looks like a news article: a dateline ('03.05.18')")
    assert document.skip_reason.endswith(NO_LABELS)


def test_news_article_in_other_words_is_news_too() -> None:
    text = "\n\n".join(
        [
            "Council tax to rise again",
            "By Sam Reporter",
            "Published: 12 March 2023",
            'The leader said: "We had no choice."',
            "Sign up to our newsletter",
        ]
    )

    reason = parse_document(text.encode()).skip_reason

    assert reason.startswith("looks like a news article: a dateline ('Published: 12 March 2023')")
    assert "a byline ('By Sam Reporter')" in reason


def test_text_with_question_wording_in_no_known_layout_says_so() -> None:
    reason = parse_document(b"Answered by the Minister\nA reply.\n").skip_reason

    assert reason == "has written-question wording ('answered by') but not in any layout we know"


# --- never raises --------------------------------------------------------------------------------


def assert_well_formed(document: ParsedDocument) -> None:
    assert isinstance(document, ParsedDocument)
    assert document.layout != detect.PARSER_ERROR, document.skip_reason
    assert document.questions or document.skip_reason
    for question in document.questions:
        assert question.question_text


@st.composite
def spliced(draw: st.DrawFn) -> bytes:
    """The head of one document joined to the tail of another."""
    first, second = (draw(st.sampled_from(ALL_DOCUMENTS)).read_bytes() for _ in range(2))
    return first[: draw(st.integers(0, len(first)))] + second[draw(st.integers(0, len(second))) :]


mutated_documents = st.one_of(
    st.sampled_from(ALL_DOCUMENTS).flatmap(lambda path: damaged(path.read_bytes())),
    spliced(),
)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(mutated_documents)
def test_damaged_documents_never_raise(data: bytes) -> None:
    assert_well_formed(parse_document(data, "damaged.txt"))


@FUZZ
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    assert_well_formed(parse_document(data))


@FUZZ
@given(st.text(max_size=2000))
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_well_formed(parse_document(text.encode("utf-8")))


def test_a_text_file_that_mentions_xml_root_elements_is_not_taken_for_xml() -> None:
    text = (
        b"# Samples\n\nTheyWorkForYou files have a <publicwhip> root, <ques> and <reply>;\n"
        b'QnA files a <Questions xmlns="http://data.parliament.uk/QnA/2013/02"> root.\n'
    )
    document = parse_document(text, "README.md")
    assert document.layout not in {"twfy-xml", "qna-xml"}
    assert "XML" not in document.skip_reason


@pytest.mark.skipif(not REAL.is_dir(), reason=f"real sample documents not found at {REAL}")
@pytest.mark.parametrize(
    ("path", "layout"),
    [
        ("qna-xml/moj-questions-part1.xml", "qna-xml"),
        ("official-api-list/2026-06.json", "api-json"),
    ],
)
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"], ids=["with BOM", "without BOM"])
def test_xml_and_json_saved_as_utf_16_read_as_in_utf_8(path: str, layout: str, encoding) -> None:
    data = (REAL / path).read_bytes()
    text = data.decode("utf-8-sig")
    if layout == "qna-xml":  # as .NET writes it: a declaration naming the encoding
        text = '<?xml version="1.0" encoding="utf-16"?>\n' + text
    expected = parse_document(data)

    document = parse_document(text.encode(encoding))

    assert (document.layout, document.questions) == (layout, expected.questions)
