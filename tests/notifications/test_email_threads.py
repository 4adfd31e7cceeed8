"""Every email about a case is in the case's thread: `References` starts with the case's
signed thread root (after the email that opened the case, when one did), and `In-Reply-To`
names the last message of the case that person saw, so mail clients group a case's mail
together and a reply to any of it is known for the case's."""

import pytest

from cases.models import Outcome
from notifications.delivery import deliver_one
from notifications.mail_names import case_thread_root
from notifications.models import Notification
from services.cases import case_create
from services.conversation import comment_post
from tests.notifications.sent_mail import parsed, received
from tests.timed_cases import HOUR, T0, new_case


@pytest.fixture(autouse=True)
def _site(settings):
    settings.EMAIL_MESSAGE_ID_DOMAIN = "helpdesk.example.com"


def references(message) -> list[str]:
    return str(message["References"]).split()


def deliver_latest(case, recipient, at):
    row = Notification.objects.filter(case=case, recipient=recipient).latest("id")
    deliver_one(row.pk, now=at)
    row.refresh_from_db()
    return row


def test_the_first_email_answers_the_cases_thread_root(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer)
    comment_post(case_id=case.pk, actor=agent, body="On it.", now=T0 + HOUR)

    deliver_latest(case, customer, T0 + HOUR)

    message = parsed(mailoutbox[0])
    root = case_thread_root(case.reference)
    assert message["In-Reply-To"] == root
    assert references(message) == [root]


def test_the_next_email_answers_the_last_one_that_person_was_sent(
    queues, customer, agent, mailoutbox
):
    case = new_case(queues["technical_support"], customer)
    comment_post(case_id=case.pk, actor=agent, body="On it.", now=T0 + HOUR)
    first = deliver_latest(case, customer, T0 + HOUR)
    comment_post(case_id=case.pk, actor=agent, body="Fixed.", now=T0 + 2 * HOUR)

    deliver_latest(case, customer, T0 + 2 * HOUR)

    message = parsed(mailoutbox[1])
    assert message["In-Reply-To"] == first.message_id
    assert references(message) == [case_thread_root(case.reference), first.message_id]


def test_an_email_never_names_what_was_sent_to_someone_else(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer)
    comment_post(case_id=case.pk, actor=agent, body="On it.", now=T0 + HOUR)
    to_customer = deliver_latest(case, customer, T0 + HOUR)
    case.assignee = agent
    case.save()
    comment_post(case_id=case.pk, actor=customer, body="Thanks.", now=T0 + 2 * HOUR)

    deliver_latest(case, agent, T0 + 2 * HOUR)

    message = parsed(mailoutbox[1])
    assert message["To"] == agent.email
    assert to_customer.message_id not in str(message["References"])
    assert message["In-Reply-To"] == case_thread_root(case.reference)


def test_a_case_opened_by_email_keeps_that_email_first_in_its_thread(
    queues, customer, agent, mailoutbox
):
    case = case_create(
        actor=customer,
        queue=queues["technical_support"],
        subject="Printer",
        channel="email",
        now=T0,
    )
    opening = received(case=case, message_id="<opening@mail.example.com>", at=T0)
    acknowledgement = deliver_latest(case, customer, T0)
    comment_post(case_id=case.pk, actor=agent, body="On it.", now=T0 + HOUR)

    deliver_latest(case, customer, T0 + HOUR)

    root = case_thread_root(case.reference)
    acknowledged, answered = (parsed(message) for message in mailoutbox)
    assert references(acknowledged) == [opening.message_id, root]
    assert answered["In-Reply-To"] == acknowledgement.message_id
    assert references(answered) == [opening.message_id, root, acknowledgement.message_id]


def test_a_follow_up_case_opened_by_email_is_acknowledged_under_that_email(
    queues, customer, mailoutbox
):
    case = case_create(
        actor=customer, queue=queues["technical_support"], subject="Again", channel="email", now=T0
    )
    opening = received(case=case, outcome=Outcome.REPEAT, message_id="<again@mail.example.com>")

    deliver_latest(case, customer, T0)

    assert parsed(mailoutbox[0])["In-Reply-To"] == opening.message_id


def test_an_email_answers_the_reply_its_recipient_sent_by_email(
    queues, customer, agent, mailoutbox
):
    case = new_case(queues["technical_support"], customer)
    comment_post(case_id=case.pk, actor=agent, body="On it.", now=T0 + HOUR)
    first = deliver_latest(case, customer, T0 + HOUR)
    their_reply = received(
        case=case,
        sender=customer.email.upper(),
        outcome=Outcome.REPLY,
        message_id="<their-reply@mail.example.com>",
        at=T0 + 2 * HOUR,
    )
    comment_post(case_id=case.pk, actor=agent, body="Fixed.", now=T0 + 3 * HOUR)

    deliver_latest(case, customer, T0 + 3 * HOUR)

    message = parsed(mailoutbox[1])
    assert message["In-Reply-To"] == their_reply.message_id
    assert references(message) == [
        case_thread_root(case.reference),
        first.message_id,
        their_reply.message_id,
    ]


def test_a_malformed_message_id_that_came_in_is_left_out(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer)
    received(
        case=case,
        outcome=Outcome.REPLY,
        message_id="<broken\r\nBcc: victim@example.com>",
        at=T0 + HOUR,
    )
    comment_post(case_id=case.pk, actor=agent, body="On it.", now=T0 + 2 * HOUR)

    deliver_latest(case, customer, T0 + 2 * HOUR)

    message = parsed(mailoutbox[0])
    assert "Bcc" not in message
    assert references(message) == [case_thread_root(case.reference)]


def test_a_long_thread_names_only_its_latest_messages(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer)
    sent = []
    for hour in range(1, 7):
        comment_post(case_id=case.pk, actor=agent, body=f"Step {hour}.", now=T0 + hour * HOUR)
        sent.append(deliver_latest(case, customer, T0 + hour * HOUR).message_id)

    last = parsed(mailoutbox[-1])
    assert references(last) == [case_thread_root(case.reference), *sent[-4:-1]]
    assert last["In-Reply-To"] == sent[-2]
