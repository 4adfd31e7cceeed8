"""New case on a customer's behalf: the Requester is found by typing part of their name (a
search box above the select, app.js), and the case is theirs."""

from playwright.sync_api import expect

from cases.models import Case
from tests.browser.browsing import BOTH_WIDTHS, axe_violations, sign_in
from tests.browser.conftest import demo_user
from tests.factories import CustomerFactory


def test_an_agent_finds_the_requester_by_name_and_opens_a_case_for_them(
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
