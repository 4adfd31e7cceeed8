"""The managers' admin as a manager new to the product meets it, at 1440 px: the index grouped by
their work, a person's page, a queue with its own workflow's timers in days and hours, and a case
with its conversation and history. The screenshots are what a reviewer looks at."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from django.core import mail
from playwright.sync_api import Page, expect

from cases.models import User
from services.conversation import comment_post
from tests.browser.browsing import BLOCKING_IMPACTS, PASSWORD
from tests.browser.conftest import demo_user
from tests.factories import ManagerFactory

TECHNICAL_WORDS = ("Axes", "Auth Token", "Solar", "Clocked", "Groups", "Django administration")
_axe = Axe()


def axe_violations(page: Page) -> list[str]:
    """axe's serious and critical violations (as `browsing.axe_violations`), without its CSS
    preloading: axe copies a stylesheet that @imports another (the admin's forms.css) into an
    inline <style>, which the CSP refuses, and the harness reports that as the page's error."""
    results = _axe.run(page, options={"resultTypes": ["violations"], "preload": False})
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']}: "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


@pytest.fixture
def lead(db) -> User:
    """A manager who is neither staff nor superuser, as most managers are."""
    return demo_user(ManagerFactory, username="mona", first_name="Mona", last_name="Lindqvist")


def admin_sign_in(page: Page, user: User) -> None:
    page.goto("/admin/login/")
    expect(page).to_have_title("Log in | Helpdesk")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Run the helpdesk")).to_be_visible()


def test_the_index_is_grouped_by_the_managers_work(page, shot, lead):
    admin_sign_in(page, lead)

    main = page.locator("#content-main")
    for group in (
        "Cases",
        "People and organizations",
        "Queues",
        "Releases",
        "Saved replies",
        "Notifications",
        "The schedule",
    ):
        expect(main.get_by_role("heading", name=group, exact=True)).to_be_visible()
    expect(page.locator("#site-name")).to_have_text("Helpdesk")
    body = page.locator("body").inner_text()
    assert not [word for word in TECHNICAL_WORDS if word in body]
    shot(page, "index")
    assert axe_violations(page) == []


def test_a_person_page_holds_who_they_are_their_role_and_a_reset_link(
    page, shot, lead, customer, org_a
):
    admin_sign_in(page, lead)
    page.locator("#content-main").get_by_role("link", name="People", exact=True).click()
    expect(page.locator("#result_list")).to_contain_text("Org A")
    shot(page, "people")
    page.get_by_role("link", name="Alice Martin").click()

    for label in ("First name", "Last name", "Email", "Role", "Organization", "Active"):
        expect(page.get_by_label(label)).to_be_visible()
    body = page.locator("#content-main").inner_text()
    for machinery in ("Staff status", "Superuser status", "User permissions", "Groups"):
        assert machinery not in body
    shot(page, "person")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Send password reset link").click()
    expect(page.locator(".messagelist")).to_contain_text("A link to choose a new password went to")
    assert [message.to for message in mail.outbox] == [[customer.email]]
    shot(page, "person-link-sent")


def test_a_new_person_without_a_password_gets_a_link(page, shot, lead, org_a):
    admin_sign_in(page, lead)
    page.goto("/admin/cases/user/add/")
    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").fill("Doyle")
    page.get_by_label("Email").fill("dana@example.com")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Role").select_option(label="Agent")
    page.get_by_label("Organization").select_option(label=org_a.name)
    shot(page, "person-add")
    page.get_by_role("button", name="Save", exact=True).click()

    # An agent belongs to no organization: said beside the field, nothing lost.
    expect(page.locator(".errorlist")).to_contain_text("Only customers belong to an organization.")
    expect(page.get_by_label("First name")).to_have_value("Dana")
    shot(page, "person-add-refused")
    page.get_by_label("Organization").select_option(value="")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("an email with a link to choose one")
    dana = User.objects.get(username="dana")
    assert (dana.role, dana.has_usable_password()) == ("agent", False)
    assert [message.to for message in mail.outbox] == [["dana@example.com"]]
    shot(page, "person-added")


def test_a_queue_shows_its_own_workflows_timers_in_days_and_hours(page, shot, lead, queues):
    queue = queues["support_center"]
    admin_sign_in(page, lead)
    page.goto("/admin/cases/queue/add/")
    expect(page.locator("#content-main")).to_contain_text("its workflow's timers are shown here")
    shot(page, "queue-add")
    page.goto(f"/admin/cases/queue/{queue.pk}/change/")

    main = page.locator("#content-main")
    expect(main.get_by_role("heading", name="What customers see")).to_be_visible()
    expect(
        main.get_by_role("heading", name="Timers of the Support center workflow")
    ).to_be_visible()
    expect(
        main.get_by_role("heading", name="Timers of the Release tracking workflow")
    ).to_have_count(0)
    expect(page.get_by_label("Closes after (Resolved)")).to_have_count(0)
    expect(main).not_to_contain_text("_after")
    shot(page, "queue")
    confirmation = page.get_by_label("Closes after (Awaiting Customer Confirmation)")
    expect(confirmation).to_have_value("14")
    assert axe_violations(page) == []

    confirmation.fill("10")
    pending = page.locator(".field-customer_input_auto_close_after")
    pending.get_by_label("hours").fill("12")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    queue.refresh_from_db()
    assert queue.confirmation_auto_close_after == timedelta(days=10)
    assert queue.customer_input_auto_close_after == timedelta(days=28, hours=12)
    expect(page.locator("#result_list")).to_contain_text("Normal: 8 hours")
    shot(page, "queues")


def test_a_case_page_shows_its_conversation_and_history_by_name(
    page, shot, lead, agent, customer, case_in
):
    case = case_in("support_center", "pending", subject="Invoice PDF is blank")
    comment_post(case_id=case.pk, actor=agent, body="Checking the template.", internal=True)
    admin_sign_in(page, lead)
    page.goto("/admin/cases/case/")
    expect(page.locator("#result_list")).to_contain_text("Alice Martin")
    shot(page, "cases")
    page.get_by_role("link", name=case.reference).click()

    conversation = page.get_by_role("region", name="Conversation")
    expect(conversation).to_contain_text("Agnes Weber")
    expect(conversation).to_contain_text("Internal note")
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("New → Pending")
    expect(page.locator(".field-requester_link")).to_contain_text("Alice Martin")
    shot(page, "case")
    assert axe_violations(page) == []


def test_a_superuser_also_finds_the_technical_models(page, shot, db):
    root = demo_user(
        ManagerFactory, username="root", first_name="Rita", last_name="Root", is_superuser=True
    )
    admin_sign_in(page, root)
    expect(
        page.locator("#content-main").get_by_role("heading", name="Technical (superusers only)")
    ).to_be_visible()
    expect(page.get_by_role("link", name="API tokens")).to_be_visible()
    shot(page, "index-superuser")
