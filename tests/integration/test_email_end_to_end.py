"""Email end to end, with real servers (aiosmtpd for what the helpdesk sends, pymap for the
mailbox it reads): an agent answers on the case page, the customer's mail client replies to that
email into the mailbox, the beat's poll brings the reply onto the case as the customer's comment,
the case stops waiting on the customer, and the agent's notification of it is in the same
thread."""

from email.utils import getaddresses, parseaddr

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Comment, InboundMessage, MessageChannel, Outcome
from cases.models.mail import Via
from mail.tasks import poll_mailboxes
from notifications.mail_names import bare, case_thread_root, message_ids_in
from tests.mail import corpus
from tests.workflows.walking import reload, walk_to

# Everything commits as in production: the notifications go out after each commit, and the
# poll commits as it reads.
pytestmark = pytest.mark.django_db(transaction=True)


def to(received):
    return {address for _name, address in getaddresses(received.message.get_all("To", []))}


def test_a_customer_answers_an_agents_email_and_the_case_moves_on(
    mail_through_smtp, smtp_server, imap_server, imap_mailbox, make_case, cast, agent, customer
):
    case = walk_to(make_case("technical_support"), "pending_customer", cast)
    case = reload(case)
    assert case.assignee == agent
    desk = Client()
    desk.force_login(agent)
    earlier = len(smtp_server.received)  # the acknowledgement of the case, and so on

    # The agent answers on the case page; the customer is emailed.
    response = desk.post(
        reverse("agent:reply", kwargs={"reference": case.reference}),
        {
            "body": "Could you send us the printer's error code?",
            "seen": case.updated_at.isoformat(),
        },
    )
    assert response.status_code == 302
    (answer,) = [
        mail for mail in smtp_server.wait_for(earlier + 1)[earlier:] if customer.email in to(mail)
    ]
    sent = answer.message
    assert f"[{case.reference}]" in sent["Subject"]
    assert "error code" in sent.get_body(("plain",)).get_content()

    # The customer's mail client answers it; the reply lands in the helpdesk's mailbox.
    reply_to = parseaddr(sent.get("Reply-To") or sent["From"])[1]
    imap_server.deliver(
        imap_mailbox.folder,
        corpus.gmail_reply(
            sender=f"Alice <{customer.email}>",
            to=reply_to,
            subject=f"Re: {sent['Subject']}",
            words="The display says E-42.",
            quoted="Could you send us the printer's error code?",
            in_reply_to=sent["Message-ID"],
            references=[*sent["References"].split(), sent["Message-ID"]],
        ),
    )
    before = len(smtp_server.received)

    # The beat's task reads the mailbox.
    poll_mailboxes()

    comment = Comment.objects.get(case=case, author=customer)
    assert (comment.channel, comment.internal) == (MessageChannel.EMAIL, False)
    assert "E-42" in comment.body
    assert "error code" not in comment.body  # the quoted email is left out
    assert reload(case).status == "customer_replied"
    assert list(InboundMessage.objects.values_list("via", "outcome", "comment")) == [
        (Via.IMAP, Outcome.REPLY, comment.pk)
    ]
    assert imap_server.uids(imap_mailbox.folder) == []

    # The agent is told, in the case's thread.
    (notice,) = [
        mail for mail in smtp_server.wait_for(before + 1)[before:] if agent.email in to(mail)
    ]
    root = bare(case_thread_root(case.reference))
    assert root in message_ids_in(sent["References"])
    assert root in message_ids_in(notice.message["References"])
    assert f"[{case.reference}]" in notice.message["Subject"]
