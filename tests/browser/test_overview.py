"""Journey: an agent lead opens the Overview with a month of cases behind it, reads the charts at
1440 px and on a phone, in light and dark, unfolds the numbers; and a fresh install shows an
empty state in each section. No axe violation, no sideways scroll, the table found by its name."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case, Survey
from tests.browser.browsing import (
    BOTH_WIDTHS,
    DESKTOP,
    at_phone_width,
    axe_violations,
    sideways_scroll,
    sign_in,
)
from tests.factories import QueueFactory

URL = "/agent/overview/"
SECTIONS = (
    "Open cases by status",
    "Created vs closed per day, last 30 days",
    "First response, last 30 days",
    "Age of the open backlog",
    "Satisfaction, last 30 days",
)
LONG_QUEUE = "Enterprise accounts with a dedicated success manager and premium support"


def stamp(case, **fields):
    Case.objects.filter(pk=case.pk).update(**fields)


@pytest.fixture
def month(case_in, make_case, queues, customer):
    """A month of a small support team: open cases in several statuses and queues (one with a
    long name), cases created and closed over the days, answered early or late, and surveys."""
    now = timezone.now()
    queues["long"] = QueueFactory(name=LONG_QUEUE, workflow="support_center")
    for workflow, status, count in (
        ("technical_support", None, 3),
        ("technical_support", "work_in_progress", 4),
        ("technical_support", "pending_customer", 2),
        ("support_center", "pending", 2),
        ("support_center", "in_progress", 1),
        ("customer_service", "awaiting_info", 2),
        ("release_tracking", "investigation_underway", 1),
    ):
        for _ in range(count):
            case_in(workflow, status)
    for index in range(24):
        # make_case takes the queue by key: "long" is the long-named support_center queue.
        key = ("technical_support", "support_center", "customer_service", "long")[index % 4]
        created_at = now - timedelta(days=(index * 7) % 36, hours=index)
        case = make_case(key, now=created_at)
        stamp(
            case,
            first_responded_at=created_at + timedelta(minutes=20 + 37 * index)
            if index % 5
            else None,
            closed_at=created_at + timedelta(days=2)
            if index % 3 == 0 and created_at < now - timedelta(days=2)
            else None,
        )
    for rating in (5, 5, 4, 4, 4, 3, 1):
        case = case_in("customer_service", "resolved")
        Survey.objects.create(case=case, respondent=customer, rating=rating)


def test_the_overview_reads_at_a_glance_on_a_desk_and_a_phone(page, shot, agent, month):
    sign_in(page, agent)
    page.goto(URL)
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    for name in SECTIONS:
        expect(page.get_by_role("region", name=name)).to_be_visible()
    table = page.get_by_role("table", name="Open cases by status")
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader")).to_have_text(["Queue", "Status", "Cases"])
    expect(table.get_by_role("row").filter(has_text="Work in Progress")).to_contain_text("4")
    expect(page.get_by_role("img", name="Cases created and closed per day")).to_be_visible()
    problems = axe_violations(page)
    shot(page, "overview", widths=BOTH_WIDTHS)

    at_phone_width(page)
    problems += axe_violations(page) + sideways_scroll(page)
    for summary in page.locator("summary", has_text="Show the numbers").all():
        summary.click()
    expect(page.get_by_role("table", name="Cases created and closed per day")).to_be_visible()
    problems += axe_violations(page) + sideways_scroll(page)
    shot(page, "numbers-open", widths=BOTH_WIDTHS)

    page.emulate_media(color_scheme="dark")
    page.set_viewport_size(DESKTOP)
    problems += axe_violations(page)
    shot(page, "dark", widths=BOTH_WIDTHS)
    assert not problems, "\n".join(problems)


def test_a_fresh_install_shows_an_empty_state_in_every_section(page, shot, agent):
    sign_in(page, agent)
    page.goto(URL)
    for name in SECTIONS:
        expect(page.get_by_role("region", name=name).locator(".empty")).to_be_visible()
    problems = axe_violations(page)
    at_phone_width(page)
    problems += sideways_scroll(page)
    shot(page, "empty", widths=BOTH_WIDTHS)
    assert not problems, "\n".join(problems)
