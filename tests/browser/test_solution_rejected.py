"""Journey: a customer rejects a proposed solution with a note; the case goes back to support and
the page shows the change and the note."""

from playwright.sync_api import expect

from tests.browser.browsing import BOTH_WIDTHS, current_step, sign_in
from workflows.transitions import perform_transition

SOLUTION = "Update the printer driver to version 4.2."
REASON = "Still jams after the update, on page 2 of every job."


def test_a_customer_rejects_a_solution_with_a_note_and_the_history_shows_it(
    page, shot, customer, cast, case_in
):
    case = case_in("technical_support", "work_in_progress", subject="Printer jams on page 2")
    perform_transition(case_id=case.pk, name="propose_solution", actor=cast["agent"], note=SOLUTION)

    sign_in(page, customer)
    page.get_by_role("navigation", name="Which cases").get_by_role(
        "link", name="Waiting on you", exact=True
    ).click()
    page.get_by_role("link", name="Printer jams on page 2").click()
    expect(page.get_by_role("region", name="Conversation")).to_contain_text(SOLUTION)
    actions = page.get_by_role("region", name="Actions")
    actions.get_by_label("Note").fill(REASON)
    shot(page, "solution-proposed-note-typed", widths=BOTH_WIDTHS)

    actions.get_by_role("button", name="Reject solution").click()

    expect(page.get_by_role("status")).to_be_visible()
    expect(current_step(page)).to_contain_text("Work in Progress")
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("Solution Proposed → Work in Progress")
    expect(history).to_contain_text("Alice Martin")
    rejection = (
        page.get_by_role("region", name="Conversation")
        .get_by_role("listitem")
        .filter(has_text="Reject solution")
    )
    expect(rejection).to_contain_text(REASON)
    expect(rejection).to_contain_text("Alice Martin")
    shot(page, "solution-rejected", widths=BOTH_WIDTHS)
