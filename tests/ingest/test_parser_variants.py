"""Variants of the seed layouts as pages print them elsewhere: each was once misread.

Whole documents through ``parse_document``, as the ingest reads them: the question page of
``../shared/seeds/`` with its parts moved, wrapped, repeated or surrounded by other page
text, and pages that carry the same labels without being written questions.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from ingest.detect import parse_document
from ingest.parsers.base import ANSWERED, CORRECTED
from ingest.parsers.common import unwrapped

HEADER = [
    "Scotland: Constitutional Law",
    "(asked on 5th February 2024) - View Source",
    "Asked by: Lord Wallace of Tankerness (Liberal Democrat - Life peer)",
    "Question to the Scotland Office:",
    "To ask His Majesty's Government how many section 35 orders have been made.",
    "Answered by",
    "Lord Offord of Garvel Portrait",
    "Lord Offord of Garvel",
    "Parliamentary Under-Secretary (Scotland Office)",
    "This question was answered on 19th February 2024",
]
ANSWER = "One order has been made under section 35 of the Scotland Act 1998, in January 2023."


def page(*lines: str, header: list[str] = HEADER) -> bytes:
    return "\n\n".join([*header, *lines]).encode()


def only_question(data: bytes):
    document = parse_document(data)
    assert document.skip_reason == ""
    (question,) = document.questions
    return question


def test_the_page_itself_reads_as_one_answered_question() -> None:
    question = only_question(page(ANSWER, "Reticulating Splines"))

    assert (question.heading, question.status, question.answer_text) == (
        "Scotland: Constitutional Law",
        ANSWERED,
        ANSWER,
    )


# --- pages that are not written questions --------------------------------------------------------

ORAL_QUESTION = [
    "Prisons: Overcrowding",
    "Volume 840: debated on Monday 4 November 2024",
    "Question",
    "2.44 pm",
    "Asked by",
    "Lord Bach",
    "To ask His Majesty's Government what steps they are taking to reduce overcrowding.",
    "Lord Timpson (Lab)",
    "My Lords, I beg leave to ask the Question standing in my name on the Order Paper.",
    "Lord Bach (Lab)",
    "My Lords, I thank my noble friend for that Answer.",
]


@pytest.mark.parametrize(
    "data",
    [
        "\n\n".join(ORAL_QUESTION).encode(),
        (
            "<html><head><title>Prisons: Overcrowding - Hansard</title></head><body><main>"
            + "".join(f"<p>{line}</p>" for line in ORAL_QUESTION)
            + "</main></body></html>"
        ).encode(),
    ],
    ids=["text", "html"],
)
def test_a_question_asked_in_the_chamber_is_a_debate_not_a_written_question(data) -> None:
    document = parse_document(data)

    assert document.questions == []
    assert document.layout == "not-a-question"
    assert "looks like a debate transcript (a question asked in the chamber)" in (
        document.skip_reason
    )


def test_an_index_of_question_titles_without_questions_is_skipped() -> None:
    entries = [
        [
            title,
            "Asked by: Baroness Doocey (Liberal Democrat - Life peer)",
            "Question to the Home Office",
            date,
        ]
        for title, date in [
            ("Human Trafficking: Children", "28th March 2019"),
            ("Slavery: Gangs", "21st December 2018"),
        ]
    ]
    lines = [line for entry in entries for line in entry]
    text = "\n\n".join(["Written Questions", "Showing 1 - 2 of 320", *lines])

    document = parse_document(text.encode())

    assert document.questions == []
    assert document.skip_reason


# --- answers that start like labels and facts ----------------------------------------------------


def test_an_answer_paragraph_starting_asked_by_stays_in_the_answer() -> None:
    paragraph = (
        "Asked by the Committee in 2023 to review these figures, the Department commissioned "
        "an independent audit."
    )
    record = [
        "Asked by: Lord Wallace of Tankerness (Liberal Democrat - Life peer)",
        "Question to the Scotland Office:",
        "To ask His Majesty's Government how many section 35 orders have been made.",
        "Answered by Lord Offord of Garvel - Parliamentary Under-Secretary (Scotland Office)",
    ]
    text = "\n".join([*record, ANSWER, paragraph, "The audit found no errors.", *record, ANSWER])

    document = parse_document(text.encode())

    assert [q.answer_text for q in document.questions] == [
        f"{ANSWER}\n\n{paragraph}\n\nThe audit found no errors.",
        ANSWER,
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Withdrawn on 1 April 2023, the old scheme was replaced by the Discount Scheme.",
        "Tabled on 3 May 2022 and laid before Parliament, the order took effect at once.",
    ],
)
def test_a_last_paragraph_starting_like_a_fact_is_answer_text(paragraph: str) -> None:
    question = only_question(page(ANSWER, paragraph))

    assert question.status == ANSWERED
    assert question.answer_text == f"{ANSWER}\n\n{paragraph}"


# --- corrections, groups, numbers ----------------------------------------------------------------


def test_a_corrected_answer_printed_above_the_original_keeps_them_apart() -> None:
    original = "No orders have been made under section 35 of the Scotland Act 1998."

    question = only_question(
        page(
            ANSWER,
            "This answer was corrected on 23rd February 2024",
            "Original answer",
            original,
            "Reticulating Splines",
        )
    )

    assert question.status == CORRECTED
    assert question.date_answer_corrected == dt.date(2024, 2, 23)
    assert (question.answer_text, question.original_answer_text) == (ANSWER, original)


def test_a_grouping_notice_is_not_answer_text() -> None:
    question = only_question(
        page(
            ANSWER, "This answer groups the following questions:", "Grouped Questions: 7703 | 7704"
        )
    )

    assert question.answer_text == ANSWER
    assert question.grouped_uins == ("7703", "7704")


@pytest.mark.parametrize("line", ["HL14421", "[HL14421]"])
def test_a_question_number_on_its_own_line_is_the_uin(line: str) -> None:
    header = [*HEADER]
    header.insert(header.index("Answered by"), line)

    question = only_question(page(ANSWER, header=header))

    assert question.uin == "HL14421"
    assert question.question_text.endswith("orders have been made.")


# --- members and roles ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "asker_lines",
    [
        [
            "Asked by",
            "Lord Bruce Portrait",
            "Lord Bruce",
            "Liberal Democrat - Life peer",
        ],
        ["Asked by: Lord Bruce", "(Liberal Democrat - Life peer)"],
    ],
    ids=["block", "inline name"],
)
def test_party_and_seat_on_their_own_line_belong_to_the_asker(asker_lines) -> None:
    header = [line for line in HEADER if not line.startswith("Asked by")]
    header[2:2] = asker_lines

    question = only_question(page(ANSWER, header=header))

    assert (question.asker.name, question.asker.party, question.asker.seat) == (
        "Lord Bruce",
        "Liberal Democrat",
        "Life peer",
    )
    assert question.warnings == []


@pytest.mark.parametrize(
    "answerer_lines",
    [
        [
            "Answered by Lord Offord of Garvel - Parliamentary Under-Secretary of State",
            "(Scotland Office and Wales Office)",
        ],
        [
            "Answered by Lord Offord of Garvel - Parliamentary Under-Secretary (Scotland",
            "Office and Wales Office)",
        ],
    ],
    ids=["bracket on the next line", "bracket across lines"],
)
def test_a_role_wrapped_onto_the_next_line_is_read_whole(answerer_lines) -> None:
    cut = HEADER.index("Answered by")
    header = [*HEADER[:cut], *answerer_lines, HEADER[-1]]

    question = only_question(page(ANSWER, header=header))

    assert question.answerer_role.endswith("(Scotland Office and Wales Office)")
    assert question.answer_text == ANSWER


# --- the page around the record ------------------------------------------------------------------


@pytest.mark.parametrize(
    "foot",
    [
        [
            "Share this question",
            "Parallel Parliament is not affiliated with Parliament.",
            "Privacy",
        ],
        ["Previous Page 1 of 3 Next"],
        [
            "Latest Written Questions from Lord Wallace of Tankerness",
            "Asked by: Lord Wallace of Tankerness (Liberal Democrat - Life peer)",
            "Ferries: Orkney",
            "4th September 2024",
        ],
    ],
    ids=["footer", "pagination", "other questions"],
)
def test_the_page_foot_below_the_answer_is_not_answer_text(foot: list[str]) -> None:
    question = only_question(page(ANSWER, *foot))

    assert question.answer_text == ANSWER


def test_a_page_foot_is_cut_only_where_nothing_long_follows() -> None:
    paragraph = (
        "Share this question with officials was the instruction, and the Department has "
        "since written to every council to set out the position in full, with the figures."
    )

    question = only_question(page(ANSWER, "Share", paragraph))

    assert question.answer_text.endswith(paragraph)


def html_page(body: str) -> bytes:
    head = "<!DOCTYPE html><html><head><title>Question</title></head>"
    return f"{head}<body>{body}</body></html>".encode()


def html_record(*, heading: str = "", date_div: str = "") -> str:
    lines = HEADER[2:] if heading or date_div else HEADER
    return (
        heading
        + date_div
        + "<main>"
        + "".join(f"<p>{line}</p>" for line in lines)
        + f"<p>{ANSWER}</p></main>"
    )


def test_a_heading_in_the_page_header_is_kept() -> None:
    body = html_record(
        heading='<header class="page-header"><h1>Scotland: Constitutional Law</h1></header>',
        date_div="<p>(asked on 5th February 2024)</p>",
    )

    question = only_question(html_page(body))

    assert question.heading == "Scotland: Constitutional Law"


def test_a_site_banner_is_still_furniture() -> None:
    body = '<header><a href="/">Parallel Parliament</a><nav>Home</nav></header>' + html_record()

    question = only_question(html_page(body))

    assert question.heading == "Scotland: Constitutional Law"


def test_a_member_card_in_a_sidebar_is_read_and_other_sidebars_are_not() -> None:
    asker = HEADER[2]
    record = html_record().replace(f"<p>{asker}</p>", "")
    body = (
        f'<aside class="member-card"><p><strong>{asker.split(": ")[0]}:</strong> '
        f"<a>{asker.split(': ')[1]}</a></p></aside>"
        + record
        + "<aside><h2>Other questions asked by Lord Wallace</h2><p>Ferries: Orkney</p></aside>"
    )

    question = only_question(html_page(body))

    assert question.asker.name == "Lord Wallace of Tankerness"
    assert question.answer_text == ANSWER


@pytest.mark.parametrize(
    ("classes", "tabled"),
    [("meta d-none d-md-block", dt.date(2024, 2, 5)), ("meta d-none", None)],
)
def test_text_hidden_only_on_small_screens_is_read(classes: str, tabled) -> None:
    body = html_record(
        heading="<h1>Scotland: Constitutional Law</h1>",
        date_div=f'<div class="{classes}">(asked on 5th February 2024)</div>',
    )

    question = only_question(html_page(body))

    assert question.date_tabled == tabled


def test_a_search_result_with_its_date_beside_the_heading() -> None:
    results = "".join(
        f'<div class="result"><p>Written Question</p><div class="title"><a>{title}</a> '
        f'<span class="date">{date}</span></div>'
        + "".join(f"<p>{line}</p>" for line in HEADER[2:5])
        + "</div>"
        for title, date in [
            ("Public Appointments: Diversity", "Monday 18th March 2024"),
            ("Armistice Day: 11 November 2018", "Tuesday 15th October 2024"),
        ]
    )

    document = parse_document(html_page(results))

    assert [(q.heading, q.date_tabled) for q in document.questions] == [
        ("Public Appointments: Diversity", dt.date(2024, 3, 18)),
        ("Armistice Day: 11 November 2018", dt.date(2024, 10, 15)),
    ]


# --- encodings -----------------------------------------------------------------------------------


def test_a_utf8_file_with_one_windows_1252_byte_keeps_its_other_characters() -> None:
    text = page(ANSWER.replace("1998", "1998 (£2 billion, Ynys Môn)"))
    stray = text.replace(b"how many", "how\u2019s many".encode("cp1252"))

    question = only_question(stray)

    assert "how\u2019s many" in question.question_text
    assert "£2 billion, Ynys Môn" in question.answer_text


# --- hard-wrapped text ---------------------------------------------------------------------------

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "documents"


def fields(question) -> tuple:
    asker = question.asker
    return (
        question.heading,
        asker and (asker.name, asker.party, asker.seat),
        question.department,
        question.question_text,
        question.answerer and question.answerer.name,
        question.answerer_role,
        # A paragraph whose last line happens to be full runs on into the next: the words
        # are all there, a paragraph break may not be.
        " ".join(question.answer_text.split()),
        question.date_tabled,
        question.date_answered,
    )


@pytest.mark.parametrize(
    "name", ["000_2cdcaa9bbce80b4a.txt", "001_637a8e166194ae8f.txt", "002_7d04979459b345ac.txt"]
)
@pytest.mark.parametrize("width", [72, 76])
def test_text_wrapped_at_a_fixed_width_reads_as_the_unwrapped_text(name: str, width: int) -> None:
    # As a browser saves a page as text, or a mail client sends it.
    text = (SEEDS / name).read_text(encoding="utf-8")
    wrapped = "\n".join(textwrap.fill(line, width) if line else line for line in text.split("\n"))
    assert max(len(line) for line in wrapped.split("\n")) <= width

    expected = parse_document(text.encode()).questions
    questions = parse_document(wrapped.encode()).questions

    assert [fields(q) for q in questions] == [fields(q) for q in expected]


def test_a_long_address_on_a_line_of_its_own_does_not_hide_the_wrapping() -> None:
    # Browsers wrap at spaces: a link longer than the width stays whole, on its own line.
    link = "https://www.gov.uk/government/publications/a-very-long-address-for-a-report-on-flooding-2024-25.pdf"
    assert 90 < len(link) <= 100
    text = (SEEDS / "001_637a8e166194ae8f.txt").read_text(encoding="utf-8")
    text = text.replace("\nWe are committed", f"\n{link}\n\nWe are committed", 1)
    wrapped = "\n".join(
        textwrap.fill(line, 72) if line and line != link else line for line in text.split("\n")
    )

    expected = parse_document(text.encode()).questions
    questions = parse_document(wrapped.encode()).questions

    assert [fields(q) for q in questions] == [fields(q) for q in expected]


def test_a_list_of_short_lines_alike_is_not_taken_for_wrapping() -> None:
    items = [f"\u2022 a national fraud squad of {n}00;" for n in range(1, 13)]
    # Every line short, as a list's often are: a bullet's and the next are not one line.
    text = "\n".join(["The Government's fraud strategy includes:", *items])

    assert unwrapped(text) == text


def test_short_lines_of_a_text_that_is_not_wrapped_stay_apart() -> None:
    # Eight full-width lines are wrapping; a record's few short ones are not.
    text = page(ANSWER, "Yes.", "No.").decode()

    assert unwrapped(text) == text


# --- site menus, articles, other wording ---------------------------------------------------------


def test_a_menu_naming_written_questions_does_not_make_one_result_of_the_page() -> None:
    cards = [
        [
            heading,
            "Monday 18th March 2024",
            f"Asked by: {asker}",
            "Question to the Home Office:",
            f"To ask the Secretary of State for the Home Department, {text}",
            "Answered by Chris Philp - Minister of State (Home Office)",
            answer,
        ]
        for heading, asker, text, answer in [
            ("Police: Pay", "Jane Smith (Labour - Dover)", "what pay award?", "4.75%."),
            ("Prisons: Drugs", "John Brown (Conservative - Poole)", "how many seizures?", "912."),
        ]
    ]
    menu = ["Written questions", "Written statements", "Daily reports"]
    text = "\n".join([*menu, *[line for card in cards for line in card]])

    document = parse_document(text.encode())

    assert [(q.heading, q.asker.name, q.answer_text) for q in document.questions] == [
        ("Police: Pay", "Jane Smith", "4.75%."),
        ("Prisons: Drugs", "John Brown", "912."),
    ]


def test_an_article_quoting_a_question_is_not_a_question_page() -> None:
    text = "\n\n".join(
        [
            "Police morale at record low, survey finds",
            "By Jane Reporter",
            "12/03/2024",
            "The Liberal Democrat peer asked in a written question:",
            "To ask His Majesty's Government what assessment they have made of police morale.",
            "Ministers have yet to reply, a spokesman said: \u201cWe will respond soon.\u201d",
            "Read more: policing news",
        ]
    )

    document = parse_document(text.encode())

    assert document.questions == []
    assert document.skip_reason


def test_question_for_a_department_names_it_as_question_to_does() -> None:
    header = [line.replace("Question to the", "Question for the") for line in HEADER]

    question = only_question(page(ANSWER, header=header))

    assert question.department == "Scotland Office"


def test_a_feedback_widget_below_an_unanswered_question_is_not_its_text() -> None:
    header = HEADER[: HEADER.index("Answered by")]
    question = only_question(
        page("Is this page useful?", "Report a problem with this page", header=header)
    )
    assert question.question_text.endswith("orders have been made.")


def test_a_wrapped_page_with_a_menu_of_short_lines_is_unwrapped_too() -> None:
    # A browser's text save: menu items and buttons are short lines of their own.
    text = (SEEDS / "001_637a8e166194ae8f.txt").read_text(encoding="utf-8")
    menu = "\n\n".join(["  * MPs", "  * Lords", "  * Bills", "  * Debates", "Share", "Print"] * 30)
    wrapped = "\n".join(textwrap.fill(line, 72) if line else line for line in text.split("\n"))

    expected = parse_document(text.encode()).questions
    questions = parse_document(f"{menu}\n\n{wrapped}".encode()).questions

    assert [fields(q) for q in questions] == [fields(q) for q in expected]
