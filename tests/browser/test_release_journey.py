"""Journey: an agent creates a release in a release tracking queue, adds the two cases that are
done awaiting release, and delivers it after confirming "Yes, deliver release"; both cases move
to Release Delivered at once and the release becomes read-only."""

from playwright.sync_api import Page, expect

from cases.models import Release
from tests.browser.browsing import (
    BOTH_WIDTHS,
    DESKTOP,
    at_phone_width,
    axe_violations,
    sideways_scroll,
    sign_in,
)
from tests.workflows.walking import reload

NAME = "2026.12.1"


def _checked_at_both_widths(page: Page) -> list[str]:
    """axe and sideways scrolling at a desktop's and at a phone's width."""
    problems = axe_violations(page)
    at_phone_width(page)
    problems += axe_violations(page) + sideways_scroll(page)
    page.set_viewport_size(DESKTOP)
    return problems


def test_an_agent_creates_fills_and_delivers_a_release(page, shot, agent, case_in, queues):
    first = case_in(
        "release_tracking",
        "done_awaiting_release",
        subject="Export to CSV drops the last row when the file is larger than 10 MB",
    )
    second = case_in("release_tracking", "done_awaiting_release", subject="Dark mode login page")
    case_in("release_tracking", "testing_and_verification", subject="Still in testing")
    problems: list[str] = []

    sign_in(page, agent)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Releases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Releases")
    expect(page.get_by_text("No releases yet")).to_be_visible()
    problems += _checked_at_both_widths(page)
    shot(page, "releases-empty", widths=BOTH_WIDTHS)

    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Queue").select_option(label="Release tracking")
    page.get_by_role("button", name="Create release").click()
    expect(page.get_by_role("status")).to_contain_text(f"“{NAME}” was created")
    expect(page.get_by_role("heading", level=1)).to_contain_text(NAME)
    shot(page, "release-created", widths=BOTH_WIDTHS)

    add_case = page.get_by_label("Add case")
    expect(add_case.locator("option")).to_have_count(3)  # "Choose a case" and the two ready
    for case in (first, second):
        page.get_by_label("Add case").select_option(value=str(case.pk))
        page.get_by_role("button", name="Add to release").click()
        expect(page.get_by_role("status")).to_contain_text("was added")
    cases = page.get_by_role("region", name="Cases in this release")
    for case in (first, second):
        row = cases.get_by_role("row").filter(has=page.get_by_role("link", name=case.reference))
        expect(row).to_contain_text("Done Awaiting Release")
    expect(page.get_by_label("Add case").locator("option")).to_have_count(1)
    problems += _checked_at_both_widths(page)
    shot(page, "two-cases-added", widths=BOTH_WIDTHS)

    release = Release.objects.get(name=NAME)
    page.wait_for_url(f"**/agent/releases/{release.pk}/")
    page.get_by_role("button", name="Deliver release").click()
    dialog = page.get_by_role("dialog", name=f"Deliver release {NAME}?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Its 2 cases move to Release Delivered")
    shot(page, "deliver-dialog", widths=BOTH_WIDTHS)
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert [reload(case).status for case in (first, second)] == ["done_awaiting_release"] * 2

    page.get_by_role("button", name="Deliver release").click()
    dialog.get_by_role("button", name="Yes, deliver release").click()

    expect(page.get_by_role("status")).to_contain_text("2 cases are now Release Delivered")
    for case in (first, second):
        row = cases.get_by_role("row").filter(has=page.get_by_role("link", name=case.reference))
        expect(row).to_contain_text("Release Delivered")
    assert [reload(case).status for case in (first, second)] == ["release_delivered"] * 2
    release.refresh_from_db()
    assert release.delivered_by == agent
    expect(page.get_by_role("note")).to_contain_text("Delivered by Agnes Weber")
    expect(page.get_by_role("button", name="Deliver release")).to_have_count(0)
    expect(page.get_by_role("button", name="Add to release")).to_have_count(0)
    problems += _checked_at_both_widths(page)
    shot(page, "delivered", widths=BOTH_WIDTHS)

    page.get_by_role("link", name="All releases").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=NAME))
    expect(row).to_contain_text("Delivered")
    expect(row).to_contain_text("by Agnes Weber")
    expect(row.get_by_role("cell").nth(1)).to_have_text("2")
    problems += _checked_at_both_widths(page)
    shot(page, "releases-list", widths=BOTH_WIDTHS)

    assert not problems, "\n".join(problems)
