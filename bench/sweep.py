"""``python -m bench.sweep``: every combination of query, filter and sort, once each.

The benchmark's mix times ten shapes thirty times; this times many more shapes once (after one
untimed run), to find the combination the mix does not cover that is slow: field searches,
prefixes, exclusions, phrases in one field, each alone and with a department, a quarter's
dates or one member, in all three sorts. It runs on the database the last ``make bench`` left
(``var/bench-pgdata``, or ``BENCH_PGDATA``), through the results page, and prints the slowest
combinations and the median. It asserts nothing: it is a searchlight, not a test.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time

from bench.run import PGDATA, REPO, attach_database, configure_environment, has_database, log

QUERIES = (
    "question:police",
    "answer:hovercraft",
    'heading:"modern slavery"',
    "p*",
    "gov* OR pol*",
    "(police OR crime) -government",
    '"modern slavery" OR hovercraft',
    "department:home",
    "answerer:smith",
)
SORTS = ("relevance", "newest", "oldest")


def filters(asker: str) -> list[dict[str, str]]:
    from bench.shapes import SYNTHETIC  # imports the models: only once Django is set up

    year = SYNTHETIC.year
    return [
        {},
        {"department": SYNTHETIC.department},
        {"date_from": f"{year}-01-01", "date_to": f"{year}-03-31"},
        {"asker": asker},
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sweep", description=__doc__)
    parser.add_argument("--seed", type=int, default=1, help="the corpus's seed (for a name)")
    parser.add_argument("--show", type=int, default=12, help="how many of the slowest to list")
    args = parser.parse_args(argv)
    if not has_database():
        log(f"error: no benchmark database in {PGDATA}: run make bench first")
        return 2
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    configure_environment()
    attach_database()
    from django.test import Client

    from bench import corpus

    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    asker = corpus.cast(args.seed).mps[0].name
    timed = []
    for q, chosen, sort in itertools.product(QUERIES, filters(asker), SORTS):
        params = {"q": q, "sort": sort, **chosen}
        client.get("/search", params)
        started = time.perf_counter()
        status = client.get("/search", params).status_code
        timed.append(((time.perf_counter() - started) * 1000, status, params))
    timed.sort(key=lambda row: -row[0])
    for ms, status, params in timed[: args.show]:
        print(f"{ms:7.0f} ms  {status}  {params}")
    print(
        f"{len(timed)} combinations: median {statistics.median(ms for ms, _, _ in timed):.0f} ms,"
        f" slowest {timed[0][0]:.0f} ms, not 200: {sum(status != 200 for _, status, _ in timed)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
