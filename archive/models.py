"""The archive's records: questions, the people and bodies behind them, and their sources."""

from __future__ import annotations

from functools import lru_cache

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import MD5, Coalesce
from django.urls import reverse
from django.utils.text import slugify

from archive.search.vector import question_search_vector


@lru_cache(maxsize=16_384)
def _named_record_path(view: str, pk: int, name: str) -> str:
    """The path of a member's or department's page, memoised: a results page links some 60
    of them, from a few thousand records, and reverse() with slugify() costs ~70 µs."""
    return reverse(view, args=[pk, slugify(name) or view])


class House(models.TextChoices):
    COMMONS = "Commons"
    LORDS = "Lords"
    SCOTTISH = "Scottish Parliament"


class Status(models.TextChoices):
    ANSWERED = "answered", "Answered"
    UNANSWERED = "unanswered", "Unanswered"
    HOLDING = "holding", "Holding answer"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CORRECTED = "corrected", "Corrected"


class Member(models.Model):
    """An MP, peer or MSP, as the sources name them.

    Sources disagree: the official API knows a member by id (sometimes only by id), text
    pages by name, TheyWorkForYou by its own person id. A member known only by id has an
    empty ``name`` until a source supplies one.
    """

    name = models.CharField(max_length=200, blank=True)
    party = models.CharField(max_length=120, blank=True)
    # A constituency for an MP, the peerage type (``Life peer``) for a peer.
    seat = models.CharField(max_length=200, blank=True)
    house = models.CharField(max_length=20, choices=House.choices, blank=True)
    parliament_id = models.PositiveIntegerField(null=True, blank=True, unique=True)
    twfy_id = models.CharField(max_length=120, blank=True)
    # Other spellings sources have used; merging members keeps the merged names here so a
    # later ingest of the old spelling finds the surviving member.
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"]), GinIndex(fields=["aliases"])]
        constraints = [
            models.UniqueConstraint(
                fields=["twfy_id"], condition=~Q(twfy_id=""), name="member_unique_twfy_id"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return _named_record_path("member", self.pk, self.display_name)

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.parliament_id:
            return f"Member #{self.parliament_id}"
        return self.twfy_id or "Unknown member"


class Department(models.Model):
    """An answering body, under one normalised name (``the Home Office`` -> ``Home Office``)."""

    name = models.CharField(max_length=200, unique=True)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [GinIndex(fields=["aliases"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return _named_record_path("department", self.pk, self.name)


# The columns a search window reads (see archive.search.engine.WINDOW_COLUMNS).
SUMMARY_COLUMNS = ("id", "date", "asker", "answerer", "department", "house")


def _covering_index(key: str) -> models.Index:
    """An index on ``key`` from which a search window reads its rows without the table.

    Keyed on (``key``, date, id), the order of a date-sorted page, so that walking one
    member's, one department's or all questions newest first needs no sort: a sort would
    copy every row it walks, search vector and all.
    """
    fields = [key, *(column for column in ("date", "id") if column != key)]
    include = [column for column in SUMMARY_COLUMNS if column not in fields]
    return models.Index(fields=fields, name=f"question_{key}", include=include)


class Question(models.Model):
    """One written question and its answer, merged from every source that carried it."""

    house = models.CharField(max_length=20, choices=House.choices, blank=True)
    # UINs restart every session, so a UIN alone never identifies a question.
    uin = models.CharField("UIN", max_length=40, blank=True)
    heading = models.CharField(max_length=500, blank=True)
    # Indexed by the covering indexes in Meta, not db_index.
    asker = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions_asked",
        db_index=False,
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
        db_index=False,
    )
    question_text = models.TextField()
    answerer = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions_answered",
        db_index=False,
    )
    answerer_role = models.CharField(max_length=300, blank=True)
    # Paragraphs separated by a blank line.
    answer_text = models.TextField(blank=True)
    # The answer as first given, kept beside a corrected answer.
    original_answer_text = models.TextField(blank=True)
    date_tabled = models.DateField(null=True, blank=True)
    date_for_answer = models.DateField(null=True, blank=True)
    date_answered = models.DateField(null=True, blank=True)
    date_holding_answer = models.DateField(null=True, blank=True)
    date_answer_corrected = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNANSWERED)
    # Question numbers cited in the question or answer (``HL12231``, ``6504``).
    references = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    grouped_uins = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    attachments = models.JSONField(default=list, blank=True)
    # Set when the only source seen so far clipped the text (API list exports).
    question_truncated = models.BooleanField(default=False)
    answer_truncated = models.BooleanField(default=False)
    # Set while every source read so far is an older copy its publisher replaced (a
    # parlparse scrape marked latest="no"); the first current copy's values replace these.
    superseded = models.BooleanField(
        "from a superseded copy only",
        default=False,
        editable=False,
        help_text="Every source so far is an older scrape that a newer one replaces; "
        "the next current copy's values will replace these (fields staff edited excepted).",
    )
    parse_warnings = ArrayField(models.TextField(), default=list, blank=True)
    # Fields an admin corrected; ingest never overwrites them.
    edited_fields = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    # Identity when there is no UIN: a hash of the normalised question text.
    fingerprint = models.CharField(max_length=64)

    # Copies of the related names: a generated column cannot read other tables, and
    # researchers expect a member's or department's name to find their questions.
    asker_name = models.CharField(max_length=200, blank=True, editable=False)
    answerer_name = models.CharField(max_length=200, blank=True, editable=False)
    department_name = models.CharField(max_length=200, blank=True, editable=False)

    # The date researchers think of a question by: when answered, else when tabled.
    date = models.GeneratedField(
        expression=Coalesce("date_answered", "date_tabled"),
        output_field=models.DateField(null=True),
        db_persist=True,
    )
    search_vector = models.GeneratedField(
        expression=question_search_vector(),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            # Words with a member or department filter: btree_gin keeps the ids beside the
            # words, so the index intersects them itself. A separate B-tree would build a
            # bitmap of all the record's questions first (105,000 for a large department at
            # a million questions, 20-30 ms) even when the words match a few hundred.
            GinIndex(
                fields=["search_vector", "department", "asker", "answerer"],
                name="question_search_gin",
            ),
            # Searches without words (a date range, one member's or one department's
            # questions) count and summarise up to 10,000 rows: these indexes carry every
            # column that needs (engine.WINDOW_COLUMNS), so the rows are read from the
            # index alone, not from 10,000 scattered table pages.
            *(_covering_index(key) for key in ("date", "asker", "answerer", "department")),
            models.Index(fields=["date_tabled"], name="question_date_tabled"),
            models.Index(fields=["house", "uin"], name="question_house_uin"),
            # Declared here rather than with db_index, which would add an unused
            # varchar_pattern_ops index as large again.
            models.Index(fields=["fingerprint"], name="question_fingerprint"),
            models.Index(fields=["status"], name="question_status"),
            GinIndex(fields=["references"], name="question_references_gin"),
            # For "related questions" on a question's page: same heading, same answer.
            models.Index(fields=["heading", "date"], name="question_heading"),
            # md5 keeps long answers out of the index; unanswered ones all share "".
            models.Index(
                MD5("answer_text"), condition=~Q(answer_text=""), name="question_answer_md5"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["house", "uin", "date_tabled"],
                condition=~Q(uin="") & Q(date_tabled__isnull=False),
                name="question_unique_uin_per_house_and_day",
            )
        ]

    def __str__(self) -> str:
        return self.heading or self.question_text[:80]

    def get_absolute_url(self) -> str:
        slug = slugify(self.heading or self.question_text[:60])[:60] or "question"
        return reverse("question", args=[self.pk, slug])

    @property
    def answer_paragraphs(self) -> list[str]:
        return [p for p in self.answer_text.split("\n\n") if p.strip()]

    @property
    def original_answer_paragraphs(self) -> list[str]:
        return [p for p in self.original_answer_text.split("\n\n") if p.strip()]


class SourceDocument(models.Model):
    """A file given to ``ingest``, and what became of it."""

    class Outcome(models.TextChoices):
        INGESTED = "ingested"
        SKIPPED = "skipped"
        FAILED = "failed"

    path = models.CharField(max_length=1000)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField(default=0)
    layout = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    question_count = models.PositiveIntegerField(default=0)
    ingested_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-ingested_at"]

    def __str__(self) -> str:
        return self.path


class Provenance(models.Model):
    """That a question was read from a source, with the block of text it came from."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="provenance")
    source = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="provenance")
    # Where in the source the record was, so one document can hold several blocks.
    position = models.PositiveIntegerField(default=0)
    # The record's own id in the source (an API id, a parlparse gid).
    external_id = models.CharField(max_length=200, blank=True)
    raw_text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "position"], name="provenance_unique_block_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} #{self.position}"
