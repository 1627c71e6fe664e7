"""Mark questions known only from a copy its publisher replaced (parlparse latest="no").

Adding a boolean column with a constant default rewrites no rows (PostgreSQL 11+), so this
is instant however many questions the archive holds.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0007_search_index_with_filters'),
    ]

    operations = [
        migrations.AddField(
            model_name='question',
            name='superseded',
            field=models.BooleanField(default=False, editable=False, help_text="Every source so far is an older scrape that a newer one replaces; the next current copy's values will replace these (fields staff edited excepted).", verbose_name='from a superseded copy only'),
        ),
    ]
