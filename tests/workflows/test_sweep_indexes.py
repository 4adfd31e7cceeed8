"""What keeps a sweep of a hundred thousand cases fast on PostgreSQL: each batch is claimed by
walking the timer index in the claim's order (no join for a planner to reorder, no sort of the
whole backlog), the tables a sweep writes carry no index that another already answers (each is
written on every change), and they are vacuumed soon after such a sweep."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.timed_cases import DAY, T0, awaiting_confirmation
from workflows.sweeps import auto_close

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

# The tables a sweep or a change of a case writes by the hundred thousand.
WRITTEN_IN_BULK = (
    "cases_case",
    "cases_historyentry",
    "cases_comment",
    "notifications_notification",
)

# Every btree index of a table: its columns (with their direction), whether it is unique and
# whether it is partial.
INDEXES = """
SELECT i.relname, ix.indisunique, ix.indpred IS NOT NULL,
       array_agg(a.attname::text || CASE WHEN ix.indoption[k.n - 1] & 1 = 1 THEN ' desc' ELSE ''
                 END ORDER BY k.n)
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_am am ON am.oid = i.relam AND am.amname = 'btree'
CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
WHERE t.relname = %s AND t.relnamespace = 'public'::regnamespace
GROUP BY i.relname, ix.indisunique, ix.indpred
"""


def _claims(sql: str) -> bool:
    return "FOR UPDATE" in sql and 'FROM "cases_case"' in sql


def test_a_batch_is_claimed_by_walking_the_timer_index_in_its_order(queues, customer, agent):
    for n in range(3):
        awaiting_confirmation(queues["support_center"], customer, agent, at=T0 + n * DAY)
    with CaptureQueriesContext(connection) as queries:
        auto_close(now=T0 + 30 * DAY)
    [claim, *_] = [query["sql"] for query in queries.captured_queries if _claims(query["sql"])]

    assert " JOIN " not in claim, claim
    with transaction.atomic(), connection.cursor() as cursor:
        # With sorting and table scans priced out, only the index in the claim's order serves.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {claim}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_timer_due_idx" in plan, plan
    assert "Sort" not in plan, plan


@pytest.mark.parametrize("table", WRITTEN_IN_BULK)
def test_no_index_of_a_table_written_in_bulk_is_answered_by_another(table):
    """A foreign key's own index beside a composite index that begins with it, or the LIKE index
    Django gives a unique text field, would be written on every change and read by nothing."""
    with connection.cursor() as cursor:
        cursor.execute(INDEXES, [table])
        indexes = cursor.fetchall()

    redundant = [
        (name, other)
        for name, unique, partial, columns in indexes
        for other, _, other_partial, other_columns in indexes
        if other != name
        and not unique
        and not partial
        and not other_partial
        and other_columns[: len(columns)] == columns
    ]
    assert redundant == []


def test_the_tables_written_in_bulk_are_vacuumed_after_two_percent_changed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)",
            [["cases_case", "cases_historyentry", "notifications_notification"]],
        )
        options = dict(cursor.fetchall())

    for table in ("cases_case", "cases_historyentry", "notifications_notification"):
        assert "autovacuum_vacuum_scale_factor=0.02" in options[table], table
        assert "autovacuum_analyze_scale_factor=0.02" in options[table], table
