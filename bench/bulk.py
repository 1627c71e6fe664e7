"""Load the synthetic corpus with COPY, for timing searches at sizes the ingest cannot reach.

``manage.py ingest`` is what ``make bench`` measures (a million questions in 49 minutes
here). This loader writes the same questions (the same
``SynthQuestion`` records the files are rendered from) straight into the tables with one
COPY per table, so the search mix can be timed on a million rows. Its figures are reported
apart (``results-bulk-<N>.json``) and never stand in for the ingest's.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Callable, Iterator

from django.db import connection

from bench import corpus
from bench.cast import LORDS
from ingest.identity import fingerprint

QUESTION_COLUMNS = (
    "house",
    "uin",
    "heading",
    "asker_id",
    "department_id",
    "question_text",
    "answerer_id",
    "answerer_role",
    "answer_text",
    "original_answer_text",
    "date_tabled",
    "date_for_answer",
    "date_answered",
    "date_holding_answer",
    "date_answer_corrected",
    "status",
    "references",
    "grouped_uins",
    "attachments",
    "question_truncated",
    "answer_truncated",
    "parse_warnings",
    "edited_fields",
    "fingerprint",
    "asker_name",
    "answerer_name",
    "department_name",
    "created_at",
    "updated_at",
)


def _rows_of(job: tuple[int, corpus.FileSpec]) -> list[tuple]:
    seed, spec = job
    now = dt.datetime.now(dt.UTC)
    rows = []
    for q in corpus.questions_of(seed, spec):
        # The text layouts print no UIN or tabling date; keep what ingest would keep.
        dated = spec.layout != "plain-list"
        answered = bool(q.answer_paragraphs)
        rows.append(
            (
                "Lords" if q.house == LORDS else "Commons",
                q.uin if spec.layout == "api-json" else "",
                q.heading if spec.layout != "plain-list" else "",
                q.asker.parliament_id if spec.layout not in corpus.NO_ASKER_LAYOUTS else None,
                q.department.name,
                q.question_text,
                q.answerer.parliament_id if answered else None,
                q.answerer_role,
                q.answer_text,
                "",
                q.date_tabled if dated else None,
                None,
                q.date_answered if dated else None,
                q.date_answered if q.status == corpus.HOLDING else None,
                None,
                q.status,
                [],
                [],
                "[]",
                False,
                False,
                [],
                [],
                fingerprint(q.question_text),
                q.asker.name if spec.layout not in corpus.NO_ASKER_LAYOUTS else "",
                q.answerer.name if answered else "",
                q.department.name,
                now,
                now,
            )
        )
    return rows


def load(
    seed: int,
    n: int,
    processes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """COPY ``n`` generated questions into the (empty, migrated) database; returns the count."""
    cast = corpus.cast(seed)
    with connection.cursor() as cursor:
        member_ids: dict[int, int] = {}
        with cursor.copy(
            "COPY archive_member (name, party, seat, house, parliament_id, twfy_id, aliases) "
            "FROM STDIN"
        ) as copy:
            for member in (*cast.mps, *cast.peers):
                copy.write_row(
                    (member.name, member.party, member.seat, member.house,
                     member.parliament_id, "", [])
                )  # fmt: skip
        cursor.execute("SELECT parliament_id, id FROM archive_member")
        member_ids = dict(cursor.fetchall())
        with cursor.copy("COPY archive_department (name, aliases) FROM STDIN") as copy:
            for department in cast.departments:
                copy.write_row((department.name, []))
        cursor.execute("SELECT name, id FROM archive_department")
        department_ids = dict(cursor.fetchall())

        jobs = [(seed, spec) for spec in corpus.plan(seed, n)]
        corpus.prepare(seed)
        pool = multiprocessing.get_context("fork").Pool(processes)
        done = 0
        columns = ", ".join(f'"{name}"' for name in QUESTION_COLUMNS)
        try:
            batches: Iterator[list[tuple]] = pool.imap(_rows_of, jobs, chunksize=2)
            with cursor.copy(f"COPY archive_question ({columns}) FROM STDIN") as copy:
                for rows in batches:
                    for row in rows:
                        row = list(row)
                        row[3] = member_ids.get(row[3])
                        row[4] = department_ids[row[4]]
                        row[6] = member_ids.get(row[6])
                        copy.write_row(row)
                    done += len(rows)
                    if progress:
                        progress(done, n)
        finally:
            pool.close()
            pool.join()
    return done
