"""Writes parsed documents into the archive: identity, merging, provenance, admin locks.

What happens to existing records on re-import, in short:
- a file whose bytes were already ingested is ``unchanged`` and nothing is written;
- a question already in the archive (same UIN, house and tabling day, or the same
  normalised text from a compatible asker) is merged: empty fields are filled, a clipped
  text gives way to a full one, a conflicting value keeps the archive's and leaves a
  parse warning, and fields an admin edited are never touched;
- every question records each source it was read from, with the raw block of text.
Each file is written in one transaction, so a file that fails part-way leaves no trace;
consecutive small files share one (``write_files``), and a group that fails is written
again file by file. Writes take one advisory lock, so concurrent ingests of the same
documents cannot duplicate records.

Documents are written in batches, not record by record: their members, departments and the
questions they may match are read in a few queries, every record is merged in memory, in
order, exactly as if the records were written one at a time, and the results are written
with a few bulk statements.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Model, OuterRef, Q, Subquery
from django.utils import timezone

from archive.models import Department, Member, Provenance, Question, SourceDocument, Status
from ingest import archive_export
from ingest.detect import PARSER_ERROR, parse_document
from ingest.identity import fingerprint
from ingest.parsers.base import (
    ANSWER_CUT_WARNING,
    QUESTION_CUT_WARNING,
    ParsedDocument,
    ParsedMember,
    ParsedQuestion,
)

# Any constant will do: it names the lock every ingest takes before writing.
INGEST_LOCK = 0x5751_4152  # "WQAR"

INGESTED, UNCHANGED, SKIPPED, FAILED = "ingested", "unchanged", "skipped", "failed"

# Fields copied from a parsed record onto a question, in the order an admin reads them.
SCALAR_FIELDS = (
    "house",
    "uin",
    "heading",
    "question_text",
    "answerer_role",
    "answer_text",
    "original_answer_text",
    "date_tabled",
    "date_for_answer",
    "date_answered",
    "date_holding_answer",
    "date_answer_corrected",
)
LIST_FIELDS = ("references", "grouped_uins")
RELATED_FIELDS = ("asker", "answerer", "department")

# The answer moves on from a holding reply to the answer, and from the answer to its
# correction: a copy at a later stage replaces these fields (even clipped: a clipped answer
# says more than "I will reply … as soon as possible"), one at an earlier stage gives way.
ANSWER_FIELDS = ("answerer_role", "answer_text", "date_answered")
ANSWER_STAGES = (Status.HOLDING, Status.ANSWERED, Status.CORRECTED)
LATER, EARLIER = "later", "earlier"


def _answer_stage(held: str, offered: str) -> str:
    """LATER or EARLIER when both copies are answers at different stages, else ""."""
    if held not in ANSWER_STAGES or offered not in ANSWER_STAGES or held == offered:
        return ""
    return LATER if ANSWER_STAGES.index(offered) > ANSWER_STAGES.index(held) else EARLIER


# A later stage of a question's life replaces an earlier one; it is not a conflict.
STATUS_ORDER = {
    Status.UNANSWERED: 0,
    Status.HOLDING: 1,
    Status.ANSWERED: 2,
    Status.CORRECTED: 3,
    Status.WITHDRAWN: 4,
}


@dataclass
class FileReport:
    """One line of the ``ingest --json`` contract."""

    path: str
    status: str
    layout: str = ""
    reason: str = ""
    questions: int = 0
    created: int = 0
    updated: int = 0

    def as_json(self) -> dict:
        return dataclasses.asdict(self)


class _Rollback(Exception):
    """Raised inside the transaction of a dry run to undo it after counting."""


@dataclass
class PreparedFile:
    """A file read, hashed and parsed: everything ``ingest_file`` does before writing.

    Plain data, so a worker process can prepare it (``ingest.parallel``). ``report`` is
    set when nothing is left to write (unreadable, or its bytes already ingested);
    ``export`` when the file is an archive export, which is restored, not parsed.
    ``fingerprints`` are the document's records' (``ingest.identity``), in order: computed
    where the file is parsed, since the one writing process is the ingest's bottleneck.
    """

    path: Path
    data: bytes = b""
    sha256: str = ""
    document: ParsedDocument | None = None
    report: FileReport | None = None
    export: bool = False
    fingerprints: list[str] = dataclasses.field(default_factory=list)

    @classmethod
    def parsed(cls, path: Path, data: bytes, sha256: str, document: ParsedDocument) -> PreparedFile:
        prints = [fingerprint(record.question_text) for record in document.questions]
        return cls(path, data, sha256, document, fingerprints=prints)


def ingest_file(path: Path, *, dry_run: bool = False) -> FileReport:
    """Read, parse and load one file; never raises for a problem with the file itself."""
    return write_file(prepare_file(path), dry_run=dry_run)


def prepare_file(path: Path) -> PreparedFile:
    """Read, hash and parse one file; reads the database, never writes it."""
    try:
        data = path.read_bytes()
    except OSError as error:
        failed = FileReport(str(path), FAILED, reason=f"cannot read file: {error.strerror}")
        return PreparedFile(path, report=failed)
    if archive_export.is_export(data):
        return PreparedFile(path, data, export=True)
    sha256 = hashlib.sha256(data).hexdigest()
    known = SourceDocument.objects.filter(sha256=sha256).first()
    if known and known.outcome == SourceDocument.Outcome.INGESTED:
        unchanged = FileReport(str(path), UNCHANGED, known.layout, questions=known.question_count)
        return PreparedFile(path, report=unchanged)
    return PreparedFile.parsed(path, data, sha256, parse_document(data, path.name))


def write_file(prepared: PreparedFile, *, dry_run: bool = False) -> FileReport:
    """Load a prepared file; never raises for a problem with the file itself."""
    path, data, sha256, document = prepared.path, prepared.data, prepared.sha256, prepared.document
    if prepared.report:
        return prepared.report
    if prepared.export:
        return archive_export.restore(data, path=path, dry_run=dry_run)
    if document.layout == PARSER_ERROR or document.damaged:
        # Our bug, or a broken copy of a document we read: a failure, so the run exits
        # non-zero and whoever runs it fetches the file again.
        layout = "" if document.layout == PARSER_ERROR else document.layout
        return _record_failure(path, data, sha256, layout, document.skip_reason, dry_run)
    if document.skip_reason:
        if not dry_run:
            _record_sources([prepared], SourceDocument.Outcome.SKIPPED)
        return FileReport(str(path), SKIPPED, document.layout, document.skip_reason)
    try:
        return load_documents([prepared], dry_run=dry_run)[0]
    except Exception as error:
        return _record_failure(path, data, sha256, document.layout, _describe(error), dry_run)


# Questions a group of files written in one transaction may hold: a file with this many is
# written alone. Small files gain most (a question page holds one question, and a
# transaction's fixed cost, some ten statements, was most of its time); the limit keeps what
# a group holds in memory, and what a failure makes us write again file by file, small.
GROUP_QUESTIONS = 500


def write_files(files: Iterable[PreparedFile], *, dry_run: bool = False) -> Iterator[FileReport]:
    """``write_file`` of each file, in order, reported as each is written.

    Consecutive files with questions to load share one transaction, which leaves exactly
    the archive that writing them one at a time leaves. If the group's transaction fails,
    its files are written again one at a time, so the failing file is reported failed and
    the others load. A dry run writes file by file: each file is counted against the archive
    as it is.
    """
    group: list[PreparedFile] = []
    questions = 0
    for prepared in files:
        if not dry_run and _groupable(prepared):
            group.append(prepared)
            questions += len(prepared.document.questions)
            if questions < GROUP_QUESTIONS:
                continue
        yield from _write_group(group)
        group, questions = [], 0
        if dry_run or not _groupable(prepared):
            yield write_file(prepared, dry_run=dry_run)
    yield from _write_group(group)


def _groupable(prepared: PreparedFile) -> bool:
    document = prepared.document
    return (
        document is not None
        and not (prepared.report or prepared.export or document.skip_reason or document.damaged)
        and document.layout != PARSER_ERROR
    )


def _write_group(group: list[PreparedFile]) -> list[FileReport]:
    if len(group) > 1:
        try:
            return load_documents(group)
        except Exception:
            pass  # written again file by file below, which reports the file at fault
    return [write_file(prepared) for prepared in group]


def load_document(
    path: Path,
    data: bytes,
    sha256: str,
    document: ParsedDocument,
    *,
    dry_run: bool = False,
    before_each: Callable[[int], None] | None = None,
) -> FileReport:
    """Write one parsed document in a single transaction (``load_documents`` of one)."""
    prepared = PreparedFile.parsed(path, data, sha256, document)
    return load_documents([prepared], dry_run=dry_run, before_each=before_each)[0]


def load_documents(
    files: list[PreparedFile],
    *,
    dry_run: bool = False,
    before_each: Callable[[int], None] | None = None,
) -> list[FileReport]:
    """Write parsed documents, in order, in a single transaction.

    ``before_each`` is called with each record's position in its document before it is
    merged (the records are written together after the last one); tests use it to make a
    file fail part-way.
    """
    reports = [
        FileReport(str(p.path), INGESTED, p.document.layout, questions=len(p.document.questions))
        for p in files
    ]
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Not waiting for the WAL flush at commit is safe for ingest: a crash can
                # lose the last files' commits (whole files, never part of one, and the
                # database stays consistent), and a re-run of the same paths loads them
                # again. It saves an fsync per file, much of the cost of small files.
                # One round trip for both: ``set_config(…, true)`` is ``SET LOCAL``.
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s),"
                    " set_config('synchronous_commit', 'off', true)",
                    [INGEST_LOCK],
                )
            loading = _not_yet_ingested(files, reports)
            sources = _record_sources([p for p, _ in loading], SourceDocument.Outcome.INGESTED)
            merger = Merger.for_documents(
                [(p.path.name, p.document.questions, p.fingerprints) for p, _ in loading]
            )
            provenance = []
            for (prepared, report), source in zip(loading, sources, strict=True):
                merger.begin_document(prepared.path.name)
                for position, parsed in enumerate(prepared.document.questions):
                    if before_each:
                        before_each(position)
                    question, outcome = merger.merge(parsed)
                    if outcome == "created":
                        report.created += 1
                    elif outcome == "updated":
                        report.updated += 1
                    provenance.append(
                        Provenance(
                            question=question,
                            source=source,
                            position=position,
                            external_id=parsed.source_id,
                            raw_text=parsed.raw_text,
                        )
                    )
            merger.write()
            copy_rows(provenance)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return reports


def _not_yet_ingested(
    files: list[PreparedFile], reports: list[FileReport]
) -> list[tuple[PreparedFile, FileReport]]:
    """The files to load, with their reports; the others' reports say ``unchanged``.

    A worker checked each file's bytes before parsing it, but another ingest may have loaded
    them since (we waited for its lock), and the same bytes may come twice in one group.
    """
    known = {
        source.sha256: (source.layout, source.question_count)
        for source in SourceDocument.objects.filter(
            sha256__any={p.sha256 for p in files}, outcome=SourceDocument.Outcome.INGESTED
        )
    }
    loading = []
    for index, (prepared, report) in enumerate(zip(files, reports, strict=True)):
        if prepared.sha256 in known:
            layout, count = known[prepared.sha256]
            reports[index] = FileReport(report.path, UNCHANGED, layout, questions=count)
        else:
            known[prepared.sha256] = (report.layout, report.questions)
            loading.append((prepared, report))
    return loading


def _describe(error: Exception) -> str:
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _record_sources(files: list[PreparedFile], outcome: str) -> list[SourceDocument]:
    # One INSERT … ON CONFLICT UPDATE: what update_or_create does for each, in one statement.
    sources = [
        SourceDocument(
            path=str(p.path),
            sha256=p.sha256,
            size=len(p.data),
            layout=p.document.layout,
            outcome=outcome,
            reason=p.document.skip_reason,
            question_count=len(p.document.questions),
        )
        for p in files
    ]
    if not sources:
        return sources
    SourceDocument.objects.bulk_create(
        sources,
        update_conflicts=True,
        unique_fields=["sha256"],
        update_fields=[
            "path",
            "size",
            "layout",
            "outcome",
            "reason",
            "question_count",
            "ingested_at",
        ],
    )
    return sources


def _record_failure(
    path: Path, data: bytes, sha256: str, layout: str, reason: str, dry_run: bool
) -> FileReport:
    if not dry_run:
        # Its own transaction: the file's records were rolled back, the failure is kept.
        SourceDocument.objects.update_or_create(
            sha256=sha256,
            defaults={
                "path": str(path),
                "size": len(data),
                "layout": layout,
                "outcome": SourceDocument.Outcome.FAILED,
                "reason": reason,
                "question_count": 0,
            },
        )
    return FileReport(str(path), FAILED, layout, reason)


# Rows per bulk statement: large enough to amortise round trips, small enough to keep each
# statement's parameters and planning modest.
BATCH_SIZE = 500


def copy_rows(objs: list[Model], *, assign_ids: bool = False) -> None:
    """``bulk_create`` of new rows, by COPY, in about two thirds of the time.

    A multi-row ``INSERT`` is built and quoted in Python (psycopg binds client-side here)
    and returns every generated column, the search vector included, only for us to drop
    it; COPY streams the rows while the server indexes them. Each row's values are what
    ``bulk_create`` would send (``pre_save`` stamps ``auto_now``, related objects saved
    since they were assigned give their ids). With ``assign_ids`` the rows take ids drawn
    from the table's sequence first, in order, and the objects carry them, as
    ``bulk_create``'s ``RETURNING id`` did; without, nothing reads the ids back.
    """
    if not objs:
        return
    meta = objs[0]._meta
    fields = [f for f in meta.concrete_fields if not f.generated and f is not meta.pk]
    columns = [f.column for f in fields]
    # The wrapper itself, not the ``connection`` proxy, which looks it up on every use.
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        if assign_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objs)],
            )
            for obj, (pk,) in zip(objs, sorted(cursor.fetchall()), strict=True):
                obj.pk = pk
            columns.insert(0, meta.pk.column)
        names = ", ".join(db.ops.quote_name(column) for column in columns)
        sql = f"COPY {meta.db_table} ({names}) FROM STDIN"
        # Django's cursor has no COPY; its errors are raised as Django's, as an INSERT's are
        # (a failed file's reason reads ``DataError: …``, not psycopg's class name).
        with db.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for obj in objs:
                obj._prepare_related_fields_for_save(operation_name="bulk_create")
                row = [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
                copy.write_row([obj.pk, *row] if assign_ids else row)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = db.alias


Conflict = Callable[[str, object, object], None]


def conflict_warning(source: str, field: str, kept: object, offered: object) -> str:
    """The warning a record keeps when a source disagrees with the value it holds."""
    return f"{source}: {field} differs; kept {kept!s:.120}, source has {offered!s:.120}"


def merge_fields(
    target: Question | ParsedQuestion,
    parsed: ParsedQuestion,
    *,
    replaces: bool,
    stale: bool,
    conflict: Conflict,
    locked: frozenset[str] | set[str] = frozenset(),
) -> None:
    """Merge ``parsed``'s fields and status into ``target``: the rules ingest merges a copy
    of a question by (``Merger._update``), which re-parsing applies to a record's sources
    too (``reparse``). ``replaces`` and ``stale`` come from ``copy_precedence``; ``locked``
    are fields staff edited; ``conflict(field, kept, offered)`` reports a disagreement.

    The first copy to give a value keeps it; a clipped text gives way to a whole one and
    never replaces it; a later stage of the answer (holding, answered, corrected) replaces
    an earlier one's, clipped or not, the answer it corrects kept as the original.
    """
    parsed = as_reprint(target, parsed, locked)
    stage = _answer_stage(target.status, parsed.status)
    for name in SCALAR_FIELDS:
        offered = getattr(parsed, name)
        current = getattr(target, name)
        if name in locked or not offered or _same_value(offered, current):
            continue
        truncated_attr = TRUNCATION_FLAGS.get(name)
        if stage and name in ANSWER_FIELDS:
            if stage == LATER:
                if name == "answer_text" and parsed.status == Status.CORRECTED:
                    target.original_answer_text = target.original_answer_text or current
                setattr(target, name, offered)
                if truncated_attr:
                    setattr(target, truncated_attr, getattr(parsed, truncated_attr))
            elif name == "answer_text" and target.status == Status.CORRECTED:
                # An earlier copy of a corrected answer holds the answer as first given.
                target.original_answer_text = target.original_answer_text or offered
            continue
        if truncated_attr and getattr(parsed, truncated_attr):
            continue  # a clipped text never replaces what we have
        if not current or replaces or (truncated_attr and getattr(target, truncated_attr)):
            setattr(target, name, offered)
            if truncated_attr:
                setattr(target, truncated_attr, False)
        elif stale:
            continue
        elif name == "answer_text" and parsed.status == Status.CORRECTED:
            # A corrected answer supersedes the one we hold, which becomes the original.
            target.original_answer_text = target.original_answer_text or current
            target.answer_text = offered
        else:
            conflict(name, current, offered)
    if "status" not in locked:
        _merge_status(target, parsed, conflict)


def as_reprint(
    target: Question | ParsedQuestion,
    parsed: ParsedQuestion,
    locked: frozenset[str] | set[str] = frozenset(),
) -> ParsedQuestion:
    """``parsed``, as a correction when it and ``target`` are one numbered question answered
    on two days in two ways: Hansard prints a question again, on a later day, when its answer
    was misprinted or amended. The later day's answer is the answer, the earlier one's the
    original, whichever copy arrives first (a ``target`` that is the later copy is made the
    correction itself)."""
    if (
        {"status", "answer_text", "date_answered"} & set(locked)
        or not (target.uin and target.uin == parsed.uin)
        or not (target.status == parsed.status == Status.ANSWERED)
        or not (target.date_answered and parsed.date_answered)
        or target.date_answered == parsed.date_answered
        or not (target.answer_text and parsed.answer_text)
        or _same_value(parsed.answer_text, target.answer_text)
    ):
        return parsed
    if parsed.date_answered > target.date_answered:
        return dataclasses.replace(
            parsed,
            status=Status.CORRECTED,
            date_answered=target.date_answered,
            date_answer_corrected=parsed.date_answered,
        )
    target.status = Status.CORRECTED
    target.date_answer_corrected = target.date_answered
    target.date_answered = parsed.date_answered
    return parsed


def without_mended_cuts(warnings: Iterable[str], target: Question | ParsedQuestion) -> list[str]:
    """``warnings`` once, less those of a clip that a whole text has since replaced."""
    return [w for w in dict.fromkeys(warnings) if not _describes_a_cut_mended(w, target)]


def _same_value(offered: object, held: object) -> bool:
    """Equal, or texts that differ only in white space (sources break a list's items
    with one line break or two)."""
    if isinstance(offered, str) and isinstance(held, str):
        return offered.split() == held.split()
    return offered == held


def _merge_status(
    question: Question | ParsedQuestion, parsed: ParsedQuestion, conflict: Conflict
) -> None:
    """A later stage of the question's life replaces an earlier one (STATUS_ORDER). But a
    question with an answer was not withdrawn: one source saying so is a conflict, and an
    answer arriving for a question held as withdrawn wins, with the conflict reported."""
    held, offered = question.status, parsed.status
    if offered == Status.WITHDRAWN and held != Status.WITHDRAWN and question.answer_text:
        conflict("status", held, offered)
    elif held == Status.WITHDRAWN and offered in ANSWER_STAGES and parsed.answer_text:
        conflict("status", held, offered)
        question.status = offered
    elif STATUS_ORDER.get(offered, 0) > STATUS_ORDER.get(held, 0):
        question.status = offered


def _names_the_unnamed(question: Question, role: str, offered: Member | Department) -> bool:
    """Whether ``offered`` names the asker or answerer a source knew only by an id (the API
    list gives ids alone): a name found nowhere else is a gap filled, not a conflict."""
    if role == "department":
        return False
    held = getattr(question, role)
    return not held.name and bool(offered.name)


def _describes_a_cut_mended(warning: str, question: Question | ParsedQuestion) -> bool:
    """A clipped copy's warning, once a full text from another source replaced the clip."""
    return (warning.startswith(QUESTION_CUT_WARNING) and not question.question_truncated) or (
        warning.startswith(ANSWER_CUT_WARNING) and not question.answer_truncated
    )


# How much of two answers' letters and digits must agree for them to be one answer, copied
# by two sites that lay it out differently (a table's cells, quotes, line breaks).
_ANSWER_KEY_LENGTH = 200


def _answered_otherwise(held: Question, parsed: ParsedQuestion) -> bool:
    """Both copies give a whole answer, at the same stage, and they are different answers."""
    if not (held.answer_text and parsed.answer_text) or held.status != parsed.status:
        return False
    if held.answer_truncated or parsed.answer_truncated:
        return False
    return not _same_answer(held.answer_text, parsed.answer_text)


def _same_answer(held: str, offered: str) -> bool:
    """One answer, however laid out, or one a clipped copy of the other."""
    held_key, offered_key = _answer_key(held), _answer_key(offered)
    return held_key.startswith(offered_key) or offered_key.startswith(held_key)


def _answer_key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())[:_ANSWER_KEY_LENGTH]


def _same_day(held: Question, parsed: ParsedQuestion) -> bool:
    """Whether a question with the same House and number is the same one: numbers start
    again each session, so a day must agree too. The day tabled when both sources give it;
    else the day answered (parlparse files of before 2014 give no tabling date)."""
    if held.date_tabled and parsed.date_tabled:
        return held.date_tabled == parsed.date_tabled
    return bool(held.date_answered and parsed.date_answered) and (
        held.date_answered == parsed.date_answered
    )


class Merger:
    """Finds or creates the question for each parsed record, within one transaction.

    For documents (``for_documents``) everything is decided in memory and written by
    ``write``: records are merged in order, each seeing what the ones before it did, so a
    question repeated within a document, or in a later document, merges with itself as if
    written one at a time. Without them (re-parse), ``member`` and ``department`` resolve
    and save immediately.
    """

    def __init__(
        self,
        source_label: str,
        members: MemberDirectory | None = None,
        departments: DepartmentDirectory | None = None,
    ) -> None:
        self.source_label = source_label
        self._members: dict[tuple, Member] = {}
        self._departments: dict[str, Department] = {}
        self._directory = members
        self._department_directory = departments
        self._related: list[tuple[Member | None, Member | None, Department | None]] = []
        self._fingerprints: list[str] = []
        self._index = QuestionIndex([])
        self._new: list[Question] = []
        self._changed: dict[int, tuple[Question, set[str]]] = {}
        # The questions this document's records have become (by object: new ones have no
        # id yet).
        self._this_document: set[int] = set()
        self._position = 0  # of the next record ``merge`` takes, counting every document's

    @classmethod
    def for_documents(cls, documents: list[tuple[str, list[ParsedQuestion], list[str]]]) -> Merger:
        """A merger with the documents' people, bodies and candidate questions loaded.

        ``documents`` are (source label, records, their fingerprints), in the order they
        are merged: call ``begin_document`` before each one's records. People are resolved
        first, for every record in order, and saved, so that the questions can be matched
        and written with their ids; the member names a record saw are replayed by ``merge``
        (see ``MemberDirectory``).
        """
        records = [r for _, document, _ in documents for r in document]
        people = [p for r in records for p in (r.asker, r.answerer) if p]
        merger = cls(
            "",
            MemberDirectory(people),
            DepartmentDirectory({r.department for r in records if r.department}),
        )
        for source_label, document, _ in documents:
            merger.begin_document(source_label)
            for parsed in document:
                merger._directory.position = len(merger._related)
                merger._related.append(merger.related(parsed))
        merger._directory.save()
        merger._department_directory.save()
        merger._fingerprints = [print_ for _, _, prints in documents for print_ in prints]
        merger._index = QuestionIndex.load(records, merger._fingerprints)
        merger._attach_related(merger._index.questions)
        merger._directory.rewind()
        return merger

    def begin_document(self, source_label: str) -> None:
        """What the records that follow share, as when each document had a merger of its
        own: the source named in conflicts, the questions the document has become (see
        ``_answered_apart``) and each name's member as the document first resolved it."""
        self.source_label = source_label
        self._this_document = set()
        self._members = {}
        self._departments = {}

    def related(self, parsed: ParsedQuestion) -> tuple:
        house = parsed.house
        asker = self.member(parsed.asker, house) if parsed.asker else None
        # Ministers answer in their own house, so the question's house is theirs too.
        answerer = self.member(parsed.answerer, house) if parsed.answerer else None
        department = self.department(parsed.department) if parsed.department else None
        return asker, answerer, department

    def _attach_related(self, questions: list[Question]) -> None:
        """Give loaded questions the directory's own member and department objects, so
        ``copy_names`` reads no row and sees the names as they change."""
        members = {m.pk: m for m in self._directory.members}
        departments = {d.pk: d for d in self._department_directory.departments}
        missing = {q.asker_id for q in questions} | {q.answerer_id for q in questions}
        missing -= {None, *members}
        members.update((m.pk, m) for m in Member.objects.filter(pk__any=missing))
        missing = {q.department_id for q in questions} - {None, *departments}
        departments.update((d.pk, d) for d in Department.objects.filter(pk__any=missing))
        for question in questions:
            if question.asker_id:
                question.asker = members[question.asker_id]
            if question.answerer_id:
                question.answerer = members[question.answerer_id]
            if question.department_id:
                question.department = departments[question.department_id]

    # -- identity ---------------------------------------------------------------------

    @staticmethod
    def _compatible(candidate: Question, parsed: ParsedQuestion, asker: Member | None) -> bool:
        """Same words, but not the same question if what both sources know disagrees."""
        if parsed.uin and candidate.uin and parsed.uin != candidate.uin:
            return False
        if parsed.house and candidate.house and parsed.house != candidate.house:
            return False
        if (
            parsed.date_tabled
            and candidate.date_tabled
            and parsed.date_tabled != candidate.date_tabled
        ):
            return False
        # Sources name members differently (an API id, a parlparse person, "Mr Jim Cunningham"),
        # so two records of one member may exist: with the same number too, the words decide.
        same_number = bool(parsed.uin) and parsed.uin == candidate.uin
        return same_number or not (asker and candidate.asker_id and candidate.asker_id != asker.pk)

    def _answered_apart(
        self, candidate: Question, parsed: ParsedQuestion, asker: Member | None
    ) -> bool:
        """The same words answered two ways where that makes two questions: in one document
        (a member's list printing a question they asked again), or where a copy does not say
        who asked (two members asked them). Two sources naming one member may differ in an
        answer's wording (an amended copy): a conflict to report, not another question."""
        if parsed.uin and parsed.uin == candidate.uin:
            return False  # one numbered question, answered again (see as_reprint)
        unnamed = asker is None or candidate.asker_id is None
        return (unnamed or id(candidate) in self._this_document) and _answered_otherwise(
            candidate, parsed
        )

    def find_existing(
        self, parsed: ParsedQuestion, asker: Member | None, print_: str
    ) -> Question | None:
        if parsed.uin and parsed.house:
            same_uin = self._index.by_uin(parsed.house, parsed.uin)
            found = [q for q in same_uin if _same_day(q, parsed)]
            if found:
                return found[0]
        candidates = [
            candidate
            for candidate in self._index.by_fingerprint(print_)
            if self._compatible(candidate, parsed, asker)
            and not self._answered_apart(candidate, parsed, asker)
        ]
        # Members table the same words (campaigns): the copy with this answer is this one.
        same_answer = [c for c in candidates if self._answered_alike(c, parsed)]
        return next(iter(same_answer or candidates), None)

    @staticmethod
    def _answered_alike(candidate: Question, parsed: ParsedQuestion) -> bool:
        return bool(parsed.answer_text and candidate.answer_text) and _same_answer(
            candidate.answer_text, parsed.answer_text
        )

    # -- merging ----------------------------------------------------------------------

    def merge(self, parsed: ParsedQuestion) -> tuple[Question, str]:
        """Merge the next record; nothing is written until ``write``."""
        position = self._position
        self._position += 1
        for member in self._directory.replay(position):
            self._index.refresh_names(member)
        asker, answerer, department = self._related[position]
        print_ = self._fingerprints[position]
        existing = self.find_existing(parsed, asker, print_)
        if existing is None:
            question = self._create(parsed, print_, asker, answerer, department)
            self._new.append(question)
            self._index.add(question, new=True)
            self._this_document.add(id(question))
            return question, "created"
        self._this_document.add(id(existing))
        changed = self._update(existing, parsed, asker, answerer, department)
        if not changed:
            return existing, "unchanged"
        self._index.moved(existing)
        if existing.pk is not None:
            self._changed.setdefault(existing.pk, (existing, set()))[1].update(changed)
        return existing, "updated"

    def write(self) -> None:
        """Write what ``merge`` decided: new questions, changed ones, refreshed names."""
        copy_rows(self._new, assign_ids=True)
        changed = [question for question, _ in self._changed.values()]
        if changed:
            now = timezone.now()
            for question in changed:
                question.updated_at = now  # bulk_update does not apply auto_now
            fields = set().union(*(names for _, names in self._changed.values()))
            Question.objects.bulk_update(
                changed, sorted(fields | {"updated_at"}), batch_size=BATCH_SIZE
            )
        self._directory.refresh_question_names()

    def _create(
        self,
        parsed: ParsedQuestion,
        print_: str,
        asker: Member | None,
        answerer: Member | None,
        department: Department | None,
    ) -> Question:
        question = Question(
            **{name: getattr(parsed, name) or empty_value(name) for name in SCALAR_FIELDS},
            references=list(parsed.references),
            grouped_uins=list(parsed.grouped_uins),
            attachments=[dataclasses.asdict(a) for a in parsed.attachments],
            status=parsed.status,
            question_truncated=parsed.question_truncated,
            answer_truncated=parsed.answer_truncated,
            superseded=parsed.superseded,
            parse_warnings=list(dict.fromkeys(parsed.warnings)),
            fingerprint=print_,
            asker=asker,
            answerer=answerer,
            department=department,
        )
        copy_names(question)
        return question

    def _update(
        self,
        question: Question,
        parsed: ParsedQuestion,
        asker: Member | None,
        answerer: Member | None,
        department: Department | None,
    ) -> set[str]:
        """Merge ``parsed`` into ``question`` in memory; returns the columns it changed.

        A copy its publisher replaced (``superseded``) never outranks a current one,
        whichever was loaded first: a current copy replaces what only superseded copies
        said (their warnings included, which described them), and a superseded copy only
        fills what a current one left empty, with no conflict to report.
        """
        locked = set(question.edited_fields)
        before = _snapshot(question)
        replaces, stale = copy_precedence(question.superseded, parsed.superseded)
        warnings = [] if replaces else list(question.parse_warnings)

        def conflict(field: str, kept: object, offered: object) -> None:
            warnings.append(conflict_warning(self.source_label, field, kept, offered))

        parsed = as_reprint(question, parsed, locked)
        stage = _answer_stage(question.status, parsed.status)
        merge_fields(
            question, parsed, replaces=replaces, stale=stale, locked=locked, conflict=conflict
        )

        for name, offered in (("asker", asker), ("answerer", answerer), ("department", department)):
            if name in locked or offered is None:
                continue
            current_id = getattr(question, f"{name}_id")
            if current_id is None or (
                current_id != offered.pk
                and (
                    replaces
                    or (name == "answerer" and stage == LATER)
                    or _names_the_unnamed(question, name, offered)
                )
            ):
                setattr(question, name, offered)
            elif name == "answerer" and stage == EARLIER:
                continue
            elif current_id != offered.pk and not stale:
                conflict(name, getattr(question, name), offered)

        for name in LIST_FIELDS:
            if name not in locked:
                merged = list(dict.fromkeys([*getattr(question, name), *getattr(parsed, name)]))
                setattr(question, name, merged)
        if "attachments" not in locked:
            attachments = [dataclasses.asdict(a) for a in parsed.attachments]
            question.attachments = question.attachments + [
                a for a in attachments if a not in question.attachments
            ]
        offered_warnings = [] if stale else parsed.warnings
        question.parse_warnings = without_mended_cuts([*warnings, *offered_warnings], question)
        question.superseded = question.superseded and parsed.superseded
        copy_names(question)
        after = _snapshot(question)
        changed = {name for name, value in after.items() if before[name] != value}
        if changed and "question_text" not in locked:
            # An admin's corrected text must not stop the source's copies finding it.
            question.fingerprint = fingerprint(question.question_text)
            changed.add("fingerprint")
        return changed

    # -- people and bodies ------------------------------------------------------------

    def member(self, parsed: ParsedMember, house: str) -> Member | None:
        if not (parsed.name or parsed.parliament_id or parsed.twfy_id):
            return None
        key = (parsed.name, parsed.parliament_id, parsed.twfy_id, parsed.house or house)
        if key not in self._members:
            if self._directory is None:
                self._members[key] = resolve_member(parsed, parsed.house or house)
            else:
                self._members[key] = self._directory.resolve(parsed, parsed.house or house)
        return self._members[key]

    def department(self, name: str) -> Department:
        if name not in self._departments:
            if self._department_directory is None:
                self._departments[name] = resolve_department(name)
            else:
                self._departments[name] = self._department_directory.resolve(name)
        return self._departments[name]


class QuestionIndex:
    """The questions one document may match, by (house, UIN) and by fingerprint.

    Lookups return candidates in ``Question.Meta.ordering`` (``-date, -id``, undated first
    as Postgres sorts NULLs in a descending order), which decided ``.first()`` when each
    record queried the table; questions created in this document come before stored ones
    of the same date, as their ids will be higher.
    """

    def __init__(self, questions: Iterable[Question]) -> None:
        self.questions: list[Question] = []
        self._uin: dict[tuple[str, str], list[Question]] = defaultdict(list)
        self._fingerprint: dict[str, list[Question]] = defaultdict(list)
        self._keys: dict[int, tuple[tuple[str, str], str]] = {}
        self._created: dict[int, int] = {}
        for question in questions:
            self.add(question)

    @classmethod
    def load(cls, records: list[ParsedQuestion], fingerprints: list[str]) -> QuestionIndex:
        uins = {r.uin for r in records if r.uin and r.house}
        houses = {r.house for r in records if r.uin and r.house}
        # Locked so an admin's save cannot land between our read and our bulk write.
        stored = (
            Question.objects.select_for_update()
            .defer("search_vector")
            .filter(Q(fingerprint__any=set(fingerprints)) | Q(house__any=houses, uin__any=uins))
        )
        return cls(stored)

    def add(self, question: Question, *, new: bool = False) -> None:
        if new:
            self._created[id(question)] = len(self._created)
        self.questions.append(question)
        self._file(question)

    def moved(self, question: Question) -> None:
        """Re-file a question whose house, UIN or fingerprint a merge may have changed."""
        uin_key, print_ = self._keys[id(question)]
        if (uin_key, print_) != _index_keys(question):
            self._uin[uin_key].remove(question)
            self._fingerprint[print_].remove(question)
            self._file(question)

    def by_uin(self, house: str, uin: str) -> list[Question]:
        return sorted(self._uin.get((house, uin), ()), key=self._archive_order)

    def by_fingerprint(self, print_: str) -> list[Question]:
        return sorted(self._fingerprint.get(print_, ()), key=self._archive_order)

    def refresh_names(self, member: Member) -> None:
        """What ``UPDATE … SET asker_name`` did to the questions when each record was
        written: the ones this document already merged see a member's new name."""
        for question in self.questions:
            if question.asker_id == member.pk:
                question.asker_name = member.name
            if question.answerer_id == member.pk:
                question.answerer_name = member.name

    def _file(self, question: Question) -> None:
        uin_key, print_ = self._keys[id(question)] = _index_keys(question)
        self._uin[uin_key].append(question)
        self._fingerprint[print_].append(question)

    def _archive_order(self, question: Question) -> tuple:
        date = question.date_answered or question.date_tabled
        created = self._created.get(id(question))
        return (
            date is not None,
            -date.toordinal() if date else 0,
            created is None,
            -(created if created is not None else question.pk),
        )


def _index_keys(question: Question) -> tuple[tuple[str, str], str]:
    return (question.house, question.uin), question.fingerprint


class MemberDirectory:
    """The members a set of parsed members may mean, read in one query, resolved in memory.

    ``resolve`` applies the rules of ``resolve_member`` to the members read plus the ones
    it creates, so a name seen twice in a document is one member. Nothing is written until
    ``save`` (new members, details filled) and ``refresh_question_names``.

    When a member gains a name, questions naming it are refreshed (``asker_name``…). A
    document's records are resolved before its questions are merged, so the directory notes
    at which ``position`` each name arrived; ``rewind`` puts back the names members had
    before the document and ``replay`` gives each back as the merge reaches its record.
    """

    def __init__(self, parsed: Iterable[ParsedMember]) -> None:
        parsed = list(parsed)
        ids = {p.parliament_id for p in parsed if p.parliament_id}
        twfy_ids = {p.twfy_id for p in parsed if p.twfy_id}
        names = {p.name for p in parsed if p.name}
        self._members: dict[int, Member] = {}  # by id(): new members have no pk yet
        self.position = 0
        self._by_id: dict[int, Member] = {}
        self._by_twfy_id: dict[str, Member] = {}
        self._by_name: dict[str, list[Member]] = defaultdict(list)
        self._new: list[Member] = []
        self._filled: dict[int, Member] = {}
        # (position, member, name before, name after) for every refresh of question names.
        self._renames: list[tuple[int, Member, str, str]] = []
        if ids or twfy_ids or names:
            found = Member.objects.filter(
                Q(parliament_id__any=ids)
                | Q(twfy_id__any=twfy_ids)
                | Q(name__any=names)
                | Q(aliases__overlap=list(names))
            )
            for member in found:
                self._add(member)

    def resolve(self, parsed: ParsedMember, house: str) -> Member:
        """``resolve_member``'s rules, in memory."""
        member = None
        if parsed.parliament_id:
            member = self._by_id.get(parsed.parliament_id)
        if member is None and parsed.twfy_id:
            member = self._by_twfy_id.get(parsed.twfy_id)
        if member is None and parsed.name:
            matches = [
                m
                for m in self._by_name.get(parsed.name, ())
                if (not house or m.house in (house, ""))
                # A candidate that carries a different id of the same kind is someone else,
                # and so is one sitting for another seat (two MPs called Gareth Thomas sat
                # together, for Harrow West and Clwyd West).
                and not (parsed.parliament_id and m.parliament_id is not None)
                and not (parsed.twfy_id and m.twfy_id != "")
                and not (parsed.seat and m.seat and parsed.seat.casefold() != m.seat.casefold())
            ]
            if len(matches) == 1:
                member = matches[0]
        if member is None:
            member = Member(
                name=parsed.name,
                party=parsed.party,
                seat=parsed.seat,
                house=house,
                parliament_id=parsed.parliament_id,
                twfy_id=parsed.twfy_id,
            )
            self._new.append(member)
            self._add(member)
            return member
        name_before = member.name
        changed = False
        for field, value in (
            ("name", parsed.name),
            ("party", parsed.party),
            ("seat", parsed.seat),
            ("house", house),
            ("parliament_id", parsed.parliament_id),
            ("twfy_id", parsed.twfy_id),
        ):
            if value and not getattr(member, field):
                setattr(member, field, value)
                changed = True
        if changed:
            self._add(member)  # filed under the name or ids it has gained
            if member.pk is not None:
                self._filled[member.pk] = member
            if parsed.name:
                # The name may be new to questions that knew this member only by id.
                self._renames.append((self.position, member, name_before, member.name))
        return member

    @property
    def members(self) -> list[Member]:
        return list(self._members.values())

    def save(self) -> None:
        Member.objects.bulk_create(self._new, batch_size=BATCH_SIZE)
        Member.objects.bulk_update(
            list(self._filled.values()),
            ["name", "party", "seat", "house", "parliament_id", "twfy_id"],
            batch_size=BATCH_SIZE,
        )

    def rewind(self) -> None:
        for _, member, before, _ in reversed(self._renames):
            member.name = before

    def replay(self, position: int) -> list[Member]:
        """The members whose name changed at ``position``, given that name back."""
        renamed = []
        for at, member, _, after in self._renames:
            if at == position:
                member.name = after
                renamed.append(member)
        return renamed

    def refresh_question_names(self) -> None:
        """Write the names members gained onto every question that names them."""
        renamed = {member.pk for _, member, _, _ in self._renames}
        if renamed:
            for role in ("asker", "answerer"):
                name = Member.objects.filter(pk=OuterRef(f"{role}_id")).values("name")
                Question.objects.filter(**{f"{role}__in": renamed}).update(
                    **{f"{role}_name": Subquery(name)}
                )

    def _add(self, member: Member) -> None:
        self._members[id(member)] = member
        if member.parliament_id:
            self._by_id[member.parliament_id] = member
        if member.twfy_id:
            self._by_twfy_id[member.twfy_id] = member
        for name in (member.name, *member.aliases):
            if name and member not in self._by_name[name]:
                self._by_name[name].append(member)


class DepartmentDirectory:
    """The departments a set of names may mean, read in one query, resolved in memory."""

    def __init__(self, names: Iterable[str]) -> None:
        names = list(names)
        # In the table's order (by name), which decided ``.first()`` among aliases.
        self.departments: list[Department] = list(
            Department.objects.filter(Q(name__any=names) | Q(aliases__overlap=names))
            if names
            else ()
        )
        self._new: list[Department] = []

    def resolve(self, name: str) -> Department:
        """``resolve_department``'s rules, in memory; new departments wait for ``save``."""
        department = next((d for d in self.departments if d.name == name), None) or next(
            (d for d in self.departments if name in d.aliases), None
        )
        if department is None:
            department = Department(name=name)
            self.departments.append(department)
            self._new.append(department)
        return department

    def save(self) -> None:
        # ON CONFLICT, as get_or_create would: a department another writer has just
        # created (staff, outside the ingest lock) is taken, not duplicated.
        Department.objects.bulk_create(
            self._new, update_conflicts=True, unique_fields=["name"], update_fields=["name"]
        )


TRUNCATION_FLAGS = {"question_text": "question_truncated", "answer_text": "answer_truncated"}


def empty_value(field_name: str) -> object:
    return None if field_name.startswith("date") else ""


def copy_precedence(held_superseded: bool, offered_superseded: bool) -> tuple[bool, bool]:
    """(replaces, stale) for a copy offered against what is held, by their ``superseded``
    flags: a current copy replaces what only superseded copies said; a superseded copy
    offered where a current one has been read is stale, and only fills gaps."""
    return held_superseded and not offered_superseded, offered_superseded and not held_superseded


def _snapshot(question: Question) -> dict:
    return {
        field.attname: getattr(question, field.attname)
        for field in Question._meta.concrete_fields
        if not field.generated and field.attname not in ("updated_at", "created_at")
    }


def copy_names(question: Question) -> None:
    """Keep the names the search vector indexes in step with the related records."""
    question.asker_name = question.asker.name if question.asker else ""
    question.answerer_name = question.answerer.name if question.answerer else ""
    question.department_name = question.department.name if question.department else ""


def resolve_member(parsed: ParsedMember, house: str) -> Member:
    """The member a source means, created if new; fills details the archive lacked.

    Ids are certain; a name links to an id-bearing record only when exactly one member
    of that name (in that house, when known) exists, so namesakes are never guessed.
    """
    directory = MemberDirectory([parsed])
    member = directory.resolve(parsed, house)
    directory.save()
    directory.refresh_question_names()
    return member


def resolve_department(name: str) -> Department:
    directory = DepartmentDirectory([name])
    department = directory.resolve(name)
    directory.save()
    return department
