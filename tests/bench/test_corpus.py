"""The benchmark's synthetic corpus: deterministic, in every layout, at the planted rates."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from bench import corpus
from bench.layouts import RENDERERS

SMALL = 50
SAMPLE = 5_000


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    folder, generated = corpus.ensure_corpus(
        SMALL, seed=7, folder=tmp_path_factory.mktemp("corpus") / "a", processes=1
    )
    assert generated
    return folder


@pytest.fixture(scope="module")
def sample() -> list[corpus.SynthQuestion]:
    return [question for _, question in corpus.iter_questions(seed=1, n=SAMPLE)]


def test_the_same_seed_gives_the_same_bytes(small_corpus, tmp_path):
    again, _ = corpus.ensure_corpus(SMALL, seed=7, folder=tmp_path / "b", processes=1)
    assert files_of(again) == files_of(small_corpus)


def test_another_seed_gives_another_corpus(small_corpus, tmp_path):
    other, _ = corpus.ensure_corpus(SMALL, seed=8, folder=tmp_path / "c", processes=1)
    assert files_of(other) != files_of(small_corpus)


def test_a_finished_corpus_is_reused_not_regenerated(small_corpus):
    _, generated = corpus.ensure_corpus(SMALL, seed=7, folder=small_corpus, processes=1)
    assert not generated


def test_every_layout_is_written_and_the_counts_add_up(small_corpus):
    specs = corpus.plan(7, SMALL)
    assert {spec.layout for spec in specs} == set(RENDERERS)
    assert sum(spec.count for spec in specs) == SMALL
    for spec in specs:
        extension, _ = RENDERERS[spec.layout]
        assert (small_corpus / spec.relative_path(extension)).is_file()


def test_the_manifest_is_hidden_from_ingest(small_corpus):
    # ingest skips dot-files; a visible manifest would be reported as a skipped document.
    assert corpus.MANIFEST.startswith(".")
    assert (small_corpus / corpus.MANIFEST).is_file()


def test_question_and_answer_lengths_are_in_range(sample):
    low, high = corpus.QUESTION_WORDS
    for question in sample[:500]:
        # The numbers a sentence may end with add a word or two.
        assert low - 2 <= len(question.question_text.split()) <= high + 12
        if question.status == corpus.ANSWERED:
            assert corpus.ANSWER_WORDS[0] <= len(question.answer_text.split())


def test_no_answer_paragraph_reads_as_the_start_of_a_record(sample):
    # A paragraph beginning "To ask" would be parsed as a second question.
    paragraphs = [p for q in sample for p in q.answer_paragraphs]
    assert not [p for p in paragraphs if corpus.LABEL_START.match(p)]


def test_dates_fall_between_2015_and_2025(sample):
    assert min(q.date_tabled for q in sample).year == 2015
    assert max(q.date_answered or q.date_tabled for q in sample).year == 2025


def _within_chance(observed: int, rate: float, n: int) -> bool:
    # Four standard deviations of a binomial count, plus one for the rarest terms.
    return abs(observed - rate * n) <= 4 * math.sqrt(n * rate * (1 - rate)) + 1


@pytest.mark.parametrize("plant", corpus.PLANTED, ids=lambda plant: plant.term)
def test_planted_terms_appear_at_their_rates(sample, plant):
    pattern = re.compile(rf"\b{plant.term}\b", re.IGNORECASE)
    observed = sum(1 for q in sample if pattern.search(q.searchable_text()))
    assert _within_chance(observed, plant.rate, len(sample)), (observed, plant.rate * len(sample))


def test_government_is_in_about_71_percent_of_rows(sample):
    pattern = re.compile(r"\bgovernment\b", re.IGNORECASE)
    observed = sum(1 for q in sample if pattern.search(q.searchable_text()))
    assert _within_chance(observed, corpus.GOVERNMENT_RATE, len(sample))


def test_planted_words_have_no_other_spellings_in_the_vocabulary():
    words = set(corpus.vocabulary().words)
    assert not words & {"government", "governments", "police", "funding", "pensions", "asylum"}


def test_no_two_members_share_a_name():
    cast = corpus.cast(1)
    names = [member.name for member in (*cast.mps, *cast.peers)]
    assert len(names) == len(set(names))


def test_every_generated_file_parses_back_into_its_questions(small_corpus):
    detect = pytest.importorskip(
        "ingest.detect", reason="ingest/detect.py (the layout parsers) has not landed yet"
    )
    for spec in corpus.plan(7, SMALL):
        extension, _ = RENDERERS[spec.layout]
        data = (small_corpus / spec.relative_path(extension)).read_bytes()
        document = detect.parse_document(data, spec.relative_path(extension))
        assert not document.skip_reason, (spec, document.skip_reason)
        assert len(document.questions) == spec.count, spec
        expected = spec.layout.removesuffix("-html")
        assert document.layout.removeprefix("html/") == expected
