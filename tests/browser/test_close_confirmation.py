"""Journey: Close asks for confirmation in a <dialog>, and nothing changes until "Yes, close" is
pressed."""

from playwright.sync_api import expect

from tests.browser.browsing import BOTH_WIDTHS, current_step, sign_in
from tests.workflows.walking import reload

NOTE = "Found the loose cable myself, thanks."


def test_close_asks_in_a_dialog_and_changes_nothing_until_yes(page, shot, customer, case_in):
    case = case_in("technical_support", "work_in_progress", subject="Monitor flickers")

    sign_in(page, customer)
    page.get_by_role("link", name="Monitor flickers").click()
    # Until the page has loaded, static/js/app.js has not run and Close would post at once.
    page.wait_for_url(f"**/portal/cases/{case.reference}/")
    actions = page.get_by_role("region", name="Actions")
    actions.get_by_label("Note").fill(NOTE)
    actions.get_by_role("button", name="Close", exact=True).click()

    dialog = page.get_by_role("dialog", name="Close?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Yes, close")).to_be_visible()
    shot(page, "close-dialog-open", widths=BOTH_WIDTHS)

    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    actions.get_by_role("button", name="Close", exact=True).click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert reload(case).status == "work_in_progress"
    page.reload()
    expect(current_step(page)).to_contain_text("Work in Progress")
    expect(page.get_by_role("region", name="History")).not_to_contain_text("Closed")

    actions.get_by_label("Note").fill(NOTE)
    actions.get_by_role("button", name="Close", exact=True).click()
    dialog.get_by_role("button", name="Yes, close").click()

    expect(page.get_by_role("status")).to_be_visible()
    expect(current_step(page)).to_contain_text("Closed")
    expect(page.get_by_role("region", name="History")).to_contain_text("Work in Progress → Closed")
    expect(page.get_by_role("region", name="Conversation")).to_contain_text(NOTE)
    assert reload(case).status == "closed"
    shot(page, "closed", widths=BOTH_WIDTHS)
