"""The indexes the list and its search rely on at scale exist where they can."""

import pytest
from django.db import connection


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
