"""The staff side of the archive: find misparsed records, correct them, keep the corrections.

Corrections survive later ingests because every field an admin changes is added to the
question's ``edited_fields``, which ingest and re-parse never overwrite. Bulk repairs are
actions: re-parse questions from their stored source text (``ingest.reparse``), and merge
members or departments that are one under several spellings (``archive.merging``). Both
write to Django's admin log, so each record's history shows them.
"""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.postgres.forms import SimpleArrayField
from django.db import transaction
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Field,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from archive import merging
from archive.models import Department, Member, Provenance, Question, SourceDocument
from archive.search import engine, query
from ingest.loader import copy_names
from ingest.reparse import reparse_questions

# The class that admin/archive/question/change_form.html looks for to set the source
# fieldset beside the others.
SOURCE_PANEL = "source-panel"
# The 10 most recent documents are offered in the sidebar; any other is reached from the
# source documents list, whose question counts link here with ?source=<id>.
RECENT_SOURCES = 10


# -- Questions --------------------------------------------------------------------------


class HasWarningsFilter(admin.SimpleListFilter):
    title = "parse warnings"
    parameter_name = "warnings"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", "Has warnings"), ("no", "No warnings")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.exclude(parse_warnings=[])
        if self.value() == "no":
            return queryset.filter(parse_warnings=[])
        return queryset


class EditedFilter(admin.SimpleListFilter):
    title = "edited by staff"
    parameter_name = "edited"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", "Edited"), ("no", "Not edited")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.exclude(edited_fields=[])
        if self.value() == "no":
            return queryset.filter(edited_fields=[])
        return queryset


class _SourceFilter(admin.SimpleListFilter):
    def has_output(self) -> bool:
        # The admin drops a filter without options, and with it the filtering: a link to
        # a document that is gone (or an archive with nothing ingested yet) would then
        # list every question instead of none.
        return self.value() is not None or super().has_output()


class SourceLayoutFilter(_SourceFilter):
    """By the layout of any document the question was read from: a handful of options."""

    title = "source layout"
    parameter_name = "layout"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        layouts = (
            SourceDocument.objects.filter(outcome=SourceDocument.Outcome.INGESTED)
            .exclude(layout="")
            .order_by("layout")
            .values_list("layout", flat=True)
            .distinct()
        )
        return [(layout, layout) for layout in layouts]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() is None:
            return queryset
        # EXISTS rather than a join: a question read from two documents of one layout
        # would otherwise be listed twice.
        return queryset.filter(
            Exists(Provenance.objects.filter(question=OuterRef("pk"), source__layout=self.value()))
        )


class SourceDocumentFilter(_SourceFilter):
    """By source document id. An archive has thousands of documents, so the sidebar lists
    only the chosen one and the latest few; the source documents list links to the rest."""

    title = "source document"
    parameter_name = "source"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        shown = Q(pk__in=_recent_source_ids())
        if (self.value() or "").isdigit():
            shown |= Q(pk=self.value())
        documents = SourceDocument.objects.filter(shown).order_by("-ingested_at")
        return [(str(d.pk), f"#{d.pk} {Path(d.path).name}") for d in documents.only("pk", "path")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() is None:
            return queryset
        if not self.value().isdigit():
            return queryset.none()
        return queryset.filter(
            Exists(Provenance.objects.filter(question=OuterRef("pk"), source_id=self.value()))
        )


def _recent_source_ids() -> QuerySet:
    return (
        SourceDocument.objects.filter(outcome=SourceDocument.Outcome.INGESTED)
        .order_by("-ingested_at")
        .values("pk")[:RECENT_SOURCES]
    )


class YearFilter(admin.SimpleListFilter):
    """By year of the question's date, newest first.

    In place of ``date_hierarchy``, whose links come from a DISTINCT over the date of every
    listed question (0.2 s for the whole list at a million questions, and another pass over
    every match under a search): the years here are the range between the earliest and
    latest dates, two probes of the date index.
    """

    title = "year"
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        span = Question.objects.aggregate(first=Min("date"), last=Max("date"))
        if span["first"] is None:
            return []
        years = range(span["last"].year, span["first"].year - 1, -1)
        return [(str(year), str(year)) for year in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() is None:
            return queryset
        if not self.value().isdigit():
            return queryset.none()
        return queryset.filter(date__year=int(self.value()))


# What staff may correct, and so what may be locked against ingest in ``edited_fields``.
EDITABLE_FIELDS = (
    "house",
    "uin",
    "heading",
    "status",
    "asker",
    "department",
    "question_text",
    "question_truncated",
    "answerer",
    "answerer_role",
    "answer_text",
    "answer_truncated",
    "original_answer_text",
    "date_tabled",
    "date_for_answer",
    "date_answered",
    "date_holding_answer",
    "date_answer_corrected",
    "references",
    "grouped_uins",
    "attachments",
)


class PlainTextField(forms.CharField):
    """Browsers post a textarea's line breaks as CRLF. The archive stores LF (answers are
    split into paragraphs on a blank line), and a text staff did not touch must not count
    as changed, or saving any question would lock its texts against ingest."""

    def to_python(self, value: object) -> str:
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n")


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = (*EDITABLE_FIELDS, "edited_fields")
        help_texts = {
            "edited_fields": (
                "Fields locked against ingest and re-parse, comma-separated. Fields you change "
                "here are added when you save; remove a name to let sources update it again."
            ),
        }
        field_classes = {
            "question_text": PlainTextField,
            "answer_text": PlainTextField,
            "original_answer_text": PlainTextField,
        }

    def clean_edited_fields(self) -> list[str]:
        names = [name.strip() for name in self.cleaned_data["edited_fields"] if name.strip()]
        unknown = [name for name in names if name not in EDITABLE_FIELDS]
        if unknown:
            raise forms.ValidationError(
                "Not an editable field of a question: %(names)s. Use: %(known)s.",
                params={"names": ", ".join(unknown), "known": ", ".join(EDITABLE_FIELDS)},
            )
        return list(dict.fromkeys(names))


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = ("title", "uin", "house", "date", "asker", "department", "status")
    list_display_links = ("title",)
    # The members and department shown in each row; the denormalised names would be blank
    # for a member known only by id, whom __str__ still names.
    list_select_related = ("asker", "department")
    list_filter = (
        "house",
        "status",
        ("department", admin.RelatedFieldListFilter),
        YearFilter,
        HasWarningsFilter,
        "superseded",
        EditedFilter,
        SourceLayoutFilter,
        SourceDocumentFilter,
    )
    # Searched by get_search_results; the admin shows its search box only with some fields.
    search_fields = ("=uin",)
    search_help_text = (
        "A UIN, or words in the heading, names, question and answer, as on the public "
        'search page: "a phrase", OR, -word, word*, asker:name.'
    )
    # Counting the whole table again on every filtered page is slow on a large archive.
    show_full_result_count = False
    autocomplete_fields = ("asker", "answerer", "department")
    readonly_fields = (
        "source_blocks",
        "warnings_list",
        "superseded",
        "fingerprint",
        "created_at",
        "updated_at",
    )
    actions = ("reparse_selected",)
    fieldsets = (
        (None, {"fields": ("heading", ("house", "uin"), "status")}),
        (
            "Question",
            {"fields": ("asker", "department", "question_text", "question_truncated")},
        ),
        (
            "Answer",
            {
                "fields": (
                    ("answerer", "answerer_role"),
                    "answer_text",
                    "answer_truncated",
                    "original_answer_text",
                )
            },
        ),
        (
            "Dates",
            {
                "fields": (
                    ("date_tabled", "date_for_answer"),
                    ("date_answered", "date_holding_answer", "date_answer_corrected"),
                )
            },
        ),
        ("References and attachments", {"fields": ("references", "grouped_uins", "attachments")}),
        ("Staff edits", {"fields": ("edited_fields", ("created_at", "updated_at"), "fingerprint")}),
        (
            "Source as ingested",
            {
                "fields": ("superseded", "warnings_list", "source_blocks"),
                "classes": (SOURCE_PANEL,),
            },
        ),
    )

    class Media:
        css = {"all": ("archive/admin.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        # The search vector is large and never shown.
        return super().get_queryset(request).defer("search_vector")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Questions come from documents: their identity (fingerprint) and provenance only
        # exist for what ingest read.
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """A UIN, or the public search's query language over the search vector.

        Every match comes from an index: the UIN's, in either case, and the GIN index over
        heading, texts and names. The admin's own ``icontains`` over heading and names made
        PostgreSQL read every question (10 s a search at a million).
        """
        term = search_term.strip()
        if not term:
            return queryset, False
        uin = Q(uin__in={term, term.upper()})
        try:
            compiled = query.build(term)
        except query.QueryError as error:
            messages.warning(request, f"Searched UINs only: {error}")
            return queryset.filter(uin), False
        return queryset.filter(uin | engine.words_condition(compiled)), False

    @admin.display(description="question", ordering="heading")
    def title(self, obj: Question) -> str:
        return str(obj)[:100] or f"Question {obj.pk}"

    @admin.display(description="Parse warnings")
    def warnings_list(self, obj: Question) -> str:
        if not obj.parse_warnings:
            return "None"
        items = format_html_join("", "<li>{}</li>", ((w,) for w in obj.parse_warnings))
        return format_html("<ul>{}</ul>", items)

    @admin.display(description="Source blocks")
    def source_blocks(self, obj: Question) -> str:
        blocks = obj.provenance.select_related("source").order_by("created_at", "position")
        if not blocks:
            return "No source document is recorded for this question."
        # format_html escapes every argument: source text is untrusted and may hold markup.
        return format_html_join(
            "",
            '<p><a href="{}">{}</a> ({}), block {}{}</p><pre class="source-text">{}</pre>',
            (
                (
                    reverse("admin:archive_sourcedocument_change", args=[block.source_id]),
                    block.source.path,
                    block.source.layout or "unknown layout",
                    block.position,
                    f", source id {block.external_id}" if block.external_id else "",
                    block.raw_text or "(no text stored)",
                )
                for block in blocks
            ),
        )

    def save_model(
        self, request: HttpRequest, obj: Question, form: forms.ModelForm, change: bool
    ) -> None:
        # Every model field the admin changed becomes a lock, so the correction survives
        # later ingests and re-parses. The admin's own edit of the lock list is kept as
        # typed: that is how a lock is released.
        changed = [name for name in form.changed_data if name != "edited_fields"]
        obj.edited_fields = list(dict.fromkeys([*obj.edited_fields, *changed]))
        # The fingerprint stays that of the text as sources print it, even when the admin
        # corrects question_text: it is how the next ingest of the source finds this record.
        copy_names(obj)
        super().save_model(request, obj, form, change)

    @admin.action(description="Re-parse selected questions from their stored source text")
    def reparse_selected(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        # Each question is read again, locked, inside its own transaction; here only what
        # names it is needed.
        selected = queryset.select_related(None).only("pk", "uin", "heading", "question_text")
        results = reparse_questions(selected.order_by("pk"))
        changed = [r for r in results if r.ok and r.changed]
        failed = [r for r in results if not r.ok]
        reparsed = Question.objects.filter(pk__in=[r.question_id for r in changed]).only(
            "pk", "heading", "question_text"
        )
        by_pk = {question.pk: question for question in reparsed}
        for result in changed:
            self.log_change(
                request,
                by_pk[result.question_id],
                f"Re-parsed from stored source text; changed {', '.join(result.changed)}.",
            )
        unchanged = len(results) - len(changed) - len(failed)
        self.message_user(
            request,
            f"Re-parsed {len(results)} question(s): {len(changed)} changed, {unchanged} "
            f"unchanged, {len(failed)} could not be re-parsed.",
            messages.SUCCESS if not failed else messages.WARNING,
        )
        for result in changed:
            self.message_user(request, result.describe(), messages.INFO)
        for result in failed:
            self.message_user(request, result.describe(), messages.ERROR)


# -- Members and departments -------------------------------------------------------------


class AliasesField(SimpleArrayField):
    """One alias a line: names have commas in them (``Department for Environment, Food and
    Rural Affairs``), which the default comma-separated array field would split."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.pop("base_field", None)
        kwargs.pop("max_length", None)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        kwargs.setdefault("help_text", "Other spellings sources use, one a line.")
        super().__init__(forms.CharField(max_length=200), delimiter="\n", **kwargs)

    def to_python(self, value: object) -> list:
        if isinstance(value, str):
            value = "\n".join(line for line in value.splitlines() if line.strip())
        return super().to_python(value)


class _MergeableAdmin(admin.ModelAdmin):
    """Members and departments: a search that covers aliases, and a merge action.

    The action first renders a confirmation page listing the selected records with their
    question counts, the one with most questions preselected; its form posts the action
    again with ``survivor`` set, and only then are the records merged.
    """

    merge_noun = "record"
    actions = ("merge_selected",)

    def formfield_for_dbfield(
        self, db_field: Field, request: HttpRequest, **kwargs: object
    ) -> forms.Field | None:
        if db_field.name == "aliases":
            return AliasesField(required=False, label="Aliases")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        # ``search_fields`` cannot search inside an array, and autocompletes use this too:
        # staff look a record up by any spelling the sources used.
        matches, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            aliases = Func(
                F("aliases"), Value(" "), function="array_to_string", output_field=CharField()
            )
            matches |= queryset.alias(aliases_text=aliases).filter(aliases_text__icontains=term)
        return matches, may_have_duplicates

    def counted(self, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    def suggest(self, records: list) -> object:
        raise NotImplementedError

    def merge(self, survivor: object, others: list) -> merging.MergeResult:
        raise NotImplementedError

    def describe(self, record: object) -> str:
        return ""

    @admin.action(description="Merge selected %(verbose_name_plural)s into one…")
    def merge_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        records = list(self.counted(queryset).order_by("pk"))
        if len(records) < 2:
            self.message_user(
                request, f"Select at least two {self.merge_noun}s to merge.", messages.WARNING
            )
            return None
        by_pk = {str(record.pk): record for record in records}
        chosen = request.POST.get("survivor")
        if chosen in by_pk:
            survivor = by_pk.pop(chosen)
            others = list(by_pk.values())
            try:
                with transaction.atomic():
                    result = self.merge(survivor, others)
                    self._log_merge(request, result, others)
            except merging.MergeError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(request, result.summary(), messages.SUCCESS)
            return None
        suggested = self.suggest(records)
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {opts.verbose_name_plural}",
            "opts": opts,
            "noun": self.merge_noun,
            "rows": [(record, self.describe(record)) for record in records],
            "suggested": suggested,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/archive/merge_confirmation.html", context)

    def _log_merge(self, request: HttpRequest, result: merging.MergeResult, others: list) -> None:
        # Deletions are logged against the merged records, the change against the survivor
        # and against each moved question, so every affected record's history shows it.
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=others,
            action_flag=admin.models.DELETION,
            change_message=f"Merged into {result.survivor} (#{result.survivor.pk}).",
        )
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=[result.survivor],
            action_flag=CHANGE,
            change_message=result.summary(),
        )
        if result.moved_question_ids:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=Question.objects.filter(pk__in=result.moved_question_ids)
                .only("pk", "heading", "question_text")
                .order_by("pk"),
                action_flag=CHANGE,
                change_message=(
                    f"{self.merge_noun.capitalize()} {', '.join(result.merged_names)} merged "
                    f"into {result.survivor}."
                ),
            )


@admin.register(Member)
class MemberAdmin(_MergeableAdmin):
    merge_noun = "member"
    list_display = (
        "display_name",
        "party",
        "seat",
        "house",
        "parliament_id",
        "asked_count",
        "answered_count",
    )
    list_filter = ("house", "party")
    search_fields = ("name", "party", "seat", "=twfy_id")
    fields = ("name", "aliases", "party", "seat", "house", "parliament_id", "twfy_id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Member]:
        return merging.members_with_counts(super().get_queryset(request))

    @admin.display(description="name", ordering="name")
    def display_name(self, obj: Member) -> str:
        return obj.display_name

    @admin.display(description="questions asked", ordering="asked_count")
    def asked_count(self, obj: Member) -> int:
        return obj.asked_count

    @admin.display(description="questions answered", ordering="answered_count")
    def answered_count(self, obj: Member) -> int:
        return obj.answered_count

    def save_model(
        self, request: HttpRequest, obj: Member, form: forms.ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if "name" in form.changed_data:
            merging.refresh_member_names(obj)

    def counted(self, queryset: QuerySet) -> QuerySet:
        return merging.members_with_counts(queryset)

    def suggest(self, records: list) -> Member:
        return merging.suggest_member_survivor(records)

    def merge(self, survivor: Member, others: list) -> merging.MergeResult:
        return merging.merge_members(survivor, others)

    def describe(self, record: Member) -> str:
        ids = [f"Parliament id {record.parliament_id}"] if record.parliament_id else []
        ids += [f"TheyWorkForYou {record.twfy_id}"] if record.twfy_id else []
        parts = [record.party, record.seat, record.house, *ids]
        text = ", ".join(p for p in parts if p) or "no details"
        return f"{text}; asked {record.asked_count}, answered {record.answered_count}"


@admin.register(Department)
class DepartmentAdmin(_MergeableAdmin):
    merge_noun = "department"
    list_display = ("name", "alias_list", "question_count")
    search_fields = ("name",)
    fields = ("name", "aliases")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        return merging.departments_with_counts(super().get_queryset(request))

    @admin.display(description="aliases")
    def alias_list(self, obj: Department) -> str:
        return "; ".join(obj.aliases)

    @admin.display(description="questions", ordering="question_count")
    def question_count(self, obj: Department) -> int:
        return obj.question_count

    def save_model(
        self, request: HttpRequest, obj: Department, form: forms.ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if "name" in form.changed_data:
            merging.refresh_department_names(obj)

    def counted(self, queryset: QuerySet) -> QuerySet:
        return merging.departments_with_counts(queryset)

    def suggest(self, records: list) -> Department:
        return merging.suggest_department_survivor(records)

    def merge(self, survivor: Department, others: list) -> merging.MergeResult:
        return merging.merge_departments(survivor, others)

    def describe(self, record: Department) -> str:
        aliases = f"also known as {'; '.join(record.aliases)}; " if record.aliases else ""
        return f"{aliases}{record.question_count} question(s)"


# -- Source documents --------------------------------------------------------------------


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    """Read-only: documents are recorded by ingest, and their history is the point."""

    list_display = (
        "path",
        "layout",
        "outcome",
        "short_reason",
        "question_count",
        "linked_questions",
        "ingested_at",
    )
    list_filter = ("outcome", "layout")
    search_fields = ("path", "=sha256", "reason")
    date_hierarchy = "ingested_at"
    fields = (
        "path",
        "sha256",
        "size",
        "layout",
        "outcome",
        "reason",
        "question_count",
        "linked_questions",
        "ingested_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[SourceDocument]:
        # A subquery per listed row rather than a join and GROUP BY, which would aggregate
        # the provenance of every document before the page is cut.
        linked = (
            Provenance.objects.filter(source=OuterRef("pk"))
            .order_by()
            .values("source")
            .annotate(n=Count("question", distinct=True))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                linked_count=Coalesce(Subquery(linked, output_field=IntegerField()), Value(0))
            )
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="reason")
    def short_reason(self, obj: SourceDocument) -> str:
        return obj.reason if len(obj.reason) <= 120 else obj.reason[:119] + "…"

    @admin.display(description="questions in archive", ordering="linked_count")
    def linked_questions(self, obj: SourceDocument) -> str:
        if not obj.linked_count:
            return "0"
        url = reverse("admin:archive_question_changelist") + "?" + urlencode({"source": obj.pk})
        return format_html('<a href="{}">{}</a>', url, obj.linked_count)
