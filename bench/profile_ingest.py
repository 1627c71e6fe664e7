"""Where the ingest's time goes: ``python -m bench.profile_ingest --n 2000``.

Loads a small synthetic corpus into a scratch database (``var/bench-profile-pgdata``, or
``BENCH_PGDATA`` when set; wiped first) with the real loader, in one process, writing files
as the command does (small ones in groups), and splits the wall time into:
- parsing (``ingest.detect.parse_document``, pure Python, timed on its own first);
- SQL, by statement kind, as Django's cursor ran it (wall time of each execute, including
  the round trip over the Unix socket);
- the rest: the loader's and the ORM's Python (building queries, model instances), and the
  COPY of new questions and provenance rows, which bypasses Django's cursor.
Then it measures the database's own floor for the same rows: one ``INSERT … SELECT`` of every
loaded question (the generated search vector and the indexes included), rolled back.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# BENCH_PGDATA moves it, as it does the benchmark's, so two people profiling do not collide.
PGDATA = Path(os.environ.get("BENCH_PGDATA") or REPO / "var" / "bench-profile-pgdata")

_TABLE_RE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)


def statement_kind(sql: str) -> str:
    """``SELECT archive_member``, ``INSERT archive_question`` …: the verb and first table."""
    verb = sql.lstrip().split(None, 1)[0].upper()
    table = _TABLE_RE.search(sql)
    return f"{verb} {table.group(1) if table else ''}".strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_ingest")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(PGDATA=str(PGDATA), DJANGO_SETTINGS_MODULE="archive.settings")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))

    from archive.db import server

    if server.status(PGDATA):
        server.stop(PGDATA)
    shutil.rmtree(PGDATA, ignore_errors=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench import corpus
    from ingest.detect import parse_document
    from ingest.loader import prepare_file, write_files

    folder, _ = corpus.ensure_corpus(args.n, args.seed)
    connection.ensure_connection()
    call_command("migrate", verbosity=0)
    paths = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))

    parse_s: dict[str, float] = defaultdict(float)
    questions: Counter[str] = Counter()
    for path in paths:
        layout = path.parent.name
        data = path.read_bytes()
        started = time.perf_counter()
        document = parse_document(data, path.name)
        parse_s[layout] += time.perf_counter() - started
        questions[layout] += len(document.questions)

    sql_s: dict[str, float] = defaultdict(float)
    sql_n: Counter[str] = Counter()

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_s[statement_kind(sql)] += time.perf_counter() - started
            sql_n[statement_kind(sql)] += 1

    with connection.execute_wrapper(timed):
        started = time.perf_counter()
        for _ in write_files(prepare_file(path) for path in paths):
            pass
        wall = time.perf_counter() - started

    total_q = sum(questions.values())
    total_parse = sum(parse_s.values())
    total_sql = sum(sql_s.values())
    print(f"{total_q:,} questions in {len(paths):,} files: {wall:.1f} s = {total_q / wall:,.0f}/s")
    print("\nparse (pure Python), by layout:")
    for layout in sorted(parse_s):
        per = parse_s[layout] / max(questions[layout], 1) * 1000
        print(
            f"  {layout:<22} {questions[layout]:>7,} q  {parse_s[layout]:7.2f} s  {per:6.2f} ms/q"
        )
    per = total_parse / total_q * 1000
    print(f"  {'all':<22} {total_q:>7,} q  {total_parse:7.2f} s  {per:6.2f} ms/q")
    print("\nSQL, by statement kind (wall time of each execute):")
    for kind, seconds in sorted(sql_s.items(), key=lambda item: -item[1]):
        print(
            f"  {kind:<34} {sql_n[kind]:>7,} stmts  {sql_n[kind] / total_q:5.2f}/q  "
            f"{seconds:7.2f} s  {seconds / total_q * 1000:6.2f} ms/q"
        )
    print(
        f"  {'all':<34} {sum(sql_n.values()):>7,} stmts  {sum(sql_n.values()) / total_q:5.2f}/q"
        f"  {total_sql:7.2f} s  {total_sql / total_q * 1000:6.2f} ms/q"
    )
    rest = wall - total_parse - total_sql
    print(f"\nloader + ORM Python (the rest): {rest:.1f} s = {rest / total_q * 1000:.2f} ms/q")

    # The database's floor: the same rows again in one statement, then rolled back.
    from archive.models import Question
    from archive.search.vector import SEARCH_CONFIG

    columns = [
        f.column for f in Question._meta.concrete_fields if not f.generated and f.column != "id"
    ]
    # New UINs and fingerprints, so the unique constraint and identity index see new rows.
    changed = {
        "uin": "CASE WHEN uin = '' THEN '' ELSE uin || 'x' END",
        "fingerprint": "md5(fingerprint)",
    }
    select = ", ".join(changed.get(c, f'"{c}"') for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                f"INSERT INTO archive_question ({names}) SELECT {select} FROM archive_question"
            )
            floor = time.perf_counter() - started
            raise _RolledBack
    except _RolledBack:
        pass
    print(
        f"database floor (INSERT … SELECT of the {total_q:,} rows, vector and indexes included): "
        f"{floor:.1f} s = {floor / total_q * 1000:.2f} ms/q = {total_q / floor:,.0f}/s"
    )
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(VECTOR_ONLY_SQL.format(config=SEARCH_CONFIG))
        vector = time.perf_counter() - started
    print(
        f"of which computing the search vectors alone (no storing): {vector:.1f} s = "
        f"{vector / total_q * 1000:.2f} ms/q"
    )
    return 0


# The generated column's expression (archive/search/vector.py), computed without storing it.
VECTOR_ONLY_SQL = """
SELECT sum(length(
    setweight(to_tsvector('{config}', heading), 'A')
    || setweight(to_tsvector('{config}', question_text), 'B')
    || setweight(to_tsvector('{config}', answer_text), 'C')
    || setweight(to_tsvector('{config}', asker_name || ' ' || answerer_name || ' '
                                         || department_name), 'D')))
FROM archive_question
"""


class _RolledBack(Exception):
    pass


if __name__ == "__main__":
    sys.exit(main())
