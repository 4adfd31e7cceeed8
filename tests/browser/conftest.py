"""The browser tests' machinery: Debian's Chromium driven by Playwright against pytest-django's
live server, a fresh browser context per test, users who sign in with a known password,
screenshots per step, and a test that fails when its pages logged a console error, broke the
Content-Security-Policy or opened a JavaScript dialog.

One Chromium per xdist worker, started by the first browser test and kept while browser tests
follow one another. Playwright's sync API keeps an asyncio event loop running in the main thread
while it is alive, which breaks everything else that runs there: `asyncio.run()`, another
`sync_playwright()` (tests/security/test_csp_in_browser.py), and Django's ORM, refused in a
running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set. So the browser is stopped, and that
variable restored, before a worker runs any test that is not a browser test.
"""

import itertools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    Error,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

from cases.models import Case, User
from services.conversation import comment_post
from services.surveys import survey_submit
from tests.browser.browsing import DESKTOP, PASSWORD, PHONE
from tests.factories import AgentFactory, CustomerFactory, QueueFactory
from tests.workflows.walking import walk_to
from workflows.registry import WORKFLOWS
from workflows.transitions import perform_transition

HERE = Path(__file__).parent

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
MISSING_CHROMIUM = "Browser tests need Debian's chromium: apt-get install chromium (CI installs it)"
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
# Generous waits: CI runs two workers on two cores, and several suites share this machine.
TIMEOUT_MS = 15_000
PROBLEMS = pytest.StashKey[list[str]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


class Chromium:
    """The worker's one browser, started on first use."""

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._async_unsafe: str | None = None

    def get(self) -> Browser:
        if self._browser is None:
            self._async_unsafe = os.environ.get(ASYNC_UNSAFE)
            os.environ[ASYNC_UNSAFE] = "true"
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
        return self._browser

    def stop(self) -> None:
        if self._playwright is None:
            return
        try:
            if self._browser is not None:
                self._browser.close()
            self._playwright.stop()
        finally:
            self._playwright = self._browser = None
            if self._async_unsafe is None:
                os.environ.pop(ASYNC_UNSAFE, None)
            else:
                os.environ[ASYNC_UNSAFE] = self._async_unsafe


chromium = Chromium()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    try:
        return (yield)
    finally:
        if nextitem is None or nextitem.get_closest_marker("browser") is None:
            chromium.stop()


def pytest_sessionfinish(session: pytest.Session) -> None:
    chromium.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A test whose pages logged a console error, broke the CSP, threw or opened a JavaScript
    dialog fails, even when its own assertions held."""
    try:
        result = yield
    except BaseException:
        # The test failed on its own: its report also shows what the pages said.
        if problems := item.stash.get(PROBLEMS, []):
            item.add_report_section("call", "page problems", "\n".join(problems))
        raise
    if problems := item.stash.get(PROBLEMS, []):
        pytest.fail("The pages reported problems:\n" + "\n".join(f"- {p}" for p in problems))
    return result


@pytest.fixture
def browser() -> Browser:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI: {MISSING_CHROMIUM}")
        pytest.skip(MISSING_CHROMIUM)
    return chromium.get()


@pytest.fixture
def page(browser: Browser, live_server, transactional_db, request) -> Iterator[Page]:
    """A new page in a new browser context (no cookies), 1440x900, whose relative URLs go to the
    live server."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    request.node.stash[PROBLEMS] = problems

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not _status_of_the_page_itself(message, page):
            problems.append(f"console error on {page.url}: {message.text}")

    def on_page_error(error: Error) -> None:
        problems.append(f"script error on {page.url}: {error}")

    def on_dialog(dialog: Dialog) -> None:
        problems.append(f"a JavaScript {dialog.type}() opened on {page.url}: {dialog.message!r}")
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("dialog", on_dialog)
    try:
        yield page
    finally:
        context.close()


def _status_of_the_page_itself(message: ConsoleMessage, page: Page) -> bool:
    """Chromium logs an error for a page answered with 4xx, e.g. a form sent back with its
    errors (400): the status is the page's to choose, not a problem of the page. A missing
    stylesheet, script or image still counts."""
    return message.text.startswith("Failed to load resource") and (
        message.location.get("url") == page.url
    )


def _screenshot_root() -> Path:
    configured = os.environ.get("HELPDESK_SCREENSHOTS")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "screenshots"


@pytest.fixture
def shot(request) -> Callable[..., None]:
    """`shot(page, "my-cases")` saves the whole page as `NN-my-cases-<width>.png` in a folder of
    this test's own under the screenshots folder; `widths=(1440, 375)` takes one per width and
    comes back to the page's width."""
    name = re.sub(r"[^\w.-]+", "-", request.node.nodeid.split("/")[-1].replace(".py::", "."))
    folder = _screenshot_root() / name.strip("-")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    steps = itertools.count(1)

    def take(page: Page, step: str, *, widths: tuple[int, ...] = ()) -> None:
        number = next(steps)
        size = page.viewport_size or DESKTOP
        for width in widths or (size["width"],):
            page.set_viewport_size(_viewport(width, size))
            page.screenshot(path=folder / f"{number:02d}-{step}-{width}.png", full_page=True)
        page.set_viewport_size(size)

    return take


def _viewport(width: int, current: ViewportSize) -> ViewportSize:
    if width == PHONE["width"]:
        return PHONE
    return ViewportSize(width=width, height=current["height"])


def demo_user(factory, **fields) -> User:
    """A user like the demo's: a full name and a password that passes the validators."""
    user = factory(**fields)
    validate_password(PASSWORD, user)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def customer(org_a) -> User:
    return demo_user(
        CustomerFactory,
        username="alice",
        first_name="Alice",
        last_name="Martin",
        organization=org_a,
    )


@pytest.fixture
def agent(db) -> User:
    return demo_user(AgentFactory, username="agnes", first_name="Agnes", last_name="Weber")


@pytest.fixture
def queues(db):
    """A queue per workflow, named as a support team would name it."""
    return {
        key: QueueFactory(name=key.replace("_", " ").capitalize(), workflow=key)
        for key in WORKFLOWS
    }


@pytest.fixture
def case_in(make_case, cast):
    """`case_in(workflow, status, **fields)`: a case of Alice's, walked to `status` through the
    services."""

    def make(workflow="technical_support", status=None, **fields):
        case = make_case(workflow, **fields)
        return walk_to(case, status, cast) if status else case

    return make


@pytest.fixture
def portal_scene(case_in, cast, customer) -> dict[str, Case]:
    """One of Alice's cases in each state her case page draws differently, and a conversation
    with a file, so that a tour of the portal (tests/browser/tour.py) meets every part."""
    agent = cast["agent"]
    on_support = case_in("technical_support", "work_in_progress", subject="Printer jams")
    comment_post(
        case_id=on_support.pk,
        actor=customer,
        body="It happens with **every** job.",
        files=[SimpleUploadedFile("printer-status.txt", b"jam at tray 2")],
    )
    comment_post(case_id=on_support.pk, actor=agent, body="We are looking at the logs.")
    on_customer = case_in("technical_support", "work_in_progress", subject="Scanner is slow")
    perform_transition(
        case_id=on_customer.pk, name="propose_solution", actor=agent, note="Use 300 dpi."
    )
    survey_offered = case_in("customer_service", "resolved", subject="Refund for order 1042")
    perform_transition(case_id=survey_offered.pk, name="accept_solution", actor=customer)
    survey_answered = case_in("customer_service", "resolved", subject="Wrong invoice address")
    perform_transition(case_id=survey_answered.pk, name="accept_solution", actor=customer)
    survey_submit(case_id=survey_answered.pk, actor=customer, rating=4, comment="Quick help.")
    closed = case_in("technical_support", "closed", subject="VPN drops every hour")
    return {
        "waiting-on-support": on_support,
        "waiting-on-you": on_customer,
        "survey-offered": survey_offered,
        "survey-answered": survey_answered,
        "closed": closed,
    }
