"""Tours of the pages: every page a person meets, in each state worth checking, visited one after
another the way a person gets there. Each tour yields a short name once a page is shown, so that
a test checks whatever it checks on each (axe, sideways scrolling) and takes its screenshot."""

import re
from collections.abc import Iterator, Mapping

from playwright.sync_api import Page, expect

from cases.models import Case, User
from tests.browser.browsing import PASSWORD, sign_in

MY_CASES_TABS = ("Open", "Waiting on you", "Closed", "All")


def account_pages(page: Page, user: User) -> Iterator[str]:
    """The sign-in and password pages, signed out then signed in as `user`, with their errors."""
    page.goto("/accounts/login/")
    yield "sign-in"
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    yield "sign-in-refused"
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_label("Email")).to_be_visible()
    yield "password-reset"
    sign_in(page, user)
    page.goto("/accounts/password_change/")
    yield "password-change"
    page.get_by_label("Old password").fill(f"not-{PASSWORD}")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password confirmation").fill("shorter")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_label("Old password")).to_have_attribute("aria-invalid", "true")
    yield "password-change-errors"


def portal_pages(page: Page, customer: User, cases: Mapping[str, Case]) -> Iterator[str]:
    """Every portal page as `customer` (who signs in first): My cases on each tab and with a
    search that finds nothing, New case sent empty, Updates (before the case pages, which mark
    their updates read), and each of `cases`' pages (their names become the step names) with
    what it offers opened or sent empty: the Close confirmation, the reply (once), the survey,
    the follow-up form."""
    sign_in(page, customer)
    tabs = page.get_by_role("navigation", name="Which cases")
    for tab in MY_CASES_TABS:
        tabs.get_by_role("link", name=tab, exact=True).click()
        expect(tabs.get_by_role("link", name=tab, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        yield f"my-cases-{_slug(tab)}"
    page.get_by_label("Search").fill("no case has these words")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()
    yield "my-cases-nothing-found"

    page.get_by_role("link", name="New case").click()
    page.get_by_role("button", name="Create case").click()
    expect(page.get_by_label("Subject")).to_have_attribute("aria-invalid", "true")
    yield "new-case-errors"

    page.get_by_role("link", name=re.compile(r"^Updates")).click()
    expect(page.get_by_role("heading", level=1, name="Updates")).to_be_visible()
    yield "updates"

    reply_sent_empty = False
    for name, case in cases.items():
        page.goto(f"/portal/cases/{case.reference}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(case.subject)
        yield f"case-{name}"
        close = page.get_by_role("region", name="Actions").get_by_role(
            "button", name="Close", exact=True
        )
        if close.count():
            close.click()
            dialog = page.get_by_role("dialog", name="Close?")
            expect(dialog).to_be_visible()
            yield f"case-{name}-close-dialog"
            page.keyboard.press("Escape")
            expect(dialog).to_be_hidden()
        reply = page.get_by_role("region", name="Reply")
        if reply.count() and not reply_sent_empty:
            reply.get_by_role("button", name="Send").click()
            expect(reply.get_by_label("Reply")).to_have_attribute("aria-invalid", "true")
            reply_sent_empty = True
            yield f"case-{name}-reply-errors"
        survey = page.get_by_role("region", name="Satisfaction survey")
        if survey.get_by_role("button", name="Send feedback").count():
            survey.get_by_role("button", name="Send feedback").click()
            expect(survey).to_contain_text("Choose a rating")
            yield f"case-{name}-survey-errors"
        follow_up = page.get_by_role("region", name="Follow-up").get_by_role("link")
        if follow_up.count():
            follow_up.click()
            expect(page.get_by_label("Subject")).to_have_value(f"Repeat of {case.reference}")
            yield f"case-{name}-follow-up-form"


def _slug(text: str) -> str:
    return re.sub(r"\W+", "-", text.lower()).strip("-")
