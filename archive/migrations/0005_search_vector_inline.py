"""Keep each question's search vector in its table row rather than in TOAST storage.

A vector (3-5 KB for a question with its answer) was stored out of line, uncompressed (pglz
saves almost nothing on a tsvector), so every test of a row against words, every phrase
check and every rank first fetched it through the TOAST index: about 3 µs a row where the
same check on a vector kept in the row costs 0.4-1.7 µs (measured on 20,000 vectors of the
million-question benchmark). STORAGE MAIN keeps a value in the row unless the row cannot fit
a page (8 KB); the texts, stored EXTENDED, are moved out first.

Rows written before this migration keep their out-of-line vectors until rewritten:
``VACUUM FULL archive_question`` does that (docs/SCALING.md gives its time at a million).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0004_covering_summary_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE archive_question ALTER COLUMN search_vector SET STORAGE MAIN",
            reverse_sql="ALTER TABLE archive_question ALTER COLUMN search_vector SET STORAGE EXTENDED",
        ),
    ]
