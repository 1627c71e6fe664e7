"""Merging records that are one member or one department under different spellings.

Sources name the same body or person in several ways (``the Home Office`` and ``Home
Office``, a member with and without a title), and ingest makes a record for each spelling
it cannot match. A merge keeps one record, the survivor, and:

- moves every question of the others to it (as asker, answerer or department);
- keeps the others' names in its ``aliases``, because ingest matches names and aliases, so
  a later document with an old spelling lands on the survivor instead of recreating it;
- fills the survivor's missing details (party, seat, house, ids) from the others;
- refreshes the names copied onto the moved questions, which the search vector indexes;
- deletes the others.

All of it happens in one transaction holding the ingest lock, so an ingest running at the
same time can neither attach a question to a record being deleted nor see half a merge.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Now

from archive.models import Department, Member, Question
from ingest.loader import INGEST_LOCK

# Filled on the survivor only when it has no value; ids are identities, so two records with
# different ids of the same kind are different people and are never merged.
MEMBER_DETAILS = ("name", "party", "seat", "house", "parliament_id", "twfy_id")
MEMBER_IDS = ("parliament_id", "twfy_id")


class MergeError(ValueError):
    """A merge staff asked for that cannot be done; the message is shown to them as is."""


@dataclass
class MergeResult:
    survivor: Member | Department
    merged_names: list[str]
    moved_question_ids: list[int] = field(default_factory=list)
    # Survivor fields that were empty and were filled from a merged record.
    filled: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"Merged {', '.join(self.merged_names)} into {self.survivor}; "
            f"moved {len(self.moved_question_ids)} question(s)."
        )
        if self.filled:
            text += f" Filled {', '.join(self.filled)} from the merged records."
        return text


def _count(related: QuerySet, column: str) -> Coalesce:
    """A correlated COUNT per row: joining two reverse relations and counting would multiply
    a minister's thousands of answers by their questions asked."""
    counted = (
        related.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def members_with_counts(queryset: QuerySet[Member]) -> QuerySet[Member]:
    """Members annotated with ``asked_count`` and ``answered_count``."""
    return queryset.annotate(
        asked_count=_count(Question.objects.all(), "asker"),
        answered_count=_count(Question.objects.all(), "answerer"),
    )


def departments_with_counts(queryset: QuerySet[Department]) -> QuerySet[Department]:
    """Departments annotated with ``question_count``."""
    return queryset.annotate(question_count=_count(Question.objects.all(), "department"))


def suggest_member_survivor(members: Sequence[Member]) -> Member:
    """The record most worth keeping: most questions, then one carrying ids, then the oldest.

    ``members`` must come from ``members_with_counts``.
    """
    return min(
        members,
        key=lambda m: (
            -(m.asked_count + m.answered_count),
            -sum(bool(getattr(m, name)) for name in MEMBER_IDS),
            m.pk,
        ),
    )


def suggest_department_survivor(departments: Sequence[Department]) -> Department:
    """Most questions, then the shortest name (``Home Office`` over ``the Home Office``).

    ``departments`` must come from ``departments_with_counts``.
    """
    return min(departments, key=lambda d: (-d.question_count, len(d.name), d.pk))


def _merged_aliases(survivor_name: str, names: Iterable[str]) -> list[str]:
    return [name for name in dict.fromkeys(names) if name and name != survivor_name]


def _lock(model, survivor, others: Iterable, noun: str) -> tuple:
    """Fresh, row-locked copies of the survivor and the records merged into it.

    Takes the ingest lock first, so a merge never interleaves with a running ingest.
    """
    other_ids = sorted({other.pk for other in others} - {survivor.pk})
    if not other_ids:
        raise MergeError("Choose at least two records: the one to keep and one to merge into it.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INGEST_LOCK])
    locked = model.objects.select_for_update().in_bulk([survivor.pk, *other_ids])
    if len(locked) != len(other_ids) + 1:
        raise MergeError(f"Some of the chosen {noun} no longer exist; reload the page.")
    return locked[survivor.pk], [locked[pk] for pk in other_ids]


def merge_members(survivor: Member, others: Iterable[Member]) -> MergeResult:
    """Merge ``others`` into ``survivor``; see the module docstring for what that does."""
    with transaction.atomic():
        survivor, merged = _lock(Member, survivor, others, "members")
        other_ids = [m.pk for m in merged]
        everyone = [survivor, *merged]
        for name in MEMBER_IDS:
            values = {getattr(m, name) for m in everyone if getattr(m, name)}
            if len(values) > 1:
                label = Member._meta.get_field(name).verbose_name
                raise MergeError(
                    f"These records have different {label}s ({', '.join(map(str, sorted(values)))})"
                    ", so the sources say they are different people; they were not merged."
                )

        filled = []
        for name in MEMBER_DETAILS:
            if not getattr(survivor, name):
                value = next((getattr(m, name) for m in merged if getattr(m, name)), None)
                if value:
                    setattr(survivor, name, value)
                    filled.append(name)
        survivor.aliases = _merged_aliases(
            survivor.name,
            [*survivor.aliases, *(n for m in merged for n in (m.name, *m.aliases))],
        )

        moved = list(
            Question.objects.filter(Q(asker__in=other_ids) | Q(answerer__in=other_ids))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Question.objects.filter(asker__in=other_ids).update(asker=survivor, updated_at=Now())
        Question.objects.filter(answerer__in=other_ids).update(answerer=survivor, updated_at=Now())
        merged_names = [m.display_name for m in merged]
        # Deleted before the survivor is saved: it may take over their unique ids.
        Member.objects.filter(pk__in=other_ids).delete()
        survivor.save()
        # Covers the moved questions and, when the survivor's name was itself filled from a
        # merged record, the questions it already had.
        refresh_member_names(survivor)
    return MergeResult(survivor, merged_names, moved, filled)


def merge_departments(survivor: Department, others: Iterable[Department]) -> MergeResult:
    """Merge ``others`` into ``survivor``; see the module docstring for what that does."""
    with transaction.atomic():
        survivor, merged = _lock(Department, survivor, others, "departments")
        other_ids = [d.pk for d in merged]
        survivor.aliases = _merged_aliases(
            survivor.name,
            [*survivor.aliases, *(n for d in merged for n in (d.name, *d.aliases))],
        )
        moved_questions = Question.objects.filter(department__in=other_ids)
        moved = list(moved_questions.order_by("pk").values_list("pk", flat=True))
        moved_questions.update(department=survivor, department_name=survivor.name, updated_at=Now())
        merged_names = [d.name for d in merged]
        Department.objects.filter(pk__in=other_ids).delete()
        survivor.save()
    return MergeResult(survivor, merged_names, moved)


def refresh_member_names(member: Member) -> int:
    """Copy a renamed member's name onto their questions; returns how many rows changed."""
    asked = (
        Question.objects.filter(asker=member)
        .exclude(asker_name=member.name)
        .update(asker_name=member.name, updated_at=Now())
    )
    answered = (
        Question.objects.filter(answerer=member)
        .exclude(answerer_name=member.name)
        .update(answerer_name=member.name, updated_at=Now())
    )
    return asked + answered


def refresh_department_names(department: Department) -> int:
    """Copy a renamed department's name onto its questions; returns how many rows changed."""
    return (
        Question.objects.filter(department=department)
        .exclude(department_name=department.name)
        .update(department_name=department.name, updated_at=Now())
    )
