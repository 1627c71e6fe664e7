"""Golden tests: each real document against its checked-in expected records, every field.

Documents live in tests/fixtures/documents/, expected output in tests/fixtures/expected/
under the same name (see tests/fixtures/README.md for where each document comes from).
Saved-HTML versions of the seeds must yield the same records as the text seeds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from ingest.detect import parse_document

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DOCUMENTS = FIXTURES / "documents"
EXPECTED = FIXTURES / "expected"


def as_json(value: Any) -> Any:
    """A ParsedDocument as the plain JSON the expected files hold."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: as_json(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    return value


def document_for(expected: Path) -> Path:
    (document,) = [path for path in DOCUMENTS.glob(expected.stem + ".*")]
    return document


def parse_fixture(name: str) -> Any:
    return as_json(parse_document((DOCUMENTS / name).read_bytes(), name))


@pytest.mark.parametrize("expected", sorted(EXPECTED.glob("*.json")), ids=lambda path: path.stem)
def test_document_matches_its_expected_records(expected: Path) -> None:
    document = document_for(expected)
    want = json.loads(expected.read_text(encoding="utf-8"))

    got = as_json(parse_document(document.read_bytes(), document.name))

    assert got["layout"] == want["layout"]
    assert got["skip_reason"] == want["skip_reason"]
    assert len(got["questions"]) == len(want["questions"])
    for index, (got_question, want_question) in enumerate(
        zip(got["questions"], want["questions"], strict=True)
    ):
        for field, value in want_question.items():
            assert got_question[field] == value, f"record {index}: {field}"
    assert got == want


def test_every_seed_has_an_expected_file() -> None:
    seeds = sorted(path.stem for path in DOCUMENTS.glob("00?_*.txt"))
    assert seeds == sorted(path.stem for path in EXPECTED.glob("00?_*.json"))


@pytest.mark.parametrize(
    ("html_name", "text_name", "layout"),
    [
        ("000_plain_list.html", "000_2cdcaa9bbce80b4a.txt", "html/plain-list"),
        ("001_question_page.html", "001_637a8e166194ae8f.txt", "html/question-page"),
        ("002_search_results.html", "002_7d04979459b345ac.txt", "html/search-results"),
    ],
)
def test_saved_html_page_yields_the_same_records_as_its_text(
    html_name: str, text_name: str, layout: str
) -> None:
    from_html = parse_fixture(html_name)
    from_text = parse_fixture(text_name)

    assert from_html["layout"] == layout
    assert len(from_html["questions"]) == len(from_text["questions"])
    for html_question, text_question in zip(
        from_html["questions"], from_text["questions"], strict=True
    ):
        # raw_text is the visible text of the page, not the seed's bytes.
        assert html_question.pop("raw_text").startswith(("Asked by:", "Written Question", "Human"))
        text_question.pop("raw_text")
        assert html_question == text_question


@pytest.mark.parametrize(
    ("name", "looks_like"),
    [("003_debate.html", "a debate transcript"), ("004_news_article.html", "a news article")],
)
def test_saved_html_page_that_is_not_a_question_says_so(name: str, looks_like: str) -> None:
    parsed = parse_fixture(name)

    assert parsed["layout"] == "not-a-question"
    assert parsed["questions"] == []
    assert parsed["skip_reason"].startswith("saved HTML page '")
    assert f"looks like {looks_like}" in parsed["skip_reason"]


def test_question_page_repeats_a_question_of_the_plain_list() -> None:
    plain_list = parse_fixture("000_2cdcaa9bbce80b4a.txt")["questions"]
    page = parse_fixture("001_637a8e166194ae8f.txt")["questions"]

    assert page[0]["question_text"] == plain_list[7]["question_text"]


def test_records_sharing_an_answer_stay_separate() -> None:
    questions = parse_fixture("000_2cdcaa9bbce80b4a.txt")["questions"]

    assert questions[6]["answer_text"] == questions[7]["answer_text"] == questions[8]["answer_text"]
    assert len({q["question_text"] for q in questions[6:9]}) == 3
