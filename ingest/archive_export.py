"""The whole archive as one JSON Lines file, and the archive restored from such a file.

``manage.py export PATH`` writes it; ``manage.py ingest PATH`` recognises it and restores it.

Format, version 1: one JSON object per line, each with a ``"type"``. The first line is the
header, ``{"type": "archive-export", "version": 1, "exported_at": ..., "counts": {...}}``;
then every member, department, source document, question and provenance record, in that
order (each after the records it refers to) and by id. A record holds every column of its
model under the column's name (``asker_id`` for a relation), dates and times in ISO 8601;
generated columns (the search vector, the question's date) are left out because the
database computes them again. A column added to a model is exported with no change here.

Restoring is for disaster recovery and moving servers, so it is exact and it is cautious:
- it restores into an EMPTY archive only: ids, timestamps, admin edits and parse warnings
  come back exactly as exported, and a later export of the restored archive is identical
  line for line but for the header's ``exported_at``;
- into an archive that holds anything it refuses, with a message, and writes nothing:
  merging two archives record by record would have to guess which copy of a question
  wins, and the ingest of the original documents already answers that question properly;
- it runs in one transaction under the ingest lock, and checks the header's counts, so a
  truncated or damaged export restores nothing rather than part of an archive.
The export file is not recorded as a source document: it is a copy of the archive, not a
source, and recording it would make the restored archive differ from the exported one.
Users, admin log entries and login lockouts are not part of the archive and not exported.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from archive.models import Department, Member, Provenance, Question, SourceDocument
from ingest import loader

HEADER_TYPE = "archive-export"
VERSION = 1
LAYOUT = "archive-export"
# Record type -> model, in the order they are written: each after those it refers to.
SECTIONS: dict[str, type[models.Model]] = {
    "member": Member,
    "department": Department,
    "source": SourceDocument,
    "question": Question,
    "provenance": Provenance,
}
# Rows fetched (and, restoring, written) per round trip: big enough to be quick, small
# enough that memory stays flat however large the archive.
CHUNK_SIZE = 2000
# The header is one short line; reading no further keeps the check cheap for other files.
_HEADER_PEEK = 4096


class RestoreError(ValueError):
    """An export that cannot be restored; the message is the report's reason."""


# -- export ---------------------------------------------------------------------------


def export(stream: IO[str], *, chunk_size: int = CHUNK_SIZE) -> dict[str, int]:
    """Write the whole archive to ``stream`` as JSON Lines; returns the count of each type."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            # One snapshot for every table, so an ingest running meanwhile cannot leave a
            # provenance record pointing at a question the export does not hold. (Inside
            # a caller's transaction, a test's for one, the level is no longer ours to set.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        counts = {kind: model.objects.count() for kind, model in SECTIONS.items()}
        header = {
            "type": HEADER_TYPE,
            "version": VERSION,
            "exported_at": timezone.now().isoformat(),
            "counts": counts,
        }
        stream.write(_line(header))
        for kind, model in SECTIONS.items():
            names = [field.attname for field in _fields(model)]
            rows = model.objects.order_by("pk").values(*names).iterator(chunk_size=chunk_size)
            for row in rows:
                stream.write(_line({"type": kind, **row}))
    return counts


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if not field.generated]


# Line breaks to Python's str.splitlines() and to JavaScript that JSON leaves unescaped
# under ensure_ascii=False; escaped, every reader sees one record per line.
_UNICODE_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _line(record: dict[str, Any]) -> str:
    # ensure_ascii=False keeps the file readable; JSON escapes \n and \r itself.
    text = json.dumps(record, ensure_ascii=False, default=_iso)
    return text.translate(_UNICODE_LINE_BREAKS) + "\n"


def _iso(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot export a {type(value).__name__}")


# -- restore --------------------------------------------------------------------------


def is_export(data: bytes) -> bool:
    """True if ``data`` starts with the header line of an archive export."""
    first_line = data[:_HEADER_PEEK].split(b"\n", 1)[0]
    if HEADER_TYPE.encode() not in first_line:
        return False
    try:
        header = json.loads(first_line)
    except ValueError:
        return False
    return isinstance(header, dict) and header.get("type") == HEADER_TYPE


def restore(
    source: bytes | Path, *, path: Path | None = None, dry_run: bool = False
) -> loader.FileReport:
    """Restore an export into an empty archive; never raises for a problem with the file.

    ``source`` is the export's bytes or its path (read line by line, so a large export is
    never held in memory); ``path`` names it in the report.
    """
    label = str(path if path is not None else source if isinstance(source, Path) else "-")
    try:
        with _open_lines(source) as lines, transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [loader.INGEST_LOCK])
            counts = _restore(lines, reset_sequences=not dry_run)
            if dry_run:
                raise loader._Rollback
    except loader._Rollback:
        pass
    except RestoreError as error:
        return loader.FileReport(label, loader.FAILED, LAYOUT, f"archive export: {error}")
    except Exception as error:  # a database error is reported like any failed file
        return loader.FileReport(label, loader.FAILED, LAYOUT, loader._describe(error))
    questions = counts["question"]
    return loader.FileReport(label, loader.INGESTED, LAYOUT, questions=questions, created=questions)


@contextlib.contextmanager
def _open_lines(source: bytes | Path) -> Iterator[Iterator[bytes]]:
    # Split on b"\n" only: str.splitlines() would also split on U+2028 inside a text.
    if isinstance(source, Path):
        with source.open("rb") as file:
            yield iter(file)
    else:
        yield iter(io.BytesIO(source))


def _restore(lines: Iterator[bytes], *, reset_sequences: bool) -> Counter:
    expected = _read_header(next(lines, b""))
    present = {kind: model.objects.count() for kind, model in SECTIONS.items()}
    if any(present.values()):
        held = ", ".join(f"{count} {kind} records" for kind, count in present.items() if count)
        raise RestoreError(
            f"the archive is not empty ({held}); an export restores only into an empty "
            "archive, so nothing was written"
        )
    seen: Counter = Counter()
    batch: list[tuple[models.Model, dict[str, Any]]] = []
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        kind, instance, stamps = _read_record(line, number)
        if batch and (type(batch[0][0]) is not type(instance) or len(batch) >= CHUNK_SIZE):
            _write(batch)
            batch = []
        batch.append((instance, stamps))
        seen[kind] += 1
    _write(batch)
    for kind in SECTIONS:
        if seen[kind] != expected.get(kind, 0):
            raise RestoreError(
                f"the export is incomplete or damaged: its header promises "
                f"{expected.get(kind, 0)} {kind} records but it holds {seen[kind]}; "
                "nothing was written"
            )
    if reset_sequences:
        # Rows came with their ids, so the id sequences must move past them.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), SECTIONS.values()):
                cursor.execute(statement)
    return seen


def _read_header(line: bytes) -> dict[str, int]:
    try:
        header = json.loads(line)
    except ValueError:
        raise RestoreError("line 1: the header is not valid JSON") from None
    if not isinstance(header, dict) or header.get("type") != HEADER_TYPE:
        raise RestoreError("line 1: not an archive export header")
    if header.get("version") != VERSION:
        raise RestoreError(
            f"export format version {header.get('version')!r} is not one this archive "
            f"reads (it reads version {VERSION})"
        )
    counts = header.get("counts")
    if not isinstance(counts, dict) or set(counts) - set(SECTIONS):
        raise RestoreError("line 1: the header's counts are missing or name unknown records")
    return counts


def _read_record(line: bytes, number: int) -> tuple[str, models.Model, dict[str, Any]]:
    """The record on one line, unsaved, and the timestamps it must keep."""
    try:
        record = json.loads(line)
    except ValueError:
        raise RestoreError(f"line {number}: not valid JSON") from None
    if not isinstance(record, dict) or record.get("type") not in SECTIONS:
        kind = record.get("type") if isinstance(record, dict) else None
        raise RestoreError(f"line {number}: unknown record type {kind!r}")
    kind = record.pop("type")
    model = SECTIONS[kind]
    fields = _fields(model)
    unknown = set(record) - {field.attname for field in fields}
    if unknown:
        # Dropping them would lose data: an export from a newer archive needs that archive.
        raise RestoreError(
            f"line {number}: {kind} has fields this archive lacks: {sorted(unknown)}"
        )
    values = {}
    for field in fields:
        try:
            # A field missing from an older export takes its default, as a migration would.
            raw = record[field.attname] if field.attname in record else field.get_default()
            values[field.attname] = field.to_python(raw)
        except ValidationError as error:
            raise RestoreError(
                f"line {number}: {kind} {field.attname}: {' '.join(error.messages)}"
            ) from None
    stamps = {
        field.attname: values[field.attname]
        for field in fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    }
    return kind, model(**values), stamps


def _write(batch: list[tuple[models.Model, dict[str, Any]]]) -> None:
    if not batch:
        return
    model = type(batch[0][0])
    instances = [instance for instance, _ in batch]
    model.objects.bulk_create(instances)
    # bulk_create stamps auto_now fields with the time of the restore; put back the
    # exported times (bulk_update writes the values as they are).
    stamp_fields = list(batch[0][1])
    if stamp_fields:
        for instance, stamps in batch:
            for name, value in stamps.items():
                setattr(instance, name, value)
        model.objects.bulk_update(instances, stamp_fields, batch_size=500)
