"""Held mail in a real browser, as an agent: the count in the navigation, the list, a message
read safely with its file, posting it on the sender's case, discarding another after the
dialog's "are you sure?", and the By email mark on the case it reached; at desktop and phone
width, with axe's checks."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import Channel, Outcome, User
from tests.browser.browsing import (
    BOTH_WIDTHS,
    DESKTOP,
    at_phone_width,
    axe_violations,
    sideways_scroll,
    sign_in,
)
from tests.held_mail import received
from tests.mail.corpus import html_only, message, with_attachments

LONG_SUBJECT = "Re: Our whole accounting department cannot print invoices since Monday's update"


def checked(page: Page, shot, step: str) -> list[str]:
    """axe at both widths, no sideways scrolling on a phone, a screenshot of each."""
    problems = axe_violations(page)
    shot(page, step, widths=BOTH_WIDTHS)
    at_phone_width(page)
    problems += sideways_scroll(page)
    problems += axe_violations(page)
    page.set_viewport_size(DESKTOP)
    return problems


def test_an_agent_reads_posts_and_discards_held_mail(page, shot, agent, customer, case_in):
    case = case_in("technical_support", subject="Printer jams on tray 2")
    from_customer = received(
        with_attachments(
            [("error-log.txt", "text/plain", b"E42 paper jam\n")],
            sender=customer.email,
            subject=LONG_SUBJECT,
            text="Hello,\n\nstill jammed <b>today</b>. Log attached.\n"
            f"https://intranet.acme.example/{'printer-logs/' * 12}\n\n-- \nAlice",
        ),
        sender=customer.email,
        sender_name=customer.display_name,
        subject=LONG_SUBJECT,
        reason="A reply naming a case its sender may not post on.",
    )
    spam = received(
        html_only(html="<h1>WIN</h1><p>Click <a href='https://spam.example'>here</a></p>"),
        sender="promo@spam.example",
        subject="You won!",
        at=timezone.now() - timedelta(hours=3),
    )

    sign_in(page, agent)
    nav = page.get_by_role("link", name=re.compile("^Held mail"))
    expect(nav).to_contain_text("2")
    nav.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Held mail")
    rows = page.get_by_role("row")
    expect(rows.nth(1)).to_contain_text(LONG_SUBJECT)
    expect(rows.nth(2)).to_contain_text("You won!")
    problems = checked(page, shot, "held-mail")

    page.get_by_role("link", name=LONG_SUBJECT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LONG_SUBJECT)
    text = page.get_by_label("The text of the message")
    expect(text).to_contain_text("still jammed <b>today</b>")
    expect(page.get_by_role("link", name="error-log.txt")).to_be_visible()
    expect(page.get_by_label("The sender's open cases")).to_have_value(str(case.pk))
    problems += checked(page, shot, "message")

    page.get_by_role("button", name="Post on case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Held mail")
    expect(page.get_by_text(f"Posted on {case.reference}.")).to_be_visible()
    from_customer.refresh_from_db()
    assert from_customer.comment is not None and from_customer.comment.case_id == case.pk

    page.get_by_role("link", name="You won!").click()
    expect(page.get_by_label("The text of the message")).to_contain_text("WIN")
    assert page.locator("a[href='https://spam.example']").count() == 0
    page.get_by_role("button", name="Discard", exact=True).click()
    dialog = page.get_by_role("dialog", name="Discard “You won!”?")
    expect(dialog).to_be_visible()
    shot(page, "discard-dialog")
    dialog.get_by_role("button", name="Yes, discard").click()
    expect(page.get_by_text("Discarded.")).to_be_visible()
    expect(page.get_by_text("No held mail")).to_be_visible()
    spam.refresh_from_db()
    assert spam.outcome == Outcome.DISCARDED

    page.get_by_role("link", name="Recently handled").click()
    expect(page.get_by_role("row").filter(has_text="You won!")).to_contain_text("Discarded")
    problems += checked(page, shot, "recently-handled")

    User.objects.filter(pk=customer.pk).update(
        email_undeliverable_since=timezone.now(), email_undeliverable_reason="550 No such user"
    )
    page.goto(f"/agent/cases/{case.reference}/")
    expect(page.get_by_text("Email undeliverable since")).to_contain_text("550 No such user")
    expect(page.get_by_text("By email").first).to_be_visible()
    expect(page.get_by_role("link", name="Original email").first).to_be_visible()
    problems += checked(page, shot, "case-by-email")
    assert not problems, "\n".join(problems)


def test_a_case_opened_by_email_is_marked_on_the_portal(page, shot, customer, case_in):
    case = case_in("technical_support", subject="Opened from my inbox", channel=Channel.EMAIL)
    received(message(sender=customer.email), outcome=Outcome.NEW_CASE, reason="", case=case)

    sign_in(page, customer)
    page.goto(f"/portal/cases/{case.reference}/")
    expect(page.get_by_text("By email").first).to_be_visible()
    expect(page.get_by_role("link", name="Original email")).to_have_count(0)
    problems = checked(page, shot, "portal-case-by-email")
    assert not problems, "\n".join(problems)
