"""Merging members and departments that are one under different spellings."""

import pytest

from archive.merging import (
    MergeError,
    departments_with_counts,
    members_with_counts,
    merge_departments,
    merge_members,
    suggest_department_survivor,
    suggest_member_survivor,
)
from archive.models import Department, Member, Question
from ingest.loader import resolve_department, resolve_member
from ingest.parsers.base import ParsedMember
from tests.factories import DepartmentFactory, MemberFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_merging_members_moves_their_questions_asked_and_answered():
    survivor = MemberFactory(name="Jane Smith")
    variant = MemberFactory(name="Ms Jane Smith")
    asked = QuestionFactory(asker=variant)
    answered = QuestionFactory(answerer=variant)

    result = merge_members(survivor, [variant])

    asked.refresh_from_db()
    answered.refresh_from_db()
    assert asked.asker == survivor
    assert answered.answerer == survivor
    assert sorted(result.moved_question_ids) == sorted([asked.pk, answered.pk])
    assert not Member.objects.filter(pk=variant.pk).exists()


def test_moved_questions_carry_the_survivors_name_into_search():
    survivor = MemberFactory(name="Jane Smith")
    variant = MemberFactory(name="Ms J Smyth")
    question = QuestionFactory(asker=variant)

    merge_members(survivor, [variant])

    question.refresh_from_db()
    assert question.asker_name == "Jane Smith"
    assert Question.objects.filter(search_vector="smith").filter(pk=question.pk).exists()


def test_merged_member_names_and_aliases_become_the_survivors_aliases():
    survivor = MemberFactory(name="Jane Smith", aliases=["J. Smith"])
    variant = MemberFactory(name="Ms Jane Smith", aliases=["Mrs Jane Smith"])
    same_name = MemberFactory(name="Jane Smith")

    merge_members(survivor, [variant, same_name])

    survivor.refresh_from_db()
    assert survivor.aliases == ["J. Smith", "Ms Jane Smith", "Mrs Jane Smith"]


def test_an_ingest_of_a_merged_spelling_lands_on_the_survivor():
    survivor = MemberFactory(name="Jane Smith", house="Commons")
    variant = MemberFactory(name="Ms Jane Smith", house="Commons")
    merge_members(survivor, [variant])

    assert resolve_member(ParsedMember(name="Ms Jane Smith"), "Commons") == survivor


def test_the_survivors_missing_details_are_filled_from_the_merged_members():
    survivor = MemberFactory(name="", party="", seat="", parliament_id=4001)
    variant = MemberFactory(name="Jane Smith", party="Labour", seat="Leeds North", twfy_id="p/1")
    question = QuestionFactory(asker=survivor)

    result = merge_members(survivor, [variant])

    survivor.refresh_from_db()
    assert (survivor.name, survivor.party, survivor.seat) == ("Jane Smith", "Labour", "Leeds North")
    assert (survivor.parliament_id, survivor.twfy_id) == (4001, "p/1")
    assert result.filled == ["name", "party", "seat", "twfy_id"]
    # A question the id-only survivor already had now shows the name it gained.
    question.refresh_from_db()
    assert question.asker_name == "Jane Smith"


def test_the_survivor_can_take_over_a_merged_members_unique_id():
    survivor = MemberFactory(name="Jane Smith")
    variant = MemberFactory(name="Ms Jane Smith", parliament_id=4001)

    merge_members(survivor, [variant])

    survivor.refresh_from_db()
    assert survivor.parliament_id == 4001


def test_members_with_different_parliament_ids_are_not_merged():
    survivor = MemberFactory(name="John Smith", parliament_id=1)
    namesake = MemberFactory(name="John Smith", parliament_id=2)
    question = QuestionFactory(asker=namesake)

    with pytest.raises(MergeError, match="different people"):
        merge_members(survivor, [namesake])

    question.refresh_from_db()
    assert question.asker == namesake
    assert Member.objects.filter(pk=namesake.pk).exists()


def test_a_merge_needs_a_record_besides_the_survivor():
    survivor = MemberFactory()
    with pytest.raises(MergeError, match="at least two"):
        merge_members(survivor, [survivor])


def test_the_suggested_member_is_the_one_with_most_questions():
    quiet = MemberFactory(name="Jane Smith")
    busy = MemberFactory(name="Ms Jane Smith")
    QuestionFactory.create_batch(2, asker=busy)
    QuestionFactory(asker=quiet)

    members = list(members_with_counts(Member.objects.filter(pk__in=[quiet.pk, busy.pk])))

    assert suggest_member_survivor(members) == busy


def test_merging_departments_moves_questions_and_keeps_the_old_name_as_an_alias():
    survivor = DepartmentFactory(name="Home Office")
    variant = DepartmentFactory(name="the Home Office")
    question = QuestionFactory(department=variant)

    result = merge_departments(survivor, [variant])

    question.refresh_from_db()
    survivor.refresh_from_db()
    assert question.department == survivor
    assert question.department_name == "Home Office"
    assert survivor.aliases == ["the Home Office"]
    assert result.moved_question_ids == [question.pk]
    assert not Department.objects.filter(pk=variant.pk).exists()
    assert resolve_department("the Home Office") == survivor


def test_the_suggested_department_has_most_questions_then_the_shorter_name():
    long_name = DepartmentFactory(name="the Home Office")
    short_name = DepartmentFactory(name="Home Office")
    departments = list(departments_with_counts(Department.objects.all()))
    assert suggest_department_survivor(departments) == short_name

    QuestionFactory(department=long_name)
    departments = list(departments_with_counts(Department.objects.all()))
    assert suggest_department_survivor(departments) == long_name
