"""In a real browser (headless Chromium), the pages that are not ours, the API docs and the Django
admin, work under the strict CSP: the browser reports no violation and no script error.

Skipped locally without Chromium; a failure in CI."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, sync_playwright

from cases.models import User
from tests.factories import CustomerFactory, ManagerFactory

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "secret-pass-123"  # what tests.factories gives every user


@pytest.fixture(autouse=True)
def _needs_chromium():
    if not CHROMIUM.exists():
        message = f"needs Chromium at {CHROMIUM}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI: {message}")
        pytest.skip(message)


@contextmanager
def browser_page(problems: list[str]) -> Iterator[Page]:
    """A page whose CSP violations, console errors and script errors land in `problems`.
    (Entered after the test's database writes: Django refuses ORM calls while Playwright's event
    loop runs in the thread.)"""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                problems.append(message.text)

        def on_page_error(error: Error) -> None:
            problems.append(f"script error: {error}")

        page = browser.new_page()
        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        try:
            yield page
        finally:
            browser.close()


def csp_problems(problems: list[str]) -> list[str]:
    # A missing favicon is a console error too, and no business of the CSP's.
    return [problem for problem in problems if "404" not in problem]


def test_the_api_docs_render_without_a_csp_violation(live_server, transactional_db):
    problems: list[str] = []
    with browser_page(problems) as page:
        page.goto(f"{live_server.url}/api/docs/")
        page.wait_for_load_state("networkidle")
        page.locator(".opblock-summary").first.click()
        page.get_by_role("button", name="Try it out").first.click()
        operations = page.locator(".opblock").count()

    assert operations > 10
    assert csp_problems(problems) == []


def test_the_admin_works_without_a_csp_violation(live_server, transactional_db):
    ManagerFactory(username="root", is_staff=True, is_superuser=True)
    CustomerFactory(username="alice")
    alice = User.objects.values_list("pk", flat=True).get(username="alice")
    problems: list[str] = []
    with browser_page(problems) as page:
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "root")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        for path in [
            "/admin/cases/case/",
            "/admin/cases/user/",
            "/admin/cases/user/add/",
            f"/admin/cases/user/{alice}/change/",
        ]:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
        page.goto(f"{live_server.url}/admin/cases/user/?q=alice")
        page.get_by_role("link", name="alice").click()
        heading = page.get_by_role("heading", level=2).first.text_content()

    assert heading == "alice"
    assert csp_problems(problems) == []
