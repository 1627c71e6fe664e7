# Indexes for the "related questions" on a question's page (archive/records.py).
#
# Without them, "same heading" and "same answer text" compare every row of the question
# table on every page view. The index on md5(answer_text) keeps long answers out of the
# index; it is partial because every unanswered question has the same empty answer.

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="question",
            index=models.Index(fields=["heading", "date"], name="question_heading"),
        ),
        migrations.AddIndex(
            model_name="question",
            index=models.Index(
                django.db.models.functions.text.MD5("answer_text"),
                condition=models.Q(("answer_text", ""), _negated=True),
                name="question_answer_md5",
            ),
        ),
    ]
