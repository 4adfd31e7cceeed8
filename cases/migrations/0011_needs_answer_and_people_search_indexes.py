"""Indexes for the agent workspace's lists and search at scale (PostgreSQL only, like 0002's and
0006's: SQLite takes neither trigram indexes nor the development database's size, so the model's
state lists none of them).

- `case_needs_answer_idx` replaces 0006's `case_needs_response_idx`: Needs response now holds the
  cases whose customer waits for an answer (`awaiting_answer_since` set) and puts the unanswered
  first by first-response due time, then the most urgent, then the longest waiting
  (`agent.lists.ordered`). The index holds exactly those cases, in that order, so a page is the
  first rows of it that wait on support.
- Trigram indexes on the people's names, username and email and on organization names: the
  workspace's search matches the requester and the organization (`cases.search`), and New case
  and the filters choose them by typing; a substring match is what no b-tree serves.
"""

import logging

from django.db import DatabaseError, migrations, transaction

log = logging.getLogger(__name__)

NEEDS_ANSWER = (
    "CREATE INDEX IF NOT EXISTS case_needs_answer_idx ON cases_case ("
    "(CASE WHEN first_responded_at IS NULL THEN first_response_due_at ELSE NULL END) "
    "ASC NULLS LAST, priority DESC, awaiting_answer_since ASC, id ASC) "
    "WHERE deleted_at IS NULL AND awaiting_answer_since IS NOT NULL"
)
NEEDS_RESPONSE = (
    "CREATE INDEX IF NOT EXISTS case_needs_response_idx ON cases_case "
    "(first_responded_at ASC NULLS FIRST, first_response_due_at ASC NULLS LAST, created_at, id) "
    "WHERE deleted_at IS NULL"
)
SEARCHED_COLUMNS = {
    "cases_user": ("first_name", "last_name", "username", "email"),
    "cases_organization": ("name",),
}


def _trigram_indexes():
    for table, columns in SEARCHED_COLUMNS.items():
        for column in columns:
            yield table, column, f"{table.removeprefix('cases_')}_{column}_trgm_idx"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS case_needs_response_idx")
    schema_editor.execute(NEEDS_ANSWER)
    try:
        # As in 0002: pg_trgm may be missing where the database owner cannot create it.
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        log.warning("pg_trgm unavailable (%s): the search works, without an index", error)
        return
    for table, column, name in _trigram_indexes():
        # The expression Django's `icontains` compares: UPPER("column"::text).
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, _column, name in _trigram_indexes():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP INDEX IF EXISTS case_needs_answer_idx")
    schema_editor.execute(NEEDS_RESPONSE)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_user_time_zone"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
