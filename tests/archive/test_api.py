"""The JSON API contract other tools rely on: shapes, filters, errors."""

import datetime as dt

import pytest
from django.test import Client

from archive.models import House, Status
from archive.search import engine
from tests.factories import DepartmentFactory, MemberFactory, QuestionFactory

pytestmark = pytest.mark.django_db

RESPONSE_KEYS = {"count", "count_capped", "page", "results", "facets"}
RESULT_KEYS = {
    "id",
    "url",
    "uin",
    "house",
    "heading",
    "date_tabled",
    "date_answered",
    "status",
    "asker",
    "department",
    "answerer",
    "answerer_role",
    "question_text",
    "answer_text",
}
FACET_KEYS = {"department", "asker", "answerer", "house", "year"}


@pytest.fixture
def question():
    return QuestionFactory(
        uin="HL1234",
        heading="Police: Morale",
        house=House.LORDS,
        asker=MemberFactory(name="Baroness Doocey", party="Liberal Democrat", seat="Life peer"),
        department=DepartmentFactory(name="Home Office"),
        answerer=MemberFactory(name="Lord Hanson of Flint"),
        answerer_role="Minister of State",
        question_text="To ask about police morale.",
        answer_text="The Government values police officers.",
        date_tabled=dt.date(2024, 7, 20),
        date_answered=dt.date(2024, 8, 1),
    )


def api(client, **params):
    return client.get("/api/questions", params)


def test_search_response_has_exactly_the_contract_keys(client, question):
    data = api(client, q="police").json()
    assert set(data) == RESPONSE_KEYS
    assert set(data["facets"]) == FACET_KEYS
    assert (data["count"], data["count_capped"], data["page"]) == (1, False, 1)
    for values in data["facets"].values():
        for value in values:
            assert set(value) == {"value", "count"}
            assert isinstance(value["value"], str) and isinstance(value["count"], int)


def test_a_result_has_exactly_the_contract_keys_and_values(client, question):
    result = api(client, q="police").json()["results"][0]
    assert set(result) == RESULT_KEYS
    assert result == {
        "id": question.pk,
        "url": f"http://testserver{question.get_absolute_url()}",
        "uin": "HL1234",
        "house": "Lords",
        "heading": "Police: Morale",
        "date_tabled": "2024-07-20",
        "date_answered": "2024-08-01",
        "status": "answered",
        "asker": {"name": "Baroness Doocey", "party": "Liberal Democrat", "seat": "Life peer"},
        "department": "Home Office",
        "answerer": {"name": "Lord Hanson of Flint"},
        "answerer_role": "Minister of State",
        "question_text": "To ask about police morale.",
        "answer_text": "The Government values police officers.",
    }


def test_unknown_people_department_and_dates_are_null(client):
    QuestionFactory(
        asker=None, answerer=None, department=None, date_answered=None, status=Status.UNANSWERED
    )
    result = api(client).json()["results"][0]
    assert result["asker"] is None
    assert result["answerer"] is None
    assert result["department"] is None
    assert result["date_answered"] is None


def test_facets_list_values_and_counts(client, question):
    facets = api(client).json()["facets"]
    assert facets["department"] == [{"value": "Home Office", "count": 1}]
    assert facets["asker"] == [{"value": "Baroness Doocey", "count": 1}]
    assert facets["answerer"] == [{"value": "Lord Hanson of Flint", "count": 1}]
    assert facets["house"] == [{"value": "Lords", "count": 1}]
    assert facets["year"] == [{"value": "2024", "count": 1}]


@pytest.mark.parametrize(
    "params",
    [
        {"asker": "baroness doocey"},
        {"answerer": "LORD HANSON OF FLINT"},
        {"department": "home office"},
        {"house": "Lords"},
        {"status": "answered"},
        {"date_from": "2024-08-01", "date_to": "2024-08-01"},
        {"sort": "oldest"},
        {"q": "morale", "sort": "relevance"},
    ],
)
def test_each_filter_selects_the_question(client, question, params):
    QuestionFactory(
        house=House.COMMONS,
        status=Status.UNANSWERED,
        date_answered=None,
        date_tabled=dt.date(2020, 1, 1),
        question_text="Unrelated.",
    )
    data = api(client, **params).json()
    assert question.pk in [result["id"] for result in data["results"]]
    if "sort" not in params:
        assert data["count"] == 1


def test_an_unknown_asker_is_not_an_error_but_matches_nothing(client, question):
    response = api(client, asker="Nobody Known")
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert response.json()["results"] == []


def test_the_count_is_capped_and_says_so(client, monkeypatch):
    monkeypatch.setattr(engine, "COUNT_CAP", 2)
    QuestionFactory.create_batch(3)
    data = api(client).json()
    assert (data["count"], data["count_capped"]) == (2, True)


def test_pages_hold_twenty_results(client):
    QuestionFactory.create_batch(engine.PAGE_SIZE + 1)
    first, second = api(client).json(), api(client, page=2).json()
    assert len(first["results"]) == engine.PAGE_SIZE
    assert len(second["results"]) == 1
    assert second["page"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {"status": "lost"},
        {"house": "Senate"},
        {"sort": "random"},
        {"date_from": "2024-13-01"},
        {"date_to": "2023-02-29"},
        {"date_from": "01/02/2024"},
        {"date_from": "2024-02-01", "date_to": "2024-01-01"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "1.5"},
        {"page": "many"},
        {"page": str(engine.MAX_PAGE + 1)},
        {"q": "()"},
        {"q": "word " * 60},
    ],
)
def test_bad_parameters_are_400_with_a_json_error(client, params):
    response = api(client, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {"error"}
    assert data["error"]


def test_a_page_past_the_last_is_an_empty_200(client, question):
    data = api(client, page=3).json()
    assert data["results"] == []
    assert data["count"] == 1


def test_one_question_has_the_same_shape_as_a_result(client, question):
    single = client.get(f"/api/questions/{question.pk}").json()
    listed = api(client).json()["results"][0]
    assert single == listed


@pytest.mark.parametrize(
    "path", ["/api/questions/", "/api/questions/1/", "/api/questions/a/b", "/api/", "/api/members"]
)
def test_an_address_the_api_does_not_have_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "GET /api/questions" in response.json()["error"]


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
@pytest.mark.parametrize("path", ["/api/questions", "/api/questions/1", "/api/other"])
def test_a_method_other_than_get_is_a_json_405(method, path):
    client = Client(enforce_csrf_checks=True)  # as a browser or script meets the site
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert set(response.json()) == {"error"}


def test_an_error_of_ours_is_a_json_500(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "search", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/api/questions", {"q": "police"})
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "boom" not in response.content.decode()
    assert client.get("/search", {"q": "police"})["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("pk", ["999999", "abc", "0", "-1", "9" * 30, "1.0"])
def test_a_missing_question_is_a_json_404(client, pk):
    response = client.get(f"/api/questions/{pk}")
    assert response.status_code == 404
    assert set(response.json()) == {"error"}


def test_the_search_api_takes_four_queries_without_words_or_named_filters(
    client, question, django_assert_num_queries
):
    QuestionFactory.create_batch(5)
    # the window (count, facets, page ids), rows, facet members, facet departments
    with django_assert_num_queries(4):
        assert api(client, house="Lords").status_code == 200


def test_one_question_takes_one_query(client, question, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(f"/api/questions/{question.pk}")
