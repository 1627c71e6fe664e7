"""Loading the real public archives (../shared/real) end to end: counts, re-scrapes, merging."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.models import Question
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


def test_an_older_scrape_of_the_same_day_neither_duplicates_nor_loses_records(tmp_path):
    ingest(COMMONS)
    before = {q[0]: q for q in Question.objects.values_list("uin", "question_text", "answer_text")}
    older = COMMONS.read_bytes().replace(b'latest="yes"', b'latest="no"', 1)
    # The older scrape has a typo the newer one fixed.
    older = older.replace(b"winter fuel payment", b"winter fuel paymnet")
    rescrape = tmp_path / COMMONS.name
    rescrape.write_bytes(older)
    report = ingest(rescrape)
    assert report["totals"]["created"] == 0
    assert Question.objects.count() == 291
    after = {q[0]: q for q in Question.objects.values_list("uin", "question_text", "answer_text")}
    assert after == before
