"""Journeys over both case pages, with screenshots at 1440 and 375 px of each state a person
meets: the customer's page of a new case, of a proposed solution they decide on, and of a closed
case; the agent's list, case page and reply box in both modes; and two agents answering at once,
where the second is shown the first one's answer before anything is sent."""

import pytest
from playwright.sync_api import expect

from cases.models import Comment, User
from services.conversation import comment_post
from tests.browser.browsing import BOTH_WIDTHS, current_step, sign_in
from tests.browser.conftest import demo_user
from tests.factories import AgentFactory
from workflows.transitions import perform_transition

SOLUTION = "We refunded the duplicate charge; it shows on your statement within 5 days."
WHY = "The second charge is still on my statement after a week."


@pytest.fixture
def other_agent(db) -> User:
    return demo_user(AgentFactory, username="arthur", first_name="Arthur", last_name="Klein")


def test_a_customer_sees_the_solution_where_they_decide_and_rejects_it_saying_why(
    page, shot, customer, cast, case_in
):
    new = case_in("technical_support", subject="Printer jams on page 2")
    case = case_in("customer_service", "open", subject="Charged twice for order 1042")
    perform_transition(
        case_id=case.pk,
        name="propose_solution",
        actor=cast["agent"],
        note="Sorry for the trouble.",
        close_notes=SOLUTION,
    )

    sign_in(page, customer)
    page.goto(f"/portal/cases/{new.reference}/")
    expect(page.get_by_role("region", name="What happens next")).to_contain_text(
        "New: Your case has arrived"
    )
    shot(page, "new-case", widths=BOTH_WIDTHS)

    page.goto(f"/portal/cases/{case.reference}/")
    actions = page.get_by_role("region", name="Actions")
    expect(actions).to_contain_text("Proposed solution")
    expect(actions).to_contain_text(SOLUTION)
    expect(actions.get_by_role("button", name="Accept solution")).to_be_visible()
    shot(page, "solution-proposed", widths=BOTH_WIDTHS)

    actions.get_by_label("Note").fill(WHY)
    actions.get_by_role("button", name="Reject solution").click()

    expect(page.get_by_role("status").first).to_contain_text(
        "Solution rejected. The case is now Open."
    )
    expect(current_step(page)).to_contain_text("Open")
    rejection = (
        page.get_by_role("region", name="Conversation")
        .get_by_role("listitem")
        .filter(has_text="Reject solution")
    )
    expect(rejection).to_contain_text(WHY)


def test_a_closed_case_offers_its_follow_up(page, shot, customer, case_in):
    case = case_in("technical_support", "closed", subject="VPN drops every hour")

    sign_in(page, customer)
    page.goto(f"/portal/cases/{case.reference}/")

    expect(page.get_by_role("region", name="What happens next")).to_contain_text("Closed:")
    expect(page.get_by_role("button", name="Open a repeat case")).to_be_visible()
    shot(page, "closed", widths=BOTH_WIDTHS)


def test_an_agent_switches_the_reply_box_to_an_internal_note(page, shot, agent, case_in):
    case_in("technical_support", "work_in_progress", subject="Scanner is slow")
    case_in("support_center", "in_progress", subject="Calendar sync duplicates")

    sign_in(page, agent)
    expect(page.get_by_role("link", name="Scanner is slow")).to_be_visible()
    shot(page, "list", widths=BOTH_WIDTHS)

    page.get_by_role("link", name="Scanner is slow").click()
    shot(page, "case-page", widths=BOTH_WIDTHS)

    reply = page.get_by_role("region", name="Reply")
    reply.get_by_role("textbox", name="Reply", exact=True).fill("Checked the scanner logs.")
    expect(reply.get_by_text("The customer sees this reply and gets it by email.")).to_be_visible()
    expect(reply.get_by_text("Only agents and managers see this note.")).to_be_hidden()
    reply.scroll_into_view_if_needed()
    shot(page, "reply-to-the-customer", widths=BOTH_WIDTHS)

    reply.get_by_role("checkbox", name="Internal note").check()
    expect(reply.get_by_text("Only agents and managers see this note.")).to_be_visible()
    expect(reply.get_by_text("The customer sees this reply and gets it by email.")).to_be_hidden()
    shot(page, "internal-note", widths=BOTH_WIDTHS)

    reply.get_by_role("button", name="Send").click()
    note = (
        page.get_by_role("region", name="Conversation")
        .get_by_role("listitem")
        .filter(has_text="Checked the scanner logs.")
    )
    expect(note).to_contain_text("Internal note")


def test_a_reply_crossed_by_a_colleagues_answer_is_shown_it_before_it_is_sent(
    page, shot, agent, other_agent, case_in
):
    case = case_in("technical_support", "work_in_progress", subject="Monitor flickers")

    sign_in(page, agent)
    page.goto(f"/agent/cases/{case.reference}/")
    page.get_by_role("textbox", name="Reply", exact=True).fill("Please try another cable.")
    comment_post(case_id=case.pk, actor=other_agent, body="Replaced the monitor under warranty.")
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("alert")).to_contain_text("New messages reached this case")
    crossing = (
        page.get_by_role("region", name="Conversation")
        .get_by_role("listitem")
        .filter(has_text="Replaced the monitor under warranty.")
    )
    expect(crossing).to_contain_text("New since you opened the page")
    expect(page.get_by_role("textbox", name="Reply", exact=True)).to_have_value(
        "Please try another cable."
    )
    assert not Comment.objects.filter(body="Please try another cable.").exists()
    shot(page, "held", widths=BOTH_WIDTHS)

    page.get_by_role("button", name="Send anyway").click()

    expect(page.get_by_role("status").first).to_contain_text("Your reply was sent.")
    assert Comment.objects.filter(body="Please try another cable.").exists()
