"""factory_boy factories for the archive's models."""

import datetime as dt

import factory

from archive.models import Department, House, Member, Question, SourceDocument, Status
from ingest.identity import fingerprint
from ingest.loader import copy_names


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"Jane Member{n}")
    party = "Labour"
    seat = factory.Sequence(lambda n: f"Constituency {n}")
    house = House.COMMONS


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Department for Things {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    house = House.COMMONS
    uin = factory.Sequence(lambda n: str(100000 + n))
    heading = "Police: Finance"
    asker = factory.SubFactory(MemberFactory)
    department = factory.SubFactory(DepartmentFactory)
    question_text = factory.Sequence(
        lambda n: f"To ask the Secretary of State for the Home Department, question {n}."
    )
    answerer = factory.SubFactory(MemberFactory, party="Conservative")
    answerer_role = "Minister of State"
    answer_text = "The Government is committed to this.\n\nA second paragraph."
    date_tabled = dt.date(2024, 1, 10)
    date_answered = dt.date(2024, 1, 20)
    status = Status.ANSWERED
    fingerprint = factory.LazyAttribute(lambda q: fingerprint(q.question_text))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        question = model_class(*args, **kwargs)
        copy_names(question)
        question.save()
        return question


class SourceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceDocument

    path = factory.Sequence(lambda n: f"/data/document-{n}.txt")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    layout = "plain-list"
    outcome = SourceDocument.Outcome.INGESTED
