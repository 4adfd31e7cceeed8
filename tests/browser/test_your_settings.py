"""Journey: a customer opens Your settings from the account menu, chooses their time zone, saves
it, and reads times in it; a missing page is the product's 404 page. axe finds no
serious or critical violation on either, at a desktop's and a phone's width."""

import re

from playwright.sync_api import expect

from tests.browser.browsing import BOTH_WIDTHS, PHONE, axe_check, no_sideways_scroll, sign_in


def test_a_customer_chooses_their_time_zone(page, shot, customer):
    sign_in(page, customer)

    page.locator("summary.menu__toggle").click()
    shot(page, "account-menu")
    page.get_by_role("link", name="Your settings").click()
    expect(page.get_by_role("heading", name="Your settings")).to_be_visible()
    axe_check(page)
    shot(page, "your-settings", widths=BOTH_WIDTHS)

    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Your settings are saved. Times are now shown in Europe/Berlin"
    )
    expect(page.get_by_text(re.compile(r"Your time now: .* (CET|CEST)\."))).to_be_visible()
    axe_check(page)
    shot(page, "saved", widths=BOTH_WIDTHS)
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)


def test_a_missing_page_is_the_products_404(page, shot, customer):
    sign_in(page, customer)

    response = page.goto("/portal/cases/CS-999999/")

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    axe_check(page)
    shot(page, "not-found", widths=BOTH_WIDTHS)
    page.get_by_role("link", name="Go to your home page").click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
