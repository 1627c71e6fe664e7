"""The textbook baseline: it must compute what our results page shows, or the ratios flatter us."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import shapes
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_the_textbook_baseline_counts_every_facet_and_highlights_both_texts():
    wanted = QuestionFactory(answer_text="Hovercraft services to the Isle of Wight.")
    QuestionFactory(answer_text="Ferries only.")
    shape = shapes.Shape("rare word", q="hovercraft")

    with CaptureQueriesContext(connection) as queries:
        result = shapes.fts_baseline(shape)

    assert (result.count, result.ids) == (1, [wanted.pk])
    grouped = [query["sql"] for query in queries.captured_queries if "GROUP BY" in query["sql"]]
    for facet in (
        'SELECT "archive_department"."name"',
        '"asker_id" = "archive_member"."id"',
        '"answerer_id" = "archive_member"."id"',
        'SELECT "archive_question"."house"',
        "SELECT DATE_TRUNC('month'",
    ):
        assert sum(facet in sql for sql in grouped) == 1, facet
    headlines = " ".join(
        query["sql"] for query in queries.captured_queries if "ts_headline" in query["sql"]
    )
    assert "ts_headline" in headlines
    assert '"question_text"' in headlines.split("ts_headline", 2)[1]
    assert '"answer_text"' in headlines.split("ts_headline", 2)[2]
