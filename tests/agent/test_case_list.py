"""Case lists: named views as tabs, filters, sortable columns, pages of 25/50/100 without a
count, each row's first-response state, and a constant number of queries."""

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Priority
from services.cases import case_update
from tests.factories import CustomerFactory, OrganizationFactory

LIST = reverse("agent:cases")


def references(response) -> list[str]:
    """The references of the rows, in their order."""
    return re.findall(r'agent-cases__reference">(CS-\d+)<', response.content.decode())


def text(response) -> str:
    return response.content.decode()


def test_both_addresses_show_the_list(desk):
    assert reverse("agent:cases") == "/agent/"
    assert reverse("agent:case_list") == "/agent/cases/"
    assert desk.get("/agent/cases/").status_code == 200


def test_tabs_are_links_and_the_default_is_needs_response(desk):
    page = text(desk.get(LIST))
    for label in (
        "Needs response",
        "My cases",
        "Unassigned",
        "Waiting on customer",
        "All open",
        "Closed",
    ):
        assert f">{label}</a>" in page
    assert 'href="?tab=needs" aria-current="page">Needs response' in page
    assert "Deleted" not in page  # managers only


def test_needs_response_lists_cases_waiting_on_support(desk, case_in):
    new = case_in()
    pending = case_in(status="pending_customer")
    closed = case_in(status="closed")
    shown = references(desk.get(LIST))
    assert new.reference in shown
    assert pending.reference not in shown
    assert closed.reference not in shown


def test_waiting_on_customer_all_open_and_closed(desk, case_in):
    new = case_in()
    pending = case_in(status="pending_customer")
    closed = case_in(status="closed")
    assert references(desk.get(LIST, {"tab": "customer"})) == [pending.reference]
    assert set(references(desk.get(LIST, {"tab": "open"}))) == {new.reference, pending.reference}
    assert references(desk.get(LIST, {"tab": "closed"})) == [closed.reference]


def test_my_cases_and_unassigned(desk, agent, manager, case_in):
    mine = case_in()
    case_update(case_id=mine.pk, actor=agent, changes={"assignee": agent.pk})
    other = case_in()
    case_update(case_id=other.pk, actor=manager, changes={"assignee": manager.pk})
    nobody = case_in()
    assert references(desk.get(LIST, {"tab": "mine"})) == [mine.reference]
    assert references(desk.get(LIST, {"tab": "unassigned"})) == [nobody.reference]


def test_deleted_is_for_managers_only(browser, desk, manager, case_in):
    case = case_in()
    Case.objects.filter(pk=case.pk).update(deleted_at=timezone.now())  # as case_delete does
    page = browser(manager).get(LIST, {"tab": "deleted"})
    assert ">Deleted</a>" in text(page)
    assert references(page) == [case.reference]
    # An agent asking for it gets the default view, where a deleted case never shows.
    assert case.reference not in references(desk.get(LIST, {"tab": "deleted"}))


def test_needs_response_puts_breaches_then_the_soonest_due_on_top(desk, case_in):
    now = timezone.now()
    later, breached, soon = case_in(), case_in(), case_in()
    Case.objects.filter(pk=later.pk).update(first_response_due_at=now + timedelta(hours=5))
    Case.objects.filter(pk=breached.pk).update(first_response_due_at=now - timedelta(hours=3))
    Case.objects.filter(pk=soon.pk).update(first_response_due_at=now + timedelta(minutes=30))
    response = desk.get(LIST)
    assert references(response) == [breached.reference, soon.reference, later.reference]
    page = text(response)
    assert "due--breached" in page and "breached 3 h ago" in page
    assert "due--soon" in page
    assert "due in 29 min" in page or "due in 30 min" in page
    assert "due in 4 h" in page or "due in 5 h" in page


def test_an_answered_case_shows_when(desk, case_in, agent):
    case = case_in(status="work_in_progress")
    Case.objects.filter(pk=case.pk).update(first_responded_at=timezone.now())
    page = text(desk.get(LIST, {"tab": "open"}))
    assert "Answered" in page


def test_rows_show_what_an_agent_scans(desk, case_in, customer):
    case = case_in(subject="Invoices fail to export")
    page = text(desk.get(LIST))
    assert f'<label class="visually-hidden" for="case-{case.pk}">{case.reference}</label>' in page
    assert f'href="/agent/cases/{case.reference}/">Invoices fail to export</a>' in page
    assert "Org A" in page
    assert customer.get_full_name() or customer.username in page
    assert "pill--support" in page and ">New<" in page
    assert ">Normal<" in page
    assert "<time datetime=" in page


def test_filters_are_labelled_and_narrow_the_list(desk, case_in, queues):
    tech = case_in(subject="Printer jam")
    other = case_in("customer_service", subject="Refund please")
    page = text(desk.get(LIST))
    for label in (
        "Queue",
        "Workflow",
        "Status",
        "Sub-status",
        "Priority",
        "Assignee",
        "Organization",
        "Requester",
        "Search",
        "Created from",
        "Created to",
        "Updated from",
        "Updated to",
    ):
        assert re.search(rf'<label class="field__label" for="[^"]+">{label}</label>', page), label
    assert references(desk.get(LIST, {"queue": queues["customer_service"].pk})) == [other.reference]
    assert references(desk.get(LIST, {"q": "printer"})) == [tech.reference]
    assert references(desk.get(LIST, {"q": tech.reference})) == [tech.reference]
    assert references(desk.get(LIST, {"workflow": "customer_service"})) == [other.reference]
    assert references(desk.get(LIST, {"priority": Priority.URGENT})) == []
    today = timezone.localdate().isoformat()
    assert len(references(desk.get(LIST, {"created_from": today, "updated_to": today}))) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"queue": "nope"},
        {"status": "<script>"},
        {"priority": "99"},
        {"created_from": "yesterday"},
        {"assignee": "-1"},
        {"page": "abc"},
        {"page": "999"},
        {"page_size": "7"},
        {"sort": "password"},
        {"tab": "nope"},
    ],
)
def test_bad_values_never_fail(desk, case_in, params):
    case_in()
    response = desk.get(LIST, params)
    assert response.status_code == 200
    assert "<script>" not in text(response).split("<main", 1)[1]


def test_a_bad_filter_value_is_shown_as_an_error(desk, case_in):
    response = desk.get(LIST, {"created_from": "yesterday"})
    assert 'class="field__error"' in text(response)


def test_sortable_headers_keep_the_other_parameters(desk, case_in):
    a = case_in(subject="Alpha")
    b = case_in(subject="Bravo")
    page = text(desk.get(LIST, {"tab": "open", "q": "a"}))
    assert 'href="?tab=open&amp;q=a&amp;sort=subject">Subject' in page
    assert references(desk.get(LIST, {"tab": "open", "sort": "subject"})) == [
        a.reference,
        b.reference,
    ]
    response = desk.get(LIST, {"tab": "open", "sort": "-subject"})
    assert references(response) == [b.reference, a.reference]
    assert 'aria-sort="descending"' in text(response)


def test_pages_of_25_50_or_100_with_previous_and_next(desk, case_in):
    for _ in range(27):
        case_in()
    first = desk.get(LIST, {"tab": "open"})
    assert len(references(first)) == 25
    assert ">Next</a>" in text(first) and ">Previous</a>" not in text(first)
    second = desk.get(LIST, {"tab": "open", "page": 2})
    assert len(references(second)) == 2
    assert ">Previous</a>" in text(second) and ">Next</a>" not in text(second)
    assert len(references(desk.get(LIST, {"tab": "open", "page_size": 50}))) == 27
    assert 'name="page_size"' in text(first)


@pytest.mark.parametrize("count", [3, 30])
def test_a_constant_number_of_queries(desk, case_in, agent, count, django_assert_max_num_queries):
    for index in range(count):
        case = case_in()
        if index % 2:
            case_update(case_id=case.pk, actor=agent, changes={"assignee": agent.pk})
    with django_assert_max_num_queries(12):
        response = desk.get(LIST, {"tab": "open", "page_size": 100})
    assert len(references(response)) == count


def test_the_first_click_on_priority_puts_urgent_first(desk, case_in):
    low = case_in(priority=Priority.LOW)
    urgent = case_in(priority=Priority.URGENT)
    page = text(desk.get(LIST, {"tab": "open"}))
    assert 'href="?tab=open&amp;sort=-priority">Priority' in page
    assert references(desk.get(LIST, {"tab": "open", "sort": "-priority"})) == [
        urgent.reference,
        low.reference,
    ]
    sorted_page = text(desk.get(LIST, {"tab": "open", "sort": "-priority"}))
    # The second click goes the other way.
    assert 'aria-sort="descending"><a href="?tab=open&amp;sort=priority">' in sorted_page


@pytest.mark.parametrize("typed", ["6 March 2026", "6 Mar 2026", "2026-03-06", "6 march  2026"])
def test_dates_are_read_as_every_page_writes_them(desk, case_in, typed):
    case = case_in()
    Case.objects.filter(pk=case.pk).update(created_at=timezone.make_aware(datetime(2026, 3, 6, 12)))
    other = case_in()
    response = desk.get(LIST, {"tab": "open", "created_from": typed, "created_to": typed})
    assert references(response) == [case.reference]
    assert other.reference not in references(response)
    page = text(response)
    assert 'value="6 March 2026"' in page
    assert "e.g. 6 December 2026" in page
    assert 'type="date"' not in page


def test_a_day_that_is_no_day_is_a_message_beside_its_field(desk, case_in):
    case_in()
    for typed in ("31 February 2026", "12/06/2026", "6 Dezember 2026", "99999-01-01"):
        response = desk.get(LIST, {"tab": "open", "updated_to": typed})
        assert response.status_code == 200
        page = text(response)
        assert "Write a day like 6 December 2026" in page, typed
        assert 'id="id_updated_to_error"' in page


def test_requester_and_organization_are_typed_and_matched_by_the_server(
    desk, case_in, make_case, customer, other_customer
):
    customer.first_name, customer.last_name = "Alice", "Martin"
    customer.save()
    alice = case_in()
    bob = make_case(requester=other_customer)
    for typed in ("martin", "ALICE mar"):
        assert references(desk.get(LIST, {"tab": "open", "requester": typed})) == [alice.reference]
    assert references(
        desk.get(LIST, {"tab": "open", "requester": f"Bob <{other_customer.email}>"})
    ) == [bob.reference]
    assert references(desk.get(LIST, {"tab": "open", "organization": "org b"})) == [bob.reference]
    assert references(desk.get(LIST, {"tab": "open", "requester": "nobody-like-this"})) == []


def test_an_organization_typed_in_full_is_that_one_alone(desk, make_case, org_a):
    acme = OrganizationFactory(name="Acme")
    acme_corp = OrganizationFactory(name="Acme Corp")
    one = make_case(requester=CustomerFactory(organization=acme))
    two = make_case(requester=CustomerFactory(organization=acme_corp))
    assert references(desk.get(LIST, {"tab": "open", "organization": "acme"})) == [one.reference]
    assert set(references(desk.get(LIST, {"tab": "open", "organization": "acm"}))) == {
        one.reference,
        two.reference,
    }


def test_a_requester_given_by_id_is_shown_by_name(desk, case_in, customer):
    customer.first_name, customer.last_name = "Alice", "Martin"
    customer.save()
    case = case_in()
    response = desk.get(LIST, {"tab": "open", "requester": customer.pk})
    assert references(response) == [case.reference]
    assert f'value="Alice Martin &lt;{customer.email}&gt;"' in text(response)


def test_a_list_page_does_not_grow_with_the_customers(desk, case_in):
    """Every customer and organization was an <option> of the filters: at 2,000 customers a
    list page weighed 180 KB."""
    case_in()
    with CaptureQueriesContext(connection) as few:
        small = desk.get(LIST, {"tab": "open"})
    for n in range(60):
        CustomerFactory(first_name=f"Customer{n}", last_name="Many")
    with CaptureQueriesContext(connection) as many:
        large = desk.get(LIST, {"tab": "open"})
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "Customer59" not in text(large)
    assert abs(len(large.content) - len(small.content)) < 200


def test_the_filters_answer_htmx_with_the_list_alone(desk, case_in):
    case = case_in(subject="Printer jams")
    response = desk.get(
        LIST,
        {"tab": "open", "queue": "", "q": "printer", "requester": ""},
        headers={"HX-Request": "true", "HX-Trigger": "case-filters"},
    )
    page = text(response)
    # The address kept in the browser's history: the filters that hold a value.
    assert response["HX-Push-Url"] == "/agent/?tab=open&q=printer"
    assert "<html" not in page and "<header" not in page
    assert references(response) == [case.reference]
    assert '<details class="agent-filters" open>' in page
    assert "HX-Request" in response["Vary"]
    full = text(desk.get(LIST, {"tab": "open", "q": "printer"}))
    assert "<html" in full
    assert 'hx-get="/agent/"' in full and 'hx-push-url="true"' in full and 'id="case-list"' in full


def test_going_back_in_history_gets_the_whole_page(desk, case_in):
    case_in()
    response = desk.get(LIST, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in text(response)


def test_a_search_that_finds_more_elsewhere_says_where(desk, case_in):
    needs = case_in(subject="Printer jams")
    closed = case_in("technical_support", "closed", subject="Printer smokes")
    response = desk.get(LIST, {"tab": "needs", "q": "printer"})
    assert references(response) == [needs.reference]
    page = text(response)
    assert "1 more in Closed" in page
    assert 'href="/agent/cases/?tab=closed&amp;q=printer"' in page
    in_closed = desk.get("/agent/cases/", {"tab": "closed", "q": "printer"})
    assert references(in_closed) == [closed.reference]
    nothing_here = desk.get(LIST, {"tab": "customer", "q": "smokes"})
    assert references(nothing_here) == []
    assert "1 more in Closed" in text(nothing_here)


def test_the_lists_search_finds_the_requester_and_the_organization(desk, case_in, customer):
    customer.first_name, customer.last_name, customer.email = "Alice", "Martin", "alice@acme.test"
    customer.save()
    case = case_in(subject="Printer jams")
    for words in ("martin", "alice@acme", "org a", "alice printer"):
        assert references(desk.get(LIST, {"tab": "open", "q": words})) == [case.reference], words


@pytest.mark.parametrize("params", [{}, {"q": "printer"}, {"q": "alice", "requester": "alice"}])
def test_searching_keeps_a_constant_number_of_queries(
    desk, case_in, agent, params, django_assert_max_num_queries
):
    for n in range(12):
        case_in(subject=f"Printer {n}")
    # 17: the navigation's count of held mail is one of them.
    with django_assert_max_num_queries(17):
        response = desk.get(LIST, {"tab": "open", **params})
    assert response.status_code == 200


def test_a_search_too_broad_to_count_by_view_links_to_every_match(desk, case_in, monkeypatch):
    case_in(subject="Printer jams")
    case_in("technical_support", "closed", subject="Printer smokes")
    monkeypatch.setattr("cases.search.FEW_MATCHES", 0)
    page = text(desk.get(LIST, {"tab": "needs", "q": "printer"}))
    assert "“printer” finds many cases:" in page
    assert 'href="/agent/search/?q=printer">every match, in every view</a>' in page
