"""Journey: from a closed case, a customer opens its follow-up (a repeat or a clone): the New
case form comes prefilled, and the new case links back to the old one."""

import pytest
from playwright.sync_api import expect

from tests.browser.browsing import BOTH_WIDTHS, sign_in


@pytest.mark.parametrize(
    ("workflow", "follow_up"),
    [("technical_support", "Open a repeat case"), ("support_center", "Clone case")],
)
def test_a_customer_opens_a_follow_up_that_links_back(
    page, shot, customer, case_in, queues, workflow, follow_up
):
    old = case_in(workflow, "closed", subject="VPN drops every hour")

    sign_in(page, customer)
    page.get_by_role("navigation", name="Which cases").get_by_role(
        "link", name="Closed", exact=True
    ).click()
    page.get_by_role("link", name="VPN drops every hour").click()
    follow_up_region = page.get_by_role("region", name="Follow-up")
    shot(page, "closed-case", widths=BOTH_WIDTHS)
    follow_up_region.get_by_role("button", name=follow_up).click()

    expect(page.get_by_role("heading", level=1, name="New case")).to_be_visible()
    expect(page.get_by_label("Subject")).to_have_value(f"Repeat of {old.reference}")
    expect(page.get_by_label("Queue")).to_have_value(str(queues[workflow].pk))
    page.get_by_label("Description").fill("It is back since this morning's update.")
    shot(page, "follow-up-form", widths=BOTH_WIDTHS)
    page.get_by_role("button", name="Create case").click()

    expect(page.get_by_role("status")).to_contain_text("was created")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Repeat of {old.reference}")
    shot(page, "follow-up-created", widths=BOTH_WIDTHS)
    page.get_by_role("link", name=old.reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("VPN drops every hour")
