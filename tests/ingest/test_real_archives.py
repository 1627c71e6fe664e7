"""Loading the real public archives (../shared/real) end to end: counts, re-scrapes, merging."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.models import Question, SourceDocument
from tests.conftest import SHARED

REAL = SHARED / "real"
COMMONS = REAL / "twfy-xml" / "answers2009-10-28c.xml"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not REAL.is_dir(), reason=f"real samples not found at {REAL}"),
]


def ingest(*paths: Path) -> dict:
    out = StringIO()
    # A failed file makes the command exit 1, which fails the test.
    call_command("ingest", *map(str, paths), json=True, stdout=out)
    return json.loads(out.getvalue())


def test_every_real_sample_loads_without_failures():
    report = ingest(*sorted(REAL.glob("*/*")))
    assert report["totals"]["failed"] == 0
    counts = {Path(f["path"]).name: f["created"] for f in report["files"]}
    assert counts == {
        "2024-08.json": 1004,
        "2026-06.json": 192,
        "moj-questions-part1.xml": 400,
        "answers2009-10-28c.xml": 291,
        "lordswrans2009-10-27a.xml": 45,
        "spwa2009-10-27.xml": 85,
    }
    assert Question.objects.count() == 2017


def older_scrape(tmp_path: Path) -> Path:
    """The Commons day as an earlier scrape printed it: superseded, with a typo since fixed."""
    older = COMMONS.read_bytes().replace(b'latest="yes"', b'latest="no"', 1)
    older = older.replace(b"winter fuel payment", b"winter fuel paymnet")
    assert b"paymnet" in older
    path = tmp_path / COMMONS.name.replace("c.xml", "a.xml")
    path.write_bytes(older)
    return path


def archived() -> dict[str, tuple]:
    rows = Question.objects.values_list("uin", "question_text", "answer_text", "parse_warnings")
    return {row[0]: row for row in rows}


@pytest.mark.parametrize("older_first", [False, True], ids=["newer-first", "older-first"])
def test_the_newer_scrape_of_a_day_wins_whichever_is_loaded_first(tmp_path, older_first):
    ingest(COMMONS)
    newer_alone = archived()
    Question.objects.all().delete()
    SourceDocument.objects.all().delete()  # else the file would be "unchanged"
    older = older_scrape(tmp_path)
    report = ingest(*([older, COMMONS] if older_first else [COMMONS, older]))
    assert report["totals"]["created"] == 291
    # Same text, same (lack of) warnings: no conflict reported, no stale "superseded".
    assert archived() == newer_alone
    assert not Question.objects.filter(superseded=True).exists()
