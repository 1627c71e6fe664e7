"""The staff admin, driven through the test client as a logged-in staff user.

Corrections made in the admin must survive later ingests; merges and re-parses must leave
a history; the lists must not grow a query per row.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import Department, Member, Provenance, Question, SourceDocument
from ingest.loader import ingest_file
from tests.factories import (
    DepartmentFactory,
    MemberFactory,
    QuestionFactory,
    SourceDocumentFactory,
)

pytestmark = pytest.mark.django_db

SMITH_BLOCK = (
    "Asked by: Jane Smith (Labour - Leeds North)\n"
    "Question to the Home Office:\n"
    "To ask the Secretary of State for the Home Department what assessment she has made of "
    "police morale in West Yorkshire.\n"
    "Answered by Joe Bloggs - Minister of State\n"
    "Police morale is monitored through the annual pay and morale survey.\n"
)
SMITH_AGAIN = (
    "Asked by: Jane Smith (Labour - Leeds North)\n"
    "Question to the Home Office:\n"
    "To ask the Secretary of State for the Home Department what steps she is taking to "
    "recruit more police officers in Leeds.\n"
    "Answered by Joe Bloggs - Minister of State\n"
    "Recruitment is a matter for chief constables.\n"
)

QUESTIONS = reverse("admin:archive_question_changelist")
MEMBERS = reverse("admin:archive_member_changelist")
DEPARTMENTS = reverse("admin:archive_department_changelist")
SOURCES = reverse("admin:archive_sourcedocument_changelist")


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_superuser("editor", "editor@example.org", "a-long-password-1")


@pytest.fixture
def staff_client(staff: User) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def ingest_text(tmp_path: Path):
    """Ingest text as a document file, the way ``manage.py ingest`` would."""

    def ingest(text: str, name: str = "written-questions.txt"):
        path = tmp_path / name
        path.write_text(text)
        report = ingest_file(path)
        assert report.status == "ingested", report.reason
        return report

    return ingest


def change_url(question: Question) -> str:
    return reverse("admin:archive_question_change", args=[question.pk])


def form_data(client: Client, url: str) -> dict:
    """The change form's current values, as a browser would post them back unchanged."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
        # Fields whose model default is callable (default=list) carry their initial value
        # in a hidden input, which Django compares against to tell what changed.
        if field.show_hidden_initial:
            data[form[name].html_initial_name] = data.get(name, "")
    return data


def post_change(client: Client, question: Question, **changes) -> None:
    url = change_url(question)
    data = {**form_data(client, url), **changes, "_save": "Save"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def run_action(client: Client, changelist: str, action: str, objects, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra}
    return client.post(changelist, data, follow=True)


# -- Access ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(QUESTIONS)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_logged_in_users_who_are_not_staff_are_sent_to_the_login_page(client):
    reader = User.objects.create_user("reader", password="a-long-password-1")
    client.force_login(reader)

    for url in (reverse("admin:index"), QUESTIONS, MEMBERS):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_staff_posts_without_a_csrf_token_are_refused(staff):
    question = QuestionFactory(heading="Police: Morale")
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    response = client.post(change_url(question), {"heading": "Hacked", "_save": "Save"})

    assert response.status_code == 403
    question.refresh_from_db()
    assert question.heading == "Police: Morale"


# -- Editing and locks ---------------------------------------------------------------------


def test_fields_changed_in_the_admin_are_locked_against_ingest(staff_client):
    question = QuestionFactory(heading="Police Finance", answerer_role="Minister of State")
    other = MemberFactory(name="Sarah Jones")

    post_change(staff_client, question, heading="Police: Finance", asker=str(other.pk))

    question.refresh_from_db()
    assert question.heading == "Police: Finance"
    assert question.asker == other
    assert question.asker_name == "Sarah Jones"
    assert question.edited_fields == ["heading", "asker"]


def test_saving_the_form_unchanged_locks_nothing(staff_client):
    question = QuestionFactory(references=["HL123"], attachments=[{"title": "A", "url": "u"}])

    post_change(staff_client, question)

    question.refresh_from_db()
    assert question.edited_fields == []


def test_line_breaks_a_browser_posts_as_crlf_are_no_change(staff_client):
    question = QuestionFactory(answer_text="First paragraph.\n\nSecond paragraph.")
    url = change_url(question)
    data = form_data(staff_client, url)
    data["answer_text"] = data["answer_text"].replace("\n", "\r\n")

    assert staff_client.post(url, {**data, "_save": "Save"}).status_code == 302

    question.refresh_from_db()
    assert question.edited_fields == []
    assert question.answer_paragraphs == ["First paragraph.", "Second paragraph."]


def test_an_admin_can_release_a_lock(staff_client):
    question = QuestionFactory(edited_fields=["heading", "answer_text"])

    post_change(staff_client, question, edited_fields="answer_text")

    question.refresh_from_db()
    assert question.edited_fields == ["answer_text"]


def test_a_lock_on_something_that_is_not_a_field_is_refused(staff_client):
    question = QuestionFactory()
    url = change_url(question)

    response = staff_client.post(url, {**form_data(staff_client, url), "edited_fields": "colour"})

    assert response.status_code == 200
    assert "Not an editable field of a question: colour" in str(
        response.context["adminform"].form.errors
    )


def test_an_edit_survives_a_later_ingest_of_its_source(staff_client, ingest_text):
    ingest_text(SMITH_BLOCK, name="first.txt")
    question = Question.objects.get()
    bloggs = question.answerer
    corrected = question.question_text.replace("West Yorkshire", "West Yorkshire Police")
    # A misparse fixed by hand: the answerer was wrongly read and is cleared.
    post_change(staff_client, question, question_text=corrected, answerer="")

    # The same block again, in a document with another question, so the file is new.
    ingest_text(SMITH_BLOCK + SMITH_AGAIN, name="second.txt")

    question.refresh_from_db()
    assert Question.objects.count() == 2
    assert question.question_text == corrected
    assert question.answerer is None
    assert question.answerer_name == ""
    assert Member.objects.filter(pk=bloggs.pk).exists()
    assert question.provenance.count() == 2


def test_an_edited_question_text_still_identifies_the_record_after_two_ingests(
    staff_client, ingest_text
):
    ingest_text(SMITH_BLOCK, name="first.txt")
    question = Question.objects.get()
    post_change(staff_client, question, question_text=question.question_text + " (corrected)")
    # A source whose answer differs: ingest keeps ours, warns, and so saves the record.
    ingest_text(SMITH_BLOCK.replace("annual pay", "yearly pay"), name="second.txt")

    ingest_text(SMITH_BLOCK + SMITH_AGAIN, name="third.txt")

    assert Question.objects.count() == 2


def test_the_edit_is_in_the_records_history(staff_client, staff):
    question = QuestionFactory()

    post_change(staff_client, question, heading="Police: Morale")

    entry = LogEntry.objects.get(object_id=str(question.pk), action_flag=CHANGE)
    assert entry.user == staff
    assert "Heading" in entry.get_change_message()


# -- What the change form shows ------------------------------------------------------------


def test_source_text_is_shown_escaped(staff_client):
    question = QuestionFactory()
    source = SourceDocumentFactory(path="/data/<b>odd</b>.txt")
    Provenance.objects.create(
        question=question,
        source=source,
        raw_text="Asked by: <script>alert('x')</script> Jane Smith",
    )

    response = staff_client.get(change_url(question))

    html = response.content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Jane Smith" in html
    assert "<script>alert(" not in html
    assert "&lt;b&gt;odd&lt;/b&gt;.txt" in html


def test_parse_warnings_are_listed_escaped_and_read_only(staff_client):
    question = QuestionFactory(parse_warnings=["answer has <i>markup</i>"])

    response = staff_client.get(change_url(question))

    assert "answer has &lt;i&gt;markup&lt;/i&gt;" in response.content.decode()
    assert "parse_warnings" not in response.context["adminform"].form.fields


# -- Lists, search and filters ------------------------------------------------------------


def test_the_question_list_costs_the_same_queries_for_few_or_many_rows(
    staff_client, django_assert_num_queries
):
    QuestionFactory.create_batch(2)
    with django_assert_num_queries(QUESTION_LIST_QUERIES):
        assert staff_client.get(QUESTIONS).status_code == 200

    QuestionFactory.create_batch(20, parse_warnings=["odd"])
    with django_assert_num_queries(QUESTION_LIST_QUERIES):
        assert staff_client.get(QUESTIONS).status_code == 200


# Session, user, the filters' options (departments, the years' range, layouts, recent
# sources), the count and the page of rows: none grows with the rows.
QUESTION_LIST_QUERIES = 8


@pytest.mark.parametrize(
    ("query", "queries"),
    [
        ({"q": "morale"}, QUESTION_LIST_QUERIES),
        ({"q": "Jane"}, QUESTION_LIST_QUERIES),
        ({"warnings": "yes", "edited": "no", "house": "Commons"}, QUESTION_LIST_QUERIES),
        ({"layout": "plain-list", "source": "1"}, QUESTION_LIST_QUERIES),
        ({"status": "answered", "year": "2024"}, QUESTION_LIST_QUERIES),
    ],
)
def test_searched_and_filtered_question_lists_have_a_pinned_query_count(
    staff_client, django_assert_num_queries, query, queries
):
    QuestionFactory.create_batch(15, heading="Police: Morale", parse_warnings=["odd"])
    with django_assert_num_queries(queries):
        response = staff_client.get(QUESTIONS, query)
    assert response.status_code == 200


def test_search_finds_question_text_uin_and_names(staff_client):
    QuestionFactory(question_text="To ask about trafficking of wildlife.", uin="4242")
    QuestionFactory(asker=MemberFactory(name="Baroness Doocey"))
    QuestionFactory()

    def found(term: str) -> int:
        return staff_client.get(QUESTIONS, {"q": term}).context["cl"].result_count

    assert found("trafficked") == 1  # stemmed, from the search vector
    assert found("4242") == 1
    assert found("Doocey") == 1


def test_search_speaks_the_public_query_language_and_reads_only_indexes(staff_client):
    wildlife = QuestionFactory(
        question_text="To ask about trafficking of wildlife.", uin="HL4242", heading="Wildlife"
    )
    doocey = QuestionFactory(asker=MemberFactory(name="Baroness Doocey"))
    QuestionFactory(question_text="To ask about wildlife trafficking routes.")

    def found(term: str) -> set[int]:
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(QUESTIONS, {"q": term})
        # icontains (LIKE) cannot use an index: a million questions read for every search.
        assert not [q for q in queries.captured_queries if " LIKE " in q["sql"]]
        return {question.pk for question in response.context["cl"].result_list}

    assert found('"trafficking of wildlife"') == {wildlife.pk}
    assert found("asker:doocey") == {doocey.pk}
    assert found("hl4242") == {wildlife.pk}  # a UIN, in any case
    assert found("heading:wildlife") == {wildlife.pk}
    assert len(found("traffick* -heading:wildlife")) == 1


def test_a_search_the_query_language_rejects_is_said_and_looks_up_uins_only(staff_client):
    dash = QuestionFactory(uin="-")
    QuestionFactory(question_text="To ask about - and more.")

    response = staff_client.get(QUESTIONS, {"q": "-"})

    assert response.status_code == 200
    assert [q.pk for q in response.context["cl"].result_list] == [dash.pk]
    assert "Searched UINs only: Your search has no words" in response.content.decode()


def test_questions_are_filtered_by_a_year_between_the_earliest_and_latest(staff_client):
    old = QuestionFactory(date_tabled=dt.date(2019, 5, 1), date_answered=None)
    QuestionFactory(date_tabled=dt.date(2022, 5, 1), date_answered=dt.date(2022, 6, 1))

    response = staff_client.get(QUESTIONS, {"year": "2019"})

    years = [
        choice["display"]
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "parameter_name", "") == "year"
        for choice in spec.choices(response.context["cl"])
    ]
    assert years == ["All", "2022", "2021", "2020", "2019"]
    assert [q.pk for q in response.context["cl"].result_list] == [old.pk]
    assert staff_client.get(QUESTIONS, {"year": "soon"}).context["cl"].result_count == 0


def test_questions_can_be_filtered_by_source_document(staff_client):
    source = SourceDocumentFactory()
    mine = QuestionFactory()
    Provenance.objects.create(question=mine, source=source, position=0)
    Provenance.objects.create(question=mine, source=source, position=1)
    QuestionFactory()

    response = staff_client.get(QUESTIONS, {"source": source.pk})

    assert [q.pk for q in response.context["cl"].result_list] == [mine.pk]


def test_questions_can_be_filtered_by_warnings_and_edits(staff_client):
    warned = QuestionFactory(parse_warnings=["odd"])
    edited = QuestionFactory(edited_fields=["heading"])

    def listed(**query) -> list[int]:
        return [q.pk for q in staff_client.get(QUESTIONS, query).context["cl"].result_list]

    assert listed(warnings="yes") == [warned.pk]
    assert listed(edited="yes") == [edited.pk]


def test_questions_known_only_from_a_superseded_copy_can_be_listed_and_are_shown(staff_client):
    stale = QuestionFactory(superseded=True)
    QuestionFactory()

    listed = staff_client.get(QUESTIONS, {"superseded__exact": "1"}).context["cl"].result_list
    assert [q.pk for q in listed] == [stale.pk]
    page = staff_client.get(reverse("admin:archive_question_change", args=[stale.pk]))
    assert "From a superseded copy only" in page.content.decode()


def test_the_member_list_counts_questions_without_a_query_per_row(
    staff_client, django_assert_num_queries
):
    minister = MemberFactory(name="Joe Bloggs")
    QuestionFactory.create_batch(3, answerer=minister)
    with django_assert_num_queries(MEMBER_LIST_QUERIES):
        response = staff_client.get(MEMBERS, {"q": "Bloggs"})
    assert response.context["cl"].result_list[0].answered_count == 3

    MemberFactory.create_batch(20)
    with django_assert_num_queries(MEMBER_LIST_QUERIES):
        assert staff_client.get(MEMBERS).status_code == 200


# Session, user, count, filters' options (houses, parties), the page of rows.
MEMBER_LIST_QUERIES = 6


def test_members_are_found_by_an_alias(staff_client):
    member = MemberFactory(name="Jane Smith", aliases=["Ms Jane Smith"])
    MemberFactory(name="Tom Jones")

    response = staff_client.get(MEMBERS, {"q": "ms jane"})

    assert list(response.context["cl"].result_list) == [member]


def test_the_asker_autocomplete_finds_a_member_by_an_alias(staff_client):
    member = MemberFactory(name="Jane Smith", aliases=["Ms Jane Smith"])

    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "archive", "model_name": "question", "field_name": "asker", "term": "ms j"},
    )

    assert [r["id"] for r in response.json()["results"]] == [str(member.pk)]


@pytest.mark.parametrize("value", ["1; drop table", "999999"])
def test_a_source_filter_for_no_document_lists_nothing_rather_than_everything(staff_client, value):
    QuestionFactory()

    response = staff_client.get(QUESTIONS, {"source": value})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_the_department_list_has_a_pinned_query_count(staff_client, django_assert_num_queries):
    QuestionFactory.create_batch(5)
    with django_assert_num_queries(5):
        response = staff_client.get(DEPARTMENTS)
    assert all(d.question_count == 1 for d in response.context["cl"].result_list)


# -- Re-parse action ---------------------------------------------------------------------


def test_the_reparse_action_corrects_a_record_and_records_it(staff_client, ingest_text, staff):
    ingest_text(SMITH_BLOCK)
    question = Question.objects.get()
    Question.objects.filter(pk=question.pk).update(answerer_role="Minister of State\nPolice")
    orphan = QuestionFactory()

    response = run_action(staff_client, QUESTIONS, "reparse_selected", [question, orphan])

    question.refresh_from_db()
    assert question.answerer_role == "Minister of State"
    shown = [str(m) for m in response.context["messages"]]
    assert any("1 changed" in m and "1 could not be re-parsed" in m for m in shown)
    assert any("answerer_role" in m for m in shown)
    assert any("no stored source" in m for m in shown)
    entry = LogEntry.objects.get(object_id=str(question.pk))
    assert (entry.user, entry.action_flag) == (staff, CHANGE)
    assert "Re-parsed" in entry.change_message


# -- Merge actions ---------------------------------------------------------------------------


def test_merging_members_asks_which_to_keep_then_merges(staff_client, ingest_text, staff):
    ingest_text(SMITH_BLOCK, name="first.txt")
    smith = Member.objects.get(name="Jane Smith")
    variant = MemberFactory(name="Ms Jane Smith", party="", seat="")
    moved = QuestionFactory(asker=variant, date_tabled=dt.date(2024, 2, 1))

    confirm = run_action(staff_client, MEMBERS, "merge_selected", [smith, variant])
    assert confirm.templates[0].name == "admin/archive/merge_confirmation.html"
    assert confirm.context["suggested"] == smith
    assert b"aliases" in confirm.content

    run_action(staff_client, MEMBERS, "merge_selected", [smith, variant], survivor=smith.pk)

    smith.refresh_from_db()
    moved.refresh_from_db()
    assert moved.asker == smith
    assert moved.asker_name == "Jane Smith"
    assert "Ms Jane Smith" in smith.aliases
    assert not Member.objects.filter(pk=variant.pk).exists()
    assert LogEntry.objects.filter(object_id=str(variant.pk), action_flag=DELETION).exists()
    assert LogEntry.objects.filter(object_id=str(smith.pk), action_flag=CHANGE).exists()
    assert LogEntry.objects.filter(object_id=str(moved.pk), action_flag=CHANGE).exists()

    # A later document with the merged spelling lands on the survivor.
    ingest_text(SMITH_AGAIN.replace("Jane Smith", "Ms Jane Smith"), name="later.txt")
    later = Question.objects.get(question_text__contains="recruit")
    assert later.asker == smith
    assert Member.objects.filter(name="Ms Jane Smith").count() == 0


def test_merging_departments_moves_questions_and_keeps_the_alias(staff_client, ingest_text):
    ingest_text(SMITH_BLOCK, name="first.txt")
    home_office = Department.objects.get(name="Home Office")
    variant = DepartmentFactory(name="Home Office, The")
    moved = QuestionFactory(department=variant)

    run_action(
        staff_client, DEPARTMENTS, "merge_selected", [home_office, variant], survivor=home_office.pk
    )

    home_office.refresh_from_db()
    moved.refresh_from_db()
    assert moved.department == home_office
    assert moved.department_name == "Home Office"
    assert home_office.aliases == ["Home Office, The"]
    assert not Department.objects.filter(pk=variant.pk).exists()

    ingest_text(SMITH_AGAIN.replace("to the Home Office", "to Home Office, The"), name="later.txt")
    later = Question.objects.get(question_text__contains="recruit")
    assert later.department == home_office


def test_a_refused_merge_is_a_message_not_an_error(staff_client):
    one = MemberFactory(name="John Smith", parliament_id=1)
    two = MemberFactory(name="John Smith", parliament_id=2)

    response = run_action(staff_client, MEMBERS, "merge_selected", [one, two], survivor=one.pk)

    assert response.status_code == 200
    assert any("different people" in str(m) for m in response.context["messages"])
    assert Member.objects.count() == 2


def test_renaming_a_member_refreshes_the_names_on_their_questions(staff_client):
    member = MemberFactory(name="Jane Smth")
    question = QuestionFactory(asker=member)
    url = reverse("admin:archive_member_change", args=[member.pk])

    response = staff_client.post(url, {**form_data(staff_client, url), "name": "Jane Smith"})

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.asker_name == "Jane Smith"


def test_aliases_with_commas_survive_saving_the_department_form(staff_client):
    department = DepartmentFactory(
        name="Defra", aliases=["Department for Environment, Food and Rural Affairs"]
    )
    url = reverse("admin:archive_department_change", args=[department.pk])
    data = form_data(staff_client, url)
    assert data["aliases"] == "Department for Environment, Food and Rural Affairs"

    data["aliases"] += "\r\n\r\nthe Department for Environment, Food and Rural Affairs\r\n"
    assert staff_client.post(url, data).status_code == 302

    department.refresh_from_db()
    assert department.aliases == [
        "Department for Environment, Food and Rural Affairs",
        "the Department for Environment, Food and Rural Affairs",
    ]


# -- Source documents --------------------------------------------------------------------


def test_source_documents_are_listed_read_only_with_outcome_and_reason(staff_client):
    ingested = SourceDocumentFactory(question_count=1)
    Provenance.objects.create(question=QuestionFactory(), source=ingested)
    SourceDocumentFactory(
        outcome=SourceDocument.Outcome.SKIPPED, layout="", reason="looks like a debate"
    )

    response = staff_client.get(SOURCES)
    assert response.status_code == 200
    assert b"looks like a debate" in response.content
    assert f"?source={ingested.pk}".encode() in response.content

    skipped = staff_client.get(SOURCES, {"outcome": "skipped"}).context["cl"].result_list
    assert [d.reason for d in skipped] == ["looks like a debate"]
    assert staff_client.get(reverse("admin:archive_sourcedocument_add")).status_code == 403
    change = staff_client.get(reverse("admin:archive_sourcedocument_change", args=[ingested.pk]))
    assert change.status_code == 200
    assert b'name="path"' not in change.content
