"""``make bench``: generate (or reuse) the corpus, ingest it into a fresh database, time the mix.

Steps, each printed as it runs:
1. the corpus ``bench/corpus/<N>/`` (cached: generated once per N and seed);
2. a fresh embedded PostgreSQL in ``var/bench-pgdata`` (wiped first), migrated;
3. ``manage.py ingest --json bench/corpus/<N>`` as its own process, timed, its memory polled;
4. ``VACUUM (ANALYZE)``, as autovacuum would do soon after a bulk load;
5. each shape of ``bench.shapes.mix`` through the real Django stack (``/search`` and
   ``/api/questions`` via the in-process test client) and through the two baselines;
6. ``bench/results.json`` (the contract) and ``bench/results.md`` (the table).

The benchmark never touches ``var/pgdata`` nor a ``DATABASE_URL`` server: it runs its own
server on its own data directory, so it cannot disturb a development database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "bench"
# BENCH_PGDATA moves it, so two benchmarks (a bulk load beside an ingest run) can coexist.
PGDATA = Path(os.environ.get("BENCH_PGDATA") or REPO / "var" / "bench-pgdata")
RESULTS_JSON = BENCH_DIR / "results.json"
RESULTS_MD = BENCH_DIR / "results.md"
# Kept beside the corpora (git-ignored): the ingest command's own --json report and stderr.
INGEST_REPORT = BENCH_DIR / "corpus" / "ingest-{n}.json"
INGEST_STDERR = BENCH_DIR / "corpus" / "ingest-{n}.stderr"
# Persistent connections, as a production web worker has; 60 s would reconnect mid-benchmark.
CONN_MAX_AGE = "3600"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def configure_environment() -> dict[str, str]:
    """Point this process and the ingest process at the benchmark's own database."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        PGDATA=str(PGDATA),
        DJANGO_SETTINGS_MODULE="archive.settings",
        CONN_MAX_AGE=CONN_MAX_AGE,
        DEBUG="false",
        ALLOWED_HOSTS="localhost,127.0.0.1,testserver",
    )
    os.environ.clear()
    os.environ.update(env)
    return env


# -- database ---------------------------------------------------------------------------------


def fresh_database() -> None:
    from archive.db import server

    if server.status(PGDATA):
        server.stop(PGDATA)
    shutil.rmtree(PGDATA, ignore_errors=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    # This process connects first, so it starts the server and keeps it up while the ingest
    # process comes and goes; the server stops when this process exits.
    connection.ensure_connection()
    call_command("migrate", verbosity=0, interactive=False)
    # The first start wrote server.server_settings(); shared_buffers needs a second one.
    connection.close()
    server.restart(PGDATA)


def has_database() -> bool:
    """Whether an earlier run left a database in PGDATA to reuse."""
    return (PGDATA / "PG_VERSION").exists()


def attach_database() -> None:
    """Connect to the last run's database, bringing its schema up to date."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    connection.ensure_connection()
    call_command("migrate", verbosity=0, interactive=False)


def sql_value(sql: str) -> object:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


# -- ingest -----------------------------------------------------------------------------------


@dataclass
class IngestResult:
    questions: int
    files: int
    wall_s: float
    peak_rss_mb: float
    returncode: int
    totals: dict = field(default_factory=dict)
    vacuum_s: float = 0.0
    # Set when the database of an earlier run was reused (--reuse-db): when that ingest ran,
    # and the rate it reported (the rounded wall time would not give it back exactly).
    measured: str = ""
    reported_rate: float | None = None

    @property
    def questions_per_s(self) -> float:
        if self.reported_rate is not None:
            return self.reported_rate
        return self.questions / self.wall_s if self.wall_s else 0.0


def ingest(folder: Path, n: int | str, env: dict[str, str]) -> IngestResult:
    """Ingest ``folder``; ``n`` names the report files (the corpus folder's name)."""
    from bench.measure import run_measured

    report_path = Path(str(INGEST_REPORT).format(n=n))
    stderr_path = Path(str(INGEST_STDERR).format(n=n))
    command = [sys.executable, "manage.py", "ingest", "--json", str(folder.relative_to(REPO))]
    log(f"ingest: {' '.join(command[1:])}")
    run = run_measured(
        command,
        cwd=REPO,
        env=env,
        stdout=report_path,
        stderr=stderr_path,
        on_poll=lambda elapsed, peak: log(f"  ingesting: {elapsed:.0f} s, peak RSS {peak:.0f} MB"),
    )
    totals: dict = {}
    try:
        totals = json.loads(report_path.read_text())["totals"]
    except (ValueError, KeyError, OSError):
        log(f"ingest wrote no JSON report; see {stderr_path}")
    if run.returncode:
        log(f"ingest exited {run.returncode}; failures are listed in {report_path}")
    questions = int(totals.get("questions", 0))
    return IngestResult(
        questions=questions,
        files=int(totals.get("files", 0)),
        wall_s=run.wall_s,
        peak_rss_mb=run.peak_rss_mb,
        returncode=run.returncode,
        totals=totals,
    )


# -- the mix ------------------------------------------------------------------------------------


@dataclass
class ShapeResult:
    name: str
    params: dict[str, str]
    matches: int | None = None
    matches_capped: bool | None = None
    exact_matches: int | None = None
    timings: dict = field(default_factory=dict)
    top20_overlap_vs_fts: int | None = None
    top20_overlap_vs_exact_same_rank: int | None = None
    # How many ids the exact first page holds (fewer than 20 when fewer match).
    top20_exact_size: int | None = None
    # measure.machine_probe_ms() just before and just after the shape's timed runs.
    machine_probe_ms: tuple[float, float] | None = None
    errors: dict[str, str] = field(default_factory=dict)


def run_mix(
    seed: int, runs: int, warmup: int, only: set[str] | None, kind: str = "synthetic"
) -> list[ShapeResult]:
    from django.test import Client
    from django.urls import reverse

    from bench import corpus, shapes
    from bench.measure import machine_probe_ms, time_calls, time_in_turns

    try:
        from archive.search.engine import MAX_PAGE, RANK_NORMALISATION
    except ImportError:  # the engine has not landed: ask for page 50, rank as ts_rank does
        MAX_PAGE, RANK_NORMALISATION = 50, 0

    from archive.filters import parse
    from archive.search.engine import search

    def search_engine(params: dict[str, str]) -> object:
        return search(parse(params))

    try:
        page_url, api_url = reverse("search"), reverse("api_questions")
    except Exception:  # no such routes yet, or a URLconf that does not import: errors below
        page_url, api_url = "/search", "/api/questions"
    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    if kind == "real":
        from bench import real_corpus

        top_asker, terms = real_corpus.top_asker(), shapes.REAL
    else:
        top_asker, terms = corpus.cast(seed).mps[0].name, shapes.SYNTHETIC
    results = []
    for shape in shapes.mix(top_asker, deep_page=min(50, MAX_PAGE), terms=terms):
        if only and shape.name not in only:
            continue
        result = ShapeResult(shape.name, shape.params)
        log(f"shape {shape.name!r}: {shape.params}")

        def get(url: str, shape: shapes.Shape = shape):
            response = client.get(url, shape.params)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
            return response

        try:
            data = get(api_url).json()
            result.matches = data.get("count")
            result.matches_capped = bool(data.get("count_capped", False))
            our_ids = [row["id"] for row in data.get("results", [])]
        except Exception as error:
            result.errors["api"] = f"{type(error).__name__}: {error}"[:300]
            our_ids = []
        ours = {
            "html": lambda get=get: get(page_url),
            "api": lambda get=get: get(api_url),
            # The search alone (count, facets, timeline, page, snippets), no HTTP and no
            # rendering: like for like with the baselines, which render nothing either.
            "engine": lambda shape=shape: search_engine(shape.params),
        }
        baselines = {
            "baseline_fts": lambda shape=shape: shapes.fts_baseline(shape),
            "baseline_icontains": lambda shape=shape: shapes.icontains_baseline(shape),
        }
        # Ours in turns, so that they share whatever the machine's speed does meanwhile;
        # each baseline on its own, since theirs run for seconds.
        probe_before = machine_probe_ms()
        timings = time_in_turns(ours, runs, warmup)
        timings.update((name, time_calls(call, runs, warmup)) for name, call in baselines.items())
        result.machine_probe_ms = (probe_before, machine_probe_ms())
        log(
            f"  machine probe      {result.machine_probe_ms[0]:.0f} ms before, "
            f"{result.machine_probe_ms[1]:.0f} ms after"
        )
        for target, timing in timings.items():
            if timing.error:
                result.errors[target] = timing.error
            result.timings[target] = timing
            log(
                f"  {target:<18} p50 {timing.p(0.5)} ms  p95 {timing.p(0.95)} ms  "
                f"({timing.runs} runs{', capped' if timing.capped else ''})"
                + (f"  ERROR {timing.error}" if timing.error else "")
            )
        try:
            exact = shapes.fts_baseline(shape)
            result.exact_matches = exact.count
            if shape.ranked and our_ids:
                result.top20_exact_size = len(exact.ids)
                result.top20_overlap_vs_fts = len(set(our_ids) & set(exact.ids))
                same_rank = shapes.exact_top_ids(shape, RANK_NORMALISATION, _rank_tsquery(shape.q))
                result.top20_overlap_vs_exact_same_rank = len(set(our_ids) & set(same_rank))
        except Exception as error:
            result.errors["exact"] = f"{type(error).__name__}: {error}"[:300]
        results.append(result)
    return results


def _rank_tsquery(text: str) -> str:
    """The engine's ranking tsquery for ``text``, or "" when the engine cannot say."""
    try:
        from archive.search.engine import compile_query

        compiled = compile_query(text)
        return (compiled.rank_tsquery if compiled else "") or ""
    except Exception:  # an engine without compile_query: rank by the matching query
        return ""


# -- report -------------------------------------------------------------------------------------


def machine() -> dict:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return ""

    mem_kb = first("/proc/meminfo", "MemTotal").split()
    settings = {}
    for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather", "jit"):
        settings[name] = sql_value(f"SHOW {name}")
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(int(mem_kb[0]) / 2**20, 1) if mem_kb else None,
        "cpu": first("/proc/cpuinfo", "model name") or platform.processor(),
        "postgresql": sql_value("SHOW server_version"),
        "postgresql_settings": settings,
        "python": platform.python_version(),
        # Other work on the machine skews every figure; the load says how much there was.
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def results_document(
    n: int,
    seed: int,
    ingest_result: IngestResult,
    shape_results: list[ShapeResult],
    info: dict,
    kind: str = "synthetic",
) -> dict:
    shapes_out = {}
    for r in shape_results:
        t = r.timings
        ours = t["html"].p(0.95) if "html" in t else None
        engine = t["engine"].p(0.95) if "engine" in t else None
        fts = t["baseline_fts"].p(0.95) if "baseline_fts" in t else None
        shapes_out[r.name] = {
            # The contract's keys first; never rename or remove them.
            "matches": r.matches,
            "html_p50_ms": t["html"].p(0.5),
            "html_p95_ms": ours,
            "api_p95_ms": t["api"].p(0.95),
            "baseline_fts_p95_ms": fts,
            "baseline_icontains_p95_ms": t["baseline_icontains"].p(0.95),
            # Extras.
            "params": r.params,
            "matches_capped": r.matches_capped,
            "exact_matches": r.exact_matches,
            "html_max_ms": t["html"].max,
            "api_p50_ms": t["api"].p(0.5),
            "api_max_ms": t["api"].max,
            "engine_p50_ms": t["engine"].p(0.5),
            "engine_p95_ms": engine,
            "baseline_fts_p50_ms": t["baseline_fts"].p(0.5),
            "baseline_icontains_p50_ms": t["baseline_icontains"].p(0.5),
            "runs": {name: timing.runs for name, timing in t.items()},
            "capped_runs": sorted(name for name, timing in t.items() if timing.capped),
            "fts_p95_over_html_p95": round(fts / ours, 2) if ours and fts else None,
            "fts_p95_over_engine_p95": round(fts / engine, 2) if engine and fts else None,
            "top20_overlap_vs_fts": r.top20_overlap_vs_fts,
            "top20_overlap_vs_exact_same_rank": r.top20_overlap_vs_exact_same_rank,
            "top20_exact_size": r.top20_exact_size,
            "machine_probe_ms": (
                [round(ms, 1) for ms in r.machine_probe_ms] if r.machine_probe_ms else None
            ),
            "errors": r.errors,
        }
    bulk = bool(ingest_result.totals.get("method"))
    if bulk:
        command = f".venv/bin/python -m bench --n {n} --bulk-load"
    elif kind == "real":
        command = f"make bench CORPUS=real N={n}"
    else:
        command = f"make bench N={n}"
    if ingest_result.measured:
        command += f"; .venv/bin/python -m bench --n {n} --reuse-db"
    extra = {"corpus": kind} if kind != "synthetic" else {}
    return {
        "n": n,
        **extra,
        "command": command,
        "ingest": {
            "questions_per_s": round(ingest_result.questions_per_s, 1),
            "peak_rss_mb": round(ingest_result.peak_rss_mb, 1),
            "questions": ingest_result.questions,
            "files": ingest_result.files,
            "wall_s": round(ingest_result.wall_s, 1),
            "exit_code": ingest_result.returncode,
            "totals": ingest_result.totals,
            "vacuum_analyze_s": round(ingest_result.vacuum_s, 1),
            **({"measured": ingest_result.measured} if ingest_result.measured else {}),
        },
        "shapes": shapes_out,
        "seed": seed,
        "machine": info,
        "database": {
            "questions": sql_value("SELECT count(*) FROM archive_question"),
            "table_mb": round(
                sql_value("SELECT pg_total_relation_size('archive_question')") / 2**20, 1
            ),
            "search_gin_mb": round(
                sql_value("SELECT pg_relation_size('question_search_gin')") / 2**20, 1
            ),
        },
    }


def _ms(value: float | None) -> str:
    return "—" if value is None else (f"{value:,.0f}" if value >= 100 else f"{value:.1f}")


def markdown(doc: dict) -> str:
    from bench.measure import PROBE_ADDITIONS

    m, ing, db = doc["machine"], doc["ingest"], doc["database"]
    pg = m["postgresql_settings"]
    lines = [
        (
            f"## Benchmark: {ing['questions']:,} questions of real text (N={doc['n']:,}: the "
            "`shared/real` samples copied with fresh ids, `bench/real_corpus.py`)"
            if doc.get("corpus") == "real"
            else f"## Benchmark: {doc['n']:,} questions"
        ),
        "",
        f"{m['date']}; {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM; PostgreSQL "
        f"{m['postgresql']} (shared_buffers {pg['shared_buffers']}, work_mem {pg['work_mem']}, "
        f"jit {pg['jit']}; `archive/db/server.py`); "
        f"Python {m['python']}; load average {m['load_average'][2]} over the last 15 minutes "
        f"at the end. Command: `{doc['command']}` (seed {doc['seed']}).",
        "",
        (
            f"**Loaded with COPY** (`bench/bulk.py`, not the ingest command; for timing searches "
            f"only): {ing['questions']:,} questions in {ing['wall_s']:,} s."
            if ing["totals"].get("method")
            else f"**Ingest** (`manage.py ingest --json`, {ing['files']:,} files, fresh "
            f"database): {ing['questions']:,} questions in {ing['wall_s']:,} s = "
            f"**{ing['questions_per_s']:,.0f} questions/s** (target ≥ 5,000), peak RSS "
            f"**{ing['peak_rss_mb']:,.0f} MB** (target ≤ 500)."
        )
        + (
            f" (Ingest measured {ing['measured']}; the searches below were re-timed on the "
            "same database, `--reuse-db`.)"
            if ing.get("measured")
            else ""
        )
        + f" Then VACUUM ANALYZE {ing['vacuum_analyze_s']} s. Table with indexes "
        f"{db['table_mb']:,} MB, of which the search GIN index {db['search_gin_mb']:,} MB.",
        "",
        "Milliseconds over warm runs (30, unless marked *: 5 when a first run takes over 2 s, or "
        "as many as fit in 60 s). "
        "Ours = the results page `/search`, the API `/api/questions` and the engine alone "
        "(`engine.search()`: count, facets, timeline, page and snippets, no HTTP or "
        "rendering); FTS = the textbook SearchVector/SearchRank design computing the same "
        "page (exact count, an exact GROUP BY per facet and for the timeline, snippets of "
        "question and answer), rendering nothing; icontains = plain Django. "
        "xFTS = FTS p95 ÷ ours p95, for the page and for the engine (above 1: ours faster). "
        "Top-20 = ids shared with the exact ranking (vs FTS's ts_rank, and vs the engine's "
        "own rank function over every match). Probe = ms for a fixed piece of pure Python "
        f"({PROBE_ADDITIONS:,} additions) just before and after the shape's runs: the "
        "machine's speed while they were taken (higher = slower).",
        "",
        "| shape | matches | page p50 | page p95 | API p95 | engine p95 | FTS p95 "
        "| icontains p95 | xFTS page / engine | top-20 vs FTS / same rank | probe |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for name, s in doc["shapes"].items():
        capped = set(s["capped_runs"])

        def cell(key: str, target: str, s: dict = s, capped: set = capped) -> str:
            return _ms(s[key]) + ("*" if target in capped else "")

        matches = "error" if s["matches"] is None else f"{s['matches']:,}"
        if s["matches_capped"]:
            matches = f"{matches}+ ({s['exact_matches']:,})"
        size = s["top20_exact_size"]
        overlap = (
            f"{s['top20_overlap_vs_fts']}/{size} / {s['top20_overlap_vs_exact_same_rank']}/{size}"
            if s["top20_overlap_vs_fts"] is not None
            else ""
        )
        probe = " / ".join(f"{ms:.0f}" for ms in s.get("machine_probe_ms") or [])
        ratios = " / ".join(
            "—" if ratio is None else f"{ratio:g}x"
            for ratio in (s["fts_p95_over_html_p95"], s.get("fts_p95_over_engine_p95"))
        )
        lines.append(
            f"| {name} | {matches} | {cell('html_p50_ms', 'html')} | {cell('html_p95_ms', 'html')}"
            f" | {cell('api_p95_ms', 'api')} | {cell('engine_p95_ms', 'engine')}"
            f" | {cell('baseline_fts_p95_ms', 'baseline_fts')}"
            f" | {cell('baseline_icontains_p95_ms', 'baseline_icontains')}"
            f" | {ratios} | {overlap} | {probe} |"
        )
    errors = {name: s["errors"] for name, s in doc["shapes"].items() if s["errors"]}
    if errors:
        lines += ["", "Errors:"]
        lines += [f"- {name}: {error}" for name, error in errors.items()]
    return "\n".join(lines) + "\n"


def _vacuum() -> float:
    """VACUUM ANALYZE everything, as autovacuum would soon after a bulk load; its seconds."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - started


def _generation_progress(done: int, total: int, _last: list[float] = [0.0]) -> None:  # noqa: B006
    # The default list is this function's own memory of when it last printed.
    now = time.perf_counter()
    if now - _last[0] >= 30 or done == total:
        _last[0] = now
        log(f"  generated {done:,}/{total:,} questions")


# -- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="questions in the corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per shape and target")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first")
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="skip generation and ingest; time the mix on the database the last run left "
        "(its ingest figures are read back from bench/results.json)",
    )
    parser.add_argument(
        "--bulk-load",
        action="store_true",
        help="load the questions with COPY instead of the ingest command, to time searches at "
        "sizes the ingest cannot reach; writes bench/results-bulk-<N>.json and .md instead",
    )
    parser.add_argument(
        "--corpus",
        choices=("synthetic", "real"),
        default="synthetic",
        help="real: the shared/real sample files copied with fresh ids up to N questions "
        "(bench/corpus/real-<N>/); writes bench/results-real.json and .md instead",
    )
    parser.add_argument("--shape", action="append", help="run only this shape (repeatable)")
    parser.add_argument(
        "--results",
        type=Path,
        help="write the results here (and the table beside it, as .md) instead",
    )
    args = parser.parse_args(argv)
    if args.bulk_load and args.corpus == "real":
        parser.error("--bulk-load loads the synthetic corpus only")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    env = configure_environment()

    from bench import corpus

    results_json, results_md = RESULTS_JSON, RESULTS_MD
    if args.bulk_load:
        results_json = BENCH_DIR / f"results-bulk-{args.n}.json"
        results_md = BENCH_DIR / f"results-bulk-{args.n}.md"
    elif args.corpus == "real":
        results_json = BENCH_DIR / "results-real.json"
        results_md = BENCH_DIR / "results-real.md"
    if args.results:
        results_json, results_md = args.results, args.results.with_suffix(".md")
    if args.reuse_db:
        try:
            earlier = json.loads(results_json.read_text())
        except (OSError, ValueError) as error:
            log(f"error: --reuse-db needs the results of an earlier run ({error})")
            return 2
        if not has_database():
            log(f"error: --reuse-db needs the database of an earlier run in {PGDATA}")
            return 2
        attach_database()
        previous = earlier["ingest"]
        ingest_result = IngestResult(
            questions=previous["questions"],
            files=previous["files"],
            wall_s=previous["wall_s"],
            peak_rss_mb=previous["peak_rss_mb"],
            returncode=previous["exit_code"],
            totals=previous["totals"],
            vacuum_s=previous["vacuum_analyze_s"],
            measured=previous.get("measured") or earlier["machine"]["date"],
            reported_rate=previous["questions_per_s"],
        )
    elif args.bulk_load:
        log(f"fresh database in {PGDATA}; COPY of {args.n:,} generated questions")
        fresh_database()
        from bench import bulk

        started = time.perf_counter()
        loaded = bulk.load(args.seed, args.n, progress=_generation_progress)
        took = time.perf_counter() - started
        ingest_result = IngestResult(loaded, 0, took, 0.0, 0, {"method": "COPY, bench/bulk.py"})
        log(f"loaded {loaded:,} questions in {took:.0f} s")
        ingest_result.vacuum_s = _vacuum()
    else:
        started = time.perf_counter()
        if args.corpus == "real":
            from bench import real_corpus

            try:
                folder, generated, _ = real_corpus.ensure_corpus(args.n)
            except real_corpus.RealDataMissing as error:
                log(f"error: {error}")
                return 2
        else:
            folder, generated = corpus.ensure_corpus(
                args.n, args.seed, progress=_generation_progress
            )
        took = time.perf_counter() - started
        log(f"corpus {folder}: " + (f"generated in {took:.0f} s" if generated else "cached"))
        log(f"fresh database in {PGDATA}")
        fresh_database()
        ingest_result = ingest(folder, folder.name, env)
        log(
            f"ingested {ingest_result.questions:,} questions in {ingest_result.wall_s:.1f} s: "
            f"{ingest_result.questions_per_s:,.0f}/s, peak RSS {ingest_result.peak_rss_mb:.0f} MB"
        )
        ingest_result.vacuum_s = _vacuum()

    only = set(args.shape) if args.shape else None
    shape_results = run_mix(args.seed, args.runs, args.warmup, only, args.corpus)
    doc = results_document(args.n, args.seed, ingest_result, shape_results, machine(), args.corpus)
    results_json.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    table = markdown(doc)
    results_md.write_text(table)
    print(table)
    log(f"wrote {results_json} and {results_md}")
    return 0
