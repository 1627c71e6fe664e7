"""The real-data corpus: the shared/real samples copied with fresh identities."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench import real_corpus
from ingest.detect import parse_document
from ingest.identity import fingerprint

pytestmark = pytest.mark.skipif(
    not real_corpus.REAL_DIR.is_dir(), reason=f"no real sample files at {real_corpus.REAL_DIR}"
)


def parsed(folder: Path) -> dict[str, list]:
    documents = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            document = parse_document(path.read_bytes(), path.name)
            assert not document.skip_reason, (path, document.skip_reason)
            documents[str(path.relative_to(folder))] = document.questions
    return documents


@pytest.fixture(scope="module")
def two_copies(tmp_path_factory) -> tuple[Path, int]:
    per_copy = real_corpus.questions_per_copy(real_corpus.sample_files())
    folder, generated, questions = real_corpus.ensure_corpus(
        per_copy + 1, folder=tmp_path_factory.mktemp("real") / "two"
    )
    assert generated
    assert questions == 2 * per_copy
    return folder, per_copy


def test_two_copies_have_distinct_identities(two_copies):
    folder, per_copy = two_copies
    documents = parsed(folder)
    assert len(documents) == 2 * len(real_corpus.sample_files())
    questions = [q for qs in documents.values() for q in qs]
    assert len(questions) == 2 * per_copy
    identities = Counter((q.house, q.uin, q.date_tabled or q.date_answered) for q in questions)
    assert all(q.uin for q in questions)
    assert len(identities) == len(questions)
    # Nor may the loader's fallback, the question's words, merge a copy into the other.
    texts = [
        {
            fingerprint(q.question_text)
            for k, qs in documents.items()
            if f"/{copy}/" in k
            for q in qs
        }
        for copy in ("0000", "0001")
    ]
    assert texts[0] and texts[1] and not texts[0] & texts[1]


def test_copies_keep_the_kind_and_warnings_of_the_original(two_copies):
    folder, _ = two_copies
    documents = parsed(folder)
    for relative, questions in documents.items():
        if "/0001/" not in relative:
            continue
        kind = relative.split("/")[0]
        originals = [v for k, v in documents.items() if k.startswith(f"{kind}/0000/")]
        original = next(qs for qs in originals if len(qs) == len(questions))
        assert [q.house for q in questions] == [q.house for q in original]
        assert [q.warnings for q in questions] == [q.warnings for q in original]


def test_parlparse_copies_move_the_date_in_name_and_content(two_copies):
    folder, _ = two_copies
    names = sorted(p.name for p in (folder / "twfy-xml" / "0001").iterdir())
    assert names == ["answers2009-10-29c.xml", "lordswrans2009-10-28a.xml", "spwa2009-10-28.xml"]
    data = (folder / "twfy-xml" / "0001" / "answers2009-10-29c.xml").read_bytes()
    assert b"/wrans/2009-10-29c." in data and b"/wrans/2009-10-28c." not in data


def test_the_same_input_gives_the_same_bytes(two_copies, tmp_path):
    folder, per_copy = two_copies
    again, _, _ = real_corpus.ensure_corpus(per_copy + 1, folder=tmp_path / "again")
    assert parsed(folder).keys() == parsed(again).keys()
    for path in folder.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (again / path.relative_to(folder)).read_bytes()


def test_shift_uin_keeps_the_prefix():
    assert real_corpus.shift_uin("3283", 2) == "2003283"
    assert real_corpus.shift_uin("HL5813", 1) == "HL1005813"
    assert real_corpus.shift_uin("S3W-28117", 1) == "S3W-1028117"
