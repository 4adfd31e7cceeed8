"""Journeys in the agent workspace: an agent answers a new case (a public reply, an internal note
the customer never sees, a proposed solution), assigns two cases at once, and is refused a stale
transition."""

import pytest
from playwright.sync_api import Page, expect

from cases.models import User
from cases.models.case import Priority
from services.cases import case_update
from tests.browser.browsing import BOTH_WIDTHS, current_step, sign_in
from tests.browser.conftest import TIMEOUT_MS, demo_user
from tests.factories import AgentFactory

REPLY = "Thanks, we are checking the printer logs now."
NOTE = "Firmware 3.1 is known to jam on duplex jobs."
SOLUTION = "Update the printer firmware to version 3.2."


@pytest.fixture
def other_agent(db) -> User:
    """A second agent (the `agent` fixture is Agnes Weber)."""
    return demo_user(AgentFactory, username="arthur", first_name="Arthur", last_name="Klein")


def _case_page(page: Page, subject: str) -> None:
    page.get_by_role("navigation", name="Which cases").get_by_role(
        "link", name="Needs response", exact=True
    ).click()
    page.get_by_role("link", name=subject, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(subject)


def test_an_agent_answers_a_new_case_notes_internally_and_proposes_a_solution(
    page, shot, browser, live_server, agent, customer, case_in
):
    case = case_in("technical_support", subject="Printer jams on duplex")

    sign_in(page, agent)
    _case_page(page, "Printer jams on duplex")
    expect(page.get_by_role("region", name="First response")).not_to_contain_text("Answered")
    shot(page, "new-case", widths=BOTH_WIDTHS)

    page.get_by_role("textbox", name="Reply", exact=True).fill(REPLY)
    page.get_by_role("button", name="Send").click()
    conversation = page.get_by_role("region", name="Conversation")
    expect(conversation).to_contain_text(REPLY)
    expect(page.get_by_role("region", name="First response")).to_contain_text("Answered")
    expect(current_step(page)).to_contain_text("Work in Progress")
    shot(page, "replied")

    page.get_by_role("textbox", name="Reply", exact=True).fill(NOTE)
    page.get_by_role("checkbox", name="Internal note").check()
    page.get_by_role("button", name="Send").click()
    note = conversation.get_by_role("listitem").filter(has_text=NOTE)
    expect(note).to_contain_text("Internal note")
    shot(page, "internal-note")

    customer_context = browser.new_context(base_url=live_server.url)
    customer_context.set_default_timeout(TIMEOUT_MS)
    try:
        portal = customer_context.new_page()
        sign_in(portal, customer)
        portal.goto(f"/portal/cases/{case.reference}/")
        portal_conversation = portal.get_by_role("region", name="Conversation")
        expect(portal_conversation).to_contain_text(REPLY)
        expect(portal.locator("body")).not_to_contain_text(NOTE)
        shot(portal, "customer-sees-no-note")
    finally:
        customer_context.close()

    actions = page.get_by_role("region", name="Actions")
    actions.get_by_label("Note").fill(SOLUTION)
    actions.get_by_role("button", name="Propose solution").click()
    expect(current_step(page)).to_contain_text("Solution Proposed")
    expect(page.get_by_role("region", name="Conversation")).to_contain_text(SOLUTION)
    expect(page.get_by_role("region", name="History")).to_contain_text(
        "Work in Progress → Solution Proposed"
    )
    shot(page, "solution-proposed", widths=BOTH_WIDTHS)


def test_an_agent_assigns_two_cases_to_themself_and_reads_the_result_per_case(
    page, shot, agent, case_in
):
    first = case_in("technical_support", subject="Laptop will not boot")
    second = case_in("technical_support", subject="Mail client crashes")

    sign_in(page, agent)
    page.get_by_role("checkbox", name=first.reference, exact=True).check()
    page.get_by_role("checkbox", name=second.reference, exact=True).check()
    page.get_by_label("Assign to").select_option(label="Me")
    shot(page, "two-checked")
    page.get_by_role("button", name="Assign", exact=True).click()

    messages = page.locator("main")
    expect(messages).to_contain_text(f"{first.reference}:")
    expect(messages).to_contain_text(f"{second.reference}:")
    for subject in ("Laptop will not boot", "Mail client crashes"):
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=subject, exact=True))
        expect(row).to_contain_text("Agnes Weber")
    shot(page, "assigned")


def test_a_stale_case_page_refuses_a_transition_after_another_agents_change(
    page, shot, agent, other_agent, case_in
):
    case = case_in("technical_support", "work_in_progress", subject="VPN drops hourly")

    sign_in(page, agent)
    page.goto(f"/agent/cases/{case.reference}/")
    actions = page.get_by_role("region", name="Actions")
    expect(actions.get_by_role("button", name="Propose solution")).to_be_visible()
    shot(page, "opened")

    case_update(case_id=case.pk, actor=other_agent, changes={"priority": Priority.HIGH})

    actions.get_by_label("Note").fill(SOLUTION)
    actions.get_by_role("button", name="Propose solution").click()
    expect(page.get_by_text("This case changed since you opened it")).to_be_visible()
    expect(current_step(page)).to_contain_text("Work in Progress")
    shot(page, "refused")
