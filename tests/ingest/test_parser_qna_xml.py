"""The QnA/2013/02 XML feed parser, as a specification.

Expected values were read from the sample file with grep, not produced by the parser.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.parsers import qna_xml
from ingest.parsers.base import (
    ANSWERED,
    COMMONS,
    CORRECTED,
    HOLDING,
    LORDS,
    UNANSWERED,
    WITHDRAWN,
    ParsedDocument,
    ParsedQuestion,
)
from tests.ingest.mutations import damaged

# The repository and shared/ sit side by side (/work/main and /work/shared here; CI
# clones the repository next to a copy of shared/).
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "real"
MOJ_FILE = SAMPLES / "qna-xml" / "moj-questions-part1.xml"

needs_samples = pytest.mark.skipif(
    not MOJ_FILE.is_file(), reason=f"real QnA sample not found at {MOJ_FILE}"
)

NS = "http://data.parliament.uk/QnA/2013/02"


@cache
def sample() -> bytes:
    return MOJ_FILE.read_bytes()


@cache
def parsed() -> ParsedDocument:
    return qna_xml.parse(sample(), MOJ_FILE.name)


def by_uin() -> dict[str, ParsedQuestion]:
    return {q.uin: q for q in parsed().questions}


def feed(*questions: str) -> bytes:
    return (
        f'<Questions xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="{NS}">\r\n'
        + "\r\n".join(questions)
        + "\r\n</Questions>"
    ).encode()


def question(
    uin: str = "174151",
    *,
    status: str = "Tabled",
    house: str = "House of Commons",
    text: str = "To ask the Secretary of State for Justice, how many?",
    extra: str = "",
) -> str:
    return (
        f"<Question><Uin>{uin}</Uin>"
        "<AnsweringBody><AnsweringBodyId>54</AnsweringBodyId>"
        "<AnsweringBodyName>Ministry of Justice</AnsweringBodyName></AnsweringBody>"
        f"<House><HouseId>1</HouseId><HouseName>{house}</HouseName></House>"
        "<TablingMember><MemberId>308</MemberId><MemberName>Mr Jim Cunningham</MemberName>"
        "<Constituency>Coventry South</Constituency></TablingMember>"
        "<Session>2013-14</Session><TabledDate>2013-11-01</TabledDate>"
        f"<DateForAnswer>2013-11-06</DateForAnswer><Text>{text}</Text>"
        f"<QuestionStatus>{status}</QuestionStatus>{extra}</Question>"
    )


# -- the real sample -------------------------------------------------------------------


@needs_samples
class TestMinistryOfJusticeSample:
    def test_one_record_per_question(self):
        # grep -c '<Question>' gives 400 (the file is cut to its first 400 questions).
        assert len(parsed().questions) == 400
        assert not parsed().skip_reason

    def test_houses_departments_and_unique_ids(self):
        questions = parsed().questions
        # 150 "House of Commons", 250 "House of Lords" (grep -o '<HouseName>...').
        assert sum(q.house == COMMONS for q in questions) == 150
        assert sum(q.house == LORDS for q in questions) == 250
        assert {q.department for q in questions} == {"Ministry of Justice"}
        assert len({q.source_id for q in questions}) == 400

    def test_the_feed_has_no_answers_but_keeps_its_status(self):
        questions = parsed().questions
        assert all(q.answer_text == "" and q.answerer is None for q in questions)
        # QuestionStatus: 26 Answered, 371 Tabled, 3 PendingAnswerReview.
        assert sum(q.status == ANSWERED for q in questions) == 26
        assert sum(q.status == UNANSWERED for q in questions) == 374
        answered = [q for q in questions if q.status == ANSWERED]
        assert all(
            "QuestionStatus is Answered but the feed carries no answer text" in q.warnings
            for q in answered
        )

    def test_first_question_field_by_field(self):
        q = parsed().questions[0]
        assert q.uin == "174151"
        assert q.house == COMMONS
        assert q.asker.name == "Mr Jim Cunningham"
        assert q.asker.parliament_id == 308
        assert q.asker.seat == "Coventry South"
        assert q.asker.house == COMMONS
        assert q.department == "Ministry of Justice"
        assert q.date_tabled == dt.date(2013, 11, 1)
        assert q.date_for_answer == dt.date(2013, 11, 6)
        assert q.date_answered is None
        assert q.status == ANSWERED
        assert q.source_id == "174151/2013-11-01"
        assert q.question_text == (
            "To ask the Secretary of State for Justice, how much was spent on with-cause"
            " breathalyser testing of National Offender Management Service staff in (a)"
            " 2010-11, (b) 2011-12 and (c) 2012-13."
        )
        assert "<Uin>174151</Uin>" in q.raw_text
        assert "\r" not in q.raw_text

    def test_lords_question_pending_review_is_unanswered(self):
        q = by_uin()["HL5504"]
        assert q.house == LORDS
        assert q.asker.name == "Lord Morris of Aberavon"
        assert q.asker.parliament_id == 565
        assert q.asker.seat == ""
        assert q.date_tabled == dt.date(2014, 2, 24)
        assert q.date_for_answer == dt.date(2014, 3, 10)
        assert q.status == UNANSWERED
        assert q.question_text.startswith("To ask Her Majesty's Government how they apply")
        assert q.question_text.endswith('only following a collective decision of the Cabinet".')

    def test_pound_sign_in_utf8_text(self):
        q = by_uin()["HL559"]
        assert q.asker.name == "Lord Beecham"
        assert "(1) potential savings of £4 million per year" in q.question_text

    def test_last_question_of_the_file(self):
        q = parsed().questions[-1]
        assert (q.uin, q.asker.name, q.asker.seat, q.asker.parliament_id) == (
            "173646",
            "Dan Jarvis",
            "Barnsley Central",
            4243,
        )
        assert q.date_tabled == dt.date(2013, 10, 30)
        assert q.date_for_answer == dt.date(2013, 11, 1)
        assert q.status == UNANSWERED
        assert q.question_text == (
            "To ask the Secretary of State for Justice, how many volunteers work for"
            " Victim Support."
        )

    def test_sniff(self):
        assert qna_xml.sniff(sample())


@needs_samples
def test_each_record_parses_back_from_its_stored_block():
    # ingest.reparse parses raw_text again, as a document of its own, after a parser fix.
    for record in parsed().questions:
        assert qna_xml.parse(record.raw_text.encode("utf-8")).questions == [record]


@needs_samples
def test_sniff_rejects_parlparse_files():
    for path in (SAMPLES / "twfy-xml").glob("*.xml"):
        assert not qna_xml.sniff(path.read_bytes()), path.name


# -- small documents -------------------------------------------------------------------


def test_sniff_needs_the_qna_namespace_on_the_root():
    assert qna_xml.sniff(feed(question()))
    assert not qna_xml.sniff(b"<Questions><Question><Uin>1</Uin></Question></Questions>")


def test_malformed_xml_is_a_skip_reason_not_an_exception():
    document = qna_xml.parse(feed(question())[:-40])
    assert document.layout == "qna-xml"
    assert document.skip_reason.startswith("malformed XML: ")
    assert document.questions == []


def test_other_xml_is_skipped_with_a_reason():
    document = qna_xml.parse(b'<feed xmlns="http://www.w3.org/2005/Atom"/>')
    assert document.skip_reason == "not a QnA questions feed: root element is <feed>"


def test_feed_without_questions_is_skipped():
    assert qna_xml.parse(feed()).skip_reason == "QnA feed with no <Question> elements"


def test_statuses():
    statuses = {
        "Tabled": UNANSWERED,
        "PendingAnswerReview": UNANSWERED,
        "Incomplete": UNANSWERED,
        "ReturnedAnswer": UNANSWERED,
        "Answered": ANSWERED,
        "PendingCorrectionReview": ANSWERED,
        "Withdrawn": WITHDRAWN,
        "WithdrawnWithoutNotice": WITHDRAWN,
    }
    document = qna_xml.parse(feed(*(question(str(i), status=s) for i, s in enumerate(statuses))))
    assert [q.status for q in document.questions] == list(statuses.values())


def test_dates_with_a_zone_after_the_day_are_read():
    xml = question().replace("2013-11-01</TabledDate>", "2013-01-22Z</TabledDate>")
    assert qna_xml.parse(feed(xml)).questions[0].date_tabled == dt.date(2013, 1, 22)


def test_unknown_status_is_unanswered_with_a_warning():
    (q,) = qna_xml.parse(feed(question(status="Lost"))).questions
    assert q.status == UNANSWERED
    assert "unknown QuestionStatus 'Lost'; taken as unanswered" in q.warnings


def test_lords_house_from_the_uin_when_the_house_is_missing():
    xml = question("HL1234").replace(
        "<House><HouseId>1</HouseId><HouseName>House of Commons</HouseName></House>", ""
    )
    assert qna_xml.parse(feed(xml)).questions[0].house == LORDS


def test_commons_house_from_the_wording_when_the_house_is_missing():
    xml = question("180002").replace(
        "<House><HouseId>1</HouseId><HouseName>House of Commons</HouseName></House>", ""
    )
    (q,) = qna_xml.parse(feed(xml)).questions
    assert (q.house, q.warnings) == (COMMONS, [])


def test_nil_and_non_numeric_member_id_give_no_parliament_id():
    xml = question().replace("<MemberId>308</MemberId>", '<MemberId xsi:nil="true"/>')
    asker = qna_xml.parse(feed(xml)).questions[0].asker
    assert (asker.name, asker.parliament_id) == ("Mr Jim Cunningham", None)


def test_question_numbers_cited_in_the_text_are_references():
    text = "further to the Answer of 8 January (HL4123) and (173000), in 2012 (2012)"
    (q,) = qna_xml.parse(feed(question("HL5000", text=text))).questions
    assert q.references == ("HL4123", "173000")


def test_answer_inside_a_question_is_read():
    answer = (
        "<Answer><DateAnswered>2013-11-05</DateAnswered>"
        "<DateOfHoldingAnswer>2013-11-04</DateOfHoldingAnswer>"
        "<CurrentVersion><Minister><MemberId>1413</MemberId><MemberName>Jeremy Wright</MemberName>"
        "<Constituency>Kenilworth and Southam</Constituency></Minister>"
        "<IsHoldingAnswer>false</IsHoldingAnswer>"
        "<Text>&lt;p&gt;It cost &amp;pound;5.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;One&lt;/li&gt;"
        "&lt;li&gt;Two&lt;/li&gt;&lt;/ul&gt;</Text></CurrentVersion></Answer>"
    )
    (q,) = qna_xml.parse(feed(question(status="Answered", extra=answer))).questions
    assert q.status == ANSWERED
    assert q.answer_text == "It cost £5.\n\nOne\n\nTwo"
    assert q.answerer.name == "Jeremy Wright"
    assert q.answerer.parliament_id == 1413
    assert q.date_answered == dt.date(2013, 11, 5)
    assert q.date_holding_answer == dt.date(2013, 11, 4)
    assert q.warnings == []


def test_holding_and_corrected_answers():
    holding = (
        "<Answer><CurrentVersion><IsHoldingAnswer>true</IsHoldingAnswer></CurrentVersion></Answer>"
    )
    corrected = (
        "<Answer><DateOfMinisterialCorrection>2013-12-01</DateOfMinisterialCorrection>"
        "<CurrentVersion><Text>New figure.</Text></CurrentVersion>"
        "<PreviousVersions><AnswerVersion><Text>Old figure.</Text></AnswerVersion>"
        "</PreviousVersions></Answer>"
    )
    first, second = qna_xml.parse(
        feed(question("1", extra=holding), question("2", extra=corrected))
    ).questions
    assert first.status == HOLDING
    assert second.status == CORRECTED
    assert second.answer_text == "New figure."
    assert second.original_answer_text == "Old figure."
    assert second.date_answer_corrected == dt.date(2013, 12, 1)


def test_daily_report_pairs_each_question_with_its_answer():
    # Shape of the private daily report: the answer sits beside the question.
    data = (
        '<DailyReport xmlns="http://data.parliament.uk/QnA/private/2013/02">'
        "<ReportQuestions><ReportQuestion><Heading>Higher Education</Heading>"
        "<Answer><Uin>35759</Uin><DateAnswered>2016-05-03</DateAnswered><CurrentVersion>"
        f'<Minister><MemberId xmlns="{NS}">4039</MemberId>'
        f'<MemberName xmlns="{NS}">Joseph Johnson</MemberName></Minister>'
        "<Text>&lt;p&gt;At the February European Council.&lt;/p&gt;</Text></CurrentVersion>"
        "</Answer>"
        f'<Question><Uin xmlns="{NS}">35759</Uin><Heading xmlns="{NS}">Higher Education</Heading>'
        f'<TabledDate xmlns="{NS}">2016-04-27</TabledDate>'
        f'<Text xmlns="{NS}">To ask the Secretary of State, what assessment.</Text></Question>'
        "</ReportQuestion></ReportQuestions></DailyReport>"
    ).encode()
    assert qna_xml.sniff(data)
    (q,) = qna_xml.parse(data).questions
    assert (q.uin, q.heading, q.status) == ("35759", "Higher Education", ANSWERED)
    assert q.answer_text == "At the February European Council."
    assert q.answerer.name == "Joseph Johnson"
    assert q.date_answered == dt.date(2016, 5, 3)


# -- fuzzing: damaged files never raise ------------------------------------------------


def assert_well_formed_result(document: object) -> None:
    assert isinstance(document, ParsedDocument)
    assert document.layout == "qna-xml"
    if document.skip_reason:
        assert document.questions == []
    assert all(isinstance(q, ParsedQuestion) for q in document.questions)


@needs_samples
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_sample_never_raises(data):
    assert_well_formed_result(qna_xml.parse(data.draw(damaged(sample()))))


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_damaged_snippets_never_raise(data):
    answer = (
        "<Answer><DateAnswered>2013-11-05</DateAnswered><CurrentVersion><Minister>"
        "<MemberId>1</MemberId></Minister><Text>&lt;p&gt;a&lt;/p&gt;&lt;table&gt;&lt;tr&gt;"
        "&lt;td&gt;1&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</Text></CurrentVersion></Answer>"
    )
    snippet = feed(question(), question("HL1", status="Answered", extra=answer))
    assert_well_formed_result(qna_xml.parse(data.draw(damaged(snippet))))


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data):
    assert_well_formed_result(qna_xml.parse(data))
    assert isinstance(qna_xml.sniff(data), bool)
