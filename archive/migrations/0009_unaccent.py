"""The unaccent extension, so that names typed without accents find members who have them.

A reader typing "Sian Berry" or ``asker:sean`` means "Siân Berry" and "Seán"; name filters
and name fields compare names with their accents removed. unaccent is a trusted extension
(PostgreSQL 13+): the database's owner can create it without being a superuser.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0008_question_superseded"),
    ]

    operations = [UnaccentExtension()]
