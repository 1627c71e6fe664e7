"""Re-parsing questions from the blocks of source text stored when they were ingested.

Ingest is cautious with existing records: it fills gaps and keeps what the archive has. A
re-parse is the opposite on purpose: after a parser is fixed, the records it misread are
corrected by parsing their stored blocks again and OVERWRITING every parsed field with the
fresh result. Two things are never overwritten:

- fields staff edited (``Question.edited_fields``), as with ingest;
- values a block cannot vouch for: when some of a question's sources have no stored text
  (or no longer parse), a field the fresh parse leaves empty keeps its value, since one of
  those sources may have supplied it.

Each question is re-parsed in its own transaction, under the ingest lock, so one that fails
leaves the others done and an ingest running at the same time never interleaves with it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from archive.models import Department, Member, Provenance, Question
from ingest.detect import parse_document
from ingest.identity import fingerprint

# The loader's own rules, shared rather than copied so re-parse and ingest cannot drift.
from ingest.loader import (
    INGEST_LOCK,
    LIST_FIELDS,
    RELATED_FIELDS,
    SCALAR_FIELDS,
    TRUNCATION_FLAGS,
    Merger,
    conflict_warning,
    copy_names,
    copy_precedence,
    empty_value,
    merge_fields,
    without_mended_cuts,
)
from ingest.parsers.base import ParsedQuestion


@dataclass
class ReparseResult:
    """What re-parsing one question did, or why it could not."""

    question_id: int
    label: str
    changed: list[str] = field(default_factory=list)
    error: str = ""
    # Things staff should know although the re-parse worked (a source without text…).
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error

    def describe(self) -> str:
        if self.error:
            text = f"{self.label}: not re-parsed: {self.error}"
        elif self.changed:
            text = f"{self.label}: changed {', '.join(self.changed)}"
        else:
            text = f"{self.label}: unchanged"
        if self.notes:
            text += f" ({'; '.join(self.notes)})"
        return text


class _BlockError(Exception):
    """A stored block that yields no record for this question; the message says why."""


def reparse_questions(questions: Iterable[Question]) -> list[ReparseResult]:
    """Re-parse each question from its stored blocks; never raises for a bad block."""
    return [reparse_question(question) for question in questions]


def reparse_question(question: Question) -> ReparseResult:
    """Re-parse one question from its stored blocks, overwriting fields staff did not edit."""
    label = f"Question {question.pk} ({question.uin or str(question)[:60]})"
    result = ReparseResult(question.pk, label)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INGEST_LOCK])
        question = (
            Question.objects.select_for_update()
            .defer("search_vector")
            .filter(pk=question.pk)
            .first()
        )
        if question is None:
            result.error = "the question no longer exists"
            return result
        blocks = list(
            Provenance.objects.filter(question=question)
            .select_related("source")
            .order_by("created_at", "position")
        )
        parses: list[tuple[str, ParsedQuestion]] = []
        for block in blocks:
            where = f"{Path(block.source.path).name} block {block.position}"
            if not block.raw_text.strip():
                result.notes.append(f"{where} has no stored text")
                continue
            try:
                # Labelled by file name alone, as ingest labels its conflict warnings, so
                # an unchanged record re-parses to the very same warnings.
                parses.append((Path(block.source.path).name, _parse_block(block, question)))
            except _BlockError as error:
                result.notes.append(f"{where}: {error}")
        if not parses:
            if not blocks:
                result.error = "no stored source"
            elif len(blocks) == 1 and result.notes:
                # One source, one reason: say it as the error rather than a note.
                result.error = result.notes.pop()
            else:
                result.error = "no stored block could be parsed"
            return result
        # A field only some sources supplied may come from one we could not read again.
        complete = len(parses) == len(blocks)
        related, warnings = _resolve_related(parses)
        fresh = _combine(parses)
        fresh.warnings.extend(warnings)
        result.changed = _apply(question, fresh, related, complete=complete)
    return result


def _parse_block(block: Provenance, question: Question) -> ParsedQuestion:
    try:
        document = parse_document(block.raw_text.encode("utf-8"), Path(block.source.path).name)
    except Exception as error:  # a parser bug is reported per record, not as a crash
        raise _BlockError(f"parser error: {error!r}") from error
    if document.skip_reason:
        raise _BlockError(f"the block no longer parses: {document.skip_reason}")
    found = document.questions
    if not found:
        raise _BlockError("the block no longer parses: no question found in it")
    if len(found) == 1:
        return found[0]
    # A block holding several records (a grouped answer, a page the parser now splits):
    # the same UIN, else the same words, identify ours.
    for matches in (
        [p for p in found if question.uin and p.uin == question.uin],
        [p for p in found if fingerprint(p.question_text) == question.fingerprint],
    ):
        if len(matches) == 1:
            return matches[0]
    raise _BlockError(f"the block holds {len(found)} records and none is clearly this question")


def _combine(parses: list[tuple[str, ParsedQuestion]]) -> ParsedQuestion:
    """One record from several sources' fresh parses, by the rules ingest merges sources with
    (``loader.merge_fields``, as ``loader.Merger._update`` applies them); a current copy
    replaces superseded ones. People and departments are left to ``_resolve_related``."""
    (_, first), rest = parses[0], parses[1:]
    # A copy: the parsed records are not ours to change.
    combined = dataclasses.replace(first, warnings=list(first.warnings))
    for source_name, parsed in rest:
        replaces, stale = copy_precedence(combined.superseded, parsed.superseded)
        if replaces:
            combined.warnings = []

        def conflict(field: str, kept: object, offered: object, source: str = source_name) -> None:
            combined.warnings.append(conflict_warning(source, field, kept, offered))

        merge_fields(combined, parsed, replaces=replaces, stale=stale, conflict=conflict)
        for name in LIST_FIELDS:
            setattr(
                combined,
                name,
                tuple(dict.fromkeys([*getattr(combined, name), *getattr(parsed, name)])),
            )
        combined.attachments = tuple(dict.fromkeys([*combined.attachments, *parsed.attachments]))
        combined.warnings.extend([] if stale else parsed.warnings)
        combined.superseded = combined.superseded and parsed.superseded
    combined.warnings = without_mended_cuts(combined.warnings, combined)
    return combined


Related = dict[str, Member | Department | None]


def _resolve_related(parses: list[tuple[str, ParsedQuestion]]) -> tuple[Related, list[str]]:
    """The asker, answerer and department the sources name, found (or created) exactly as
    ingest finds them: the first source to name one gives it; a later source naming another
    leaves the warning ingest would leave."""
    merger = Merger(source_label="re-parse")
    related: Related = dict.fromkeys(RELATED_FIELDS)
    warnings = []
    superseded = parses[0][1].superseded
    for source_name, parsed in parses:
        offered: Related = {
            "asker": merger.member(parsed.asker, parsed.house) if parsed.asker else None,
            "answerer": merger.member(parsed.answerer, "") if parsed.answerer else None,
            "department": merger.department(parsed.department) if parsed.department else None,
        }
        replaces, stale = copy_precedence(superseded, parsed.superseded)
        if replaces:
            warnings = []
        superseded = superseded and parsed.superseded
        for name, value in offered.items():
            current = related[name]
            if current is None or (replaces and value is not None):
                related[name] = value
            elif value is not None and value.pk != current.pk and not stale:
                warnings.append(conflict_warning(source_name, name, current, value))
    return related, warnings


def _apply(
    question: Question, fresh: ParsedQuestion, related: Related, *, complete: bool
) -> list[str]:
    """Overwrite the question's unlocked fields with ``fresh``; returns the changed names."""
    locked = set(question.edited_fields)
    offered: dict[str, object] = {
        **{name: getattr(fresh, name) or empty_value(name) for name in SCALAR_FIELDS},
        **{name: list(getattr(fresh, name)) for name in LIST_FIELDS},
        **{flag: getattr(fresh, flag) for flag in TRUNCATION_FLAGS.values()},
        "superseded": fresh.superseded,
        "status": fresh.status,
        "attachments": [dataclasses.asdict(a) for a in fresh.attachments],
    }
    changed = []
    for name, value in offered.items():
        if name in locked or (not complete and not value):
            continue
        if getattr(question, name) != value:
            setattr(question, name, value)
            changed.append(name)
    for name, value in related.items():
        if name in locked or (not complete and value is None):
            continue
        if getattr(question, f"{name}_id") != (value.pk if value else None):
            setattr(question, name, value)
            changed.append(name)

    # Warnings describe the parse, so the fresh ones replace the old; in whatever order
    # they come, the same warnings are no change.
    warnings = list(dict.fromkeys(fresh.warnings))
    if set(warnings) != set(question.parse_warnings) and (complete or warnings):
        question.parse_warnings = warnings
        changed.append("parse_warnings")
    # The fingerprint is the question's identity as sources print it, so it follows the
    # parsed text even when staff locked an edited question_text; it is not news to staff.
    new_fingerprint = fingerprint(fresh.question_text) if fresh.question_text else ""
    moved_identity = bool(new_fingerprint) and new_fingerprint != question.fingerprint
    if moved_identity:
        question.fingerprint = new_fingerprint
    if changed or moved_identity:
        copy_names(question)
        question.save()
    return changed
