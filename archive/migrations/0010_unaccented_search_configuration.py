"""Search without accents: "cafe" finds "café", "Sian Berry" finds "Siân Berry".

The search vector and every query now use ``archive_english``: PostgreSQL's English
configuration with the unaccent dictionary in front of the stemmer for words holding
letters outside ASCII (plain ASCII words are parsed exactly as before, so their lexemes,
ranks and snippets do not change).

Every stored vector is recomputed: the column is dropped and added again (one rewrite of
the table, vectors kept in the row as migration 0005 made them), and the search index is
built again. At a million questions it took 14 minutes here (the table's other indexes are
rebuilt by the rewrite too), and the questions table is locked meanwhile: run it when a
pause is acceptable. The table's statistics are gathered again at
the end, since the engine chooses its plans from the planner's estimates for the new
column; run ``VACUUM archive_question`` afterwards (it cannot run inside a migration's
transaction; 43 s at a million) so that searches read the covering indexes alone again.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.db import migrations, models

from archive.db.operations import ReplaceGeneratedColumn

CONFIG = "archive_english"
CREATE_CONFIG = f"""
CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION {CONFIG}
    ALTER MAPPING FOR word, hword, hword_part WITH unaccent, english_stem;
"""


def search_vector(config: str) -> models.GeneratedField:
    vector, combined = django.contrib.postgres.search.SearchVector, (
        django.contrib.postgres.search.CombinedSearchVector
    )
    names = django.db.models.functions.text.Concat(
        "asker_name", models.Value(" "), "answerer_name", models.Value(" "), "department_name"
    )
    search_config = django.contrib.postgres.search.SearchConfig(config)
    expression = vector("heading", config=config, weight="A")
    for column, weight in (("question_text", "B"), ("answer_text", "C"), (names, "D")):
        expression = combined(
            expression, "||", vector(column, config=config, weight=weight), search_config
        )
    return models.GeneratedField(
        db_persist=True,
        expression=expression,
        output_field=django.contrib.postgres.search.SearchVectorField(),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0009_unaccent"),
    ]

    operations = [
        migrations.RunSQL(CREATE_CONFIG, reverse_sql=f"DROP TEXT SEARCH CONFIGURATION {CONFIG}"),
        migrations.RemoveIndex(model_name="question", name="question_search_gin"),
        ReplaceGeneratedColumn(
            model_name="question",
            name="search_vector",
            field=search_vector(CONFIG),
            storage="MAIN",
        ),
        migrations.AddIndex(
            model_name="question",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector", "department", "asker", "answerer"],
                name="question_search_gin",
            ),
        ),
        migrations.RunSQL("ANALYZE archive_question", reverse_sql="ANALYZE archive_question"),
    ]
