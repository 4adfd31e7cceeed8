"""The workspace's header Search: on every workspace page, it searches every case the agent may
see (reference, subject, description, requester name and email, organization) whatever the
current view, and each result says which views it is in."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Organization
from services.conversation import comment_post
from tests.factories import CustomerFactory

SEARCH = reverse("agent:search")


def found(response) -> list[str]:
    return re.findall(r'agent-cases__reference">(CS-\d+)', response.content.decode())


def views_of(response, reference: str) -> list[str]:
    page = response.content.decode()
    row = page.split(f'agent-cases__reference">{reference}', 1)[1].split("</tr>", 1)[0]
    cell = row.split('class="agent-search__views">', 1)[1].split("</td>", 1)[0]
    return re.findall(r">([^<]+)</a>", cell)


@pytest.fixture
def alice(customer, org_a):
    customer.first_name, customer.last_name, customer.email = "Alice", "Martin", "alice@acme.test"
    customer.save()
    org_a.name = "Acme Corp"
    org_a.save()
    return customer


@pytest.mark.parametrize(
    "url",
    [
        "/agent/",
        "/agent/cases/new/",
        "/agent/releases/",
        "/agent/overview/",
        "/agent/saved-replies/",
        "/agent/updates/",
        "/agent/search/",
    ],
)
def test_every_workspace_page_has_the_search_box(desk, url):
    page = desk.get(url).content.decode()
    form = page.split('role="search"', 1)[1].split("</form>", 1)[0]
    assert 'action="/agent/search/"' in form
    assert re.search(r'<label class="site-search__label" for="site-search">Search</label>', form)
    assert 'name="q"' in form


def test_the_case_page_has_the_search_box(desk, case_in):
    case = case_in()
    page = desk.get(f"/agent/cases/{case.reference}/").content.decode()
    assert 'role="search"' in page and 'for="site-search">Search</label>' in page


def test_a_closed_case_is_found_whatever_the_view_and_says_where_it_is(desk, case_in):
    """The trial's bug: searching from Needs response said "No cases match" for a closed case."""
    closed = case_in("technical_support", "closed", subject="VPN drops hourly")
    response = desk.get(SEARCH, {"q": "vpn"})
    assert found(response) == [closed.reference]
    assert views_of(response, closed.reference) == ["Closed"]
    assert 'href="/agent/cases/?tab=closed&amp;q=vpn"' in response.content.decode()


def test_each_result_names_every_view_it_is_in(desk, case_in, agent):
    new = case_in(subject="Printer jams")
    answered = case_in("technical_support", "pending_customer", subject="Printer offline")
    response = desk.get(SEARCH, {"q": "printer"})
    assert views_of(response, new.reference) == ["Needs response", "Unassigned", "All open"]
    # Started by the agent who searches: theirs (technical_support's first actor owns it).
    assert views_of(response, answered.reference) == ["My cases", "Waiting on customer", "All open"]


@pytest.mark.parametrize("words", ["alice", "MARTIN", "alice martin", "alice@acme", "acme corp"])
def test_the_requester_and_the_organization_are_searched(desk, alice, case_in, words):
    case = case_in(subject="Invoices fail")
    other = CustomerFactory(username="zed", first_name="Zed", last_name="Other")
    Case.objects.filter(pk=case_in(subject="Something else").pk).update(
        requester=other, organization=other.organization
    )
    response = desk.get(SEARCH, {"q": words})
    assert found(response) == [case.reference], words


def test_every_word_must_match_one_field_or_another(desk, alice, case_in):
    case = case_in(subject="Invoices fail")
    assert found(desk.get(SEARCH, {"q": "alice invoices"})) == [case.reference]
    assert found(desk.get(SEARCH, {"q": "alice refunds"})) == []


def test_a_reference_typed_in_full_comes_first(desk, case_in):
    cases = [case_in(subject=f"Case {n}") for n in range(3)]
    target = cases[0]
    comment_post(case_id=cases[2].pk, actor=cases[2].requester, body=target.reference)
    Case.objects.filter(pk=cases[1].pk).update(description=f"See {target.reference}")
    response = desk.get(SEARCH, {"q": target.reference.lower()})
    assert found(response)[0] == target.reference


def test_deleted_cases_are_for_managers_and_marked(browser, desk, manager, case_in):
    case = case_in(subject="Removed by mistake")
    Case.objects.filter(pk=case.pk).update(deleted_at=timezone.now())
    assert found(desk.get(SEARCH, {"q": "mistake"})) == []
    response = browser(manager).get(SEARCH, {"q": "mistake"})
    assert found(response) == [case.reference]
    assert views_of(response, case.reference) == ["Deleted"]
    assert '<span class="badge">Deleted</span>' in response.content.decode()


def test_no_words_and_no_match_are_said_in_words(desk, case_in):
    case_in()
    assert "Type what you remember in Search" in desk.get(SEARCH).content.decode()
    page = desk.get(SEARCH, {"q": "zebra"}).content.decode()
    assert "No case matches “zebra”" in page
    assert 'value="zebra"' in page  # the box keeps the words


@pytest.mark.parametrize(
    "q", ["\x00", "%00", "' OR 1=1 --", "x" * 5000, "a " * 50, "<script>", "99999999999999999999"]
)
def test_any_words_get_a_page(desk, case_in, q):
    case_in()
    response = desk.get(SEARCH, {"q": q, "page": "abc"})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_customers_cannot_search_the_workspace(browser, customer):
    response = browser(customer).get(SEARCH, {"q": "x"})
    assert response.status_code == 302 and response["Location"] == "/portal/"


@pytest.mark.parametrize("count", [2, 30])
def test_a_constant_number_of_queries(desk, alice, case_in, count, django_assert_max_num_queries):
    for n in range(count):
        case_in(subject=f"Printer {n}")
    Organization.objects.create(name="Printer Parts Ltd")
    with django_assert_max_num_queries(9):
        response = desk.get(SEARCH, {"q": "printer alice"})
    assert len(found(response)) == min(count, 25)


def test_few_matches_are_sorted_as_they_are_not_read_in_an_index_order(desk, alice, case_in):
    case_in(subject="Printer jams")
    with CaptureQueriesContext(connection) as queries:
        desk.get(SEARCH, {"q": "alice"})
    page = next(q["sql"] for q in queries.captured_queries if '"id" IN (' in q["sql"])
    assert 'ORDER BY COALESCE("cases_case"."updated_at", "cases_case"."updated_at") DESC' in page


@pytest.mark.postgres
def test_on_postgresql_the_oldest_customers_cases_are_not_found_by_walking_the_table(
    desk, alice, make_case, other_customer
):
    """The bench's worst case: 1,500 cases of one customer, all older than every other case,
    were found by walking the whole date index (336 ms at a million cases)."""
    template = make_case()
    now = timezone.now()
    Case.objects.bulk_create(
        Case(
            queue_id=template.queue_id,
            workflow=template.workflow,
            subject=f"Bulk case {n}",
            requester=alice if n >= 18_500 else other_customer,
            organization_id=template.organization_id,
            status=template.status,
            status_changed_at=now,
            created_at=now - timedelta(minutes=n),
            updated_at=now - timedelta(minutes=n),
            reference=f"BK-{n:08d}",
        )
        for n in range(20_000)
    )
    Case.objects.filter(subject__startswith="Bulk").update(
        updated_at=F("created_at")
    )  # bulk_create stamps auto_now
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    with CaptureQueriesContext(connection) as queries:
        desk.get(SEARCH, {"q": "Alice Martin"})
    page = next(q["sql"] for q in queries.captured_queries if '"id" IN (' in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + page)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_updated_idx" not in plan, plan
