"""The indexes the list and its search rely on at scale exist where they can."""

import pytest
from django.db import connection

from agent.lists import DEFAULT_TAB, ordered
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
def test_the_needs_response_list_walks_an_index_in_its_own_order():
    """agent.lists.ordered sorts Needs response by these columns; the index must follow it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'case_needs_response_idx'"
        )
        (definition,) = cursor.fetchone()
    query = str(ordered(Case.objects.alive(), DEFAULT_TAB, "").query)

    columns = (
        "first_responded_at NULLS FIRST, first_response_due_at, created_at, id) "
        "WHERE (deleted_at IS NULL)"
    )
    assert columns in definition
    assert query.endswith(
        'ORDER BY "cases_case"."first_responded_at" ASC NULLS FIRST, '
        '"cases_case"."first_response_due_at" ASC NULLS LAST, '
        '"cases_case"."created_at" ASC, "cases_case"."id" ASC'
    )


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
