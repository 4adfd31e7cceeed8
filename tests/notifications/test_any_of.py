"""`AnyOf`, the filter a batch's queries use for its ids: the same rows as `__in`, with the values
in one array parameter on PostgreSQL (a placeholder a value costs Django and psycopg a few
milliseconds a query at a thousand values), and `__in` itself elsewhere."""

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.functions import Lower
from django.test.utils import CaptureQueriesContext

from cases.models import Case, User
from notifications.batches import AnyOf
from tests.timed_cases import new_case


@pytest.fixture
def cases(queues, customer):
    return [new_case(queues["technical_support"], customer) for _ in range(3)]


def test_the_rows_whose_column_is_one_of_the_values(cases):
    wanted = {cases[0].pk, cases[2].pk}

    found = Case.objects.filter(AnyOf(F("pk"), wanted))

    assert set(found.values_list("pk", flat=True)) == wanted


def test_no_values_find_no_rows(cases):
    assert not Case.objects.filter(AnyOf(F("pk"), [])).exists()


def test_an_annotation_can_be_asked_too(customer):
    found = User.objects.annotate(address=Lower("email")).filter(
        AnyOf(F("address"), [customer.email.lower(), "nobody@example.com"])
    )

    assert list(found) == [customer]


@pytest.mark.postgres
def test_on_postgresql_the_values_are_one_array(cases):
    ids = [case.pk for case in cases]
    with CaptureQueriesContext(connection) as queries:
        list(Case.objects.filter(AnyOf(F("pk"), ids)).values_list("pk", flat=True))

    [query] = queries.captured_queries
    assert '"cases_case"."id" = ANY(' in query["sql"]
    assert " IN (" not in query["sql"]
