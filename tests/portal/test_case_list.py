"""My cases: the customer's cases by tab, queue and search, newest activity first, 25 a page, in
a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.conversation import comment_post
from tests.factories import CustomerFactory
from tests.portal.html import parse

LIST = reverse("portal:cases")


def rows(response) -> list[str]:
    """The references listed, in order."""
    table = parse(response.content).find_or_none("table")
    if table is None:
        return []
    return [cell.text() for cell in table.find_all("td", data_label="Reference")]


def test_the_open_tab_is_the_default_and_leaves_closed_cases_out(portal, case_in):
    open_case = case_in("technical_support")
    closed = case_in("technical_support", "closed")
    response = portal.get(LIST)
    assert rows(response) == [open_case.reference]
    assert closed.reference not in rows(response)
    current = parse(response.content).find("nav", class_="tabs").find("a", aria_current="page")
    assert current.text() == "Open"


def test_closed_means_each_workflows_own_closed_status(portal, case_in):
    closed = [case_in(workflow, "closed") for workflow in ("support_center", "release_tracking")]
    case_in("customer_service", "resolved")
    response = portal.get(LIST, {"tab": "closed"})
    assert sorted(rows(response)) == sorted(case.reference for case in closed)


def test_waiting_on_you_lists_the_cases_whose_status_waits_on_the_customer(portal, case_in):
    waiting = [
        case_in("technical_support", "solution_proposed"),
        case_in("customer_service", "resolved"),
        case_in("release_tracking", "waiting_for_customer_response"),
    ]
    case_in("technical_support", "work_in_progress")
    case_in("support_center", "closed")
    response = portal.get(LIST, {"tab": "waiting"})
    assert sorted(rows(response)) == sorted(case.reference for case in waiting)


def test_a_pending_case_waits_on_the_customer_only_for_customer_input(portal, case_in, cast):
    from workflows.transitions import perform_transition

    mine = case_in("support_center", "pending")  # walked with sub-status customer_input
    development = case_in("support_center", "in_progress")
    perform_transition(
        case_id=development.pk, name="set_pending", actor=cast["agent"], sub_status="development"
    )
    assert rows(portal.get(LIST, {"tab": "waiting"})) == [mine.reference]


def test_all_lists_every_case(portal, case_in):
    cases = [case_in("technical_support"), case_in("customer_service", "closed")]
    assert sorted(rows(portal.get(LIST, {"tab": "all"}))) == sorted(c.reference for c in cases)


def test_each_row_shows_status_queue_and_the_waiting_on_you_badge(portal, case_in):
    case = case_in("technical_support", "solution_proposed")
    page = parse(portal.get(LIST).content)
    row = page.find("tbody").find("tr")
    assert row.find("td", data_label="Subject").find("a").attrs["href"] == (
        reverse("portal:case", kwargs={"reference": case.reference})
    )
    assert "Solution Proposed" in row.find("td", data_label="Status").text()
    assert row.find("td", data_label="Queue").text() == "technical_support"
    assert row.find("span", class_="badge badge--attention").text() == "Waiting on you"
    assert row.find("td", data_label="Last update").exists("time")


def test_a_case_waiting_on_support_has_no_badge(portal, case_in):
    case_in("technical_support", "work_in_progress")
    assert "Waiting on you" not in parse(portal.get(LIST).content).find("tbody").text()


def test_the_sub_status_label_is_shown(portal, case_in):
    case_in("support_center", "pending")
    assert "Customer Input" in parse(portal.get(LIST).content).find("tbody").text()


def test_newest_activity_comes_first(portal, case_in, customer):
    older, newer = case_in(), case_in()
    comment_post(case_id=older.pk, actor=customer, body="Any news?")
    assert rows(portal.get(LIST)) == [older.reference, newer.reference]


def test_only_the_customers_own_organizations_cases_are_listed(
    portal, case_in, make_case, other_customer, colleague
):
    mine = case_in()
    colleagues = make_case(requester=colleague)
    make_case(requester=other_customer)
    assert sorted(rows(portal.get(LIST))) == sorted([mine.reference, colleagues.reference])


def test_the_queue_filter_keeps_the_tab(portal, case_in, queues):
    wanted = case_in("customer_service")
    case_in("technical_support")
    response = portal.get(LIST, {"tab": "all", "queue": queues["customer_service"].pk})
    assert rows(response) == [wanted.reference]
    page = parse(response.content)
    assert page.field("Queue").tag == "select"
    assert page.find("input", type="hidden", name="tab").attrs["value"] == "all"


@pytest.mark.parametrize("field", ["reference", "subject", "description"])
def test_search_looks_in_reference_subject_and_description(portal, make_case, field):
    wanted = make_case(subject="Printer jams", description="Paper tray is stuck")
    make_case(subject="Login fails", description="Password rejected")
    term = {"reference": wanted.reference, "subject": "jams", "description": "tray"}[field]
    assert rows(portal.get(LIST, {"q": term})) == [wanted.reference]


def test_a_search_that_finds_nothing_says_so(portal, case_in):
    case_in()
    page = parse(portal.get(LIST, {"q": "nothing like this"}).content)
    assert page.find(class_="empty").text().startswith("No cases match these filters")


def test_the_filter_form_has_its_labels_and_button(portal, db):
    page = parse(portal.get(LIST).content)
    assert page.field("Search").tag == "input"
    assert "Filter" in page.buttons()
    assert [link.text() for link in page.links() if link.text() == "New case"] == ["New case"]


@pytest.mark.parametrize(
    ("tab", "title"),
    [
        ("open", "No open cases"),
        ("waiting", "No cases waiting on you — all caught up"),
        ("closed", "No closed cases"),
        ("all", "No cases yet"),
    ],
)
def test_each_tab_has_its_empty_state(portal, db, tab, title):
    page = parse(portal.get(LIST, {"tab": tab}).content)
    assert page.find(class_="empty__title").text() == title


def test_tabs_are_links_that_keep_the_filters(portal, queues):
    page = parse(portal.get(LIST, {"q": "printer", "queue": queues["customer_service"].pk}).content)
    tabs = {link.text(): link.attrs["href"] for link in page.find("nav", class_="tabs").links()}
    assert list(tabs) == ["Open", "Waiting on you", "Closed", "All"]
    assert "q=printer" in tabs["Closed"] and "tab=closed" in tabs["Closed"]


def test_pages_of_25_with_previous_and_next(portal, make_case):
    cases = [make_case(subject=f"Case {n}") for n in range(27)]
    first = portal.get(LIST)
    assert len(rows(first)) == 25
    links = {link.text(): link.attrs["href"] for link in parse(first.content).links()}
    assert "Previous" not in links
    second = portal.get(LIST + links["Next"])
    assert sorted(rows(second)) == sorted(case.reference for case in cases[:2])
    assert "Previous" in {link.text() for link in parse(second.content).links()}
    assert "Page 2 · cases 26\u201327" in second.content.decode()  # an en dash


def test_the_list_is_never_counted_and_a_page_past_the_end_says_so(portal, make_case):
    """A page reads one row more than it shows instead of counting the customer's cases (an
    organization may have tens of thousands)."""
    make_case(subject="Only one")
    with CaptureQueriesContext(connection) as queries:
        past = portal.get(LIST, {"page": 7})

    assert not any(
        "COUNT(*)" in query["sql"] and "cases_case" in query["sql"].split("WHERE")[0]
        for query in queries.captured_queries
    )
    assert past.status_code == 200
    assert parse(past.content).find(class_="empty").text().startswith("No cases on this page")


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_whatever_the_number_of_cases(
    portal, make_case, customer, org_a, count, django_assert_max_num_queries, case_in
):
    """Session, user, queues, page of cases (queue joined), unread updates."""
    colleagues = [customer, CustomerFactory(organization=org_a)]
    for n in range(count):
        make_case(
            ("technical_support", "support_center", "customer_service", "release_tracking")[n % 4],
            requester=colleagues[n % 2],
        )
    case_in("support_center", "pending")
    with django_assert_max_num_queries(5):
        response = portal.get(LIST, {"tab": "all"})
    assert response.status_code == 200
