"""The search query language: parsing, compiling to SQL, describing. Pure: no database.

Run alone with ``pytest -p no:django tests/archive/test_query.py``; test_query_sql.py checks
the compiled SQL against PostgreSQL.
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.search.query import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_TERMS,
    NAME_FIELDS,
    NO_WORDS_MESSAGE,
    TOO_DEEP_MESSAGE,
    TOO_LONG_MESSAGE,
    TOO_MANY_TERMS_MESSAGE,
    And,
    CompiledQuery,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    build,
    compile_query,
    describe,
    highlight_terms,
    parse,
)

VECTOR = "archive_question.search_vector @@ to_tsquery('archive_english', %s)"
ASKER = (
    "archive_question.asker_id = ANY(ARRAY(SELECT id FROM archive_member "
    "WHERE to_tsvector('simple', unaccent(name)) @@ to_tsquery('simple', unaccent(%s))))"
)
ANSWERER = (
    "archive_question.answerer_id = ANY(ARRAY(SELECT id FROM archive_member "
    "WHERE to_tsvector('simple', unaccent(name)) @@ to_tsquery('simple', unaccent(%s))))"
)
DEPARTMENT = (
    "archive_question.department_id = ANY(ARRAY(SELECT id FROM archive_department "
    "WHERE to_tsvector('archive_english', unaccent(name)) "
    "@@ to_tsquery('archive_english', unaccent(%s))))"
)


def tsquery(text: str) -> str:
    """The tsquery of a query that targets only the main search vector."""
    compiled = build(text)
    assert compiled.where_sql == VECTOR
    (param,) = compiled.params
    return param


def message(text: str) -> str:
    with pytest.raises(QueryError) as error:
        build(text)
    return error.value.message


# --- Words, phrases and link words ------------------------------------------------------------


def test_single_word_is_a_term():
    assert parse("trafficking") == Term("trafficking")


def test_words_side_by_side_must_all_match():
    assert parse("modern slavery") == And((Term("modern"), Term("slavery")))


def test_quoted_phrase_is_an_exact_word_sequence():
    assert parse('"Parliamentary Estate"') == Phrase(("Parliamentary", "Estate"))


def test_upper_case_or_links_alternatives():
    assert parse("slavery OR trafficking") == Or((Term("slavery"), Term("trafficking")))


def test_upper_case_and_is_the_same_as_words_side_by_side():
    assert parse("modern AND slavery") == parse("modern slavery")


def test_lower_case_or_is_an_ordinary_word():
    assert parse("rivers or lakes") == And((Term("rivers"), Term("or"), Term("lakes")))


def test_lower_case_and_is_an_ordinary_word():
    assert parse("rivers and lakes") == And((Term("rivers"), Term("and"), Term("lakes")))


def test_lower_case_not_is_an_ordinary_word():
    assert parse("not held") == And((Term("not"), Term("held")))


def test_mixed_case_or_is_an_ordinary_word():
    assert parse("rivers Or lakes") == And((Term("rivers"), Term("Or"), Term("lakes")))


def test_and_binds_tighter_than_or():
    assert parse("police OR slavery AND modern") == Or(
        (Term("police"), And((Term("slavery"), Term("modern"))))
    )


def test_words_side_by_side_bind_tighter_than_or():
    assert parse("police OR modern slavery") == parse("police OR modern AND slavery")


def test_brackets_group_alternatives():
    assert parse("(police OR slavery) modern") == And(
        (Or((Term("police"), Term("slavery"))), Term("modern"))
    )


def test_nested_groups_of_the_same_link_are_flattened():
    assert parse("a (b (c d))") == And((Term("a"), Term("b"), Term("c"), Term("d")))
    assert parse("a OR (b OR c)") == Or((Term("a"), Term("b"), Term("c")))


def test_operators_inside_quotes_are_words():
    assert parse('"rivers AND lakes"') == Phrase(("rivers", "AND", "lakes"))


def test_brackets_inside_quotes_are_text():
    assert parse('"section (a)"') == Phrase(("section", "(a)"))


def test_operator_glued_to_a_bracket_is_still_an_operator():
    assert parse("NOT(police)") == Not(Term("police"))
    assert parse("(a)OR(b)") == Or((Term("a"), Term("b")))


def test_phrase_glued_to_a_word_is_a_separate_part():
    assert parse('police"crime figures"') == And((Term("police"), Phrase(("crime", "figures"))))


# --- Exclusions -------------------------------------------------------------------------------


def test_not_excludes_a_word():
    assert parse("slavery NOT modern") == And((Term("slavery"), Not(Term("modern"))))


def test_minus_excludes_a_word():
    assert parse("slavery -modern") == parse("slavery NOT modern")


def test_minus_excludes_a_phrase():
    assert parse('police -"not held centrally"') == And(
        (Term("police"), Not(Phrase(("not", "held", "centrally"))))
    )


def test_not_excludes_a_phrase():
    assert parse('NOT "held centrally"') == Not(Phrase(("held", "centrally")))


def test_not_excludes_a_group():
    assert parse("slavery NOT (modern OR chains)") == And(
        (Term("slavery"), Not(Or((Term("modern"), Term("chains")))))
    )


def test_minus_excludes_a_group():
    assert parse("slavery -(modern OR chains)") == parse("slavery NOT (modern OR chains)")


def test_and_not_excludes():
    assert parse("slavery AND NOT modern") == parse("slavery -modern")


def test_or_not_is_an_alternative_exclusion():
    assert parse("slavery OR NOT modern") == Or((Term("slavery"), Not(Term("modern"))))


def test_double_negation_cancels():
    assert parse("NOT NOT police") == Term("police")
    assert parse("NOT -police") == Term("police")


def test_double_hyphen_is_not_an_exclusion():
    # "--" is how people type a dash; PostgreSQL ignores it inside the word.
    assert parse("--police") == Term("--police")
    assert parse("police -- crime") == And((Term("police"), Term("crime")))


def test_query_of_only_exclusions_is_allowed():
    assert parse("-police") == Not(Term("police"))


def test_hyphen_inside_a_word_is_not_an_exclusion():
    assert parse("covid-19") == Term("covid-19")


def test_lone_minus_is_ignored():
    assert parse("police - crime") == And((Term("police"), Term("crime")))


# --- Prefixes ---------------------------------------------------------------------------------


def test_trailing_star_matches_word_starts():
    assert parse("traffick*") == Term("traffick", prefix=True)


def test_several_trailing_stars_are_one_prefix():
    assert parse("traffick**") == Term("traffick", prefix=True)


def test_short_prefix_is_searched_as_a_whole_word():
    # A one- or two-letter prefix would match much of the archive and make the search slow.
    assert parse("uk*") == Term("uk")


def test_star_alone_is_ignored():
    assert parse("police *") == Term("police")


def test_star_inside_a_phrase_is_text():
    assert parse('"modern slav*"') == Phrase(("modern", "slav*"))


# --- Fields -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["heading", "question", "answer", "asker", "answerer", "department"]
)
def test_field_prefix_aims_a_word_at_one_part_of_the_record(field):
    assert parse(f"{field}:police") == Term("police", field=field)


def test_field_prefix_aims_a_phrase():
    assert parse('answer:"not held centrally"') == Phrase(
        ("not", "held", "centrally"), field="answer"
    )


def test_field_prefix_aims_a_prefix():
    assert parse("heading:traffick*") == Term("traffick", prefix=True, field="heading")


def test_field_prefix_aims_a_group():
    assert parse("heading:(police OR crime)") == Or(
        (Term("police", field="heading"), Term("crime", field="heading"))
    )


def test_field_inside_a_fielded_group_wins():
    assert parse("heading:(police OR answer:crime)") == Or(
        (Term("police", field="heading"), Term("crime", field="answer"))
    )


def test_field_name_is_not_case_sensitive():
    assert parse("Heading:police") == Term("police", field="heading")


def test_field_can_be_negated_either_side():
    assert parse("-heading:police") == Not(Term("police", field="heading"))
    assert parse("heading:-police") == Not(Term("police", field="heading"))


def test_field_followed_by_a_space_aims_the_next_word():
    assert parse("heading: police") == Term("police", field="heading")


def test_empty_field_is_ignored():
    assert parse("police heading:") == Term("police")
    assert parse("heading: OR police") == Term("police")


def test_unknown_field_is_just_text():
    assert parse("foo:bar") == Term("foo:bar")


def test_field_name_inside_a_word_is_just_text():
    assert parse("subheading:police") == Term("subheading:police")


def test_answerer_is_not_read_as_answer():
    assert parse("answerer:philp") == Term("philp", field="answerer")


# --- Leniency ---------------------------------------------------------------------------------


def test_unclosed_quote_runs_to_the_end():
    assert parse('police "not held centrally') == And(
        (Term("police"), Phrase(("not", "held", "centrally")))
    )


def test_empty_quotes_are_ignored():
    assert parse('police ""') == Term("police")


def test_unclosed_bracket_runs_to_the_end():
    assert parse("slavery NOT (modern OR chains") == parse("slavery NOT (modern OR chains)")


def test_stray_closing_bracket_is_ignored():
    assert parse("police) crime") == And((Term("police"), Term("crime")))
    assert parse("(police)) OR crime)") == Or((Term("police"), Term("crime")))


def test_empty_brackets_are_ignored():
    assert parse("police ()") == Term("police")


@pytest.mark.parametrize(
    "text",
    [
        "OR police",
        "police OR",
        "AND police AND",
        "police AND OR",
        "OR AND police NOT",
        "police NOT",
    ],
)
def test_dangling_operators_are_dropped(text):
    assert parse(text) == Term("police")


def test_adjacent_link_words_are_dropped():
    assert parse("police AND OR crime") == Or((Term("police"), Term("crime")))


def test_punctuation_only_words_are_dropped():
    assert parse("police & | ! <-> crime") == And((Term("police"), Term("crime")))


def test_punctuation_inside_a_word_is_kept():
    assert parse("o'brien e-mail £2m gov.uk") == And(
        (Term("o'brien"), Term("e-mail"), Term("£2m"), Term("gov.uk"))
    )


def test_nul_and_control_characters_separate_words():
    assert parse("police\x00crime\x07\tfigures") == And(
        (Term("police"), Term("crime"), Term("figures"))
    )


def test_lone_surrogates_are_dropped_before_they_reach_the_database():
    assert parse("police\ud800") == Term("police")


def test_soft_hyphen_does_not_split_a_word():
    assert parse("traf\xadficking") == Term("trafficking")


def test_decomposed_accents_are_composed():
    assert parse("Sea\u0301n") == Term("Seán")


def test_non_breaking_space_separates_words():
    assert parse("modern\xa0slavery") == parse("modern slavery")


def test_emoji_beside_words_are_kept_for_postgresql_to_ignore():
    assert parse("police 🚓 crime") == And((Term("police"), Term("crime")))


# --- Errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "   ", '""', "()", "AND OR NOT", "- * ! & |", "🙂🙂", "heading:", "\x00\x01"]
)
def test_query_without_words_is_refused_with_a_friendly_message(text):
    assert message(text) == NO_WORDS_MESSAGE
    assert NO_WORDS_MESSAGE.startswith("Your search has no words to look for")


def test_query_error_is_a_value_error_carrying_its_message():
    with pytest.raises(ValueError, match="no words"):
        parse("")


def test_query_longer_than_the_cap_is_refused():
    assert message("a" * (MAX_LENGTH + 1)) == TOO_LONG_MESSAGE
    assert "1,000 characters" in TOO_LONG_MESSAGE


def test_query_at_the_length_cap_is_accepted():
    assert parse("a" * MAX_LENGTH) == Term("a" * MAX_LENGTH)


def test_surrounding_whitespace_does_not_count_towards_the_length_cap():
    assert parse(" " * 2000 + "police" + " " * 2000) == Term("police")


def test_query_with_too_many_words_is_refused():
    assert message(" ".join(["police"] * (MAX_TERMS + 1))) == TOO_MANY_TERMS_MESSAGE


def test_words_in_phrases_count_towards_the_word_cap():
    words = " ".join(["police"] * (MAX_TERMS + 1))
    assert message(f'"{words}"') == TOO_MANY_TERMS_MESSAGE


def test_query_at_the_word_cap_is_accepted():
    assert len(parse(" ".join(["police"] * MAX_TERMS)).children) == MAX_TERMS


def test_deeply_nested_brackets_are_refused():
    assert message("(" * (MAX_DEPTH + 1) + "police") == TOO_DEEP_MESSAGE


def test_brackets_at_the_depth_cap_are_accepted():
    assert parse("(" * MAX_DEPTH + "police" + ")" * MAX_DEPTH) == Term("police")


def test_long_runs_of_prefix_operators_do_not_exhaust_the_stack():
    assert parse("-heading:" * 111 + "x") == Not(Term("x", field="heading"))
    assert parse("NOT " * 249 + "x") == Not(Term("x"))


# --- Compiling to SQL -------------------------------------------------------------------------


def test_word_searches_the_main_vector():
    compiled = build("trafficking")
    assert compiled == CompiledQuery(
        VECTOR, ("'trafficking'",), "'trafficking'", parse("trafficking")
    )


def test_words_side_by_side_compile_to_tsquery_and():
    assert tsquery("modern slavery") == "'modern' & 'slavery'"


def test_or_compiles_to_tsquery_or():
    assert tsquery("slavery OR trafficking") == "'slavery' | 'trafficking'"


def test_precedence_is_spelled_out_with_brackets():
    assert tsquery("police OR slavery modern") == "'police' | ('slavery' & 'modern')"
    assert tsquery("(police OR slavery) modern") == "('police' | 'slavery') & 'modern'"


def test_phrase_compiles_to_followed_by():
    assert tsquery('"held centrally"') == "'held' <-> 'centrally'"


def test_a_phrase_with_stop_words_is_also_matched_in_the_text():
    # The vector has no lexeme for "not": the tsquery alone finds "held centrally".
    compiled = build('"Not held centrally" OR answer:"no-one else"')
    pattern = r"\mnot\W+held\W+centrally\M"
    assert compiled.where_sql == (
        f"({VECTOR}) OR ({VECTOR} AND (unaccent(archive_question.heading) ~* %s"
        " OR unaccent(archive_question.question_text) ~* %s"
        " OR unaccent(archive_question.answer_text) ~* %s"
        " OR unaccent(archive_question.asker_name) ~* %s"
        " OR unaccent(archive_question.answerer_name) ~* %s"
        " OR unaccent(archive_question.department_name) ~* %s))"
    )
    assert compiled.params == (
        "('no-one':C <-> 'else':C)",
        "'Not' <-> 'held' <-> 'centrally'",
        *(pattern,) * 6,
    )
    assert compiled.reads_text
    assert not build('"no-one else"').reads_text


def test_phrase_inside_a_link_is_bracketed():
    assert tsquery('"modern slavery" OR trafficking') == "('modern' <-> 'slavery') | 'trafficking'"


def test_exclusion_compiles_to_tsquery_not():
    assert tsquery("slavery -modern") == "'slavery' & !'modern'"
    assert tsquery('-"modern slavery"') == "!('modern' <-> 'slavery')"
    assert tsquery("-(modern OR chains)") == "!('modern' | 'chains')"


PREFIX = "archive_question.search_vector @@ (%s::tsquery || to_tsquery('archive_english', %s))"


def test_prefix_matches_the_lexemes_words_starting_with_it_are_stored_as():
    # Stored stemmed: "immigration" is "immigr", shorter than the prefix typed; the
    # prefix's own stem ("police" -> "polic") would start "policy"'s "polici" too.
    compiled = build("immigra*")
    assert compiled.where_sql == PREFIX
    assert compiled.params == ("'immigra':* | 'immigr' | 'immig' | 'immi'", "'immigra'")
    assert build("Café*").params == ("'cafe':*", "'Café'")


def test_a_prefix_in_a_tree_joins_it_as_one_tsquery_expression():
    compiled = build("police* crime -asylum*")
    assert compiled.where_sql == (
        "archive_question.search_vector @@ (to_tsquery('archive_english', %s) && "
        "(%s::tsquery || to_tsquery('archive_english', %s)) && "
        "(!! (%s::tsquery || to_tsquery('archive_english', %s))))"
    )
    assert compiled.params == (
        "'crime'",
        "'police':* | 'polic' | 'poli'",
        "'police'",
        "'asylum':* | 'asylu' | 'asyl'",
        "'asylum'",
    )


@pytest.mark.parametrize(("field", "label"), [("heading", "A"), ("question", "B"), ("answer", "C")])
def test_text_fields_compile_to_weight_labels(field, label):
    assert tsquery(f"{field}:police") == f"'police':{label}"
    assert build(f"{field}:traffick*").params == (
        f"'traffick':*{label} | 'traffic':{label} | 'traffi':{label} | 'traff':{label}",
        f"'traffick':{label}",
    )
    assert tsquery(f'{field}:"held centrally"') == f"'held':{label} <-> 'centrally':{label}"


def test_a_tree_on_the_main_vector_compiles_to_one_match():
    compiled = build('heading:(police OR crime) -answer:"held back" "modern slavery" traffic')
    assert compiled.where_sql == VECTOR
    assert compiled.params == (
        "('police':A | 'crime':A) & !('held':C <-> 'back':C) & ('modern' <-> 'slavery') "
        "& 'traffic'",
    )


def test_asker_searches_member_names_without_stemming():
    assert build("asker:o'brien").where_sql == ASKER
    assert build("asker:o'brien").params == ("'o''brien'",)


def test_answerer_searches_member_names():
    assert build("answerer:philp") == CompiledQuery(
        ANSWERER, ("'philp'",), "", Term("philp", field="answerer")
    )


def test_department_searches_department_names_with_stemming():
    compiled = build('department:"home office"')
    assert compiled.where_sql == DEPARTMENT
    assert compiled.params == ("'home' <-> 'office'",)


def test_name_field_prefix_compiles_to_a_prefix_lexeme():
    assert build("asker:phil*").params == ("'phil':*",)


def test_name_fields_break_the_match_into_sql_and():
    compiled = build("police crime asker:o'brien")
    assert compiled.where_sql == f"({VECTOR}) AND ({ASKER})"
    assert compiled.params == ("'police' & 'crime'", "'o''brien'")


def test_name_fields_break_the_match_into_sql_or():
    compiled = build("slavery OR asker:phillips OR department:health")
    assert compiled.where_sql == f"({VECTOR}) OR ({ASKER}) OR ({DEPARTMENT})"
    assert compiled.params == ("'slavery'", "'phillips'", "'health'")


def test_main_vector_words_are_gathered_into_one_match_beside_name_fields():
    compiled = build("police asker:smith crime")
    assert compiled.where_sql.count("@@ to_tsquery('archive_english'") == 1
    assert compiled.params == ("'police' & 'crime'", "'smith'")


def test_excluded_name_field_keeps_questions_without_that_name():
    # NOT (NULL IN (...)) is NULL, which would also hide questions with no asker recorded.
    compiled = build("-asker:phillips")
    assert compiled.where_sql == f"({ASKER}) IS NOT TRUE"


def test_excluded_group_with_a_name_field_is_null_safe():
    compiled = build("-(police asker:phillips)")
    assert compiled.where_sql == f"(({VECTOR}) AND ({ASKER})) IS NOT TRUE"


def test_other_table_name_qualifies_every_column():
    compiled = build("police asker:smith", table="question_copy")
    assert "archive_question" not in compiled.where_sql
    assert compiled.where_sql.count("question_copy.") == 2


@pytest.mark.parametrize("table", ["", "archive_question; DROP TABLE x", "a b", "1abc", '"x"'])
def test_table_must_be_a_plain_name(table):
    with pytest.raises(ValueError, match="table"):
        compile_query(Term("police"), table=table)


@pytest.mark.parametrize("tree", [And(()), Or(()), Term(""), Phrase(()), Not(Phrase(()))])
def test_empty_tree_is_a_programming_error(tree):
    with pytest.raises(ValueError):
        compile_query(tree)


# --- Safety -----------------------------------------------------------------------------------


def test_single_quote_in_a_word_is_doubled_inside_the_lexeme():
    assert tsquery("o'brien") == "'o''brien'"


def test_backslash_in_a_word_is_escaped_inside_the_lexeme():
    assert tsquery("a\\b") == "'a\\\\b'"


def test_tsquery_operators_typed_by_the_reader_stay_inside_lexemes():
    assert tsquery("police:*A !crime a&b<->c") == "'police:*A' & '!crime' & 'a&b<->c'"


def test_sql_typed_by_the_reader_never_reaches_the_sql():
    compiled = build("'); DROP TABLE archive_question; -- %s")
    assert compiled.where_sql == VECTOR
    assert compiled.params == ("'DROP' & 'TABLE' & 'archive_question;' & '%s'",)


# --- Ranking and highlighting -----------------------------------------------------------------


def test_rank_query_ors_the_positive_words_without_weight_labels():
    compiled = build('heading:police "modern slavery" -crime traffick*')
    assert compiled.rank_tsquery == (
        "'police' | ('modern' <-> 'slavery')"
        " | ('traffick':* | 'traffic' | 'traffi' | 'traff' | 'traffick')"
    )


def test_rank_query_leaves_out_name_fields_and_duplicates():
    assert build("police asker:smith heading:police").rank_tsquery == "'police'"


def test_rank_query_is_empty_when_everything_is_excluded():
    assert build("-police -asker:smith").rank_tsquery == ""


def test_highlight_terms_are_the_positive_words_and_phrases():
    tree = parse('"modern slavery" OR traffick* -police asker:Smith')
    assert highlight_terms(tree) == ["modern slavery", "traffick*", "Smith"]


def test_highlight_terms_ignore_case_when_removing_duplicates():
    assert highlight_terms(parse("Police police POLICE")) == ["Police"]


# --- Describing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ('"modern slavery" OR trafficking', '"modern slavery" OR trafficking'),
        ("modern   AND slavery", "modern slavery"),
        ("(police OR slavery) modern", "(police OR slavery) modern"),
        ("police OR (slavery modern)", "police OR slavery modern"),
        ("slavery -modern", "slavery NOT modern"),
        ("-(modern OR chains)", "NOT (modern OR chains)"),
        ("-(modern chains)", "NOT (modern chains)"),
        ("heading:police heading:crime", "heading:(police crime)"),
        ("heading:(police OR answer:crime)", "heading:police OR answer:crime"),
        ('answer:"not held centrally"', 'answer:"not held centrally"'),
        ("-heading:(police OR crime)", "NOT heading:(police OR crime)"),
        ("Heading: traffick* OR", "heading:traffick*"),
        ('police "crime', 'police "crime"'),
        ("(a OR b) OR (c d)", "a OR b OR c d"),
        ("a (b OR c) (d OR e)", "a (b OR c) (d OR e)"),
    ],
)
def test_describe_gives_a_normalised_form(text, description):
    assert describe(parse(text)) == description


# --- Properties -------------------------------------------------------------------------------

_LEXEME = r"'(?:[^'\\]|''|\\.)+'(?::(?:\*[ABCD]?|[ABCD]))?"
_TSQUERY_TOKEN = re.compile(rf"\s*(?:(?P<lexeme>{_LEXEME})|(?P<op><->|[&|!()]))", re.DOTALL)


def assert_valid_tsquery(text: str) -> None:
    """Check tsquery text against the grammar the compiler promises to emit.

    Every reader's word must sit inside a quoted, non-empty lexeme: anything outside quotes
    that is not an operator or a bracket fails here.
    """
    tokens, pos = [], 0
    while pos < len(text):
        match = _TSQUERY_TOKEN.match(text, pos)
        assert match, f"not tsquery syntax at {pos}: {text!r}"
        tokens.append("LEXEME" if match.group("lexeme") else match.group("op"))
        pos = match.end()
    tokens.append("END")
    position = 0

    def take(expected: str) -> bool:
        nonlocal position
        if tokens[position] == expected:
            position += 1
            return True
        return False

    def binary(operator: str, operand):
        operand()
        while take(operator):
            operand()

    def unary():
        if take("!"):
            unary()
        elif take("("):
            binary("|", lambda: binary("&", lambda: binary("<->", unary)))
            assert take(")"), f"unbalanced brackets: {text!r}"
        else:
            assert take("LEXEME"), f"operand expected in {text!r}"

    binary("|", lambda: binary("&", lambda: binary("<->", unary)))
    assert tokens[position] == "END", f"trailing tokens in {text!r}"


def test_tsquery_checker_rejects_text_outside_lexemes():
    for bad in ["police", "'police' & crime", "''", "'a' 'b'", "('a'", "'a' &", "'a':Z"]:
        with pytest.raises(AssertionError):
            assert_valid_tsquery(bad)


# Fragments the compiler writes; once removed, only brackets and SQL keywords may remain.
_SQL_FRAGMENTS = re.compile(
    r"archive_question\.search_vector @@ (?:to_tsquery\('archive_english', %s\)"
    r"|\((?:[()\s]|to_tsquery\('archive_english', %s\)|%s::tsquery|&&|\|\||!!)+)"
    r"|unaccent\(archive_question\.(?:heading|question_text|answer_text|asker_name"
    r"|answerer_name|department_name)\) ~\* %s"
    r"|archive_question\.uin = %s"
    r"|archive_question\.(asker|answerer)_id = ANY\(ARRAY\(SELECT id FROM archive_member "
    r"WHERE to_tsvector\('simple', unaccent\(name\)\) "
    r"@@ to_tsquery\('simple', unaccent\(%s\)\)\)\)"
    r"|archive_question\.department_id = ANY\(ARRAY\(SELECT id FROM archive_department "
    r"WHERE to_tsvector\('archive_english', unaccent\(name\)\) "
    r"@@ to_tsquery\('archive_english', unaccent\(%s\)\)\)\)"
)


def leaves(node: Node) -> list[Term | Phrase]:
    if isinstance(node, Term | Phrase):
        return [node]
    if isinstance(node, Not):
        return leaves(node.child)
    return [leaf for child in node.children for leaf in leaves(child)]


def assert_well_formed(compiled: CompiledQuery) -> None:
    assert all(isinstance(param, str) for param in compiled.params)
    assert compiled.where_sql.count("%s") == len(compiled.params)
    assert re.fullmatch(
        r"[()\s]*((AND|OR|IS NOT TRUE|X)[()\s]*)*", _SQL_FRAGMENTS.sub("X", compiled.where_sql)
    )
    for param in compiled.params:
        if param.startswith("\\m"):  # a phrase's words, matched in the text
            assert param.endswith("\\M")
        elif re.fullmatch(r"(?:HL)?\d+", param):  # a question number, for the uin column
            assert "archive_question.uin = %s" in compiled.where_sql
        else:
            assert_valid_tsquery(param)
    if compiled.rank_tsquery:
        assert_valid_tsquery(compiled.rank_tsquery)
    assert "\x00" not in "".join(compiled.params)


def assert_builds_or_refuses(text: str) -> CompiledQuery | None:
    try:
        compiled = build(text)
    except QueryError as error:
        assert error.message in (
            NO_WORDS_MESSAGE,
            TOO_LONG_MESSAGE,
            TOO_MANY_TERMS_MESSAGE,
            TOO_DEEP_MESSAGE,
        )
        return None
    assert_well_formed(compiled)
    return compiled


METACHARACTERS = [*"&|!<->:*()'\\\"- \t\n\x00", "AND", "OR", "NOT", "heading:", "asker:"]

reader_text = st.lists(
    st.one_of(st.characters(codec="utf-8"), st.sampled_from(METACHARACTERS)), max_size=200
).map("".join)

words = st.one_of(
    st.sampled_from(["police", "slavery", "o'brien", "covid-19", "£2m", "a\\b", "the", "é"]),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8),
)
pieces = st.one_of(
    words,
    words.map(lambda w: w + "*"),
    words.map(lambda w: "-" + w),
    st.lists(words, max_size=4).map(lambda ws: '"' + " ".join(ws) + '"'),
    st.sampled_from(["AND", "OR", "NOT", "-", "(", ")", '"', "*", "and", "or"]),
    st.sampled_from(["heading:", "question:", "answer:", "asker:", "answerer:", "department:"]),
    st.sampled_from(["foo:", "&", "|", "!", "<->", ":*", ":A", "'", "\\", "\x00"]),
)
grammarish_text = st.tuples(st.lists(pieces, max_size=30), st.sampled_from([" ", "", "  "])).map(
    lambda parts_and_glue: parts_and_glue[1].join(parts_and_glue[0])
)


@settings(max_examples=500)
@given(st.text())
def test_any_unicode_text_builds_or_is_refused_with_a_message(text):
    assert_builds_or_refuses(text)


@settings(max_examples=500)
@given(reader_text)
def test_any_text_builds_or_is_refused_with_a_message(text):
    assert_builds_or_refuses(text)


@settings(max_examples=500)
@given(grammarish_text)
def test_any_mix_of_words_operators_and_fields_builds_or_is_refused(text):
    assert_builds_or_refuses(text)


@given(st.text(min_size=MAX_LENGTH - 10, max_size=3 * MAX_LENGTH))
def test_long_text_builds_or_is_refused_with_a_message(text):
    assert_builds_or_refuses(text)


@settings(max_examples=300)
@given(grammarish_text)
def test_description_parses_back_to_the_same_tree(text):
    compiled = assert_builds_or_refuses(text)
    if compiled is None:
        return
    description = describe(compiled.tree)
    try:
        again = parse(description)
    except QueryError as error:
        # Spelling out NOT and field names can push a query near a cap over it.
        assert error.message in (TOO_LONG_MESSAGE, TOO_DEEP_MESSAGE)
        return
    assert again == compiled.tree


@settings(max_examples=300)
@given(grammarish_text)
def test_tree_without_name_fields_compiles_to_one_match(text):
    compiled = assert_builds_or_refuses(text)
    if compiled is not None and not any(
        leaf.field in NAME_FIELDS for leaf in leaves(compiled.tree)
    ):
        # Phrases of stop words are matched in the text as well, question numbers in the
        # uin column.
        if compiled.reads_text or "archive_question.uin = %s" in compiled.where_sql:
            assert "archive_member" not in compiled.where_sql
            assert "archive_department" not in compiled.where_sql
        else:
            assert compiled.where_sql.startswith("archive_question.search_vector @@ ")
            assert compiled.where_sql.count("@@") == 1


@pytest.mark.parametrize(
    ("text", "narrowed"),
    [
        ("police", False),
        ("question:police", True),
        ('heading:"modern slavery" OR hovercraft', True),
        ("asker:smith police", False),  # names are not in the vector's fields
        ("question:police -answer:funding", False),
        ("police -answer:funding", False),
    ],
)
def test_a_query_knows_when_fields_narrow_the_planners_estimate(text, narrowed):
    assert build(text).narrowed_to_fields is narrowed
