"""Held mail (/agent/mail/): the list of messages waiting for an agent, one message read safely
with its files and its original, and the link in the workspace's navigation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Outcome
from tests.held_mail import HELD_REASON, many_held, received
from tests.mail.corpus import html_only, message, with_attachments

pytestmark = pytest.mark.django_db

LIST = reverse("agent:mail")


def page_of(message_row):
    return reverse("agent:mail_message", args=[message_row.pk])


def test_the_list_shows_held_messages_newest_first_with_sender_subject_and_reason(desk):
    older = received(
        sender="old@elsewhere.example", subject="Older", at=timezone.now() - timedelta(hours=2)
    )
    newer = received(sender="new@elsewhere.example", subject="Newer")
    received(outcome=Outcome.REPLY, subject="Posted already", reason="")

    response = desk.get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Held mail</h1>" in html
    assert html.index("Newer") < html.index("Older")
    assert "new@elsewhere.example" in html and "old@elsewhere.example" in html
    assert HELD_REASON in html
    assert "Posted already" not in html
    assert page_of(newer) in html and page_of(older) in html


def test_the_list_is_empty_with_a_word_on_what_shows_there(desk):
    response = desk.get(LIST)

    assert "No held mail" in response.content.decode()


def test_the_list_is_paginated(desk):
    many_held(27)

    first = desk.get(LIST).content.decode()
    second = desk.get(LIST, {"page": 2}).content.decode()

    assert "Message 26" in first and "Message 2<" in first
    assert "Message 1<" not in first
    assert "Message 1<" in second and "Message 0<" in second
    assert "messages 26\N{EN DASH}27" in second


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_takes_a_constant_number_of_queries(desk, count, django_assert_max_num_queries):
    many_held(count)

    with django_assert_max_num_queries(10):
        response = desk.get(LIST)

    assert response.status_code == 200


def test_the_navigation_counts_held_messages(desk):
    many_held(3)
    received(outcome=Outcome.IGNORED)

    html = desk.get(reverse("agent:cases")).content.decode()

    assert f'href="{LIST}"' in html
    assert "(3 waiting)" in html


def test_customers_are_sent_to_the_portal(browser, customer):
    held = received()

    for url in (LIST, page_of(held)):
        response = browser(customer).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/portal/")


def test_signed_out_visitors_are_asked_to_sign_in(browser):
    held = received()

    for url in (LIST, page_of(held), reverse("agent:mail_original", args=[held.pk])):
        response = browser().get(url)
        assert response.status_code == 302
        assert "login" in response["Location"] or "sign-in" in response["Location"]


def test_a_customer_cannot_download_an_original(browser, customer):
    held = received()

    response = browser(customer).get(reverse("agent:mail_original", args=[held.pk]))

    assert response.status_code == 404


def test_a_message_page_shows_the_text_escaped_never_as_html(desk):
    held = received(message(text="Hello <script>alert(1)</script> & <b>bye</b>"))

    html = desk.get(page_of(held)).content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bye&lt;/b&gt;" in html
    assert "<script>alert(1)" not in html


def test_an_html_message_is_shown_as_its_text_without_the_senders_markup(desk):
    raw = html_only(
        html='<p>Please <a href="https://evil.example" onclick="steal()">click</a></p>'
        '<img src="https://tracker.example/pixel.png"><script>steal()</script>'
    )
    held = received(raw)

    html = desk.get(page_of(held)).content.decode()

    assert "Please" in html and "click" in html
    assert "https://evil.example" not in html
    assert "onclick" not in html
    assert "tracker.example" not in html
    assert "steal()" not in html


def test_a_message_page_lists_its_files_and_serves_each_as_a_download(desk):
    raw = with_attachments([("notes.html", "text/html", b"<script>alert(1)</script>")])
    held = received(raw)

    html = desk.get(page_of(held)).content.decode()
    url = reverse("agent:mail_file", args=[held.pk, 0, "notes.html"])
    response = desk.get(url)

    assert url in html and "notes.html" in html
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"


def test_an_unknown_file_is_not_found(desk):
    held = received()

    response = desk.get(reverse("agent:mail_file", args=[held.pk, 3, "nothing.txt"]))

    assert response.status_code == 404


def test_the_original_downloads_byte_for_byte_as_an_rfc822_attachment(desk):
    raw = message(text="As it arrived.")
    held = received(raw)

    response = desk.get(reverse("agent:mail_original", args=[held.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("message/rfc822")
    assert response["Content-Disposition"].startswith("attachment")
    assert ".eml" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == raw


def test_a_message_whose_file_is_gone_still_shows_what_was_recorded(desk):
    held = received(subject="Lost file")
    held.raw.storage.delete(held.raw.name)

    page = desk.get(page_of(held))
    original = desk.get(reverse("agent:mail_original", args=[held.pk]))

    assert page.status_code == 200
    assert "Lost file" in page.content.decode()
    assert "could not be read" in page.content.decode()
    assert original.status_code == 404


def test_a_held_message_offers_the_three_ways_on(desk, make_case, customer):
    case = make_case(subject="The sender's case")
    held = received(sender=customer.email)

    html = desk.get(page_of(held)).content.decode()

    assert "Post on a case" in html and "Open a new case" in html and "Discard" in html
    assert f'<option value="{case.pk}" selected>{case.reference} · The sender&#x27;s case' in html


def test_a_handled_message_says_what_became_of_it_and_offers_no_action(desk, make_case):
    case = make_case()
    posted = received(outcome=Outcome.REPLY, reason="", case=case)

    html = desk.get(page_of(posted)).content.decode()

    assert "It was posted on a case." in html
    assert case.reference in html
    assert "Post on case" not in html
    assert reverse("agent:mail_discard", args=[posted.pk]) not in html


def test_an_unknown_message_is_not_found(desk):
    assert desk.get(reverse("agent:mail_message", args=[999999])).status_code == 404
