"""Hostile text in documents is shown as text everywhere, never run, and never a formula.

Source documents are untrusted: a saved page can carry markup, and a question's words end up
on the permalink page, in search results and their highlighted snippets, in the admin, in
the Atom feed and in the CSV download. The parser and search fuzzing tests live with their
code; these follow one hostile record through every page that shows it.
"""

from __future__ import annotations

import csv
import io
import re
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import User
from django.urls import NoReverseMatch, reverse

from archive.models import Provenance
from tests.factories import (
    DepartmentFactory,
    MemberFactory,
    QuestionFactory,
    SourceDocumentFactory,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(2)>'
ENTITY = "&lt;b&gt;bold&lt;/b&gt;"
# Breaks out of an attribute value if quotes are not escaped (the search box echoes the query).
ATTRIBUTE = 'x" onmouseover="alert(4)'

# A word no other record has, so a search finds exactly the hostile record.
MARKER = "zanzibarian"
HOSTILE = f"{SCRIPT} {IMAGE} {ENTITY} {ATTRIBUTE} {MARKER} policing"
FORMULAS = ('=HYPERLINK("http://x")', "+SUM(1,2)", "-2+3", "@cmd|' /C calc'!A0")
# What a browser would run or load if the text were not escaped. Escaped, the same words are
# harmless text: "&lt;img src=x onerror=…&gt;", "&quot; onmouseover=".
ACTIVE_MARKUP = re.compile(r'<script>alert|<img src=x|"\s*onmouseover=', re.IGNORECASE)
ATOM = "{http://www.w3.org/2005/Atom}"


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def page_missing(name: str, *args: object) -> bool:
    try:
        reverse(name, args=args)
    except NoReverseMatch:
        return True
    return False


def needs_page(name: str, *args: object) -> pytest.MarkDecorator:
    return pytest.mark.skipif(page_missing(name, *args), reason=f"no {name!r} page yet")


@pytest.fixture
def hostile_question():
    question = QuestionFactory(
        heading=HOSTILE,
        question_text=f"To ask the Secretary of State {HOSTILE}?",
        answer_text=f"{HOSTILE}\n\nSecond paragraph {SCRIPT}",
        answerer_role=IMAGE,
        asker=MemberFactory(name=f"Jane {SCRIPT}", party=IMAGE, seat=ENTITY),
        department=DepartmentFactory(name=f"Department {IMAGE}"),
        references=[SCRIPT],
        parse_warnings=[f"source.txt: heading differs; kept {SCRIPT}"],
        attachments=[
            {"title": SCRIPT, "url": "javascript:alert(3)", "file_type": IMAGE},
            {"title": IMAGE, "url": "https://example.org/a.pdf", "file_type": "pdf"},
        ],
    )
    Provenance.objects.create(
        question=question,
        source=SourceDocumentFactory(path=f"/data/{SCRIPT}.txt"),
        raw_text=HOSTILE,
    )
    return question


def assert_shown_as_text(body: str) -> None:
    assert not ACTIVE_MARKUP.search(body), ACTIVE_MARKUP.search(body)
    assert "javascript:" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    # A literal entity in the source is text too: it is escaped, not decoded into markup.
    assert "<b>bold</b>" not in body


@needs_page("question", 1)
def test_the_permalink_page_shows_markup_as_text(client, hostile_question):
    response = client.get(hostile_question.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert_shown_as_text(body)
    assert "&amp;lt;b&amp;gt;" in body


@needs_page("search")
def test_search_results_and_their_snippets_show_markup_as_text(client, hostile_question):
    for query in (MARKER, "alert", "script", "onerror"):
        response = client.get(reverse("search"), {"q": query})
        assert response.status_code == 200
        assert not ACTIVE_MARKUP.search(response.content.decode()), query
    assert_shown_as_text(client.get(reverse("search"), {"q": MARKER}).content.decode())


@needs_page("search")
def test_a_hostile_query_is_echoed_as_text(client, hostile_question):
    response = client.get(reverse("search"), {"q": f"{SCRIPT} {IMAGE} {ATTRIBUTE}"})
    assert response.status_code == 200
    assert not ACTIVE_MARKUP.search(response.content.decode())


@needs_page("api_questions")
def test_the_api_returns_the_text_as_data(client, hostile_question):
    response = client.get(reverse("api_questions"), {"q": MARKER})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert SCRIPT in str(response.json())


def test_the_admin_change_page_shows_markup_as_text(client, hostile_question):
    admin = User.objects.create_superuser("admin", "admin@example.org", "a long passphrase")
    client.force_login(admin)
    url = reverse("admin:archive_question_change", args=[hostile_question.pk])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert not ACTIVE_MARKUP.search(body), ACTIVE_MARKUP.search(body)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@needs_page("search_atom")
def test_the_atom_feed_escapes_markup_in_its_html_parts(client, hostile_question):
    response = client.get(reverse("search_atom"), {"q": MARKER})
    assert response.status_code == 200
    body = content(response)
    # Well-formed XML first: markup breaking out of an element would fail to parse.
    feed = ElementTree.fromstring(body)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    for element in entries[0].iter():
        if element.get("type") == "html" or element.tag in (f"{ATOM}summary", f"{ATOM}content"):
            # The element's text is the HTML a feed reader renders: it must hold no markup
            # of the document's own.
            assert not ACTIVE_MARKUP.search(element.text or ""), element.text
    assert entries[0].find(f"{ATOM}summary") is not None
    # A plain-text title is shown as text by feed readers, markup and all.
    assert entries[0].find(f"{ATOM}title").get("type", "text") == "text"


@needs_page("search_csv")
def test_csv_cells_that_would_start_a_formula_are_neutralised(client):
    for number, formula in enumerate(FORMULAS):
        QuestionFactory(
            heading=formula,
            question_text=f"{formula} {MARKER} question {number}",
            answer_text=formula,
            asker=MemberFactory(name=formula, party=formula, seat=formula),
            department=DepartmentFactory(name=f"{formula} department"),
            answerer_role=formula,
        )
    response = client.get(reverse("search_csv"), {"q": MARKER})
    assert response.status_code == 200
    body = content(response).decode("utf-8")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 1 + len(FORMULAS)
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    # Neutralised, not dropped: the text is still there after the guard.
    assert '\'=HYPERLINK("http://x")' in cells
