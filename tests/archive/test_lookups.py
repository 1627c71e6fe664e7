"""``field__any``: one array parameter, the rows ``field__in`` finds."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from archive.models import Member, Question
from tests.factories import MemberFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_any_finds_what_in_finds_for_text_and_numbers():
    questions = QuestionFactory.create_batch(4)
    members = [MemberFactory(parliament_id=4000 + i) for i in range(3)]
    prints = {questions[0].fingerprint, questions[2].fingerprint, "no such fingerprint"}
    ids = [4000, 4002, 9999]

    assert (
        set(Question.objects.filter(fingerprint__any=prints))
        == set(Question.objects.filter(fingerprint__in=prints))
        == {questions[0], questions[2]}
    )
    assert set(Member.objects.filter(parliament_id__any=ids)) == {members[0], members[2]}
    assert not Question.objects.filter(fingerprint__any=[]).exists()


def test_any_sends_the_values_as_one_parameter_however_many():
    names = [f"Member {i}" for i in range(300)]
    with CaptureQueriesContext(connection) as queries:
        list(Member.objects.filter(Q(name__any=names) | Q(parliament_id__any=[1, 2])))

    (query,) = queries.captured_queries
    assert '"archive_member"."name" = ANY(\'{' in query["sql"]
    assert " IN (" not in query["sql"]
