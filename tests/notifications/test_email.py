"""The email of every notification kind: plain text and HTML, to the right person, and never a
word of an internal note."""

import pytest

from notifications.delivery import deliver_one
from notifications.models import Kind, Notification
from notifications.outbox import notify
from services.conversation import comment_post
from tests.timed_cases import HOUR, T0, awaiting_confirmation, new_case
from workflows.services import perform_transition

SECRET = "SECRET-internal-diagnosis"


def _send(kind, case, recipient, *, at):
    row = Notification.objects.create(
        kind=kind,
        case=case,
        recipient=recipient,
        key=f"test:{kind}:{case.pk}:{recipient.pk}",
        created_at=at,
        scheduled_for=at,
    )
    return deliver_one(row.pk, now=at)


def _texts(message) -> str:
    return message.body + "".join(content for content, _ in message.alternatives)


@pytest.mark.parametrize("kind", Kind.values)
def test_every_kind_has_a_text_and_an_html_email(kind, queues, customer, mailoutbox):
    case = new_case(queues["support_center"], customer, at=T0)

    outcome = _send(kind, case, customer, at=T0 + HOUR)

    [message] = mailoutbox
    assert outcome.sent
    assert message.to == [customer.email]
    assert message.subject == f"[{case.reference}] {Kind(kind).label}"
    assert case.reference in message.body and case.subject in message.body
    assert [mimetype for _, mimetype in message.alternatives] == ["text/html"]
    assert case.reference in message.alternatives[0][0]


@pytest.mark.parametrize("kind", Kind.values)
@pytest.mark.parametrize("role", ["customer", "agent"])
def test_no_email_ever_quotes_an_internal_note(kind, role, queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer, at=T0)
    comment_post(case_id=case.pk, actor=agent, body="We are looking into it.", now=T0 + HOUR)
    comment_post(case_id=case.pk, actor=agent, body=SECRET, internal=True, now=T0 + 2 * HOUR)
    perform_transition(case_id=case.pk, name="block", actor=agent, note=SECRET, now=T0 + 3 * HOUR)

    _send(kind, case, {"customer": customer, "agent": agent}[role], at=T0 + 4 * HOUR)

    [message] = mailoutbox
    assert SECRET not in _texts(message) + message.subject


def test_a_public_reply_email_quotes_the_reply(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer, at=T0)
    comment_post(case_id=case.pk, actor=agent, body="Please restart the printer.", now=T0 + HOUR)
    [row] = Notification.objects.filter(case=case, kind=Kind.PUBLIC_REPLY)

    deliver_one(row.pk, now=T0 + HOUR)

    [message] = mailoutbox
    assert (row.recipient, message.to) == (customer, [customer.email])
    assert "Please restart the printer." in message.body
    assert "Please restart the printer." in message.alternatives[0][0]


def test_the_awaiting_confirmation_email_quotes_the_answer(queues, customer, agent, mailoutbox):
    case = awaiting_confirmation(queues["support_center"], customer, agent, at=T0)
    [row] = Notification.objects.filter(case=case, kind=Kind.AWAITING_CONFIRMATION)

    deliver_one(row.pk, now=T0)

    assert "Turn it off and on." in mailoutbox[0].body


def test_an_internal_note_notifies_nobody(queues, customer, agent):
    case = new_case(queues["technical_support"], customer, at=T0)

    comment_post(case_id=case.pk, actor=agent, body=SECRET, internal=True, now=T0 + HOUR)

    assert not Notification.objects.filter(case=case).exists()


def test_an_html_email_escapes_what_people_wrote(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer, at=T0)
    comment_post(case_id=case.pk, actor=agent, body="<script>alert(1)</script> & co", now=T0 + HOUR)
    [row] = Notification.objects.filter(case=case, kind=Kind.PUBLIC_REPLY)

    deliver_one(row.pk, now=T0 + HOUR)

    [message] = mailoutbox
    assert "<script>" not in message.alternatives[0][0]
    assert "<script>alert(1)</script> & co" in message.body


@pytest.mark.parametrize("change", [{"is_active": False}, {"email": ""}])
def test_someone_without_a_usable_address_gets_the_row_but_no_email(
    change, queues, customer, mailoutbox
):
    case = new_case(queues["technical_support"], customer, at=T0)
    for field, value in change.items():
        setattr(customer, field, value)
    customer.save()
    [key] = notify(Kind.REMINDER, case=case, now=T0 + HOUR)

    deliver_one(Notification.objects.get(key=key).pk, now=T0 + HOUR)

    assert (Notification.objects.get(key=key).sent_at, mailoutbox) == (T0 + HOUR, [])
