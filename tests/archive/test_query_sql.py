"""The compiled search SQL, run on PostgreSQL: which questions each query finds.

Each test builds temporary tables named like the real ones, so the compiled SQL runs
unchanged; PostgreSQL looks in the session's temporary schema first, and the test
transaction's rollback removes them. The migrated schema itself is checked at the end.
"""

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from archive.search.query import SEARCH_CONFIG, STOP_WORDS, QueryError, build

pytestmark = pytest.mark.django_db

MEMBERS = {1: "Jess Phillips", 2: "Sarah Dines", 3: "Seán O'Brien", 4: "Chris Philp"}
DEPARTMENTS = {
    1: "Home Office",
    2: "Department of Health and Social Care",
    3: "House of Commons Commission",
    4: "Department for Environment, Food and Rural Affairs",
}
# id: (heading, question, answer, asker, answerer, department)
QUESTIONS = {
    1: (
        "Modern Slavery",
        "To ask the Secretary of State for the Home Department, what steps the Government "
        "is taking to prevent human trafficking.",
        "Victims are supported through the National Referral Mechanism.",
        1,
        2,
        1,
    ),
    2: (
        "Police: Finance",
        "To ask the Secretary of State, what funding the police will receive in 2024.",
        "The information requested is not held centrally.",
        3,
        4,
        1,
    ),
    3: (
        "Covid-19: Vaccination",
        "How many e-mail complaints about COVID-19 vaccines were received.",
        "£2m was spent; details are on gov.uk. Slavery is not relevant to this answer.",
        1,
        None,
        2,
    ),
    4: (
        "Parliamentary Estate: Security",
        "What assessment has been made of security on the parliamentary estate.",
        "Crime on the Estate is a matter for the police.",
        3,
        4,
        3,
    ),
    5: (
        "Rivers: Pollution",
        "What steps are being taken to reduce sewage in rivers and lakes.",
        "Water companies must meet their permits.",
        None,
        None,
        4,
    ),
    6: (
        "Lakes: Tourism",
        "What estimate has been made of visitor numbers to the lakes.",
        "That information is published annually.",
        None,
        None,
        None,
    ),
    7: (
        "Slavery: Supply Chains",
        "What modern methods are used to detect slavery in supply chains.",
        "Businesses must publish an annual statement.",
        4,
        None,
        None,
    ),
}
EVERY_QUESTION = set(QUESTIONS)

SCHEMA = [
    "CREATE TEMPORARY TABLE archive_member (id integer PRIMARY KEY, name text NOT NULL)",
    "CREATE TEMPORARY TABLE archive_department (id integer PRIMARY KEY, name text NOT NULL)",
    """
    CREATE TEMPORARY TABLE archive_question (
        id integer PRIMARY KEY,
        heading text NOT NULL,
        question_text text NOT NULL,
        answer_text text NOT NULL,
        asker_id integer REFERENCES archive_member,
        answerer_id integer REFERENCES archive_member,
        department_id integer REFERENCES archive_department,
        asker_name text NOT NULL,
        answerer_name text NOT NULL,
        department_name text NOT NULL,
        search_vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('archive_english', heading), 'A')
            || setweight(to_tsvector('archive_english', question_text), 'B')
            || setweight(to_tsvector('archive_english', answer_text), 'C')
            || setweight(to_tsvector('archive_english',
                asker_name || ' ' || answerer_name || ' ' || department_name), 'D')
        ) STORED,
        uin text NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX ON archive_question USING gin (search_vector)",
]


@pytest.fixture
def archive():
    with connection.cursor() as cursor:
        for statement in SCHEMA:
            cursor.execute(statement)
        cursor.executemany("INSERT INTO archive_member VALUES (%s, %s)", list(MEMBERS.items()))
        cursor.executemany(
            "INSERT INTO archive_department VALUES (%s, %s)", list(DEPARTMENTS.items())
        )
        for pk, (heading, question, answer, asker, answerer, department) in QUESTIONS.items():
            cursor.execute(
                "INSERT INTO archive_question VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    pk,
                    heading,
                    question,
                    answer,
                    asker,
                    answerer,
                    department,
                    MEMBERS.get(asker, ""),
                    MEMBERS.get(answerer, ""),
                    DEPARTMENTS.get(department, ""),
                ],
            )
        yield cursor


def add_questions(cursor, texts: dict[int, str], column: str = "question_text") -> None:
    """Questions with only ``column`` written (the others empty), by id."""
    columns = ("heading", "question_text", "answer_text", "asker_name", "answerer_name")
    for pk, text in texts.items():
        values = [text if name == column else "" for name in columns]
        cursor.execute(
            "INSERT INTO archive_question (id, heading, question_text, answer_text, asker_name,"
            " answerer_name, department_name) VALUES (%s, %s, %s, %s, %s, %s, '')",
            [pk, *values],
        )


def found(cursor, text: str) -> set[int]:
    compiled = build(text)
    cursor.execute(f"SELECT id FROM archive_question WHERE {compiled.where_sql}", compiled.params)
    return {row[0] for row in cursor.fetchall()}


# --- Words, stemming, phrases and link words --------------------------------------------------


def test_word_finds_other_forms_of_itself(archive):
    assert found(archive, "trafficked") == {1}


def test_words_side_by_side_must_all_be_present(archive):
    assert found(archive, "modern slavery") == {1, 7}


def test_phrase_needs_the_words_together_and_in_order(archive):
    assert found(archive, '"modern slavery"') == {1}
    assert found(archive, '"slavery modern"') == set()


def test_phrase_with_a_stop_word_matches_the_text(archive):
    assert found(archive, '"not held centrally"') == {2}


def test_a_phrase_with_stop_words_needs_those_words_too(archive):
    # Stored without its stop words, "information held centrally" has the same lexemes in
    # the same places as "not held centrally", and "longer" those of "no longer".
    add_questions(
        archive, {8: "From information held centrally.", 9: "A longer wait."}, "answer_text"
    )
    assert found(archive, '"not held centrally"') == {2}
    assert found(archive, '"held centrally"') == {2, 8}
    assert found(archive, '"NO LONGER"') == set()
    assert found(archive, 'answer:"not held centrally"') == {2}
    assert found(archive, 'question:"not held centrally"') == set()
    assert found(archive, '-"not held centrally"') == EVERY_QUESTION - {2} | {8, 9}


def test_a_phrase_with_stop_words_is_found_in_the_names_too(archive):
    assert found(archive, '"Department of Health and Social Care"') == {3}
    assert found(archive, '"Environment, Food and Rural Affairs"') == {5}
    assert found(archive, '"House of Commons Commission"') == {4}
    # A field named keeps the phrase to that field's text.
    assert found(archive, 'answer:"Department of Health and Social Care"') == set()


def test_or_finds_either_word(archive):
    assert found(archive, "rivers OR lakes") == {5, 6}


def test_and_binds_tighter_than_or(archive):
    assert found(archive, "police OR slavery AND modern") == {1, 2, 4, 7}
    assert found(archive, "(police OR slavery) AND modern") == {1, 7}


def test_words_side_by_side_bind_tighter_than_or(archive):
    assert found(archive, "police OR slavery modern") == {1, 2, 4, 7}


def test_lower_case_or_is_an_ordinary_word(archive):
    assert found(archive, "rivers or lakes") == {5}


def test_lower_case_and_is_an_ordinary_word(archive):
    assert found(archive, "rivers and lakes") == {5}


def test_lower_case_not_is_an_ordinary_word(archive):
    assert found(archive, "not police") == {2, 4}


# --- Exclusions -------------------------------------------------------------------------------


def test_not_and_minus_exclude_a_word(archive):
    assert found(archive, "slavery NOT modern") == {3}
    assert found(archive, "slavery -modern") == {3}


def test_minus_excludes_a_phrase(archive):
    assert found(archive, 'police -"not held centrally"') == {4}


def test_not_excludes_a_group(archive):
    assert found(archive, "slavery NOT (modern OR chains)") == {3}


def test_query_of_only_an_exclusion_finds_everything_else(archive):
    assert found(archive, "-police") == EVERY_QUESTION - {2, 4}


# --- Prefixes ---------------------------------------------------------------------------------


def test_prefix_finds_word_starts(archive):
    assert found(archive, "vacc*") == {3}
    assert found(archive, "parliament*") == {4}


def test_a_prefix_finds_the_words_it_starts_whatever_their_stems(archive):
    # Stored stemmed, "immigration" is "immigr" and "universities" "univers": shorter than
    # the prefixes typed, by up to three letters. "police"'s own stem, "polic", is
    # "policing"'s too, and a stem is all the vector knows of a word.
    add_questions(
        archive,
        {
            8: "New immigration rules",
            9: "Funding for two universities",
            10: "Defence policy",
            11: "Neighbourhood policing",
            12: "Organisation of the universe",
        },
    )
    assert found(archive, "immigra*") == found(archive, "immigrati*") == {8}
    assert found(archive, "organisati*") == {12}
    assert found(archive, "universit*") == {9, 12}
    assert found(archive, "police*") == {2, 4, 11}
    assert found(archive, "defen* -police*") == {10}


# --- Fields -----------------------------------------------------------------------------------


def test_a_prefix_with_letters_unicode_keeps_whole_or_an_apostrophe(archive):
    add_questions(archive, {8: "Visit to Łódź and Straße", 9: "Letter from Mr O'Brien"})
    assert found(archive, "łódź*") == found(archive, "lodz*") == {8}
    assert found(archive, "straße*") == {8}
    # Questions 2 and 4 were asked by Seán O'Brien.
    assert found(archive, "o'bri*") == found(archive, "O\u2019Bri*") == {2, 4, 9}


def test_heading_field_searches_only_headings(archive):
    assert found(archive, "heading:police") == {2}
    assert found(archive, "heading:slav*") == {1, 7}


def test_question_field_searches_only_question_text(archive):
    assert found(archive, "question:police") == {2}
    assert found(archive, "question:slavery") == {7}


def test_answer_field_searches_only_answer_text(archive):
    assert found(archive, "answer:police") == {4}
    assert found(archive, 'answer:"not held centrally"') == {2}


def test_field_applies_to_a_group(archive):
    assert found(archive, "heading:(police OR rivers)") == {2, 5}


def test_excluded_field_excludes_only_that_part(archive):
    assert found(archive, "slavery -heading:slavery") == {3}


def test_asker_field_searches_askers_names(archive):
    assert found(archive, "asker:o'brien") == {2, 4}
    assert found(archive, "asker:seán") == {2, 4}
    assert found(archive, 'asker:"jess phillips"') == {1, 3}
    assert found(archive, "asker:philp") == {7}


def test_asker_name_is_not_stemmed(archive):
    assert found(archive, "asker:phillip") == set()


def test_answerer_field_searches_answerers_names(archive):
    assert found(archive, "answerer:philp") == {2, 4}
    assert found(archive, "answerer:phil*") == {2, 4}


def test_department_field_searches_department_names_with_stemming(archive):
    assert found(archive, "department:health") == {3}
    assert found(archive, 'department:"home office"') == {1, 2}
    assert found(archive, "department:offices") == {1, 2}


def test_excluded_asker_keeps_questions_with_no_asker(archive):
    assert found(archive, "-asker:phillips") == {2, 4, 5, 6, 7}


def test_name_fields_combine_with_words(archive):
    assert found(archive, "police asker:o'brien") == {2, 4}
    assert found(archive, "slavery OR asker:o'brien") == {1, 2, 3, 4, 7}
    assert found(archive, "heading:police OR answerer:dines") == {1, 2}
    assert found(archive, "-(police asker:o'brien)") == EVERY_QUESTION - {2, 4}


def test_names_without_a_field_are_found_in_the_main_text(archive):
    assert found(archive, "philp") == {2, 4, 7}


# --- Punctuation and hostile input ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "questions"),
    [
        ("covid-19", {3}),
        ("COVID-19", {3}),
        ("e-mail", {3}),
        ("£2m", {3}),
        ("gov.uk", {3}),
        ("o'brien", {2, 4}),
        ("2024.", {2}),
    ],
)
def test_words_with_punctuation_are_found(archive, text, questions):
    assert found(archive, text) == questions


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("police'", "police"),
        ("'police", "police"),
        ("police\\", "police"),
        ("\\'police", "police"),
        ("'police'", "police"),
        ("!police", "police"),
        ("police:*A", "police"),
        ("police:A", "police"),
        ("police & !slavery", "police slavery"),
        ("police | slavery", "police slavery"),
        ("police <-> estate", "police estate"),
        ("(police)) OR ((estate", "police OR estate"),
        ("''' police '''", "police"),
    ],
)
def test_tsquery_syntax_typed_by_the_reader_is_read_as_words(archive, text, same_as):
    assert found(archive, text) == found(archive, same_as)


@pytest.mark.parametrize(
    "text",
    [
        "'); DROP TABLE archive_question; --",
        "police' OR '1'='1",
        "%s %(name)s $1 ?",
        "police\\\\ \\'crime '' \\",
        "x" * 1000,
        "🙂" * 200 + " police",
        "police\x00crime",
    ],
)
def test_hostile_input_runs_without_error(archive, text):
    found(archive, text)
    archive.execute("SELECT count(*) FROM archive_question")
    assert archive.fetchone()[0] == len(QUESTIONS)


def test_query_of_only_stop_words_compiles_to_an_empty_tsquery(archive):
    # The engine tells the reader nothing was searchable by checking numnode().
    compiled = build("the of")
    archive.execute("SELECT numnode(to_tsquery('archive_english', %s))", compiled.params)
    assert archive.fetchone()[0] == 0


def test_rank_query_is_accepted_by_ts_rank_and_ts_headline(archive):
    compiled = build('heading:slavery "modern slavery" -police traff*')
    archive.execute(
        "SELECT id, ts_rank(search_vector, to_tsquery('archive_english', %s)),"
        " ts_headline('archive_english', question_text, to_tsquery('archive_english', %s))"
        " FROM archive_question WHERE id = 1",
        [compiled.rank_tsquery, compiled.rank_tsquery],
    )
    _, rank, headline = archive.fetchone()
    assert rank > 0
    assert "<b>trafficking</b>" in headline


# --- Any input --------------------------------------------------------------------------------

reader_text = st.lists(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from([*"&|!<->:*()'\\\"- ", "AND ", "OR ", "NOT ", "heading:", "asker:"]),
        st.sampled_from(["police ", "slavery ", "o'brien ", "covid-19 ", "department:"]),
    ),
    max_size=80,
).map("".join)


@settings(
    max_examples=200,
    deadline=None,
    # The tables are only read, so one set for all examples is fine.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(reader_text)
@example(text="department:0\u2018")  # unaccent() made the quotation mark a tsquery quote
@example(text="asker:o\u2019brien\u2216 answerer:\u0149")
def test_any_input_runs_without_sql_errors(archive, text):
    try:
        compiled = build(text)
    except QueryError:
        return
    # A savepoint per example, so that one failure is reported as itself.
    with transaction.atomic():
        archive.execute(
            f"SELECT count(*) FROM archive_question WHERE {compiled.where_sql}", compiled.params
        )
        if compiled.rank_tsquery:
            archive.execute("SELECT to_tsquery('archive_english', %s)", [compiled.rank_tsquery])


def test_compiled_sql_runs_against_the_migrated_schema():
    # No temporary tables here: the real archive_question, archive_member and
    # archive_department must have the columns the compiler relies on.
    compiled = build("heading:police OR (slavery -asker:phillips) answerer:philp department:home")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM archive_question WHERE {compiled.where_sql}", compiled.params
        )
        assert cursor.fetchone()[0] == 0


def test_the_stop_words_the_compiler_knows_are_the_configurations(archive):
    archive.execute(
        f"SELECT word FROM unnest(%s::text[]) AS word "
        f"WHERE to_tsvector('{SEARCH_CONFIG}', word) <> ''::tsvector",
        [sorted(STOP_WORDS)],
    )
    assert archive.fetchall() == []
    assert len(STOP_WORDS) == 127  # tsearch_data/english.stop
