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


def run_bench(folder, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", *arguments],
        cwd=REPO,
        env={**os.environ, "BENCH_PGDATA": str(folder / "pgdata")},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Where the benchmark's database and results are; the run itself is ``results``."""
    return tmp_path_factory.mktemp("bench")


@pytest.fixture(scope="module")
def results(folder):
    output = folder / "results.json"
    finished = run_bench(
        folder, "bench", "--n", str(N), "--runs", "2", "--warmup", "1", "--results", str(output)
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
        before, after = shape["machine_probe_ms"]
        assert before > 0 and after > 0, name


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
    assert "| probe |" in table


def test_a_rerun_on_the_same_database_keeps_the_ingest_figures_and_says_when(results, folder):
    doc, _ = results
    output = folder / "results.json"
    again = run_bench(
        folder,
        "bench",
        "--n",
        str(N),
        "--runs",
        "1",
        "--warmup",
        "0",
        "--reuse-db",
        "--results",
        str(output),
    )
    assert again.returncode == 0, again.stderr[-3000:]
    rerun = json.loads(output.read_text())
    assert rerun["ingest"]["questions_per_s"] == doc["ingest"]["questions_per_s"]
    assert rerun["ingest"]["measured"] == doc["machine"]["date"]
    assert "--reuse-db" in rerun["command"]
    assert f"Ingest measured {doc['machine']['date']}" in output.with_suffix(".md").read_text()
    assert set(rerun["shapes"]) == SHAPES


def test_a_rerun_without_an_earlier_run_says_so_in_one_line(tmp_path):
    missing = tmp_path / "results.json"
    finished = run_bench(tmp_path, "bench", "--n", str(N), "--reuse-db", "--results", str(missing))
    assert finished.returncode == 2
    assert "error: --reuse-db needs the results of an earlier run" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_the_sweep_times_every_combination_on_the_benchmark_database(results, folder):
    swept = run_bench(folder, "bench.sweep", "--show", "3")
    assert swept.returncode == 0, swept.stderr[-3000:]
    summary = swept.stdout.strip().splitlines()[-1]
    assert summary.startswith("108 combinations:")
    assert summary.endswith("not 200: 0")
