"""Journey: an automated axe check finds no serious or critical violation on any page a customer
meets (each tab of My cases, New case with its errors, the case page in every state, a
confirmation open, Updates, the sign-in and password pages), at a desktop's and a phone's width.
Each test lists every violation of its tour at once, page by page."""

import pytest

from tests.browser.browsing import DESKTOP, PHONE, axe_violations
from tests.browser.tour import account_pages, portal_pages

WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=lambda size: str(size["width"]))


@WIDTHS
def test_the_sign_in_and_password_pages_pass_axe(page, shot, customer, viewport):
    page.set_viewport_size(viewport)
    violations = []
    for step in account_pages(page, customer):
        violations += axe_violations(page)
        shot(page, step)
    assert not violations, "\n".join(violations)


@WIDTHS
def test_every_portal_page_passes_axe(page, shot, customer, portal_scene, viewport):
    page.set_viewport_size(viewport)
    violations = []
    for step in portal_pages(page, customer, portal_scene):
        violations += axe_violations(page)
        shot(page, step)
    assert not violations, "\n".join(violations)
