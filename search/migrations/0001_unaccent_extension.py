"""The `unaccent` extension the PostgreSQL search folds text with ("Thái Nguyên" -> "Thai Nguyen").

CreateExtension does nothing on another database (SQLite searches in Python). unaccent is a
trusted extension (PostgreSQL 13+): the database's owner may create it without being superuser.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = []

    operations = [UnaccentExtension()]
