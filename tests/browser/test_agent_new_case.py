"""New case on a customer's behalf: the Requester is found by typing part of their name (a
search box above the select of every customer, app.js; with many customers, the server's
suggestions under a typed field), and the case is theirs."""

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.browser.browsing import BOTH_WIDTHS, axe_violations, sign_in
from tests.browser.conftest import demo_user
from tests.factories import CustomerFactory


@pytest.fixture
def many_customers(monkeypatch):
    """More customers than New case lists in its select: the Requester is typed."""
    monkeypatch.setattr("agent.forms.SELECT_UP_TO", 0)


def test_an_agent_finds_the_requester_in_the_list_by_name(
    page, shot, agent, customer, queues, org_a
):
    for n, (first, last) in enumerate((("Bruno", "Keller"), ("Chloe", "Martin"), ("Dana", "Ito"))):
        demo_user(
            CustomerFactory, username=f"c{n}", first_name=first, last_name=last, organization=org_a
        )

    sign_in(page, agent)
    page.goto("/agent/cases/new/")
    page.get_by_label("Search customers").fill("alice mar")
    requester = page.get_by_label("Requester", exact=True)
    expect(requester).to_have_value(str(customer.pk))
    expect(requester.locator("option:not([hidden])")).to_have_count(2)  # "Choose…" and Alice
    shot(page, "requester-found", widths=BOTH_WIDTHS)
    problems = axe_violations(page)

    page.get_by_label("Queue").select_option(label="Technical support")
    page.get_by_label("Subject").fill("Printer offline since Monday")
    page.get_by_role("button", name="Create case").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Printer offline since Monday")
    assert Case.objects.get(subject="Printer offline since Monday").requester_id == customer.pk
    assert not problems, "\n".join(problems)


def test_an_agent_finds_the_requester_by_name_and_opens_a_case_for_them(
    page, shot, agent, customer, queues, org_a, many_customers
):
    for n, (first, last) in enumerate((("Bruno", "Keller"), ("Chloe", "Martin"), ("Dana", "Ito"))):
        demo_user(
            CustomerFactory, username=f"c{n}", first_name=first, last_name=last, organization=org_a
        )

    sign_in(page, agent)
    page.goto("/agent/cases/new/")
    requester = page.get_by_role("combobox", name="Requester")
    requester.fill("mar")
    suggestions = page.get_by_role("listbox")
    expect(suggestions.get_by_role("option")).to_have_count(2)  # Alice and Chloe Martin
    requester.press("ArrowDown")
    shot(page, "requester-suggested", widths=BOTH_WIDTHS)
    problems = axe_violations(page)
    requester.press("Enter")
    expect(requester).to_have_value(f"Alice Martin <{customer.email}>")
    expect(suggestions).to_be_hidden()

    page.get_by_label("Queue").select_option(label="Technical support")
    page.get_by_label("Subject").fill("Printer offline since Monday")
    page.get_by_role("button", name="Create case").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Printer offline since Monday")
    assert Case.objects.get(subject="Printer offline since Monday").requester_id == customer.pk
    assert not problems, "\n".join(problems)


def test_without_javascript_part_of_a_name_is_enough(
    browser, live_server, agent, customer, queues, many_customers
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, agent)
        page.goto("/agent/cases/new/")
        page.get_by_label("Requester").fill("alice")
        page.get_by_label("Queue").select_option(label="Technical support")
        page.get_by_label("Subject").fill("Called about the printer")
        page.get_by_role("button", name="Create case").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Called about the printer")
    finally:
        context.close()
    assert Case.objects.get().requester_id == customer.pk
