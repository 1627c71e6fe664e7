"""A search as a CSV download and as an Atom feed."""

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from django.http import StreamingHttpResponse

from archive.feeds import CSV_COLUMNS, safe_cell
from archive.search import engine
from tests.factories import DepartmentFactory, MemberFactory, QuestionFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def download(client, **params) -> tuple[StreamingHttpResponse, list[dict]]:
    response = client.get("/search.csv", params)
    text = b"".join(response.streaming_content).decode()
    return response, list(csv.DictReader(io.StringIO(text)))


def feed(client, **params) -> ET.Element:
    response = client.get("/search.atom", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_streams_the_search_with_a_header_row(client):
    question = QuestionFactory(
        heading="Ferries",
        asker=MemberFactory(name="Jane Smith", party="Labour", seat="Dover"),
        department=DepartmentFactory(name="Department for Transport"),
        answer_text="First.\n\nSecond.",
    )
    QuestionFactory(heading="Unrelated")
    response, rows = download(client, q="ferries")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == list(CSV_COLUMNS)
    assert row["id"] == str(question.pk)
    assert row["asker"] == "Jane Smith"
    assert row["asker_party"] == "Labour"
    assert row["asker_seat"] == "Dover"
    assert row["department"] == "Department for Transport"
    assert row["answer_text"] == "First.\n\nSecond."
    assert row["url"].endswith(question.get_absolute_url())


def test_csv_keeps_the_order_of_the_search(client):
    old = QuestionFactory(date_answered=dt.date(2001, 1, 1))
    new = QuestionFactory(date_answered=dt.date(2021, 1, 1))
    _, rows = download(client, sort="oldest")
    assert [row["id"] for row in rows] == [str(old.pk), str(new.pk)]


def test_csv_stops_at_the_export_cap(client, monkeypatch):
    monkeypatch.setattr(engine, "EXPORT_MAX_ROWS", 3)
    monkeypatch.setattr(engine, "EXPORT_CHUNK", 2)
    QuestionFactory.create_batch(5)
    _, rows = download(client)
    assert len(rows) == 3


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_csv_of_common_words_holds_every_match_in_any_order(client, monkeypatch, sort):
    # Pages of common words summarise the newest RECENT_WINDOW matches, dated ones only
    # when walking; an export must not stop there.
    monkeypatch.setattr(engine, "COMMON_SHARE", 0)
    monkeypatch.setattr(engine, "COMMON_MIN_MATCHES", 0)
    monkeypatch.setattr(engine, "WALK_ROW_US", 0)
    monkeypatch.setattr(engine, "WHOLE_POOL_MAX", 0)
    monkeypatch.setattr(engine, "RECENT_WINDOW", 2)
    dated = [
        QuestionFactory(heading="Ferries", date_answered=dt.date(2000 + n, 1, 1)) for n in range(4)
    ]
    undated = QuestionFactory(heading="Ferries", date_tabled=None, date_answered=None)
    QuestionFactory(heading="Unrelated")
    assert engine.search(engine.SearchParams(q="ferries")).strategy == engine.Strategy.RECENT

    _, rows = download(client, q="ferries", sort=sort)

    assert sorted(int(row["id"]) for row in rows) == sorted(q.pk for q in [*dated, undated])
    if sort == "newest":
        assert int(rows[-1]["id"]) == undated.pk


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_a_spreadsheet_would_run_as_formulas_get_an_apostrophe(start):
    assert safe_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def test_ordinary_cells_are_left_alone():
    assert safe_cell("Police: Finance") == "Police: Finance"
    assert safe_cell(None) == ""
    assert safe_cell(12) == "12"


def test_formulas_in_document_text_are_neutralised_in_the_download(client):
    QuestionFactory(
        heading='=HYPERLINK("http://evil.example","click")',
        question_text="+cmd|' /C calc'!A0",
        answer_text="@SUM(1+1)",
        answerer_role="-2+3",
    )
    _, rows = download(client)
    row = rows[0]
    assert row["heading"].startswith("'=")
    assert row["question_text"].startswith("'+")
    assert row["answer_text"].startswith("'@")
    assert row["answerer_role"].startswith("'-")


def test_csv_of_bad_parameters_is_a_plain_400(client):
    response = client.get("/search.csv", {"status": "lost"})
    assert response.status_code == 400
    assert "Status must be one of" in response.content.decode()


# --- Atom --------------------------------------------------------------------------------------


def test_atom_lists_the_newest_matching_questions_first(client):
    old = QuestionFactory(heading="Ferries", date_answered=dt.date(2001, 1, 1))
    new = QuestionFactory(heading="Ferries", date_answered=dt.date(2021, 1, 1))
    QuestionFactory(heading="Unrelated")
    root = feed(client, q="ferries", sort="oldest")
    entries = root.findall(f"{ATOM}entry")
    links = [entry.find(f"{ATOM}link").get("href") for entry in entries]
    assert links == [
        f"http://testserver{new.get_absolute_url()}",
        f"http://testserver{old.get_absolute_url()}",
    ]
    assert root.find(f"{ATOM}title").text.startswith("“ferries”")
    assert entries[0].find(f"{ATOM}published").text.startswith("2021-01-01")


def test_atom_holds_at_most_the_feed_size(client, monkeypatch):
    monkeypatch.setattr(engine, "FEED_SIZE", 2)
    QuestionFactory.create_batch(3)
    assert len(feed(client).findall(f"{ATOM}entry")) == 2


def test_atom_feed_size_is_fifty():
    assert engine.FEED_SIZE == 50


def test_atom_summaries_carry_document_markup_as_text_not_html(client):
    QuestionFactory(
        heading='<script>alert("h")</script>',
        question_text='<img src=x onerror="alert(1)"> &amp;',
        answer_text="<b>bold</b>",
    )
    entry = feed(client).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == '<script>alert("h")</script>'  # type="text"
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # The HTML a feed reader renders must show the tags as text.
    html = summary.text
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp;amp;" in html
    assert "<p>&lt;b&gt;bold&lt;/b&gt;</p>" in html


def test_atom_of_bad_parameters_is_a_plain_400(client):
    response = client.get("/search.atom", {"date_from": "2024-02-30"})
    assert response.status_code == 400
