"""``make bench`` end to end at a tiny N: the results file keeps its contract.

Other tools read ``bench/results.json``; this runs the real benchmark (generation, a fresh
server, the ingest command, the whole mix and both baselines) and checks the document's
shape and its consistency, never its timings.
"""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

N = 300
SHAPES = {
    "rare word",
    "common word",
    "phrase",
    "or",
    "and + department",
    "asker filter",
    "date range",
    "common word, newest",
    "rare word, newest",
    "deep page (50)",
}
TIMINGS = (
    "html_p50_ms",
    "html_p95_ms",
    "api_p95_ms",
    "baseline_fts_p95_ms",
    "baseline_icontains_p95_ms",
)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    output = folder / "results.json"
    environment = {**os.environ, "BENCH_PGDATA": str(folder / "pgdata")}
    command = [sys.executable, "-m", "bench", "--n", str(N), "--runs", "2", "--warmup", "1"]
    finished = subprocess.run(
        [*command, "--results", str(output)],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return json.loads(output.read_text()), output.with_suffix(".md").read_text()


def test_the_document_has_the_contract_keys(results):
    doc, _ = results
    assert doc["n"] == N
    assert doc["ingest"]["questions_per_s"] > 0
    assert 0 < doc["ingest"]["peak_rss_mb"] < 500
    assert set(doc["shapes"]) == SHAPES
    for name, shape in doc["shapes"].items():
        assert shape["errors"] == {}, name
        assert isinstance(shape["matches"], int), name
        for key in TIMINGS:
            assert isinstance(shape[key], int | float) and shape[key] > 0, (name, key)


def test_every_question_was_ingested_and_counts_agree_with_the_exact_ones(results):
    doc, _ = results
    assert doc["ingest"]["questions"] == N
    assert doc["ingest"]["exit_code"] == 0
    for name, shape in doc["shapes"].items():
        # At this size no count is capped, so ours must equal the textbook design's.
        assert not shape["matches_capped"], name
        assert shape["matches"] == shape["exact_matches"], name
    assert doc["shapes"]["common word"]["matches"] > doc["shapes"]["rare word"]["matches"]


def test_the_table_lists_every_shape(results):
    _, table = results
    for name in SHAPES:
        assert f"| {name} |" in table
