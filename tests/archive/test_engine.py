"""The search engine: matching, filters, sorts, caps, facets, timeline and snippets."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from archive.models import House, Status
from archive.search import engine
from archive.search.engine import SearchParams, Sort
from tests.factories import DepartmentFactory, MemberFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def ids(results: engine.SearchResults) -> list[int]:
    return [hit.question.pk for hit in results.hits]


def found(**params) -> set[int]:
    return set(ids(engine.search(SearchParams(**params), page_size=100)))


# --- Matching ----------------------------------------------------------------------------------


def test_words_are_found_in_heading_question_answer_and_names():
    heading = QuestionFactory(heading="Badgers: Culling")
    question = QuestionFactory(question_text="To ask about badgers in Devon.")
    answer = QuestionFactory(answer_text="Badgers are protected.")
    named = QuestionFactory(asker=MemberFactory(name="Lord Badger"))
    QuestionFactory(question_text="To ask about hedgehogs.")
    assert found(q="badger") == {heading.pk, question.pk, answer.pk, named.pk}


def test_a_name_field_query_finds_the_members_questions():
    doocey = MemberFactory(name="Baroness Doocey")
    asked = QuestionFactory(asker=doocey)
    QuestionFactory()
    assert found(q="asker:doocey") == {asked.pk}


def test_a_name_field_query_ignores_accents_on_either_side():
    sean = QuestionFactory(asker=MemberFactory(name="Seán Crowe"))
    sian = QuestionFactory(answerer=MemberFactory(name="Siân Berry"))
    QuestionFactory(asker=MemberFactory(name="Sean Other"), department=None)
    assert found(q="asker:sean asker:crowe") == {sean.pk}
    assert found(q="answerer:sian") == {sian.pk}
    assert found(q="asker:seán asker:crowe") == {sean.pk}


def test_words_match_with_or_without_their_accents():
    by_sian = QuestionFactory(asker=MemberFactory(name="Siân Berry"))
    cafe = QuestionFactory(answer_text="The café in the Palace of Westminster.")
    role = QuestionFactory(question_text="To ask about the role of the Ombudsman.")
    QuestionFactory(asker=MemberFactory(name="Ian Berry"), question_text="To ask about ports.")
    assert found(q="sian berry") == {by_sian.pk}
    assert found(q="Siân") == {by_sian.pk}
    assert found(q="cafe") == {cafe.pk}
    assert found(q='"café in the palace"') == {cafe.pk}
    assert found(q="rôle") == {role.pk}


def test_a_query_the_language_rejects_raises_query_error():
    with pytest.raises(engine.QueryError):
        engine.search(SearchParams(q="!!! ???"))


def test_a_query_of_stop_words_only_is_flagged_and_matches_nothing():
    QuestionFactory(question_text="The answer is not there.")
    results = engine.search(SearchParams(q="the"))
    assert results.only_stop_words
    assert results.count == 0
    assert results.hits == []


@pytest.mark.django_db(transaction=True)  # the search's own transaction, not a savepoint
def test_a_word_search_runs_under_the_time_limit(monkeypatch):
    """The window (the statement whose cost grows with the words) runs under
    SEARCH_TIME_LIMIT, and the limit ends with the search's transaction."""
    QuestionFactory(question_text="To ask about the police.")
    limits = []
    run_window = engine._run_window

    def window_noting_the_limit(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            limits.append(cursor.fetchone()[0])
        return run_window(*args, **kwargs)

    monkeypatch.setattr(engine, "_run_window", window_noting_the_limit)
    assert engine.search(SearchParams(q="police")).count == 1
    assert limits == [engine.SEARCH_TIME_LIMIT]
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


def test_a_stop_word_beside_a_real_word_is_ignored():
    police = QuestionFactory(question_text="To ask about the police.")
    results = engine.search(SearchParams(q="the police"))
    assert not results.only_stop_words
    assert ids(results) == [police.pk]


# --- Filters -----------------------------------------------------------------------------------


def test_asker_filter_matches_the_display_name_in_any_case():
    doocey = MemberFactory(name="Baroness Doocey")
    asked = QuestionFactory(asker=doocey)
    QuestionFactory(answerer=doocey)  # answered, not asked
    assert found(asker="baroness DOOCEY") == {asked.pk}


def test_name_filters_match_names_typed_without_their_accents():
    asked = QuestionFactory(asker=MemberFactory(name="Órfhlaith Begley"))
    answered = QuestionFactory(answerer=MemberFactory(name="Siân Berry"))
    to_body = QuestionFactory(department=DepartmentFactory(name="Département Écosse"))
    QuestionFactory()
    assert found(asker="orfhlaith begley") == {asked.pk}
    assert found(answerer="Sian Berry") == {answered.pk}
    assert found(department="departement ecosse") == {to_body.pk}
    # And typed with them, as the facets link them.
    assert found(asker="Órfhlaith Begley") == {asked.pk}


def test_answerer_filter_matches_the_display_name():
    hanson = MemberFactory(name="Lord Hanson of Flint")
    answered = QuestionFactory(answerer=hanson)
    QuestionFactory(asker=hanson)
    assert found(answerer="Lord Hanson of Flint") == {answered.pk}
    assert found(answerer="lord  hanson of\tflint ") == {answered.pk}


def test_a_prefix_spelling_a_stop_word_finds_the_words_it_starts():
    justice = QuestionFactory(question_text="To ask about the Ministry of Justice.")
    QuestionFactory(question_text="To ask about prisons.")
    results = engine.search(SearchParams(q="just*"))
    assert not results.only_stop_words
    assert ids(results) == [justice.pk]


def test_a_question_number_typed_as_a_search_finds_the_question():
    lords = QuestionFactory(uin="HL2005", question_text="To ask about ferries.")
    commons = QuestionFactory(uin="30083", question_text="To ask about buses.")
    citing = QuestionFactory(answer_text="As I said in answer to question 30083, yes.")
    QuestionFactory(uin="2024", question_text="To ask about trains.")
    assert found(q="hl2005") == {lords.pk}
    assert found(q="30083") == {commons.pk, citing.pk}
    assert found(q="buses 30083") == {commons.pk}
    # Shorter numbers are figures far more often than questions: words only.
    assert found(q="2024") == set()


def test_a_member_known_only_by_id_is_found_by_their_display_name():
    anonymous = MemberFactory(name="", parliament_id=4321)
    asked = QuestionFactory(asker=anonymous)
    assert anonymous.display_name == "Member #4321"
    assert found(asker="Member #4321") == {asked.pk}
    # Typed rather than clicked: any case, spaces or none.
    assert found(asker="member # 4321") == {asked.pk}
    assert found(asker="MEMBER #4321") == {asked.pk}


def test_an_unknown_asker_matches_nothing_without_searching(django_assert_num_queries):
    QuestionFactory()
    with django_assert_num_queries(1):  # the name lookup
        results = engine.search(SearchParams(asker="Nobody At All"))
    assert results.count == 0
    assert results.hits == []


def test_department_filter_matches_the_name_in_any_case():
    home = DepartmentFactory(name="Home Office")
    to_home = QuestionFactory(department=home)
    QuestionFactory()
    assert found(department="home office") == {to_home.pk}


def test_house_filter():
    lords = QuestionFactory(house=House.LORDS)
    QuestionFactory(house=House.COMMONS)
    assert found(house="Lords") == {lords.pk}


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_status_filter(status):
    wanted = QuestionFactory(status=status)
    other = next(s for s in Status if s != status)
    QuestionFactory(status=other)
    assert found(status=status) == {wanted.pk}


def test_date_range_uses_the_answer_date_or_else_the_tabled_date():
    answered_in_range = QuestionFactory(
        date_tabled=dt.date(2019, 12, 1), date_answered=dt.date(2020, 1, 5)
    )
    tabled_in_range_unanswered = QuestionFactory(
        date_tabled=dt.date(2020, 2, 1), date_answered=None, status=Status.UNANSWERED
    )
    QuestionFactory(date_tabled=dt.date(2020, 1, 5), date_answered=dt.date(2021, 1, 5))
    QuestionFactory(date_tabled=dt.date(2019, 1, 5), date_answered=dt.date(2019, 2, 5))
    matched = found(date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 12, 31))
    assert matched == {answered_in_range.pk, tabled_in_range_unanswered.pk}


def test_date_bounds_are_inclusive():
    first = QuestionFactory(date_answered=dt.date(2020, 1, 1))
    last = QuestionFactory(date_answered=dt.date(2020, 1, 31))
    assert found(date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 1, 31)) == {
        first.pk,
        last.pk,
    }


def test_filters_combine_with_words_and_with_each_other():
    home = DepartmentFactory(name="Home Office")
    wanted = QuestionFactory(department=home, house=House.LORDS, heading="Police: Pay")
    QuestionFactory(department=home, house=House.COMMONS, heading="Police: Pay")
    QuestionFactory(department=home, house=House.LORDS, heading="Prisons")
    QuestionFactory(house=House.LORDS, heading="Police: Pay")
    assert found(q="police", department="Home Office", house="Lords") == {wanted.pk}


def test_filters_alone_list_questions_newest_first():
    home = DepartmentFactory(name="Home Office")
    old = QuestionFactory(department=home, date_answered=dt.date(2020, 1, 1))
    new = QuestionFactory(department=home, date_answered=dt.date(2022, 1, 1))
    results = engine.search(SearchParams(department="Home Office"))
    assert results.sort == Sort.NEWEST
    assert ids(results) == [new.pk, old.pk]


def test_member_and_department_ids_pin_one_record_even_among_namesakes():
    first, second = MemberFactory(name="John Smith"), MemberFactory(name="John Smith")
    by_first = QuestionFactory(asker=first)
    by_second = QuestionFactory(asker=second)
    assert found(asker="John Smith") == {by_first.pk, by_second.pk}
    assert found(asker_id=first.pk) == {by_first.pk}


# --- Sorting -----------------------------------------------------------------------------------


def test_relevance_is_the_default_with_words_and_ranks_heading_matches_first():
    in_answer = QuestionFactory(answer_text="Something about lighthouses.")
    in_heading = QuestionFactory(heading="Lighthouses")
    results = engine.search(SearchParams(q="lighthouses"))
    assert results.sort == Sort.RELEVANCE
    assert ids(results) == [in_heading.pk, in_answer.pk]


def test_relevance_without_words_falls_back_to_newest():
    assert engine.effective_sort(SearchParams(sort=Sort.RELEVANCE), None) == Sort.NEWEST
    compiled = engine.compile_query("asker:smith")
    assert engine.effective_sort(SearchParams(q="asker:smith"), compiled) == Sort.NEWEST


@pytest.fixture
def dated():
    """Three dated questions mentioning canals and one with no date at all."""
    old = QuestionFactory(heading="Canals", date_tabled=dt.date(2001, 1, 1), date_answered=None)
    middle = QuestionFactory(heading="Canals", date_answered=dt.date(2010, 1, 1))
    new = QuestionFactory(heading="Canals", date_answered=dt.date(2020, 1, 1))
    undated = QuestionFactory(heading="Canals", date_tabled=None, date_answered=None)
    # Which walk a search takes follows the planner's estimate of the questions it allows:
    # left to autovacuum, that estimate comes from whatever rows earlier tests committed.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_question")
    return old, middle, new, undated


def test_newest_and_oldest_sorts_put_undated_questions_last(dated):
    old, middle, new, undated = dated
    newest = engine.search(SearchParams(q="canals", sort=Sort.NEWEST))
    oldest = engine.search(SearchParams(q="canals", sort=Sort.OLDEST))
    assert ids(newest) == [new.pk, middle.pk, old.pk, undated.pk]
    assert ids(oldest) == [old.pk, middle.pk, new.pk, undated.pk]


def sql_of(params: SearchParams) -> str:
    with CaptureQueriesContext(connection) as captured:
        engine.search(params)
    return "\n".join(query["sql"] for query in captured.captured_queries)


def test_few_matches_are_sorted_within_the_window_without_another_query(dated):
    sql = sql_of(SearchParams(q="canals", sort=Sort.NEWEST))
    assert "row_number() OVER (ORDER BY date DESC NULLS LAST, id DESC)" in sql
    assert "ORDER BY (" not in sql  # no separate date-ordered query


def test_many_word_matches_are_sorted_by_a_date_expression_no_index_provides(dated, monkeypatch):
    monkeypatch.setattr(engine, "COUNT_CAP", 2)
    monkeypatch.setattr(engine, "DATE_WALK_BUDGET", 0)
    old, middle, new, undated = dated
    sql = sql_of(SearchParams(q="canals", sort=Sort.NEWEST))
    assert '("archive_question"."date" + 0) DESC NULLS LAST' in sql
    newest = engine.search(SearchParams(q="canals", sort=Sort.NEWEST))
    assert ids(newest) == [new.pk, middle.pk, old.pk, undated.pk]
    oldest = engine.search(SearchParams(q="canals", sort=Sort.OLDEST))
    assert ids(oldest) == [old.pk, middle.pk, new.pk, undated.pk]


def test_early_pages_of_many_word_matches_walk_the_date_index(dated, monkeypatch):
    monkeypatch.setattr(engine, "COUNT_CAP", 2)
    monkeypatch.setattr(engine, "DATE_WALK_BUDGET", 10**9)
    old, middle, new, _ = dated
    sql = sql_of(SearchParams(q="canals", sort=Sort.NEWEST))
    assert "+ 0" not in sql
    assert "set_config('enable_indexscan', 'on', true)" in sql
    assert ids(engine.search(SearchParams(q="canals", sort=Sort.NEWEST))) == [
        new.pk,
        middle.pk,
        old.pk,
    ]


def test_many_matches_without_words_are_sorted_by_the_indexed_date(dated, monkeypatch):
    monkeypatch.setattr(engine, "COUNT_CAP", 2)
    old, middle, new, undated = dated
    sql = sql_of(SearchParams(sort=Sort.NEWEST))
    assert "+ 0" not in sql
    assert 'ORDER BY "archive_question"."date" DESC' in sql
    assert ids(engine.search(SearchParams(sort=Sort.NEWEST))) == [new.pk, middle.pk, old.pk]
    oldest = engine.search(SearchParams(sort=Sort.OLDEST))
    assert ids(oldest) == [old.pk, middle.pk, new.pk, undated.pk]


def test_word_searches_forbid_sequential_scans_for_their_transaction(dated):
    sql = sql_of(SearchParams(q="canals"))
    assert "set_config('enable_seqscan', 'off', true)" in sql
    assert "set_config" not in sql_of(SearchParams(house="Commons"))


# --- Common words ------------------------------------------------------------------------------


@pytest.fixture
def common(monkeypatch):
    """Every word search counts as common; windows of two."""
    monkeypatch.setattr(engine, "COMMON_MIN_MATCHES", 0)
    monkeypatch.setattr(engine, "COMMON_SHARE", 0)
    monkeypatch.setattr(engine, "WALK_ROW_US", 0)
    monkeypatch.setattr(engine, "RECENT_WINDOW", 2)
    monkeypatch.setattr(engine, "RECENT_SCAN", 100)


@pytest.mark.parametrize("sort", [Sort.NEWEST, Sort.OLDEST])
def test_a_walk_reads_the_text_a_phrase_of_stop_words_is_checked_against(dated, common, sort):
    kept = QuestionFactory(
        answer_text="It is not held centrally.", date_answered=dt.date(2022, 1, 1)
    )
    QuestionFactory(answer_text="It is held centrally.", date_answered=dt.date(2023, 1, 1))
    results = engine.search(SearchParams(q='"not held centrally"', sort=sort))
    assert results.strategy == engine.Strategy.RECENT
    assert ids(results) == [kept.pk]


def test_a_walk_reads_the_names_a_phrase_of_stop_words_is_checked_against(dated, common):
    hanson = MemberFactory(name="Lord Hanson of Flint")
    kept = QuestionFactory(answerer=hanson, date_answered=dt.date(2022, 1, 1))
    results = engine.search(SearchParams(q='"Hanson of Flint"', sort=Sort.NEWEST))
    assert results.strategy == engine.Strategy.RECENT
    assert ids(results) == [kept.pk]


def test_common_words_are_summarised_over_the_newest_matches(dated, common):
    _, middle, new, _ = dated
    QuestionFactory(heading="Rivers", date_answered=dt.date(2030, 1, 1))
    results = engine.search(SearchParams(q="canals", sort=Sort.NEWEST), page_size=2)
    assert results.strategy == engine.Strategy.RECENT
    assert results.count_capped
    assert ids(results) == [new.pk, middle.pk]
    assert results.summary_window == engine.Window(2, "newest")
    assert facet(results, "year") == [("2020", 1), ("2010", 1)]
    assert str(results.summary_window) == "the 2 newest matches"


def test_common_words_claim_more_than_the_cap_only_when_the_planner_expects_many(
    dated, common, monkeypatch
):
    assert engine.search(SearchParams(q="canals")).count == engine.COUNT_CAP
    monkeypatch.setattr(engine, "COMMON_MIN_MATCHES", 10**9)
    results = engine.search(SearchParams(q="canals"))
    assert (results.count, results.count_capped) == (2, True)  # the window the walk filled


def test_common_words_sorted_oldest_take_the_oldest_matches(dated, common):
    old, middle, _, _ = dated
    results = engine.search(SearchParams(q="canals", sort=Sort.OLDEST), page_size=2)
    assert ids(results) == [old.pk, middle.pk]
    assert results.summary_window == engine.Window(2, "oldest")


def test_common_words_are_ranked_among_the_newest_matches(dated, common):
    _, middle, new, _ = dated
    results = engine.search(SearchParams(q="canals"))
    assert results.sort == Sort.RELEVANCE
    assert set(ids(results)) == {new.pk, middle.pk}
    assert results.ranking_window == engine.Window(2, "newest")


def test_a_walk_reading_every_allowed_question_counts_exactly(dated, common, monkeypatch):
    monkeypatch.setattr(engine, "RECENT_SCAN", 10**6)
    QuestionFactory(heading="Canals", house=House.LORDS)
    results = engine.search(SearchParams(q="canals", house="Lords"))
    assert results.strategy == engine.Strategy.RECENT
    assert (results.count, results.count_capped, results.stopped_after) == (1, False, None)
    assert results.summary_window is None


def test_a_walk_of_every_allowed_question_keeps_undated_ones_last(dated, common, monkeypatch):
    monkeypatch.setattr(engine, "RECENT_WINDOW", 10)
    old, middle, new, undated = dated
    results = engine.search(SearchParams(q="canals", sort=Sort.NEWEST))
    assert results.strategy == engine.Strategy.RECENT
    assert ids(results) == [new.pk, middle.pk, old.pk, undated.pk]
    assert (results.count, results.count_capped) == (4, False)


def test_only_a_walk_that_needs_a_sort_reads_rows_by_address(dated, common, monkeypatch):
    # Sorting the walked rows themselves would copy every search vector into the sort.
    every_question = sql_of(SearchParams(q="canals", sort=Sort.NEWEST))
    assert "LATERAL (SELECT * FROM archive_question WHERE archive_question.ctid" in every_question
    monkeypatch.setattr(engine, "RECENT_SCAN", 1)  # a walk of the date index, in its order
    assert "LATERAL" not in sql_of(SearchParams(q="canals", sort=Sort.NEWEST))
    monkeypatch.setattr(engine, "RECENT_SCAN", 10**6)
    monkeypatch.setattr(engine, "WHOLE_POOL_MAX", 1)  # too many to sort
    assert "LATERAL" not in sql_of(SearchParams(q="canals", sort=Sort.NEWEST))


def test_words_rarer_than_expected_report_what_the_walk_found(dated, common, monkeypatch):
    monkeypatch.setattr(engine, "RECENT_SCAN", 1)
    _, _, new, _ = dated
    results = engine.search(SearchParams(q="canals", sort=Sort.NEWEST))
    assert ids(results) == [new.pk]
    assert (results.count, results.count_capped, results.stopped_after) == (1, True, 1)
    assert results.summary_window == engine.Window(1, "newest")


def test_a_walk_that_read_every_dated_question_says_how_many_and_pages_what_it_found(
    dated, common, monkeypatch
):
    monkeypatch.setattr(engine, "WHOLE_POOL_MAX", 0)  # a walk of the date index, dated only
    monkeypatch.setattr(engine, "RECENT_WINDOW", 5)
    results = engine.search(SearchParams(q="canals", sort=Sort.NEWEST), page_size=2)
    assert results.stopped_after == 3  # not RECENT_SCAN: the archive had no more to read
    assert (results.count, results.count_capped) == (3, True)
    assert (results.page_count, results.pages_limited) == (2, False)


def test_words_wanted_in_one_field_are_not_walked_for_when_their_candidates_fit_a_window(
    dated, common, monkeypatch
):
    # The planner counts "canals" anywhere for heading:canals, an upper bound: when that fits
    # in a window, the index window reads every candidate and counts exactly.
    in_heading = engine.search(SearchParams(q="heading:canals", sort=Sort.NEWEST))
    assert in_heading.strategy == engine.Strategy.INDEXED
    assert (in_heading.count, in_heading.count_capped) == (4, False)
    assert engine.search(SearchParams(q="canals")).strategy == engine.Strategy.RECENT
    # Excluding words from a field makes the estimate no bound at all.
    excluded = engine.search(SearchParams(q="canals -answer:rivers"))
    assert excluded.strategy == engine.Strategy.RECENT
    monkeypatch.setattr(engine, "COUNT_CAP", 0)
    assert engine.search(SearchParams(q="heading:canals")).strategy == engine.Strategy.RECENT


def test_a_common_share_is_read_through_the_index_when_the_window_costs_less(dated, monkeypatch):
    # Every match is "common" by share here; which way they are read follows the costs.
    # Through the window they are read whole, and counted exactly.
    monkeypatch.setattr(engine, "COMMON_SHARE", 0)
    monkeypatch.setattr(engine, "WALK_ROW_US", 10**6)  # a walk dearer than any window
    results = engine.search(SearchParams(q="canals", sort=Sort.NEWEST))
    assert results.strategy == engine.Strategy.INDEXED
    assert (results.count, results.count_capped, results.summary_window) == (4, False, None)
    monkeypatch.setattr(engine, "WALK_ROW_US", 2.0)
    monkeypatch.setattr(engine, "WINDOW_ROW_US", 10**6)  # a window dearer than any walk
    assert engine.search(SearchParams(q="canals")).strategy == engine.Strategy.RECENT


def test_a_walk_is_chosen_when_it_costs_less_than_the_window_would(monkeypatch):
    monkeypatch.setattr(engine, "COMMON_SHARE", 0.05)  # as shipped; conftest turns it off
    # 2,000 of 20,000 questions: a walk reads ~10,000 rows to find the newest thousand,
    # the window reads the 2,000 matches and decodes their index entries.
    few = engine._Expected(matches=2_000, pool=20_000)
    assert not few.common
    # The same matches behind a filter the index does not hold (a date range), of words
    # in 80,000 questions overall: the index decodes all of those first.
    assert engine._Expected(matches=2_000, pool=20_000, postings=80_000).common
    many = engine._Expected(matches=200_000, pool=1_000_000)
    assert many.common
    assert not engine._Expected(matches=40_000, pool=1_000_000).common  # under COMMON_SHARE


def test_only_filters_outside_the_search_index_cost_another_estimate(dated, monkeypatch):
    monkeypatch.setattr(engine, "COMMON_SHARE", 0)
    department = dated[0].department_id

    def estimates(**params) -> int:
        return sql_of(SearchParams(q="canals", **params)).count("EXPLAIN")

    assert estimates(department_id=department) == 2
    assert estimates(department_id=department, house="Commons") == 3
    monkeypatch.setattr(engine, "COMMON_SHARE", 1.1)  # nothing is common: no cost to weigh
    assert estimates(house="Commons") == 2


def test_common_words_walk_only_within_the_filters(dated, common):
    QuestionFactory(heading="Canals", house=House.LORDS, date_answered=dt.date(2021, 1, 1))
    QuestionFactory(heading="Canals", house=House.LORDS, date_answered=dt.date(2000, 1, 1))
    results = engine.search(SearchParams(q="canals", house="Lords", sort=Sort.NEWEST))
    assert results.strategy == engine.Strategy.RECENT
    assert all(hit.question.house == House.LORDS for hit in results.hits)


def test_an_export_of_common_words_walks_past_the_window(dated, common):
    old, middle, new, _ = dated
    streamed = list(engine.stream(SearchParams(q="canals", sort=Sort.NEWEST), limit=3))
    assert [q.pk for q in streamed] == [new.pk, middle.pk, old.pk]


# --- Counting and paging -----------------------------------------------------------------------


def test_count_is_exact_below_the_cap():
    QuestionFactory.create_batch(3, heading="Ferries")
    results = engine.search(SearchParams(q="ferries"))
    assert (results.count, results.count_capped) == (3, False)


def test_count_stops_at_the_cap(monkeypatch):
    monkeypatch.setattr(engine, "COUNT_CAP", 4)
    QuestionFactory.create_batch(6, heading="Ferries")
    results = engine.search(SearchParams(q="ferries"))
    assert (results.count, results.count_capped) == (4, True)
    assert results.page_count == engine.MAX_PAGE


def test_a_count_equal_to_the_cap_is_exact(monkeypatch):
    monkeypatch.setattr(engine, "COUNT_CAP", 4)
    QuestionFactory.create_batch(4, heading="Ferries")
    results = engine.search(SearchParams(q="ferries"))
    assert (results.count, results.count_capped) == (4, False)


def test_pages_hold_page_size_results_in_order():
    questions = [
        QuestionFactory(heading="Piers", date_answered=dt.date(2020, 1, day)) for day in range(1, 6)
    ]
    newest_first = [q.pk for q in reversed(questions)]
    first = engine.search(SearchParams(q="piers", sort=Sort.NEWEST), page_size=2)
    third = engine.search(SearchParams(q="piers", sort=Sort.NEWEST, page=3), page_size=2)
    assert ids(first) == newest_first[:2]
    assert ids(third) == newest_first[4:]
    assert first.page_count == 3


def test_a_page_past_the_last_is_empty_but_keeps_the_count():
    QuestionFactory(heading="Piers")
    results = engine.search(SearchParams(q="piers", page=4))
    assert results.hits == []
    assert results.count == 1


def test_page_count_never_exceeds_the_maximum_depth(monkeypatch):
    monkeypatch.setattr(engine, "MAX_PAGE", 2)
    QuestionFactory.create_batch(5, heading="Piers")
    results = engine.search(SearchParams(q="piers"), page_size=1)
    assert results.page_count == 2
    assert results.pages_limited


# --- Relevance window --------------------------------------------------------------------------


def test_ranking_is_exact_within_the_window():
    QuestionFactory.create_batch(3, heading="Harbours")
    results = engine.search(SearchParams(q="harbours"))
    assert results.ranking_window is None


def test_ranking_past_the_window_is_flagged_and_still_pages(monkeypatch):
    monkeypatch.setattr(engine, "RANK_WINDOW", 3)
    QuestionFactory.create_batch(5, heading="Harbours")
    results = engine.search(SearchParams(q="harbours"), page_size=10)
    assert results.ranking_window == engine.Window(3, "first")
    assert len(results.hits) == 3  # only the window is ranked
    assert results.count == 5


def test_date_sorts_are_not_flagged_as_partially_ranked(monkeypatch):
    monkeypatch.setattr(engine, "RANK_WINDOW", 1)
    QuestionFactory.create_batch(3, heading="Harbours")
    results = engine.search(SearchParams(q="harbours", sort=Sort.NEWEST))
    assert results.ranking_window is None
    assert len(results.hits) == 3


# --- Facets ------------------------------------------------------------------------------------


def facet(results: engine.SearchResults, name: str) -> list[tuple[str, int]]:
    return [(value.value, value.count) for value in results.facets[name]]


def test_facets_count_departments_askers_answerers_houses_and_years():
    home, health = DepartmentFactory(name="Home Office"), DepartmentFactory(name="Health")
    doocey, hanson = MemberFactory(name="Baroness Doocey"), MemberFactory(name="Lord Hanson")
    QuestionFactory(
        department=home,
        asker=doocey,
        answerer=hanson,
        house=House.LORDS,
        date_answered=dt.date(2023, 5, 1),
    )
    QuestionFactory(
        department=home,
        asker=doocey,
        answerer=hanson,
        house=House.LORDS,
        date_answered=dt.date(2024, 5, 1),
    )
    QuestionFactory(
        department=health,
        asker=hanson,
        answerer=doocey,
        house=House.COMMONS,
        date_answered=dt.date(2024, 6, 1),
    )
    results = engine.search(SearchParams())
    assert facet(results, "department") == [("Home Office", 2), ("Health", 1)]
    assert facet(results, "asker") == [("Baroness Doocey", 2), ("Lord Hanson", 1)]
    assert facet(results, "answerer") == [("Lord Hanson", 2), ("Baroness Doocey", 1)]
    assert facet(results, "house") == [("Lords", 2), ("Commons", 1)]
    assert facet(results, "year") == [("2024", 2), ("2023", 1)]
    assert results.summary_window is None


def test_members_sharing_a_name_are_one_facet_value_counting_what_its_link_finds():
    for seat in ("Life peer", "Excepted Hereditary"):
        peer = MemberFactory(name="Lord Bradley", seat=seat)
        QuestionFactory.create_batch(2, asker=peer)
    (value,) = engine.search(SearchParams()).facets["asker"]
    assert (value.value, value.count) == ("Lord Bradley", 4)
    assert engine.search(SearchParams(asker=value.value)).count == value.count


def test_facets_follow_the_query_and_filters():
    home = DepartmentFactory(name="Home Office")
    QuestionFactory(department=home, heading="Police")
    QuestionFactory(heading="Police", house=House.LORDS)
    QuestionFactory(department=home, heading="Prisons")
    results = engine.search(SearchParams(q="police", house="Commons"))
    assert facet(results, "department") == [("Home Office", 1)]


def test_facets_show_the_top_values_only(monkeypatch):
    monkeypatch.setattr(engine, "FACET_SIZE", 2)
    busy = DepartmentFactory(name="Busy")
    QuestionFactory.create_batch(3, department=busy)
    QuestionFactory.create_batch(2)
    results = engine.search(SearchParams())
    assert len(results.facets["department"]) == 2
    assert results.facets["department"][0] == engine.FacetValue("Busy", 3)


def test_facets_are_counted_over_the_summary_window_when_matches_exceed_it(monkeypatch):
    monkeypatch.setattr(engine, "SUMMARY_WINDOW", 3)
    monkeypatch.setattr(engine, "COUNT_CAP", 3)
    QuestionFactory.create_batch(5, house=House.LORDS)
    results = engine.search(SearchParams())
    assert results.summary_window == engine.Window(3, "first")
    assert facet(results, "house") == [("Lords", 3)]


def test_no_facets_are_computed_when_not_asked_for():
    QuestionFactory()
    results = engine.search(SearchParams(), summary=False)
    assert results.facets == {}
    assert results.timeline is None
    assert results.count == 1


# --- Timeline ----------------------------------------------------------------------------------


def test_timeline_counts_years_and_fills_the_gaps():
    for year in (2018, 2018, 2021):
        QuestionFactory(date_answered=dt.date(year, 3, 1))
    timeline = engine.search(SearchParams()).timeline
    assert timeline.unit == "year"
    assert [(bar.label, bar.count) for bar in timeline.bars] == [
        ("2018", 2),
        ("2019", 0),
        ("2020", 0),
        ("2021", 1),
    ]
    assert timeline.bars[0].start == dt.date(2018, 1, 1)
    assert timeline.bars[0].end == dt.date(2018, 12, 31)


def test_timeline_counts_months_for_a_short_span():
    QuestionFactory(date_answered=dt.date(2024, 11, 3))
    QuestionFactory(date_answered=dt.date(2025, 1, 30))
    timeline = engine.search(SearchParams()).timeline
    assert timeline.unit == "month"
    assert [(bar.label, bar.count) for bar in timeline.bars] == [
        ("Nov 2024", 1),
        ("Dec 2024", 0),
        ("Jan 2025", 1),
    ]
    assert timeline.bars[-1].end == dt.date(2025, 1, 31)


def test_a_timeline_over_centuries_has_bars_of_several_years():
    # An admin's slip (year 1) beside a real date: a bar a year would be 2,000 bars.
    QuestionFactory(date_answered=dt.date(1, 1, 2), date_tabled=None)
    QuestionFactory(date_answered=dt.date(2024, 3, 1), date_tabled=None)
    timeline = engine.search(SearchParams()).timeline
    assert len(timeline.bars) <= engine.TIMELINE_MAX_BARS
    assert timeline.unit == "34-year period"
    assert (timeline.bars[0].label, timeline.bars[0].count) == ("1\u201334", 1)
    assert sum(bar.count for bar in timeline.bars) == 2
    assert timeline.bars[-1].start <= dt.date(2024, 3, 1) <= timeline.bars[-1].end


def test_a_timeline_ending_in_the_last_month_there_is():
    QuestionFactory(date_answered=dt.date(9999, 12, 31), date_tabled=None)
    timeline = engine.search(SearchParams()).timeline
    assert [(bar.label, bar.end) for bar in timeline.bars] == [("Dec 9999", dt.date(9999, 12, 31))]


def test_timeline_is_absent_when_nothing_is_dated():
    QuestionFactory(date_tabled=None, date_answered=None)
    assert engine.search(SearchParams()).timeline is None


# --- Snippets ----------------------------------------------------------------------------------


def test_snippets_mark_the_matching_words():
    QuestionFactory(
        question_text="To ask about coastal erosion in Norfolk.",
        answer_text="Erosion is monitored.",
    )
    hit = engine.search(SearchParams(q="erosion")).hits[0]
    assert "<mark>erosion</mark>" in hit.question_snippet
    assert "<mark>Erosion</mark>" in hit.answer_snippet


def test_snippets_mark_accented_words_found_without_their_accents():
    QuestionFactory(question_text="To ask about cafés.", answer_text="The Café is open.")
    hit = engine.search(SearchParams(q="cafe")).hits[0]
    assert "<mark>cafés</mark>" in hit.question_snippet
    assert "<mark>Café</mark>" in hit.answer_snippet


@pytest.mark.parametrize(
    "hostile",
    [
        '<script>alert("x")</script>',
        '<img src=x onerror="alert(1)">',
        "&lt;script&gt; &amp; &#60;b&#62;",
        '" onmouseover="alert(1)',
    ],
)
def test_snippets_escape_whatever_the_document_contains(hostile):
    QuestionFactory(question_text=f"Erosion {hostile} erosion", answer_text=f"{hostile} erosion")
    hit = engine.search(SearchParams(q="erosion")).hits[0]
    for snippet in (hit.question_snippet, hit.answer_snippet):
        without_marks = snippet.replace("<mark>", "").replace("</mark>", "")
        assert "<" not in without_marks
        assert '"' not in without_marks


def test_marker_characters_in_a_document_cannot_unbalance_the_markup():
    start, stop = engine.MARK_START, engine.MARK_STOP
    assert engine.marked(f"{stop}a{start}b{start}c") == "a<mark>bc</mark>"
    assert engine.marked(f"<b>{start}x{stop}") == "&lt;b&gt;<mark>x</mark>"


def test_no_snippets_without_words_or_when_not_asked_for():
    QuestionFactory(heading="Erosion")
    assert engine.search(SearchParams()).hits[0].question_snippet == ""
    hits = engine.search(SearchParams(q="erosion"), snippets=False).hits
    assert hits[0].question_snippet == ""


# --- Streaming and totals ----------------------------------------------------------------------


def test_stream_yields_the_same_order_up_to_the_limit(monkeypatch):
    monkeypatch.setattr(engine, "EXPORT_CHUNK", 2)
    questions = [
        QuestionFactory(heading="Locks", date_answered=dt.date(2020, 1, day)) for day in range(1, 6)
    ]
    streamed = list(engine.stream(SearchParams(q="locks", sort=Sort.OLDEST), limit=4))
    assert [q.pk for q in streamed] == [q.pk for q in questions[:4]]


def test_an_export_in_relevance_order_ranks_every_row_it_exports(monkeypatch):
    monkeypatch.setattr(engine, "RANK_WINDOW", 2)
    in_answer = QuestionFactory.create_batch(3, answer_text="About locks.")
    in_heading = QuestionFactory(heading="Locks")
    streamed = list(engine.stream(SearchParams(q="locks")))
    assert streamed[0].pk == in_heading.pk
    assert {q.pk for q in streamed} == {in_heading.pk, *(q.pk for q in in_answer)}


def test_stream_of_stop_words_is_empty():
    QuestionFactory()
    assert list(engine.stream(SearchParams(q="the"))) == []


def test_totals_count_questions_members_and_departments():
    QuestionFactory.create_batch(2)
    totals = engine.totals()
    assert totals.questions == 2
    assert not totals.questions_estimated
    assert totals.members == 4
    assert totals.departments == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "index", ["question_date", "question_asker", "question_answerer", "question_department"]
)
def test_filter_indexes_carry_every_column_a_window_reads(index):
    # Searches without words read their window from these indexes alone (index-only
    # scans); a column missing here would send every one of them back to the table.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(a.attname::text) FROM pg_attribute a"
            " JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname = %s",
            [index],
        )
        columns = set(cursor.fetchone()[0] or [])
    assert set(engine.WINDOW_COLUMNS) <= columns


@pytest.mark.parametrize(
    ("index", "keys"),
    [
        ("question_date", "date, id"),
        ("question_asker", "asker_id, date, id"),
        ("question_answerer", "answerer_id, date, id"),
        ("question_department", "department_id, date, id"),
    ],
)
def test_filter_indexes_are_ordered_as_a_date_sorted_page(index, keys):
    # Walking them newest first must need no sort, which would copy every walked row.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef(%s::regclass)", [index])
        definition = cursor.fetchone()[0]
    assert f"({keys}) INCLUDE" in definition


@pytest.mark.parametrize(
    ("filters", "column"),
    [
        (lambda q: {"department": q.department.name}, "department_id"),
        (lambda q: {"asker": q.asker.name}, "asker_id"),
        (lambda q: {"answerer": q.answerer.name}, "answerer_id"),
        (lambda q: {"department_id": q.department_id}, "department_id"),
        (lambda q: {"asker_id": q.asker_id}, "asker_id"),
    ],
    ids=["department", "asker", "answerer", "department_id", "asker_id"],
)
def test_words_and_one_record_are_looked_up_together_in_the_search_index(filters, column):
    # A B-tree bitmap of every question of a large department costs 20-30 ms at a million
    # questions, however few questions have the words (migration 0007). On a table this
    # small the planner rightly prefers the B-trees, so they are dropped for the look.
    question = QuestionFactory(heading="Canals")
    QuestionFactory.create_batch(3)
    params = SearchParams(q="canals", **filters(question))
    matching = engine._matching(engine._conditions(params), engine.compile_query(params.q))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX question_{column.removesuffix('_id')}")
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        plan = matching.explain()
        transaction.set_rollback(True)
    index_scans = [line for line in plan.splitlines() if "Index Cond" in line]
    assert len(index_scans) == 1, plan
    assert "search_vector @@" in index_scans[0] and f"{column} = " in index_scans[0], plan
    assert list(matching.values_list("id", flat=True)) == [question.pk]


def test_search_vectors_are_kept_in_the_row_not_in_toast_storage():
    # A long answer makes a vector of several KB, which the default storage would move out
    # of the row: every test of the row against words would then fetch it through TOAST.
    answer = " ".join(f"word{n}" for n in range(300))
    question = QuestionFactory(answer_text=answer)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(search_vector), pg_column_toast_chunk_id(search_vector)"
            " FROM archive_question WHERE id = %s",
            [question.pk],
        )
        size, chunk = cursor.fetchone()
    assert size > 2_000  # large enough to have been moved out of the row
    assert chunk is None
