"""What every email about a case says of itself, read from its raw bytes as a mail client reads
them: a Message-ID of its own at the site's domain, kept on its row; the case's reference in
brackets in the subject; a reply address that reaches the case (signed per case and person with
plus-addressing); text and HTML with a link to the case; and `Auto-Submitted` when no person
caused it."""

import pytest

from cases.models import Mailbox
from notifications.delivery import deliver_one
from notifications.links import case_url
from notifications.mail_names import read_token, token_in
from notifications.models import AutoSubmitted, Kind, Notification
from notifications.outbox import notify
from services.cases import case_create
from services.conversation import comment_post
from tests.notifications.sent_mail import parsed, received, texts
from tests.timed_cases import HOUR, T0, new_case

SITE = "helpdesk.example.com"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.EMAIL_MESSAGE_ID_DOMAIN = SITE
    settings.DEFAULT_FROM_EMAIL = "Helpdesk <helpdesk@example.com>"
    settings.EMAIL_PLUS_ADDRESSING = False


def reply_email(case, agent, mailoutbox, *, at=T0 + HOUR, body="Please restart it."):
    """Support answers the case; the customer's email, as sent."""
    comment_post(case_id=case.pk, actor=agent, body=body, now=at)
    row = Notification.objects.filter(case=case, kind=Kind.PUBLIC_REPLY).latest("id")
    deliver_one(row.pk, now=at)
    row.refresh_from_db()
    return row, parsed(mailoutbox[-1])


def test_the_message_id_is_at_the_site_domain_and_kept_on_the_row(
    queues, customer, agent, mailoutbox
):
    case = new_case(queues["technical_support"], customer)

    row, message = reply_email(case, agent, mailoutbox)

    assert message["Message-ID"] == row.message_id
    assert row.message_id.startswith("<") and row.message_id.endswith(f"@{SITE}>")


def test_every_email_has_a_message_id_of_its_own(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer)

    first, _ = reply_email(case, agent, mailoutbox, at=T0 + HOUR)
    second, _ = reply_email(case, agent, mailoutbox, at=T0 + 2 * HOUR)

    ids = [parsed(message)["Message-ID"] for message in mailoutbox]
    assert ids == [first.message_id, second.message_id]
    assert first.message_id != second.message_id


def test_a_row_recorded_without_a_message_id_gets_one_when_sent(queues, customer, mailoutbox):
    case = new_case(queues["technical_support"], customer)
    row = Notification.objects.create(
        kind=Kind.REMINDER,
        case=case,
        recipient=customer,
        key="legacy",
        created_at=T0,
        scheduled_for=T0,
    )

    deliver_one(row.pk, now=T0)

    row.refresh_from_db()
    assert row.message_id and parsed(mailoutbox[0])["Message-ID"] == row.message_id


def test_the_subject_names_the_case_reference_in_brackets(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer)

    _, message = reply_email(case, agent, mailoutbox)

    assert message["Subject"] == f"[{case.reference}] New reply"


def test_the_email_is_text_and_html_both_linking_to_the_case(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer)

    _, message = reply_email(case, agent, mailoutbox)

    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    plain, html = texts(message)
    link = case_url(case, customer)
    assert link in plain
    assert f'href="{link}"' in html
    assert "Please restart it." in plain and "Please restart it." in html


def test_without_a_queue_address_a_reply_goes_to_the_default_sender(
    queues, customer, agent, mailoutbox
):
    case = new_case(queues["technical_support"], customer)

    _, message = reply_email(case, agent, mailoutbox)

    assert message["Reply-To"] == "Helpdesk <helpdesk@example.com>"
    assert message["From"] == "Helpdesk <helpdesk@example.com>"


def test_a_reply_goes_to_the_queues_own_address(queues, customer, agent, mailoutbox):
    queue = queues["technical_support"]
    queue.email_address = "support@example.com"
    queue.save()
    case = new_case(queue, customer)

    _, message = reply_email(case, agent, mailoutbox)

    assert message["Reply-To"] == "Helpdesk <support@example.com>"
    assert "You can also reply to this email" in texts(message)[0]


def test_a_queue_read_through_a_mailbox_takes_replies_at_the_mailbox(
    queues, customer, agent, mailoutbox
):
    queue = queues["technical_support"]
    Mailbox.objects.create(
        address="help@example.com",
        queue=queue,
        host="imap.example.com",
        username="help",
        password_variable="HELP_PASSWORD",
    )
    case = new_case(queue, customer)

    _, message = reply_email(case, agent, mailoutbox)

    assert message["Reply-To"] == "Helpdesk <help@example.com>"


def test_with_plus_addressing_the_reply_address_names_the_case_and_the_recipient(
    settings, queues, customer, agent, mailoutbox
):
    settings.EMAIL_PLUS_ADDRESSING = True
    queue = queues["technical_support"]
    queue.email_address = "support@example.com"
    queue.save()
    case = new_case(queue, customer)

    _, message = reply_email(case, agent, mailoutbox)

    address = message["Reply-To"].addresses[0]
    assert address.domain == "example.com"
    assert address.username.startswith("support+")
    assert read_token(token_in(address.addr_spec) or "") == (case.pk, customer.pk)


def test_each_recipient_gets_a_token_of_their_own(settings, queues, customer, agent, mailoutbox):
    settings.EMAIL_PLUS_ADDRESSING = True
    case = new_case(queues["technical_support"], customer)
    comment_post(case_id=case.pk, actor=agent, body="On it.", now=T0 + HOUR)
    comment_post(case_id=case.pk, actor=customer, body="Thanks.", now=T0 + 2 * HOUR)

    for row in Notification.objects.filter(case=case, kind=Kind.PUBLIC_REPLY).order_by("id"):
        deliver_one(row.pk, now=T0 + 2 * HOUR)

    tokens = [token_in(parsed(m)["Reply-To"].addresses[0].addr_spec) for m in mailoutbox]
    assert [read_token(token or "") for token in tokens] == [
        (case.pk, customer.pk),
        (case.pk, agent.pk),
    ]


# --- Auto-Submitted ----------------------------------------------------------------------------


def test_an_email_a_person_caused_says_nothing_of_robots(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer)

    row, message = reply_email(case, agent, mailoutbox)

    assert row.auto_submitted == AutoSubmitted.NO
    assert "Auto-Submitted" not in message
    assert "X-Auto-Response-Suppress" not in message


@pytest.mark.parametrize("kind", [Kind.REMINDER, Kind.CLOSURE, Kind.FIRST_RESPONSE_BREACH])
def test_an_email_a_timer_caused_is_auto_generated(kind, queues, customer, agent, mailoutbox):
    case = new_case(queues["support_center"], customer)
    case.assignee = agent
    case.save()

    [key] = notify(kind, case=case, now=T0, status_label="New", sub_status_label="")
    row = Notification.objects.get(key=key)
    deliver_one(row.pk, now=T0 + 2 * case.queue.closure_notification_after)

    message = parsed(mailoutbox[0])
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "OOF, AutoReply"


def test_the_acknowledgement_of_a_case_opened_by_email_is_auto_replied_under_that_email(
    queues, customer, mailoutbox
):
    case = case_create(
        actor=customer,
        queue=queues["technical_support"],
        subject="Printer",
        channel="email",
        now=T0,
    )
    opening = received(case=case, message_id="<CAF=opening@mail.example.com>")
    [row] = Notification.objects.filter(case=case, kind=Kind.CASE_CREATED)

    deliver_one(row.pk, now=T0)

    message = parsed(mailoutbox[0])
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["In-Reply-To"] == opening.message_id
    row.refresh_from_db()
    assert row.auto_submitted == AutoSubmitted.AUTO_REPLIED


def test_the_acknowledgement_of_a_case_opened_on_the_pages_is_a_persons_email(
    queues, customer, mailoutbox
):
    case = case_create(actor=customer, queue=queues["technical_support"], subject="Printer", now=T0)
    [row] = Notification.objects.filter(case=case, kind=Kind.CASE_CREATED)

    deliver_one(row.pk, now=T0)

    assert "Auto-Submitted" not in parsed(mailoutbox[0])
