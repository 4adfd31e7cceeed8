"""Journeys of a manager: assigning a customer_service case that the agent then accepts, and
running a transition with its note from the Django admin."""

import pytest
from playwright.sync_api import Page, expect

from cases.models import Case, HistoryEntry, User
from tests.browser.browsing import BOTH_WIDTHS, PASSWORD, axe_violations, current_step, sign_in
from tests.browser.conftest import TIMEOUT_MS, demo_user
from tests.factories import ManagerFactory

BLOCK_NOTE = "Waiting for the vendor's firmware fix."


@pytest.fixture
def lead(db) -> User:
    """A manager who signs in with a password, as a person does."""
    return demo_user(ManagerFactory, username="mona", first_name="Mona", last_name="Lindqvist")


def test_a_manager_assigns_a_customer_service_case_and_the_agent_accepts_it(
    page, shot, browser, live_server, lead, agent, case_in
):
    case = case_in("customer_service", subject="Refund for order 1182")

    sign_in(page, lead)
    page.goto(f"/agent/cases/{case.reference}/")
    properties = page.get_by_role("region", name="Properties")
    properties.get_by_label("Assignee").select_option(label="Agnes Weber")
    properties.get_by_role("button", name="Save").click()
    expect(page.get_by_role("region", name="Properties").get_by_label("Assignee")).to_have_value(
        str(agent.pk)
    )
    shot(page, "manager-assigned")
    case.refresh_from_db()
    assert case.assignee_id == agent.pk and case.status == "new"

    agent_context = browser.new_context(base_url=live_server.url)
    agent_context.set_default_timeout(TIMEOUT_MS)
    try:
        desk = agent_context.new_page()
        sign_in(desk, agent)
        desk.get_by_role("navigation", name="Which cases").get_by_role(
            "link", name="My cases", exact=True
        ).click()
        desk.get_by_role("link", name="Refund for order 1182", exact=True).click()
        desk.get_by_role("region", name="Actions").get_by_role("button", name="Accept").click()
        expect(current_step(desk)).to_contain_text("Open")
        shot(desk, "agent-accepted", widths=BOTH_WIDTHS)
    finally:
        agent_context.close()
    case.refresh_from_db()
    assert case.status == "open"


def _admin_sign_in(page: Page, user: User) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Run the helpdesk")).to_be_visible()


def test_a_manager_blocks_a_case_with_its_note_from_the_admin(page, shot, lead, case_in):
    case = case_in("technical_support", "work_in_progress", subject="Printer jams on duplex")

    _admin_sign_in(page, lead)
    page.goto(f"/admin/cases/case/{case.pk}/change/")
    page.get_by_role("button", name="Block", exact=True).click()
    page.get_by_label("Note").fill(BLOCK_NOTE)
    shot(page, "admin-transition-form")
    problems = axe_violations(page)
    page.get_by_role("button", name="Block", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("Block")
    shot(page, "admin-transition-done")
    case = Case.objects.get(pk=case.pk)
    assert case.status == "blocked"
    entry = HistoryEntry.objects.filter(case=case).latest("created_at", "id")
    assert (entry.transition, entry.actor_id, entry.note) == ("block", lead.pk, BLOCK_NOTE)
    assert not problems, "\n".join(problems)
