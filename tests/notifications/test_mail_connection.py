"""A batch of emails goes to the mail server over one connection, not one each (a TLS handshake
and a login per email would cost more than writing it), and one email the server refuses fails
alone: the emails after it still go out."""

import pytest

from notifications.models import AutoSubmitted, Kind, Notification
from notifications.sweep import deliver_due
from tests.factories import CustomerFactory
from tests.timed_cases import T0, new_case


def _reminders(queues, people):
    rows = []
    for n, person in enumerate(people):
        case = new_case(queues["technical_support"], person)
        rows.append(
            Notification.objects.create(
                kind=Kind.REMINDER,
                case=case,
                recipient=person,
                key=f"connection:{n}",
                created_at=T0,
                scheduled_for=T0,
                message_id=f"<connection{n}@example.com>",
                auto_submitted=AutoSubmitted.NO,
            )
        )
    # Only the reminders are due: the acknowledgements of the new cases are not the point.
    Notification.objects.exclude(kind=Kind.REMINDER).delete()
    return rows


@pytest.fixture
def customers(org_a):
    return [CustomerFactory(username=f"conn-{n}", organization=org_a) for n in range(5)]


def test_a_batch_of_emails_goes_over_one_connection(queues, customers, mail_through_smtp):
    rows = _reminders(queues, customers)

    deliver_due(T0)

    assert len(mail_through_smtp.wait_for(len(rows))) == len(rows)
    assert mail_through_smtp.greetings == 1
    assert Notification.objects.filter(sent_at=T0).count() == len(rows)


def test_an_email_the_server_refuses_fails_alone(queues, customers, mail_through_smtp):
    rows = _reminders(queues, customers)
    refused = customers[1]
    mail_through_smtp.refused.add(refused.email)

    deliver_due(T0)

    arrived = mail_through_smtp.wait_for(len(rows) - 1)
    assert sorted(mail.recipients[0] for mail in arrived) == sorted(
        person.email for person in customers if person != refused
    )
    failed = Notification.objects.get(recipient=refused)
    assert failed.sent_at is None
    assert "No such mailbox" in failed.last_error
    assert failed.next_attempt_at is not None
    assert Notification.objects.filter(sent_at=T0).count() == len(rows) - 1
    # The connection was opened again for the emails after the refused one.
    assert mail_through_smtp.greetings == 2
