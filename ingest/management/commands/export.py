"""``manage.py export PATH``: the whole archive as one JSON Lines file (``ingest`` restores it)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO

from django.core.management.base import BaseCommand, CommandError
from django.db.utils import DatabaseError

from ingest.archive_export import export
from ingest.management.checks import require_archive_database


class Command(BaseCommand):
    help = (
        "Write the whole archive (questions, members, departments, source documents and "
        "provenance) to PATH as JSON Lines, or to standard output for '-'. "
        "`manage.py ingest PATH` restores it into an empty archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH")

    def handle(self, *args, path: str, **options):
        require_archive_database()
        if path == "-":
            counts = self._export(self.stdout)
            self.stderr.write(_summary(counts, "standard output"))
            return
        target = Path(path)
        # Written beside the target and renamed when complete, so a failed export never
        # leaves a file that looks whole; the leading dot keeps `ingest DIR` off it.
        partial = target.with_name(f".{target.name}.partial")
        try:
            with partial.open("w", encoding="utf-8", newline="\n") as stream:
                counts = self._export(stream)
            os.replace(partial, target)
        except OSError as error:
            raise CommandError(f"cannot write {path}: {error.strerror}") from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
        self.stdout.write(_summary(counts, str(target)))

    @staticmethod
    def _export(stream: IO[str]) -> dict[str, int]:
        try:
            return export(stream)
        except DatabaseError as error:
            raise CommandError(f"export failed: {str(error).strip()}") from None


def _summary(counts: dict[str, int], where: str) -> str:
    parts = ", ".join(f"{kind} {count}" for kind, count in counts.items())
    return f"Exported to {where}: {parts}."
