"""Searching cases: every word in the reference, subject or description, case-insensitively; and
the list reads the few matches by primary key, never walking the whole date index for an old one."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from cases.search import cases_matching, search_condition


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
