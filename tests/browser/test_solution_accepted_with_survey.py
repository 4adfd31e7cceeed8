"""Journey: a customer opens a case with an attachment, support answers, the customer reads the
answer, accepts the solution and sends the satisfaction survey."""

import re

from playwright.sync_api import expect

from cases.models import Case
from tests.browser.browsing import BOTH_WIDTHS, sign_in
from tests.workflows.walking import walk_to
from workflows.transitions import perform_transition

ANSWER = "Reset the router, then **sign in again**."
REFERENCE = re.compile(r"[A-Z]+-\d+")


def test_a_customer_opens_a_case_accepts_the_answer_and_rates_it(
    page, shot, customer, cast, queues
):
    sign_in(page, customer)
    expect(page.get_by_role("heading", level=1, name="My cases")).to_be_visible()
    shot(page, "my-cases-empty", widths=BOTH_WIDTHS)

    page.get_by_role("link", name="New case").click()
    page.get_by_label("Queue").select_option(label="Customer service")
    page.get_by_label("Subject").fill("Cannot sign in to the billing site")
    page.get_by_label("Description").fill("Since Monday the sign-in page *reloads* forever.")
    page.get_by_label("Attachments").set_input_files(
        [{"name": "browser.log", "mimeType": "text/plain", "buffer": b"GET /login 302\n"}]
    )
    shot(page, "new-case-filled", widths=BOTH_WIDTHS)
    page.get_by_role("button", name="Create case").click()

    created = page.get_by_role("status")
    expect(created).to_contain_text("was created")
    reference = REFERENCE.search(created.inner_text()).group()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Cannot sign in to the billing site"
    )
    conversation = page.get_by_role("region", name="Conversation")
    expect(conversation.get_by_role("link", name="browser.log")).to_be_visible()
    shot(page, "case-created", widths=BOTH_WIDTHS)

    case = walk_to(Case.objects.get(reference=reference), "open", cast)
    perform_transition(
        case_id=case.pk, name="propose_solution", actor=cast["agent"], close_notes=ANSWER
    )

    page.get_by_role("banner").get_by_role("link", name="My cases").click()
    updates = page.get_by_role("banner").get_by_role("link", name=re.compile("^Updates"))
    expect(updates).to_have_accessible_name(re.compile(r"\b[1-9]\d* unread"))
    updates.click()
    shot(page, "updates", widths=BOTH_WIDTHS)
    # Newest first: the update about the answer.
    page.get_by_role("main").get_by_role("link", name=re.compile(reference)).first.click()
    expect(conversation).to_contain_text("Reset the router, then sign in again.")
    expect(conversation.locator("strong", has_text="sign in again")).to_be_visible()
    expect(conversation).to_contain_text("Agnes Weber")
    shot(page, "answer-in-conversation", widths=BOTH_WIDTHS)

    page.get_by_role("region", name="Actions").get_by_role("button", name="Accept solution").click()
    expect(page.get_by_role("status")).to_be_visible()
    survey = page.get_by_role("region", name="Satisfaction survey")
    shot(page, "survey-offered", widths=BOTH_WIDTHS)

    survey.get_by_role("group", name="Rating").get_by_label("5 — Very satisfied").check()
    survey.get_by_label("Comment").fill("Quick and clear, thank you.")
    survey.get_by_role("button", name="Send feedback").click()

    expect(survey).to_contain_text("Thank you for your feedback")
    expect(survey).to_contain_text("You rated this case 5 out of 5.")
    expect(page.get_by_role("region", name="Actions")).to_have_count(0)
    shot(page, "survey-thanks", widths=BOTH_WIDTHS)
    # spec/ui.md: the unread count is in the link's name, e.g. "Updates (3 unread)".
    expect(updates).to_have_accessible_name("Updates (0 unread)")
