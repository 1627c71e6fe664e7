"""The results page, the home page and the search tips: what a reader sees and can click."""

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.models import House, Status
from archive.search import engine
from tests.factories import DepartmentFactory, MemberFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def page(client, **params):
    return client.get("/search", params)


def text_of(response) -> str:
    return response.content.decode()


def links(response) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]*)"', text_of(response))]


@pytest.fixture
def doocey_question():
    return QuestionFactory(
        heading="Police: Morale",
        house=House.LORDS,
        asker=MemberFactory(name="Baroness Doocey", party="Liberal Democrat", seat="Life peer"),
        department=DepartmentFactory(name="Home Office"),
        answerer=MemberFactory(name="Lord Hanson of Flint"),
        answerer_role="Minister of State",
        question_text="To ask about police morale in England.",
        answer_text="The Government values police officers.",
        date_answered=dt.date(2024, 8, 1),
    )


# --- A result ----------------------------------------------------------------------------------


def test_each_result_shows_heading_date_house_people_department_and_snippets(
    client, doocey_question
):
    response = page(client, q="morale")
    assert response.status_code == 200
    body = text_of(response)
    assert "Police: Morale" in body
    assert doocey_question.get_absolute_url() in body
    assert '<time datetime="2024-08-01">1 August 2024</time>' in body
    assert "Lords" in body
    assert "Baroness Doocey" in body and "(Liberal Democrat, Life peer)" in body
    assert "Home Office" in body
    assert "Lord Hanson of Flint" in body and "Minister of State" in body
    assert "police <mark>morale</mark>" in body


def test_result_count_is_shown_exactly_below_the_cap(client):
    QuestionFactory.create_batch(3, heading="Ferries")
    assert "3 questions" in text_of(page(client, q="ferries"))


def test_result_count_past_the_cap_says_more_than(client, monkeypatch):
    monkeypatch.setattr(engine, "COUNT_CAP", 2)
    monkeypatch.setattr(engine, "SUMMARY_WINDOW", 2)
    monkeypatch.setattr(engine, "RANK_WINDOW", 2)
    QuestionFactory.create_batch(3, heading="Ferries")
    body = text_of(page(client, q="ferries"))
    assert "More than 2 questions" in body
    assert "Counts from the first 2 matches found, not all of them" in body
    assert "ranked among the first 2 matches found" in body


def test_page_title_describes_the_search(client, doocey_question):
    body = text_of(page(client, q="police  morale", house="Lords", page=1))
    title = re.search(r"<title>(.*?)</title>", body, re.S)[1]
    assert title.startswith("“police morale”, House: Lords")


def test_a_search_with_nothing_lists_every_question_newest_first(client):
    old = QuestionFactory(date_answered=dt.date(2001, 1, 1))
    new = QuestionFactory(date_answered=dt.date(2021, 1, 1))
    body = text_of(page(client))
    assert body.index(new.get_absolute_url()) < body.index(old.get_absolute_url())
    assert "All questions" in body


# --- Filters, chips, facets --------------------------------------------------------------------


def test_active_filters_are_chips_whose_links_remove_them(client, doocey_question):
    response = page(client, q="police", department="Home Office", status="answered")
    body = text_of(response)
    assert "Department: Home Office" in body
    assert "Status: Answered" in body
    removers = [link for link in links(response) if "status=" not in link and "q=police" in link]
    assert "?q=police&department=Home+Office" in removers
    assert "Remove all filters" in body


def test_a_facet_value_links_to_the_search_with_that_filter_added(client, doocey_question):
    response = page(client, q="police")
    assert "?q=police&asker=Baroness+Doocey" in links(response)
    assert "?q=police&department=Home+Office" in links(response)
    assert "?q=police&house=Lords" in links(response)
    assert "?q=police&date_from=2024-01-01&date_to=2024-12-31" in links(response)


def test_a_year_facet_keeps_a_narrower_date_range(client, doocey_question):
    response = page(client, date_from="2024-06-01")
    assert "?date_from=2024-06-01&date_to=2024-12-31" in links(response)


def test_the_filter_form_is_filled_with_the_current_filters(client, doocey_question):
    body = text_of(page(client, asker="Baroness Doocey", date_from="2024-01-01"))
    assert 'name="asker" value="Baroness Doocey"' in body
    assert 'name="date_from" value="2024-01-01"' in body


def test_sort_links_keep_the_search_and_mark_the_current_order(client, doocey_question):
    response = page(client, q="police", house="Lords")
    assert "?q=police&house=Lords&sort=newest" in links(response)
    assert "?q=police&house=Lords&sort=oldest" in links(response)
    assert '<span aria-current="true">Best match</span>' in text_of(response)


def test_exports_link_to_csv_and_atom_of_the_same_search(client, doocey_question):
    response = page(client, q="police", house="Lords")
    assert "/search.csv?q=police&house=Lords" in links(response)
    assert "/search.atom?q=police&house=Lords" in links(response)


# --- Timeline ----------------------------------------------------------------------------------


def test_the_timeline_is_an_accessible_inline_svg_with_a_bar_per_year(client):
    QuestionFactory(date_answered=dt.date(2019, 5, 1))
    QuestionFactory(date_answered=dt.date(2022, 5, 1))
    response = page(client)
    svg = re.search(r"<svg.*?</svg>", text_of(response), re.S)[0]
    assert 'aria-labelledby="timeline-svg-title timeline-svg-desc"' in svg
    assert '<title id="timeline-svg-title">Matching questions by year</title>' in svg
    assert "<desc" in svg and "from 2019 to 2022" in svg
    assert svg.count("<rect") == 4
    assert 'aria-label="2020: 0 questions"' in svg
    assert "?date_from=2019-01-01&date_to=2019-12-31" in links(response)


# --- Pagination --------------------------------------------------------------------------------


def test_pagination_links_to_neighbouring_pages(client, monkeypatch):
    QuestionFactory.create_batch(engine.PAGE_SIZE * 2 + 1, heading="Piers")
    response = page(client, q="piers", page=2)
    hrefs = links(response)
    assert "?q=piers" in hrefs  # page 1 carries no page parameter
    assert "?q=piers&page=3" in hrefs
    assert 'aria-current="page"' in text_of(response)
    assert 'start="21"' in text_of(response)


def test_the_last_reachable_page_says_why_there_are_no_more(client, monkeypatch):
    monkeypatch.setattr(engine, "MAX_PAGE", 2)
    QuestionFactory.create_batch(engine.PAGE_SIZE * 2 + 1, heading="Piers")
    response = page(client, q="piers", page=2)
    body = text_of(response)
    assert "Only the first 2 pages are shown" in body
    assert "?q=piers&page=3" not in links(response)


def test_a_page_past_the_maximum_depth_is_a_friendly_400(client):
    response = page(client, q="piers", page=engine.MAX_PAGE + 1)
    assert response.status_code == 400
    assert f"Only the first {engine.MAX_PAGE} pages of results are shown" in text_of(response)


def test_a_page_past_the_last_page_is_empty_with_a_way_back(client):
    QuestionFactory(heading="Piers")
    response = page(client, q="piers", page=3)
    assert response.status_code == 200
    assert "No results on this page" in text_of(response)


# --- Problems and empty results ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "lost"}, "Status must be one of: answered, unanswered"),
        ({"house": "Senate"}, "House must be one of: Commons, Lords"),
        ({"sort": "random"}, "Sort must be one of: relevance, newest, oldest"),
        ({"date_from": "2024-02-30"}, "Enter a date as YYYY-MM-DD"),
        ({"date_to": "yesterday"}, "Enter a date as YYYY-MM-DD"),
        ({"date_from": "2024-02-01", "date_to": "2024-01-01"}, "“from” date is after"),
        ({"page": "0"}, "page number must be 1 or more"),
        ({"page": "two"}, "page number must be a whole number"),
        ({"q": "!!!"}, "Your search has no words to look for"),
        ({"q": "x" * 1001}, "Your search is too long"),
    ],
)
def test_bad_parameters_give_a_friendly_page_with_status_400(client, params, message):
    response = page(client, **params)
    assert response.status_code == 400
    assert message in text_of(response)
    assert "search tips" in text_of(response)


def test_filter_values_are_accepted_in_any_case(client, doocey_question):
    response = page(client, house="lords", status="ANSWERED", sort="Newest")
    assert response.status_code == 200
    assert doocey_question.get_absolute_url() in text_of(response)


def test_no_results_suggest_removing_filters_and_show_the_tips(client, doocey_question):
    response = page(client, q="zeppelins", house="Lords")
    body = text_of(response)
    assert response.status_code == 200
    assert "No questions match" in body
    assert "search without any filters" in body
    assert "?q=zeppelins" in links(response)
    assert "Searching tips" in body


def test_a_search_of_stop_words_explains_itself(client, doocey_question):
    body = text_of(page(client, q="the and of"))
    assert "Nothing to search for" in body
    assert "very common words" in body


# --- Escaping ----------------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> &amp; " onclick="alert(2)'


def test_hostile_document_text_is_escaped_in_results(client):
    QuestionFactory(
        heading=f"Erosion {HOSTILE}",
        question_text=f"Erosion {HOSTILE}",
        answer_text=f"Erosion {HOSTILE}",
        asker=MemberFactory(name=f"Erosion {HOSTILE}", party=HOSTILE, seat=HOSTILE),
        department=DepartmentFactory(name=f"Dept {HOSTILE}"),
    )
    for params in ({"q": "erosion"}, {}):
        body = text_of(page(client, **params))
        assert "<script>alert" not in body
        assert "<img src=x" not in body
        assert 'onclick="alert' not in body
        assert "&lt;script&gt;" in body


def test_a_hostile_query_is_escaped_in_the_form_and_title(client):
    response = page(client, q=HOSTILE, asker=HOSTILE)
    body = text_of(response)
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert 'onclick="alert' not in body


# --- Query counts ------------------------------------------------------------------------------


@pytest.fixture
def busy_archive():
    home = DepartmentFactory(name="Home Office")
    for day in range(1, 26):
        QuestionFactory(heading="Police", department=home, date_answered=dt.date(2020, 1, day))


def test_a_results_page_with_words_and_a_filter_takes_ten_queries(
    client, busy_archive, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(engine, "COMMON_SHARE", 2)  # never common: the GIN strategy
    # savepoint, planner settings and stop-word check, the department's id, two planner
    # estimates, the window (count, facets, timeline, page ids), release, rows, facet
    # members, facet departments
    with django_assert_num_queries(10):
        assert page(client, q="police", department="Home Office").status_code == 200


def test_a_results_page_of_common_words_takes_one_more_query(
    client, busy_archive, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(engine, "COMMON_SHARE", 0)  # always common: the date-walk strategy
    # as above, and the planner settings for a walk
    with django_assert_num_queries(11):
        assert page(client, q="police", department="Home Office").status_code == 200


def test_a_results_page_without_words_or_named_filters_takes_four_queries(
    client, busy_archive, django_assert_num_queries
):
    # the window, rows, facet members, facet departments
    with django_assert_num_queries(4):
        assert page(client, sort="oldest", page=2).status_code == 200


def test_a_bad_search_takes_no_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert page(client, status="lost").status_code == 400


# --- Home and tips -----------------------------------------------------------------------------


def test_home_page_has_a_search_box_counts_and_example_searches(client):
    QuestionFactory.create_batch(2)
    response = client.get("/")
    body = text_of(response)
    assert '<label for="q">' in body and 'name="q"' in body
    assert "<strong>2</strong> questions" in body
    assert "<strong>4</strong> members" in body
    assert "<strong>2</strong> departments" in body
    examples = [link for link in links(response) if link.startswith("/search?q=")]
    assert len(examples) >= 4


def test_search_tips_document_the_syntax_with_examples(client):
    body = text_of(client.get("/search/tips/"))
    for syntax in ('"police pay"', "immigra*", " OR ", "-insurance", "heading:", "asker:"):
        assert syntax in body.replace("&quot;", '"')
    assert f"first {engine.MAX_PAGE} pages" in body


@pytest.mark.parametrize("url", ["/", "/search", "/search?q=police", "/search/tips/"])
def test_pages_have_no_inline_scripts_or_styles_and_have_landmarks(client, url, doocey_question):
    body = text_of(client.get(url))
    assert "<script" not in body
    assert "style=" not in body
    assert "<style" not in body
    assert '<main id="main"' in body
    assert 'class="skip-link" href="#main"' in body
    assert "archive.css" in body


# --- Nothing a reader types makes a 500 ----------------------------------------------------------

values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from("<>\"&'\\:*()-! \x00ORANDNOT"), max_size=30),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "50",
            "51",
            "2024-02-29",
            "2023-02-29",
            "9999-12-31",
            "0001-01-01",
            "answered",
            "Lords",
            "newest",
            "relevance",
            "x" * 3000,
        ]
    ),
)
parameters = st.dictionaries(
    st.sampled_from(
        [
            "q",
            "asker",
            "answerer",
            "department",
            "house",
            "status",
            "date_from",
            "date_to",
            "sort",
            "page",
        ]
    ),
    values,
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=parameters)
def test_any_parameters_give_200_or_400_never_500(client, doocey_question, params):
    for url in ("/search", "/api/questions"):
        response = client.get(url, params)
        assert response.status_code in (200, 400), (url, params)
        if url.startswith("/api") and response.status_code == 400:
            assert set(response.json()) == {"error"}


def test_parameters_with_nul_bytes_are_rejected_politely(client):
    for url in ("/search", "/api/questions", "/search.csv", "/search.atom"):
        assert client.get(url, {"q": "police\x00"}).status_code == 400
        assert client.get(url, {"asker": "a\x00b"}).status_code == 400


def test_a_repeated_parameter_uses_its_last_value(client, doocey_question):
    response = client.get("/search?house=Commons&house=Lords&q=police")
    assert response.status_code == 200
    assert doocey_question.get_absolute_url() in text_of(response)


def test_statuses_are_all_offered_in_the_filter_form(client):
    body = text_of(page(client))
    for status in Status:
        assert f'<option value="{status.value}">' in body
