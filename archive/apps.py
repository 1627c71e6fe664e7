from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models import Field
from django.db.models.signals import post_migrate

from archive.db.indexes import build_missing
from archive.db.lookups import Any


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Written questions archive"

    def ready(self) -> None:
        Field.register_lookup(Any)
        post_migrate.connect(_build_missing_indexes, sender=self)


def _build_missing_indexes(using, apps=global_apps, **kwargs) -> None:
    """Build the questions' indexes an ingest stopped before it could (see
    ``ingest.search_indexes``), as the schema ``migrate`` has just reached defines them
    (``flush`` sends no schema: the current one)."""
    build_missing(apps.get_model("archive", "Question"), using=using)
