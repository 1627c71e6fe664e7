"""The benchmark's synthetic corpus: deterministic, in every layout, at the planted rates."""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from pathlib import Path

import pytest

from bench import corpus
from bench.layouts import RENDERERS
from bench.vocabulary import TABLE_BITS

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


def test_parallel_generation_writes_the_same_bytes(small_corpus, tmp_path):
    # Each file depends on the seed and its number only, whichever worker writes it.
    assert len(corpus.plan(7, SMALL)) >= 4, "too few files for ensure_corpus to use a pool"
    parallel, _ = corpus.ensure_corpus(SMALL, seed=7, folder=tmp_path / "p", processes=2)
    assert files_of(parallel) == files_of(small_corpus)


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


def test_a_drawn_word_is_the_table_slot_its_random_bytes_name():
    # The sampler cuts indices out of random bytes with byte slices; this is the arithmetic it
    # stands for, so a wrong mask or byte order (a biased or out-of-range slot) fails here.
    words = corpus.vocabulary()
    drawn = words.sample(random.Random(3), 2_000)
    data = random.Random(3).randbytes(4 * 2_000)
    slots = [
        int.from_bytes(data[i : i + 4], "little") % (1 << TABLE_BITS)
        for i in range(0, len(data), 4)
    ]
    assert drawn == [words.table[slot] for slot in slots]


def test_words_are_drawn_at_their_zipf_rates():
    words = corpus.vocabulary()
    n = 200_000
    drawn = Counter(words.sample(random.Random(5), n))
    slots = Counter(words.table)
    share = {word: count / len(words.table) for word, count in slots.items()}
    for rank in (0, 1, 10, 100, 1_000):
        word = words.words[rank]
        assert _within_chance(drawn[word], share[word], n), (rank, drawn[word], share[word] * n)
    tail = words.words[words.real_count :]
    tail_share = sum(share[word] for word in tail)
    assert 0.05 < tail_share < 0.5
    assert _within_chance(sum(drawn[word] for word in tail), tail_share, n)


# The figure a sentence may end on, as ``corpus._number`` writes them.
FIGURE = re.compile(r" (?:£\d+ million|\d+ per cent|in \d{4}|\d[\d,]*)\.$")


def test_sentences_have_8_to_24_drawn_words_and_start_with_a_capital():
    maker = corpus.QuestionMaker(1, random.Random(9))
    for word_count in (5, 20, 57, 400):
        text = maker._sentences(word_count)
        sentences = [sentence + "." for sentence in text.removesuffix(".").split(". ")]
        counts = []
        for sentence in sentences:
            assert sentence[0].isupper(), sentence
            words = FIGURE.sub(".", sentence).removesuffix(".").split(" ")
            assert sum(word.endswith(",") for word in words) <= 1, sentence
            assert all(re.fullmatch(r"[A-Za-z]+,?", word) for word in words), sentence
            counts.append(len(words))
        assert sum(counts) == word_count
        assert all(8 <= count <= 24 for count in counts[:-1]), counts
        assert 1 <= counts[-1] <= 24, counts
    assert maker._sentences(30, capital=False)[0].islower()


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
