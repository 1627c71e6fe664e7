"""Writes parsed documents into the archive: identity, merging, provenance, admin locks.

What happens to existing records on re-import, in short:
- a file whose bytes were already ingested is ``unchanged`` and nothing is written;
- a question already in the archive (same UIN, house and tabling day, or the same
  normalised text from a compatible asker) is merged: empty fields are filled, a clipped
  text gives way to a full one, a conflicting value keeps the archive's and leaves a
  parse warning, and fields an admin edited are never touched;
- every question records each source it was read from, with the raw block of text.
Each file is one transaction, so a file that fails part-way leaves no trace. Writes take
one advisory lock, so concurrent ingests of the same documents cannot duplicate records.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from archive.models import Department, Member, Provenance, Question, SourceDocument, Status
from ingest import archive_export
from ingest.detect import PARSER_ERROR, parse_document
from ingest.identity import fingerprint
from ingest.parsers.base import ParsedDocument, ParsedMember, ParsedQuestion

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


def ingest_file(path: Path, *, dry_run: bool = False) -> FileReport:
    """Read, parse and load one file; never raises for a problem with the file itself."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return FileReport(str(path), FAILED, reason=f"cannot read file: {error.strerror}")
    if archive_export.is_export(data):
        return archive_export.restore(data, path=path, dry_run=dry_run)
    sha256 = hashlib.sha256(data).hexdigest()
    known = SourceDocument.objects.filter(sha256=sha256).first()
    if known and known.outcome == SourceDocument.Outcome.INGESTED:
        return FileReport(str(path), UNCHANGED, known.layout, questions=known.question_count)
    document = parse_document(data, path.name)
    if document.layout == PARSER_ERROR:
        # Our bug, not the document's: a failure, so the run exits non-zero.
        return _record_failure(path, data, sha256, "", document.skip_reason, dry_run)
    if document.skip_reason:
        if not dry_run:
            _record_source(path, data, sha256, document, SourceDocument.Outcome.SKIPPED)
        return FileReport(str(path), SKIPPED, document.layout, document.skip_reason)
    try:
        return load_document(path, data, sha256, document, dry_run=dry_run)
    except Exception as error:
        return _record_failure(path, data, sha256, document.layout, _describe(error), dry_run)


def load_document(
    path: Path,
    data: bytes,
    sha256: str,
    document: ParsedDocument,
    *,
    dry_run: bool = False,
    before_each: Callable[[int], None] | None = None,
) -> FileReport:
    """Write one parsed document in a single transaction.

    ``before_each`` is called with each record's position before it is written; tests use
    it to make a file fail part-way.
    """
    report = FileReport(str(path), INGESTED, document.layout, questions=len(document.questions))
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INGEST_LOCK])
            # Another ingest may have loaded the same bytes while we waited for the lock.
            known = SourceDocument.objects.filter(sha256=sha256).first()
            if known and known.outcome == SourceDocument.Outcome.INGESTED:
                return FileReport(
                    str(path), UNCHANGED, known.layout, questions=known.question_count
                )
            source = _record_source(path, data, sha256, document, SourceDocument.Outcome.INGESTED)
            merger = Merger(source_label=path.name)
            for position, parsed in enumerate(document.questions):
                if before_each:
                    before_each(position)
                question, outcome = merger.merge(parsed)
                if outcome == "created":
                    report.created += 1
                elif outcome == "updated":
                    report.updated += 1
                Provenance.objects.create(
                    question=question,
                    source=source,
                    position=position,
                    external_id=parsed.source_id,
                    raw_text=parsed.raw_text,
                )
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


def _describe(error: Exception) -> str:
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _record_source(
    path: Path, data: bytes, sha256: str, document: ParsedDocument, outcome: str
) -> SourceDocument:
    source, _ = SourceDocument.objects.update_or_create(
        sha256=sha256,
        defaults={
            "path": str(path),
            "size": len(data),
            "layout": document.layout,
            "outcome": outcome,
            "reason": document.skip_reason,
            "question_count": len(document.questions),
        },
    )
    return source


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


class Merger:
    """Finds or creates the question for each parsed record, within one transaction."""

    def __init__(self, source_label: str) -> None:
        self.source_label = source_label
        self._members: dict[tuple, Member] = {}
        self._departments: dict[str, Department] = {}

    # -- identity ---------------------------------------------------------------------

    def find_existing(self, parsed: ParsedQuestion, asker: Member | None) -> Question | None:
        if parsed.uin and parsed.house:
            same_uin = Question.objects.filter(house=parsed.house, uin=parsed.uin)
            if parsed.date_tabled:
                found = same_uin.filter(date_tabled=parsed.date_tabled).first()
                if found:
                    return found
            elif parsed.date_answered:
                # Sources that print no tabling date (parlparse) still date the answer.
                found = same_uin.filter(date_answered=parsed.date_answered).first()
                if found:
                    return found
        for candidate in Question.objects.filter(fingerprint=fingerprint(parsed.question_text)):
            if self._compatible(candidate, parsed, asker):
                return candidate
        return None

    @staticmethod
    def _compatible(candidate: Question, parsed: ParsedQuestion, asker: Member | None) -> bool:
        """Same words, but not the same question if what both sources know disagrees."""
        if asker and candidate.asker_id and candidate.asker_id != asker.pk:
            return False
        if parsed.uin and candidate.uin and parsed.uin != candidate.uin:
            return False
        if parsed.house and candidate.house and parsed.house != candidate.house:
            return False
        return not (
            parsed.date_tabled
            and candidate.date_tabled
            and parsed.date_tabled != candidate.date_tabled
        )

    # -- merging ----------------------------------------------------------------------

    def merge(self, parsed: ParsedQuestion) -> tuple[Question, str]:
        house = parsed.house
        asker = self.member(parsed.asker, house) if parsed.asker else None
        # Ministers answer in their own house, so the question's house is theirs too.
        answerer = self.member(parsed.answerer, house) if parsed.answerer else None
        department = self.department(parsed.department) if parsed.department else None
        existing = self.find_existing(parsed, asker)
        if existing is None:
            return self._create(parsed, asker, answerer, department), "created"
        changed = self._update(existing, parsed, asker, answerer, department)
        return existing, "updated" if changed else "unchanged"

    def _create(
        self,
        parsed: ParsedQuestion,
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
            parse_warnings=list(dict.fromkeys(parsed.warnings)),
            fingerprint=fingerprint(parsed.question_text),
            asker=asker,
            answerer=answerer,
            department=department,
        )
        copy_names(question)
        question.save()
        return question

    def _update(
        self,
        question: Question,
        parsed: ParsedQuestion,
        asker: Member | None,
        answerer: Member | None,
        department: Department | None,
    ) -> bool:
        locked = set(question.edited_fields)
        before = _snapshot(question)
        warnings = list(question.parse_warnings)

        def conflict(field: str, kept: object, offered: object) -> None:
            warnings.append(
                f"{self.source_label}: {field} differs; kept {kept!s:.120}, "
                f"source has {offered!s:.120}"
            )

        for name in SCALAR_FIELDS:
            offered = getattr(parsed, name)
            current = getattr(question, name)
            if name in locked or not offered or offered == current:
                continue
            truncated_attr = TRUNCATION_FLAGS.get(name)
            if truncated_attr and getattr(parsed, truncated_attr):
                continue  # a clipped text never replaces what we have
            if not current or (truncated_attr and getattr(question, truncated_attr)):
                setattr(question, name, offered)
                if truncated_attr:
                    setattr(question, truncated_attr, False)
            elif name == "answer_text" and parsed.status == Status.CORRECTED:
                # A corrected answer supersedes the one we hold, which becomes the original.
                if not question.original_answer_text:
                    question.original_answer_text = current
                question.answer_text = offered
            else:
                conflict(name, current, offered)

        for name, offered in (("asker", asker), ("answerer", answerer), ("department", department)):
            if name in locked or offered is None:
                continue
            current_id = getattr(question, f"{name}_id")
            if current_id is None:
                setattr(question, name, offered)
            elif current_id != offered.pk:
                conflict(name, getattr(question, name), offered)

        if "status" not in locked and (
            STATUS_ORDER.get(parsed.status, 0) > STATUS_ORDER.get(question.status, 0)
        ):
            question.status = parsed.status

        for name in LIST_FIELDS:
            if name not in locked:
                merged = list(dict.fromkeys([*getattr(question, name), *getattr(parsed, name)]))
                setattr(question, name, merged)
        if "attachments" not in locked:
            attachments = [dataclasses.asdict(a) for a in parsed.attachments]
            question.attachments = question.attachments + [
                a for a in attachments if a not in question.attachments
            ]
        question.parse_warnings = list(dict.fromkeys([*warnings, *parsed.warnings]))
        copy_names(question)
        if _snapshot(question) == before:
            return False
        if "question_text" not in locked:
            # An admin's corrected text must not stop the source's copies finding it.
            question.fingerprint = fingerprint(question.question_text)
        question.save()
        return True

    # -- people and bodies ------------------------------------------------------------

    def member(self, parsed: ParsedMember, house: str) -> Member | None:
        if not (parsed.name or parsed.parliament_id or parsed.twfy_id):
            return None
        key = (parsed.name, parsed.parliament_id, parsed.twfy_id, parsed.house or house)
        if key not in self._members:
            self._members[key] = resolve_member(parsed, parsed.house or house)
        return self._members[key]

    def department(self, name: str) -> Department:
        if name not in self._departments:
            self._departments[name] = resolve_department(name)
        return self._departments[name]


TRUNCATION_FLAGS = {"question_text": "question_truncated", "answer_text": "answer_truncated"}


def empty_value(field_name: str) -> object:
    return None if field_name.startswith("date") else ""


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
    member = None
    if parsed.parliament_id:
        member = Member.objects.filter(parliament_id=parsed.parliament_id).first()
    if member is None and parsed.twfy_id:
        member = Member.objects.filter(twfy_id=parsed.twfy_id).first()
    if member is None and parsed.name:
        candidates = Member.objects.filter(name=parsed.name) | Member.objects.filter(
            aliases__contains=[parsed.name]
        )
        if house:
            candidates = candidates.filter(house__in=[house, ""])
        # A candidate that carries a different id of the same kind is someone else.
        if parsed.parliament_id:
            candidates = candidates.filter(parliament_id__isnull=True)
        if parsed.twfy_id:
            candidates = candidates.filter(twfy_id="")
        matches = list(candidates.distinct()[:2])
        if len(matches) == 1:
            member = matches[0]
    if member is None:
        return Member.objects.create(
            name=parsed.name,
            party=parsed.party,
            seat=parsed.seat,
            house=house,
            parliament_id=parsed.parliament_id,
            twfy_id=parsed.twfy_id,
        )
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
        member.save()
        if parsed.name:
            # The name may be new to questions that knew this member only by id.
            Question.objects.filter(asker=member).update(asker_name=member.name)
            Question.objects.filter(answerer=member).update(answerer_name=member.name)
    return member


def resolve_department(name: str) -> Department:
    department = (
        Department.objects.filter(name=name).first()
        or Department.objects.filter(aliases__contains=[name]).first()
    )
    if department is None:
        department, _ = Department.objects.get_or_create(name=name)
    return department
