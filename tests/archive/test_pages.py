"""Permanent pages: a question with its sources and relatives, a member, a department."""

import datetime as dt
import re

import pytest

from archive.models import House, Provenance, Status
from tests.factories import (
    DepartmentFactory,
    MemberFactory,
    QuestionFactory,
    SourceDocumentFactory,
)

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def question():
    return QuestionFactory(
        uin="HL1234",
        house=House.LORDS,
        heading="Police: Morale",
        asker=MemberFactory(name="Baroness Doocey", party="Liberal Democrat", seat="Life peer"),
        department=DepartmentFactory(name="Home Office"),
        answerer=MemberFactory(name="Lord Hanson of Flint"),
        answerer_role="Minister of State",
        question_text="To ask His Majesty's Government about police morale.",
        answer_text="The Government values the police.\n\nPay rose by 4.75%.",
        date_tabled=dt.date(2024, 7, 20),
        date_for_answer=dt.date(2024, 8, 3),
        date_holding_answer=dt.date(2024, 7, 30),
        date_answered=dt.date(2024, 8, 1),
        parse_warnings=["SECRET-WARNING: answer ran into the next block"],
    )


# --- Addresses ---------------------------------------------------------------------------------


def test_the_permalink_is_the_id_and_a_slug_of_the_heading(client, question):
    assert question.get_absolute_url() == f"/questions/{question.pk}/police-morale/"
    assert client.get(question.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("suffix", ["", "wrong-slug/", "police/"])
def test_a_missing_or_wrong_slug_redirects_permanently_to_the_canonical_url(
    client, question, suffix
):
    response = client.get(f"/questions/{question.pk}/{suffix}")
    assert response.status_code == 301
    assert response["Location"] == question.get_absolute_url()


@pytest.mark.parametrize("url", ["/questions/999999/", "/questions/1" + "0" * 25 + "/x/"])
def test_a_missing_question_is_404(client, url):
    assert client.get(url).status_code == 404


# --- The record --------------------------------------------------------------------------------


def test_the_page_shows_the_full_question_and_answer_paragraphs(client, question):
    body = text_of(client.get(question.get_absolute_url()))
    assert "To ask His Majesty&#x27;s Government about police morale." in body
    assert "<p>The Government values the police.</p><p>Pay rose by 4.75%.</p>" in body


def test_the_page_shows_every_date_and_person(client, question):
    body = text_of(client.get(question.get_absolute_url()))
    for expected in (
        "HL1234",
        "Lords",
        "Answered",
        "20 July 2024",  # tabled
        "3 August 2024",  # due for answer
        "30 July 2024",  # holding answer
        "1 August 2024",  # answered
        "(Liberal Democrat, Life peer)",
        "Minister of State",
    ):
        assert expected in body, expected
    assert question.asker.get_absolute_url() in body
    assert question.answerer.get_absolute_url() in body
    assert question.department.get_absolute_url() in body


def test_a_corrected_answer_is_shown_beside_the_original(client):
    corrected = QuestionFactory(
        status=Status.CORRECTED,
        answer_text="The figure is 12.",
        original_answer_text="The figure is 21.",
        date_answer_corrected=dt.date(2024, 9, 2),
    )
    body = text_of(client.get(corrected.get_absolute_url()))
    assert "Corrected answer" in body and "The figure is 12." in body
    assert "Original answer" in body and "The figure is 21." in body
    assert "2 September 2024" in body
    assert "answers--corrected" in body


def test_parse_warnings_are_not_shown_publicly(client, question):
    assert "SECRET-WARNING" not in text_of(client.get(question.get_absolute_url()))


def test_truncated_texts_are_flagged(client):
    clipped = QuestionFactory(question_truncated=True, answer_truncated=True)
    body = text_of(client.get(clipped.get_absolute_url()))
    assert body.count("the full text may be longer") == 2


def test_a_record_known_only_from_a_superseded_copy_says_so(client):
    stale = QuestionFactory(superseded=True)
    current = QuestionFactory()
    notice = "a newer version has since replaced"
    assert notice in text_of(client.get(stale.get_absolute_url()))
    assert notice not in text_of(client.get(current.get_absolute_url()))


def test_attachments_link_only_to_web_addresses(client):
    attached = QuestionFactory(
        attachments=[
            {"title": "Table of figures", "url": "https://example.org/t.xlsx", "file_type": "xlsx"},
            {"title": "Bad link", "url": "javascript:alert(1)", "file_type": ""},
            {"title": "Broken link", "url": "http://[::1", "file_type": ""},
            "not an attachment record",
        ]
    )
    body = text_of(client.get(attached.get_absolute_url()))
    assert (
        '<a href="https://example.org/t.xlsx" rel="nofollow noopener">Table of figures</a>' in body
    )
    assert "Bad link" in body and "Broken link" in body
    assert "javascript:" not in body
    assert 'href="http://[::1"' not in body


def test_the_sources_show_file_name_layout_and_date_but_not_the_server_path(client, question):
    document = SourceDocumentFactory(
        path="/srv/private/inbox/2024-08-01-lords.xml", layout="qna-xml"
    )
    Provenance.objects.create(question=question, source=document, position=0)
    Provenance.objects.create(question=question, source=document, position=1)
    body = text_of(client.get(question.get_absolute_url()))
    assert "2024-08-01-lords.xml" in body
    assert "qna-xml" in body
    assert "/srv/private" not in body
    assert body.count("2024-08-01-lords.xml") == 1


def test_a_citation_line_is_ready_to_copy(client, question):
    body = text_of(client.get(question.get_absolute_url()))
    citation = re.search(r'<p class="citation__text">(.*?)</p>', body, re.S)[1]
    assert citation == (
        "Baroness Doocey, “Police: Morale”, House of Lords written question HL1234, "
        "tabled 20 July 2024, answered 1 August 2024 by Lord Hanson of Flint. "
        f"Written questions archive, http://testserver{question.get_absolute_url()}"
    )


HOSTILE = '<script>alert("x")</script><a href="javascript:alert(1)" onclick="alert(2)">'


def test_hostile_document_text_is_escaped_on_the_page(client):
    hostile = QuestionFactory(
        heading=HOSTILE,
        question_text=HOSTILE,
        answer_text=HOSTILE,
        original_answer_text=HOSTILE,
        answerer_role=HOSTILE,
        asker=MemberFactory(name=HOSTILE, party=HOSTILE, seat=HOSTILE),
        attachments=[{"title": HOSTILE, "url": "https://example.org/x", "file_type": HOSTILE}],
    )
    body = text_of(client.get(hostile.get_absolute_url()))
    assert "<script>alert" not in body
    assert 'href="javascript:' not in body
    assert 'onclick="alert' not in body
    assert "&lt;script&gt;" in body


# --- Related questions -------------------------------------------------------------------------


def related_section(client, question) -> str:
    body = text_of(client.get(question.get_absolute_url()))
    match = re.search(r'<section class="related".*?</section>', body, re.S)
    return match[0] if match else ""


def test_grouped_questions_are_listed(client, question):
    grouped = QuestionFactory(
        uin="HL1235", house=House.LORDS, heading="Police: Pay", date_tabled=dt.date(2024, 7, 20)
    )
    question.grouped_uins = ["HL1235"]
    question.save()
    section = related_section(client, question)
    assert "Answered together" in section
    assert grouped.get_absolute_url() in section


def test_questions_with_the_same_heading_are_listed(client, question):
    same = QuestionFactory(heading="Police: Morale")
    QuestionFactory(heading="Police: Morale and Pay")
    section = related_section(client, question)
    assert "With the same heading" in section
    assert same.get_absolute_url() in section
    assert section.count("<li>") == 1


def test_referenced_and_referencing_questions_are_listed(client, question):
    earlier = QuestionFactory(uin="HL1100", date_tabled=dt.date(2024, 5, 1), heading="Earlier")
    later = QuestionFactory(references=["HL1234"], date_tabled=dt.date(2024, 9, 1), heading="Later")
    QuestionFactory(uin="HL1100", date_tabled=dt.date(2019, 5, 1), heading="Other session")
    question.references = ["HL1100"]
    question.save()
    section = related_section(client, question)
    assert "Questions this one refers to" in section and earlier.get_absolute_url() in section
    assert "Questions that refer to this one" in section and later.get_absolute_url() in section
    assert "Other session" not in section


def test_questions_given_the_same_answer_are_listed(client, question):
    twin = QuestionFactory(answer_text=question.answer_text, heading="Twin")
    QuestionFactory(answer_text="Something else.", heading="Different")
    section = related_section(client, question)
    assert "Given the same answer" in section
    assert twin.get_absolute_url() in section
    assert "Different" not in section


def test_a_question_without_relatives_has_no_related_section(client):
    alone = QuestionFactory(heading="Unique heading", answer_text="Unique answer.")
    assert related_section(client, alone) == ""


def test_a_question_page_takes_a_fixed_number_of_queries(
    client, question, django_assert_num_queries
):
    question.grouped_uins = ["HL1"]
    question.references = ["HL2"]
    question.save()
    QuestionFactory.create_batch(3, heading="Police: Morale")
    # question, provenance, grouped, references, referenced by, same heading, same answer
    with django_assert_num_queries(7):
        assert client.get(question.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("url", ["question", "member", "department"])
def test_record_pages_have_no_inline_scripts_or_styles(client, question, url):
    record = {"question": question, "member": question.asker, "department": question.department}
    body = text_of(client.get(record[url].get_absolute_url()))
    assert "<script" not in body
    assert "style=" not in body


# --- Member and department pages ---------------------------------------------------------------


@pytest.fixture
def doocey():
    member = MemberFactory(name="Baroness Doocey", party="Liberal Democrat", seat="Life peer")
    home, health = DepartmentFactory(name="Home Office"), DepartmentFactory(name="Health")
    QuestionFactory(asker=member, department=home, date_answered=dt.date(2023, 3, 1))
    QuestionFactory(
        asker=member, department=home, date_answered=dt.date(2024, 3, 1), heading="Newest asked"
    )
    QuestionFactory(asker=member, department=health, date_answered=dt.date(2024, 2, 1))
    QuestionFactory(answerer=member, department=health, heading="Answered by her")
    return member


def test_a_member_page_counts_questions_asked_and_answered(client, doocey):
    body = text_of(client.get(doocey.get_absolute_url()))
    assert '<h1 id="member-title">Baroness Doocey</h1>' in body
    assert "Liberal Democrat, Life peer" in body
    assert "Questions asked: 3" in body
    assert "Questions answered: 1" in body
    assert "Answered by her" in body


def test_a_member_page_counts_by_department_and_year(client, doocey):
    body = text_of(client.get(doocey.get_absolute_url()))
    asked = body[body.index("Questions asked") : body.index("Questions answered")]
    assert re.search(r"Home Office</a></td><td>2</td>", asked)
    assert re.search(r"Health</a></td><td>1</td>", asked)
    assert re.search(r"2024</a></td><td>2</td>", asked)
    assert "/search?asker=Baroness+Doocey&amp;department=Home+Office" in asked


def test_a_member_page_lists_recent_questions_newest_first(client, doocey):
    body = text_of(client.get(doocey.get_absolute_url()))
    assert body.index("Newest asked") < body.index("Answered by her")
    assert "/search?asker=Baroness+Doocey" in body


def test_a_member_page_redirects_a_wrong_slug(client, doocey):
    response = client.get(f"/members/{doocey.pk}/someone-else/")
    assert response.status_code == 301
    assert response["Location"] == doocey.get_absolute_url()


def test_a_member_page_takes_a_fixed_number_of_queries(client, doocey, django_assert_num_queries):
    # the member, then for asked and for answered: window, rows, facet members, departments
    with django_assert_num_queries(9):
        client.get(doocey.get_absolute_url())


def test_a_department_page_counts_questions_by_year_and_people(client, doocey):
    health = doocey.questions_asked.get(department__name="Health").department
    response = client.get(health.get_absolute_url())
    body = text_of(response)
    assert '<h1 id="department-title">Health</h1>' in body
    assert "Questions: 2" in body
    assert re.search(r"Baroness Doocey</a></td><td>1</td>", body)
    assert "/search?department=Health" in body


def test_a_department_page_redirects_a_missing_slug(client):
    department = DepartmentFactory(name="Home Office")
    response = client.get(f"/departments/{department.pk}/")
    assert response.status_code == 301
    assert response["Location"] == department.get_absolute_url()


def test_a_missing_member_or_department_is_404(client):
    assert client.get("/members/999999/x/").status_code == 404
    assert client.get("/departments/999999/").status_code == 404


@pytest.mark.parametrize("day", [dt.date(1, 1, 2), dt.date(9999, 12, 31)])
def test_a_question_dated_at_the_ends_of_the_calendar_has_its_page(client, day):
    # Ingest refuses such dates; an admin can still type one.
    question = QuestionFactory(date_tabled=day, date_answered=day)
    assert client.get(question.get_absolute_url()).status_code == 200
