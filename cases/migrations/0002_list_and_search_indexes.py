"""Indexes for the case list at scale: a partial index of live cases (the list and its count
read only those), and, on PostgreSQL, trigram indexes behind `?search=` (a case-insensitive
substring match of subject, description and reference, which no b-tree can serve)."""

import logging

from django.db import DatabaseError, migrations, models, transaction

log = logging.getLogger(__name__)

SEARCHED_COLUMNS = ("subject", "description", "reference")


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        log.warning("pg_trgm unavailable (%s): ?search= works, without an index", error)
        return
    for column in SEARCHED_COLUMNS:
        # The expression Django's `icontains` compares: UPPER("column"::text).
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS case_{column}_trgm_idx ON cases_case '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS case_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="case",
            name="case_created_idx",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["-created_at", "-id"],
                name="case_alive_created_idx",
            ),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
