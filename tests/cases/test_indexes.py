"""The indexes the list and its search rely on at scale exist where they can."""

import pytest
from django.db import connection, transaction

from agent.lists import DEFAULT_TAB, ordered, tab_condition
from cases.models import Case


@pytest.mark.postgres
@pytest.mark.django_db
def test_search_is_backed_by_trigram_indexes_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_case' "
            "AND indexname LIKE %s",
            ["%_trgm_idx"],
        )
        indexes = dict(cursor.fetchall())

    assert set(indexes) == {
        "case_subject_trgm_idx",
        "case_description_trgm_idx",
        "case_reference_trgm_idx",
    }
    assert all("gin_trgm_ops" in definition for definition in indexes.values())


@pytest.mark.django_db
def test_the_list_reads_a_partial_index_of_live_cases():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "cases_case")

    assert constraints["case_alive_created_idx"]["index"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_needs_response_list_walks_its_index_in_its_own_order(agent):
    """agent.lists sorts Needs response the way `case_needs_answer_idx` (cases 0011) is built:
    with sorting and table scans priced out, PostgreSQL reads a page of it off that index,
    sorting nothing."""
    page = ordered(Case.objects.alive().filter(tab_condition(DEFAULT_TAB, agent)), DEFAULT_TAB, "")
    sql, params = page[:26].query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "case_needs_answer_idx" in plan, plan
    assert "Sort" not in plan, plan


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_sortable_columns_have_their_indexes_on_postgresql():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "cases_case")
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'case_alive_first_response_desc_idx'"
        )
        (descending,) = cursor.fetchone()

    for name in ("priority", "status", "first_response", "subject"):
        assert constraints[f"case_alive_{name}_idx"]["index"]
    assert "first_response_due_at DESC NULLS LAST, id DESC" in descending
