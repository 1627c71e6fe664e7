"""Merging parsed records into the archive: identity, filling, conflicts, locks, atomicity."""

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import pytest

from archive.models import Department, Member, Provenance, Question, SourceDocument
from ingest.loader import Merger, load_document
from ingest.parsers.base import (
    QUESTION_CUT_WARNING,
    ParsedDocument,
    ParsedMember,
    ParsedQuestion,
)

pytestmark = pytest.mark.django_db

DOOCEY = ParsedMember(name="Baroness Doocey", party="Liberal Democrat", seat="Life peer")
QUESTION = "To ask His Majesty's Government what assessment they have made of police morale."


def load(*questions: ParsedQuestion, name: str = "doc.txt", layout: str = "plain-list", **kw):
    data = (name + repr(questions)).encode()
    document = ParsedDocument(layout=layout, questions=list(questions))
    return load_document(Path(name), data, hashlib.sha256(data).hexdigest(), document, **kw)


def parsed(**fields) -> ParsedQuestion:
    fields.setdefault("question_text", QUESTION)
    fields.setdefault("house", "Lords")
    return ParsedQuestion(**fields)


def test_a_new_question_is_created_with_its_people_and_department():
    report = load(
        parsed(
            asker=DOOCEY,
            department="Home Office",
            answerer=ParsedMember(name="Lord Hanson of Flint"),
            answerer_role="Minister of State (Home Office)",
            answer_text="First.\n\nSecond.",
            status="answered",
        )
    )
    assert (report.status, report.created, report.updated) == ("ingested", 1, 0)
    question = Question.objects.get()
    assert question.asker.party == "Liberal Democrat"
    assert question.asker.seat == "Life peer"
    assert question.department.name == "Home Office"
    assert question.answer_paragraphs == ["First.", "Second."]
    assert question.asker_name == "Baroness Doocey"


def test_the_same_question_from_a_second_source_fills_missing_fields():
    load(parsed(asker=DOOCEY, department="Home Office"), name="list.txt")
    report = load(
        parsed(
            question_text=QUESTION.replace("His", "Her").replace("'", "\u2019"),
            heading="Police: Morale",
            date_tabled=dt.date(2021, 2, 24),
            date_answered=dt.date(2021, 3, 10),
        ),
        name="page.txt",
    )
    assert (report.created, report.updated) == (0, 1)
    question = Question.objects.get()
    assert question.heading == "Police: Morale"
    assert question.date_tabled == dt.date(2021, 2, 24)
    assert question.asker.name == "Baroness Doocey"
    assert sorted(p.source.path for p in question.provenance.all()) == ["list.txt", "page.txt"]


def test_a_conflicting_value_keeps_the_existing_one_and_warns():
    load(parsed(answerer=ParsedMember(name="Lord A"), answerer_role="Minister"), name="one.txt")
    load(parsed(answerer_role="Captain of the Gentlemen-at-Arms"), name="two.txt")
    question = Question.objects.get()
    assert question.answerer_role == "Minister"
    assert any("answerer_role differs" in w for w in question.parse_warnings)


def test_identical_answers_to_different_questions_stay_separate():
    load(
        parsed(question_text="To ask what plans they have for A.", answer_text="Same answer."),
        parsed(question_text="To ask what plans they have for B.", answer_text="Same answer."),
    )
    assert Question.objects.count() == 2


def test_same_words_from_different_askers_are_different_questions():
    load(parsed(asker=DOOCEY))
    load(parsed(asker=ParsedMember(name="Lord Other", seat="Life peer")), name="other.txt")
    assert Question.objects.count() == 2


def test_the_same_words_asked_again_in_one_document_with_another_answer_stay_separate():
    # A member re-tables a question after an answer they found wanting; a list of their
    # questions prints both, each with its answer, and nothing else tells them apart.
    report = load(
        parsed(asker=DOOCEY, answer_text="First answer."),
        parsed(asker=DOOCEY, answer_text="Second answer."),
    )
    assert (report.created, report.updated) == (2, 0)
    assert sorted(Question.objects.values_list("answer_text", flat=True)) == [
        "First answer.",
        "Second answer.",
    ]
    # Printed twice with the same answer, it is one question.
    load(parsed(asker=DOOCEY, answer_text="First answer."), name="again.txt")
    assert Question.objects.count() == 2


def test_a_copy_without_an_asker_joins_the_question_with_its_answer():
    # Two members table the same words (a campaign); a page without the asker's name
    # belongs with the one whose answer it carries, whichever was loaded last.
    other = ParsedMember(name="Lord Other", seat="Life peer")
    load(parsed(asker=DOOCEY, answer_text="Answer to Doocey."), name="doocey.txt")
    load(parsed(asker=other, answer_text="Answer to Other."), name="other.txt")
    load(
        parsed(answer_text="Answer to Doocey.", heading="Police: Morale"),
        name="page.txt",
        layout="question-page",
    )
    assert Question.objects.get(asker__name="Baroness Doocey").heading == "Police: Morale"
    assert Question.objects.get(asker__name="Lord Other").heading == ""


def test_a_copy_without_an_asker_loaded_first_takes_only_the_question_with_its_answer():
    # The page of Other's copy, then a list holding both members' copies of the same words.
    other = ParsedMember(name="Lord Other", seat="Life peer")
    load(parsed(answer_text="Answer to Other.", heading="Police: Morale"), name="page.txt")
    load(
        parsed(asker=DOOCEY, answer_text="Answer to Doocey."),
        parsed(asker=other, answer_text="Answer to Other."),
        name="list.txt",
    )
    answers = dict(Question.objects.values_list("asker__name", "answer_text"))
    assert answers == {"Baroness Doocey": "Answer to Doocey.", "Lord Other": "Answer to Other."}
    assert Question.objects.get(asker__name="Lord Other").heading == "Police: Morale"
    assert not any(q.parse_warnings for q in Question.objects.all())


def test_one_answer_laid_out_two_ways_is_one_question():
    # A table's cells and quotes, as two sites print them.
    load(parsed(answer_text="Figures: | Kent | 412 |\n\nThe \u201cplan\u201d works."))
    load(parsed(answer_text='Figures: Kent 412 The "plan" works.'), name="other.txt")
    assert Question.objects.count() == 1


def test_uin_house_and_tabling_day_identify_a_question_whatever_its_text():
    common = {"uin": "HL1234", "date_tabled": dt.date(2024, 5, 1)}
    load(parsed(question_text="To ask about X, clipped at two hundred and fif", **common))
    load(parsed(question_text="A full text that differs", **common), name="b.txt")
    assert Question.objects.count() == 1


@pytest.mark.parametrize("api_first", [True, False], ids=["api first", "parlparse first"])
def test_a_source_without_tabling_day_merges_by_the_answer_day_in_either_order(api_first):
    # The API gives both days; parlparse files before 2014 give only the day answered.
    api = parsed(
        uin="296192",
        date_tabled=dt.date(2009, 10, 19),
        date_answered=dt.date(2009, 10, 28),
        question_text="To ask about buses, clipped at two hundred and fif",
    )
    parlparse = parsed(uin="296192", date_answered=dt.date(2009, 10, 28))
    first, second = (api, parlparse) if api_first else (parlparse, api)
    load(first, name="first.xml")
    load(second, name="second.json")
    assert Question.objects.count() == 1


def test_the_same_words_and_number_are_one_question_whoever_each_source_says_asked():
    # One source names "Mr Jim Cunningham", another "Jim Cunningham": two member records.
    common = {"uin": "174151", "house": "Commons"}
    load(
        parsed(
            asker=ParsedMember(name="Mr Jim Cunningham"), date_tabled=dt.date(2013, 11, 1), **common
        )
    )
    load(
        parsed(
            asker=ParsedMember(name="Jim Cunningham"), date_answered=dt.date(2013, 11, 6), **common
        ),
        name="b",
    )
    assert Question.objects.count() == 1


def test_a_reused_uin_in_another_session_is_another_question():
    load(parsed(uin="1234", date_tabled=dt.date(2019, 5, 1), question_text="Q one"))
    load(parsed(uin="1234", date_tabled=dt.date(2024, 5, 1), question_text="Q two"), name="b")
    assert Question.objects.count() == 2


CUT = f"{QUESTION_CUT_WARNING} by the API list export (255 characters)"


def test_a_truncated_text_never_replaces_a_full_one_but_a_full_one_replaces_it():
    key = {"uin": "5", "date_tabled": dt.date(2024, 1, 1)}
    clipped = {"question_truncated": True, "warnings": [CUT]}
    load(parsed(question_text="To ask about the whole", **clipped, **key))
    question = Question.objects.get()
    assert question.question_truncated
    assert question.parse_warnings == [CUT]
    load(parsed(question_text="To ask about the whole thing in full.", **key), name="full")
    question.refresh_from_db()
    assert question.question_text == "To ask about the whole thing in full."
    assert not question.question_truncated
    load(parsed(question_text="To ask about the", **clipped, **key), name="again")
    question.refresh_from_db()
    assert question.question_text == "To ask about the whole thing in full."
    # Neither the first clipped copy's warning nor the later one's describes the record now.
    assert question.parse_warnings == []


OLD_SCRAPE = 'superseded scrape (latest="no"): a newer scrape of this day replaces this file'


def old_and_new_copies() -> tuple[ParsedQuestion, ParsedQuestion]:
    """A question as an older scrape printed it and as the scrape that replaced it."""
    key = {"uin": "7", "date_answered": dt.date(2009, 10, 28)}
    old = parsed(
        heading="Pensoins",
        answer_text="Old figure.",
        answerer=ParsedMember(name="Lord A"),
        date_holding_answer=dt.date(2009, 10, 20),
        superseded=True,
        warnings=[OLD_SCRAPE, "question has no text"],
        **key,
    )
    new = parsed(
        heading="Pensions", answer_text="Right figure.", answerer=ParsedMember(name="Lord B"), **key
    )
    return old, new


def test_a_current_copy_replaces_what_only_superseded_copies_said():
    old, new = old_and_new_copies()
    load(old, name="answers2009-10-28a.xml")
    question = Question.objects.get()
    assert question.superseded
    load(new, name="answers2009-10-28b.xml")
    question.refresh_from_db()
    assert (question.heading, question.answer_text) == ("Pensions", "Right figure.")
    assert question.answerer.name == "Lord B"
    # What the current copy does not say is still known only from the old one.
    assert question.date_holding_answer == dt.date(2009, 10, 20)
    # The old copy's warnings described it, and no conflict is reported.
    assert question.parse_warnings == []
    assert not question.superseded


def test_a_superseded_copy_loaded_after_the_current_one_only_fills_gaps():
    old, new = old_and_new_copies()
    load(new, name="answers2009-10-28b.xml")
    load(old, name="answers2009-10-28a.xml")
    question = Question.objects.get()
    assert (question.heading, question.answer_text) == ("Pensions", "Right figure.")
    assert question.answerer.name == "Lord B"
    assert question.date_holding_answer == dt.date(2009, 10, 20)
    assert question.parse_warnings == []
    assert not question.superseded
    assert question.provenance.count() == 2


def test_two_superseded_copies_merge_as_any_two_copies_do():
    old, _ = old_and_new_copies()
    load(old, name="answers2009-10-28a.xml")
    load(dataclasses.replace(old, heading="Pensions?"), name="answers2009-10-28b.xml")
    question = Question.objects.get()
    assert question.heading == "Pensoins"
    assert any("heading differs" in w for w in question.parse_warnings)
    assert question.superseded


def test_a_current_copy_never_replaces_what_staff_edited_in_a_superseded_one():
    old, new = old_and_new_copies()
    load(old, name="answers2009-10-28a.xml")
    Question.objects.update(heading="Pensions (staff)", edited_fields=["heading"])
    load(new, name="answers2009-10-28b.xml")
    question = Question.objects.get()
    assert question.heading == "Pensions (staff)"
    assert question.answer_text == "Right figure."


def test_an_answer_arriving_later_moves_the_status_on():
    load(parsed(status="unanswered"))
    load(parsed(status="answered", answer_text="Now answered."), name="later.txt")
    question = Question.objects.get()
    assert (question.status, question.answer_text) == ("answered", "Now answered.")


def test_a_corrected_answer_keeps_the_original_beside_it():
    load(parsed(status="answered", answer_text="Wrong figure."))
    load(parsed(status="corrected", answer_text="Right figure."), name="correction.txt")
    question = Question.objects.get()
    assert question.answer_text == "Right figure."
    assert question.original_answer_text == "Wrong figure."
    assert question.status == "corrected"


HOLDING_REPLY = {
    "status": "holding",
    "answer_text": "I will reply to the hon. Member as soon as possible.",
    "date_answered": dt.date(2024, 9, 9),
    "date_holding_answer": dt.date(2024, 9, 9),
}
ANSWER = {
    "status": "answered",
    "answer_text": "The substantive answer, clipped by the list export at two hundred...",
    "answer_truncated": True,
    "date_answered": dt.date(2024, 9, 17),
}


@pytest.mark.parametrize("holding_first", [True, False], ids=["holding first", "answer first"])
def test_the_answer_replaces_a_holding_reply_whichever_arrives_first(holding_first):
    key = {"uin": "3656", "house": "Commons", "date_tabled": dt.date(2024, 9, 2)}
    copies = [parsed(**key, **HOLDING_REPLY), parsed(**key, **ANSWER)]
    for position, copy in enumerate(copies if holding_first else copies[::-1]):
        load(copy, name=f"{position}.json")
    question = Question.objects.get()
    assert question.status == "answered"
    assert question.answer_text == ANSWER["answer_text"]
    assert question.answer_truncated  # clipped, but more than the holding reply says
    assert question.date_answered == dt.date(2024, 9, 17)
    assert question.date_holding_answer == dt.date(2024, 9, 9)
    assert question.parse_warnings == []


@pytest.mark.parametrize("answer_first", [True, False], ids=["answer first", "correction first"])
def test_a_correction_and_the_answer_it_corrects_in_either_order(answer_first):
    first = parsed(uin="3283", status="answered", answer_text="It cost £5,100.")
    correction = parsed(uin="3283", status="corrected", answer_text="It cost £1,500.")
    for position, copy in enumerate([first, correction] if answer_first else [correction, first]):
        load(copy, name=f"{position}.xml")
    question = Question.objects.get()
    assert (question.status, question.answer_text) == ("corrected", "It cost £1,500.")
    assert question.original_answer_text == "It cost £5,100."
    assert question.parse_warnings == []


@pytest.mark.parametrize("misprint_first", [True, False], ids=["misprint first", "reprint first"])
def test_a_question_printed_again_with_another_answer_is_corrected_by_the_later(misprint_first):
    # Hansard of 26 October 2009 printed HL5334 with another question's answer; the next
    # day's reprinted it with its own (parlparse has both days' files).
    common = {"uin": "HL5334", "status": "answered"}
    misprint = parsed(
        answer_text="The Department for Transport uses a timetable-based model.",
        answerer=ParsedMember(name="Lord Adonis"),
        date_answered=dt.date(2009, 10, 26),
        **common,
    )
    reprint = parsed(
        answer_text="The Ministry spent £1.2 million on advertising.",
        answerer=ParsedMember(name="Lord Bach"),
        date_answered=dt.date(2009, 10, 27),
        **common,
    )
    first, second = (misprint, reprint) if misprint_first else (reprint, misprint)
    load(first, name="first.xml")
    load(second, name="second.xml")

    question = Question.objects.get()
    assert question.answer_text == reprint.answer_text
    assert question.original_answer_text == misprint.answer_text
    assert question.answerer.name == "Lord Bach"
    assert (question.status, question.date_answered, question.date_answer_corrected) == (
        "corrected",
        dt.date(2009, 10, 26),
        dt.date(2009, 10, 27),
    )
    assert not [w for w in question.parse_warnings if "differs" in w]


@pytest.mark.parametrize("answered_first", [True, False], ids=["answered first", "withdrawn first"])
def test_a_question_with_an_answer_is_not_withdrawn_and_the_conflict_is_reported(answered_first):
    answered = parsed(uin="9", status="answered", answer_text="The answer.")
    withdrawn = parsed(uin="9", status="withdrawn")
    for position, copy in enumerate(
        [answered, withdrawn] if answered_first else [withdrawn, answered]
    ):
        load(copy, name=f"{position}.json")
    question = Question.objects.get()
    assert (question.status, question.answer_text) == ("answered", "The answer.")
    assert len(question.parse_warnings) == 1
    assert "status differs" in question.parse_warnings[0]


def test_texts_differing_only_in_line_breaks_are_no_conflict():
    load(parsed(uin="9", answer_text="The principles are:\nfair competition;\nmerit"))
    load(parsed(uin="9", answer_text="The principles are:\n\nfair competition;\n\nmerit"), name="b")
    question = Question.objects.get()
    assert question.parse_warnings == []


def test_fields_an_admin_edited_are_never_overwritten():
    load(parsed(heading=""))
    question = Question.objects.get()
    question.heading = "Fixed by staff"
    question.answerer_role = "Edited role"
    question.edited_fields = ["heading", "answerer_role"]
    question.save()
    load(parsed(heading="Parsed heading", answerer_role="Parsed role"), name="again.txt")
    question.refresh_from_db()
    assert (question.heading, question.answerer_role) == ("Fixed by staff", "Edited role")


def test_a_file_failing_part_way_leaves_no_trace():
    def fail_on_third(position: int) -> None:
        if position == 2:
            raise RuntimeError("disk on fire")

    questions = [parsed(question_text=f"To ask question {n}") for n in range(4)]
    with pytest.raises(RuntimeError):
        load(*questions, before_each=fail_on_third)
    assert Question.objects.count() == 0
    assert Member.objects.count() == 0
    assert SourceDocument.objects.count() == 0
    assert Provenance.objects.count() == 0


def test_a_dry_run_counts_but_writes_nothing():
    report = load(parsed(asker=DOOCEY, department="Home Office"), dry_run=True)
    assert (report.status, report.created) == ("ingested", 1)
    assert Question.objects.count() == 0
    assert Department.objects.count() == 0


def test_provenance_keeps_the_raw_block_and_source_id():
    load(parsed(raw_text="Asked by: …\nTo ask …", source_id="1700001"))
    provenance = Provenance.objects.get()
    assert provenance.raw_text == "Asked by: …\nTo ask …"
    assert provenance.external_id == "1700001"


def test_a_member_known_only_by_id_gets_a_name_when_one_arrives():
    load(parsed(uin="9", date_tabled=dt.date(2024, 1, 1), asker=ParsedMember(parliament_id=42)))
    question = Question.objects.get()
    assert question.asker.display_name == "Member #42"
    load(
        parsed(
            uin="9",
            date_tabled=dt.date(2024, 1, 1),
            asker=ParsedMember(name="Jane Smith", parliament_id=42, party="Labour"),
        ),
        name="named.txt",
    )
    question.refresh_from_db()
    assert question.asker.name == "Jane Smith"
    assert question.asker_name == "Jane Smith"
    assert Member.objects.count() == 1


def test_a_named_member_from_another_source_replaces_one_known_only_by_an_id():
    # The API list names no one; parlparse names the asker under its own id.
    key = {"uin": "296192", "date_answered": dt.date(2009, 10, 28)}
    load(parsed(asker=ParsedMember(parliament_id=1704), **key))
    stringer = ParsedMember(name="Graham Stringer", twfy_id="uk.org.publicwhip/member/1704")
    load(parsed(asker=stringer, **key), name="answers.xml")
    question = Question.objects.get()
    assert question.asker.name == "Graham Stringer"
    assert question.parse_warnings == []


def test_a_name_links_to_an_id_only_when_exactly_one_member_has_it():
    Member.objects.create(name="John Smith", house="Commons")
    Member.objects.create(name="John Smith", house="Commons", seat="Elsewhere")
    merger = Merger("test")
    member = merger.member(ParsedMember(name="John Smith", parliament_id=7), "Commons")
    assert member.parliament_id == 7
    assert Member.objects.filter(name="John Smith").count() == 3


def test_namesakes_sitting_for_different_seats_are_different_members():
    harrow = ParsedMember(name="Gareth Thomas", party="Labour (Co-op)", seat="Harrow West")
    clwyd = ParsedMember(name="Gareth Thomas", party="Labour", seat="Clwyd West")
    load(parsed(asker=harrow, house="Commons"), name="harrow.txt")
    load(parsed(asker=clwyd, house="Commons", question_text="To ask about Clwyd."), name="c.txt")
    load(parsed(asker=ParsedMember(name="Gareth Thomas"), house="Commons", question_text="X?"))
    seats = dict(Question.objects.values_list("question_text", "asker__seat"))
    assert seats["To ask about Clwyd."] == "Clwyd West"
    assert seats[QUESTION] == "Harrow West"
    # A name alone could be either of them: it links to neither.
    assert seats["X?"] == ""
    assert Member.objects.filter(name="Gareth Thomas").count() == 3


def test_a_department_alias_finds_the_department():
    Department.objects.create(name="Home Office", aliases=["Home Department"])
    load(parsed(department="Home Department"))
    assert Question.objects.get().department.name == "Home Office"
