"""Searching cases: every word in the reference, subject or description, case-insensitively; and
the list reads the few matches by primary key, never walking the whole date index for an old one."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from cases.search import (
    cases_found,
    cases_matching,
    cases_meeting,
    people_search,
    search_condition,
)


@pytest.fixture
def three(make_case):
    return {
        "printer": make_case(subject="Printer jams on page 2", description="Paper everywhere."),
        "scanner": make_case(subject="Scanner is slow", description="The printer is fine."),
        "mail": make_case(subject="Mail bounces", description="Since Monday."),
    }


def found(text: str) -> set[str]:
    return set(cases_matching(Case.objects.all(), text).values_list("subject", flat=True))


@pytest.mark.django_db
def test_a_word_is_found_in_the_subject_or_the_description_whatever_its_case(three):
    assert found("PRINTER") == {"Printer jams on page 2", "Scanner is slow"}
    assert found("jam") == {"Printer jams on page 2"}


@pytest.mark.django_db
def test_a_reference_finds_its_case(three):
    assert found(three["mail"].reference.lower()) == {"Mail bounces"}


@pytest.mark.django_db
def test_every_word_must_match_somewhere(three):
    assert found("printer fine") == {"Scanner is slow"}
    assert found("printer monday") == set()


@pytest.mark.django_db
def test_no_word_is_no_filter(three):
    assert len(found("  ")) == 3
    assert search_condition("\x00 ") is None


@pytest.mark.django_db
def test_the_search_keeps_within_the_cases_it_is_given(three):
    some = Case.objects.exclude(pk=three["scanner"].pk)
    assert set(cases_matching(some, "printer").values_list("subject", flat=True)) == {
        "Printer jams on page 2"
    }


@pytest.mark.django_db
def test_few_matches_are_read_by_primary_key(three):
    with CaptureQueriesContext(connection) as queries:
        list(cases_matching(Case.objects.order_by("-created_at"), "printer"))

    finding, listing = (query["sql"] for query in queries.captured_queries)
    assert "LIKE" in finding
    assert "LIKE" not in listing and '"id" IN (' in listing


@pytest.mark.django_db
def test_many_matches_are_filtered_by_the_condition_itself(three, monkeypatch):
    monkeypatch.setattr("cases.search.FEW_MATCHES", 1)
    with CaptureQueriesContext(connection) as queries:
        listed = list(cases_matching(Case.objects.all(), "printer"))

    assert len(listed) == 2
    assert "LIKE" in queries.captured_queries[-1]["sql"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_the_oldest_match_is_not_found_by_walking_the_date_index(make_case):
    """The plan the bench measured: with a LIMIT, PostgreSQL walked the date index testing every
    row against LIKE; the page query must not filter by LIKE at all."""
    template = make_case(subject="Template")
    now = timezone.now()
    Case.objects.bulk_create(
        Case(
            queue_id=template.queue_id,
            workflow=template.workflow,
            subject=f"Bulk case {n}",
            description="Something is not working as expected.",
            requester_id=template.requester_id,
            organization_id=template.organization_id,
            status=template.status,
            status_changed_at=now,
            created_at=now - timedelta(minutes=n),
            reference=f"BK-{n:08d}",
        )
        for n in range(20_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    oldest = cases_matching(Case.objects.alive(), "BK-00019999").order_by("-created_at", "-id")

    plan = oldest[:1].explain()

    assert [case.reference for case in oldest[:1]] == ["BK-00019999"]
    assert "~~" not in plan, plan


@pytest.fixture
def alice_case(make_case, customer, org_a):
    customer.first_name, customer.last_name, customer.email = "Alice", "Martin", "alice@acme.test"
    customer.save()
    org_a.name = "Acme Corp"
    org_a.save()
    return make_case(subject="Invoices fail", description="Since Monday.")


def found_with_people(text: str) -> set[str]:
    cases = cases_matching(Case.objects.all(), text, people=True)
    return set(cases.values_list("subject", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", ["alice", "Martin", "alice@acme", "ACME corp", "alice invoices", "martin monday"]
)
def test_the_workspace_also_searches_the_requester_and_the_organization(alice_case, text):
    assert found_with_people(text) == {"Invoices fail"}


@pytest.mark.django_db
def test_the_api_and_portal_search_keeps_to_reference_subject_and_description(alice_case):
    assert found("alice") == set()
    assert found("invoices") == {"Invoices fail"}


@pytest.mark.django_db
def test_a_word_must_match_somewhere_even_through_people(alice_case):
    assert found_with_people("alice refunds") == set()


@pytest.mark.django_db
def test_people_are_looked_up_in_two_queries_whatever_the_words(alice_case):
    with CaptureQueriesContext(connection) as queries:
        searched = people_search("alice martin acme x y z")
    assert searched is not None
    assert len(queries.captured_queries) == 2


@pytest.mark.django_db
def test_the_ids_come_from_the_text_and_from_the_people_apart(alice_case, make_case):
    """One query whose condition mixed both made PostgreSQL read the whole table."""
    by_text = make_case(subject="Alice in accounting cannot log in")
    searched = people_search("alice")
    with CaptureQueriesContext(connection) as queries:
        found = set(cases_meeting(Case.objects.all(), searched).values_list("pk", flat=True))
    assert found == {alice_case.pk, by_text.pk}
    in_text, by_people, mixed, listing = (query["sql"] for query in queries.captured_queries)
    assert "requester_id" not in in_text
    assert "requester_id" in by_people and "LIKE" not in by_people
    assert "requester_id" in mixed and "LIKE" in mixed
    assert '"id" IN (' in listing and "LIKE" not in listing


@pytest.mark.django_db
def test_a_requester_and_an_organization_may_hold_the_words_between_them(
    alice_case, make_case, other_customer
):
    bob_case = make_case(requester=other_customer, subject="Refund")
    assert found_with_people("alice acme") == {"Invoices fail"}
    assert found_with_people("bob acme") == set()  # Bob is in Org B
    assert found_with_people("bob org") == {"Refund"}
    assert bob_case.organization.name == "Org B"


@pytest.mark.django_db
def test_a_word_matching_very_many_people_matches_them_through_a_subquery(alice_case, monkeypatch):
    monkeypatch.setattr("cases.search.FEW_PEOPLE", 0)
    assert found_with_people("alice") == {"Invoices fail"}
    assert found_with_people("acme") == {"Invoices fail"}


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_people_and_organizations_are_found_through_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('cases_user', "
            "'cases_organization') AND indexname LIKE '%%trgm%%'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {
        "user_first_name_trgm_idx",
        "user_last_name_trgm_idx",
        "user_username_trgm_idx",
        "user_email_trgm_idx",
        "organization_name_trgm_idx",
    }


@pytest.mark.django_db
def test_many_cases_of_the_people_matched_are_still_read_by_id(alice_case, monkeypatch):
    """A customer's cases lie close together in time: past `FEW_MATCHES` they are no dense
    match across the table, and are still read by id."""
    monkeypatch.setattr("cases.search.FEW_MATCHES", 0)
    with CaptureQueriesContext(connection) as queries:
        listed = list(cases_matching(Case.objects.all(), "alice", people=True))
    assert [case.pk for case in listed] == [alice_case.pk]
    assert "LIKE" not in queries.captured_queries[-1]["sql"]


@pytest.mark.django_db
def test_too_many_cases_of_the_people_matched_are_filtered_by_the_condition(
    alice_case, make_case, monkeypatch
):
    """Past `MANY_THROUGH_PEOPLE` cases found through people, the list filters by the condition
    itself (and finds them all, not only those whose text matched)."""
    other = make_case(subject="Printer jams")
    monkeypatch.setattr("cases.search.MANY_THROUGH_PEOPLE", 1)
    found, by_id = cases_found(Case.objects.all(), people_search("alice"))
    assert not by_id
    assert set(found) == {alice_case, other}
