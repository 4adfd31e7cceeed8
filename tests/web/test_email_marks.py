"""Messages that came by email are marked By email on both case pages; support staff also get
the original email to download (a reply's, and the opening message's of a case opened by
email), customers never."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Channel, MessageChannel, Outcome
from services.conversation import comment_post
from tests.held_mail import received

pytestmark = pytest.mark.django_db

BY_EMAIL = "By email"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def agent_page(client, case):
    return client.get(reverse("agent:case", args=[case.reference])).content.decode()


def portal_page(client, case):
    return client.get(reverse("portal:case", args=[case.reference])).content.decode()


def original_url(inbound):
    return reverse("agent:mail_original", args=[inbound.pk])


@pytest.fixture
def email_case(make_case, customer):
    """A case opened by email, with the message it came from."""
    case = make_case(subject="Opened by email", channel=Channel.EMAIL)
    opening = received(
        outcome=Outcome.NEW_CASE, reason="", sender=customer.email, case=case, subject=case.subject
    )
    return case, opening


def emailed_reply(case, author, body="Answered from my inbox."):
    comment = comment_post(case_id=case.pk, actor=author, body=body, channel=MessageChannel.EMAIL)
    inbound = received(outcome=Outcome.REPLY, reason="", case=case, comment=comment)
    return comment, inbound


def test_an_emailed_reply_is_marked_by_email_on_the_agent_page_with_its_original(
    make_case, customer, agent
):
    case = make_case()
    _, inbound = emailed_reply(case, customer)

    html = agent_page(signed_in(agent), case)

    assert BY_EMAIL in html
    assert original_url(inbound) in html
    assert "Original email" in html


def test_an_emailed_reply_is_marked_by_email_for_the_customer_without_the_original(
    make_case, customer
):
    case = make_case()
    _, inbound = emailed_reply(case, customer)

    html = portal_page(signed_in(customer), case)

    assert BY_EMAIL in html
    assert original_url(inbound) not in html
    assert "Original email" not in html


def test_a_reply_written_on_the_pages_is_not_marked(make_case, customer, agent):
    case = make_case()
    comment_post(case_id=case.pk, actor=customer, body="Typed on the page.")

    assert BY_EMAIL not in agent_page(signed_in(agent), case)
    assert BY_EMAIL not in portal_page(signed_in(customer), case)


def test_a_case_opened_by_email_marks_its_description_with_the_opening_original(
    email_case, agent, customer
):
    case, opening = email_case

    agent_html = agent_page(signed_in(agent), case)
    portal_html = portal_page(signed_in(customer), case)

    assert BY_EMAIL in agent_html and original_url(opening) in agent_html
    assert BY_EMAIL in portal_html and original_url(opening) not in portal_html


def test_the_agent_can_download_the_original_of_an_emailed_reply(make_case, customer, agent):
    case = make_case()
    _, inbound = emailed_reply(case, customer)

    response = signed_in(agent).get(original_url(inbound))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("message/rfc822")


def test_the_customer_cannot_download_the_original(make_case, customer):
    case = make_case()
    _, inbound = emailed_reply(case, customer)

    assert signed_in(customer).get(original_url(inbound)).status_code == 404


def test_the_marks_cost_no_query_per_message(email_case, customer, agent):
    case, _ = email_case
    client = signed_in(agent)
    emailed_reply(case, customer)
    agent_page(client, case)
    with CaptureQueriesContext(connection) as few:
        agent_page(client, case)
    for n in range(6):
        emailed_reply(case, customer, body=f"Reply {n}")
    with CaptureQueriesContext(connection) as many:
        html = agent_page(client, case)

    assert html.count(BY_EMAIL) >= 8
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_agent_is_told_when_the_customer_gets_no_email(agent, make_case, customer):
    case = make_case(requester=customer)
    client = signed_in(agent)
    assert "The customer sees this reply and gets it by email." in agent_page(client, case)

    type(customer).objects.filter(pk=customer.pk).update(
        email_undeliverable_since="2026-12-01T10:00:00Z", email_undeliverable_reason="550"
    )

    page = agent_page(client, case)
    assert "Email undeliverable since" in page
    assert "no email goes, their address is undeliverable" in page
    assert "gets it by email" not in page
