"""An index in the order of the agent's default list, Needs response (`agent.lists.ordered`): the
unanswered first, by first-response due time, then the oldest. Walking it finds a page of cases
waiting on support at once; without it the list sorted every such case (76 ms at 100,000 cases).

PostgreSQL only, like the trigram indexes of 0002: SQLite cannot declare NULLS FIRST in an index,
and a development database does not need it. So the model's state does not list it."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS case_needs_response_idx ON cases_case "
    "(first_responded_at ASC NULLS FIRST, first_response_due_at ASC NULLS LAST, created_at, id) "
    "WHERE deleted_at IS NULL"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_needs_response_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_saved_reply"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
