"""``manage.py ingest PATH...``: load documents into the archive and say what happened."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ingest import search_indexes
from ingest.loader import (
    FAILED,
    INGESTED,
    SKIPPED,
    UNCHANGED,
    FileReport,
    PreparedFile,
    write_files,
)
from ingest.management.checks import require_archive_database
from ingest.parallel import prepared_files

SUMMARY_COLUMNS = ("files", "questions", "created", "updated", UNCHANGED, SKIPPED, FAILED)


def expand(arguments: list[str]) -> Iterator[Path]:
    """Files named, files under directories (recursively, sorted) and glob matches.

    A path that matches nothing is yielded as it is, so the report can say it is missing.
    """
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        elif path.exists() or not glob.has_magic(argument):
            yield path
        else:
            for match in sorted(glob.iglob(argument, recursive=True)):
                yield from expand([match])


class Command(BaseCommand):
    help = (
        "Load written questions from files, directories (recursively) or glob patterns. "
        "Exits 1 if any file failed; skipped files (not written questions) are not failures."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and report without writing anything"
        )
        parser.add_argument(
            "--json", action="store_true", help="print one JSON report on stdout instead"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            metavar="N",
            help="processes reading and parsing files while this one writes them, in order "
            "(default: one per CPU; 1 does everything in this process)",
        )

    def handle(self, *args, paths: list[str], dry_run: bool, json: bool, workers: int, **options):
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        require_archive_database()
        totals = Counter(dict.fromkeys(SUMMARY_COLUMNS, 0))
        indexes = contextlib.nullcontext() if dry_run else self._indexes(paths)
        with indexes, prepared_files(expand(paths), workers) as files:
            reports = self._ingest_all(files, dry_run, totals)
            if json:
                self._run_json(reports, totals)
            else:
                self._run_console(paths, reports, dry_run, totals)
        if totals[FAILED]:
            sys.exit(1)

    @contextlib.contextmanager
    def _indexes(self, paths: list[str]) -> Iterator[None]:
        """The search indexes deferred to the end of a large load (``ingest.search_indexes``)."""
        size = 0
        for path in expand(paths):
            with contextlib.suppress(OSError):
                size += path.stat().st_size
        with search_indexes.deferred(size) as deferring:
            if deferring:
                self.stderr.write(
                    f"Loading {size / 2**20:,.0f} MB, much more than the archive holds: the "
                    "search indexes are built once the questions are in, and searches are "
                    "slow until then."
                )
            try:
                yield
            finally:
                if deferring:
                    self.stderr.write("Building the search indexes…")

    def _ingest_all(
        self, files: Iterator[PreparedFile], dry_run: bool, totals: Counter
    ) -> Iterator[FileReport]:
        for report in write_files(files, dry_run=dry_run):
            totals["files"] += 1
            totals["questions"] += report.questions
            totals["created"] += report.created
            totals["updated"] += report.updated
            if report.status != INGESTED:
                totals[report.status] += 1
            yield report

    def _run_json(self, reports: Iterator[FileReport], totals: Counter) -> None:
        # Written as it goes, so memory stays flat however many files there are.
        out = self.stdout
        out.write('{"files": [', ending="")
        for index, report in enumerate(reports):
            out.write(("," if index else "") + json.dumps(report.as_json()), ending="")
        out.write('], "totals": ' + json.dumps(dict(totals)) + "}")

    def _run_console(
        self, paths: list[str], reports: Iterator[FileReport], dry_run: bool, totals: Counter
    ) -> None:
        console = Console(file=self.stdout._out, highlight=False)
        errors = Console(file=self.stderr._out, highlight=False)
        total = sum(1 for _ in expand(paths))
        progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=errors,
            transient=True,
            disable=not errors.is_terminal,
        )
        with progress:
            task = progress.add_task("Ingesting", total=total)
            for report in reports:
                progress.advance(task)
                if report.status in (SKIPPED, FAILED):
                    progress.console.print(
                        f"{report.status}: {report.path}: {report.reason}", markup=False
                    )
        table = Table(title="Dry run: nothing was written" if dry_run else "Ingest summary")
        for column in SUMMARY_COLUMNS:
            table.add_column(column, justify="right")
        table.add_row(*(str(totals[column]) for column in SUMMARY_COLUMNS))
        console.print(table)
