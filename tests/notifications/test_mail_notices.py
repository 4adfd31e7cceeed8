"""The notices that answer a message that came in (`record_mail_notice`, called by the inbound
core in its transaction): sent after the commit under the message they answer, always
`Auto-Submitted: auto-replied`, once per message and kind, retried like any email, and never to
the helpdesk's own addresses, a mail server or an undeliverable address."""

import pytest
from django.core.mail import EmailMultiAlternatives

from cases.models import Mailbox, Outcome
from notifications import notice_delivery
from notifications.delivery import retry_delay
from notifications.links import case_url
from notifications.mail_names import case_thread_root, read_token, token_in
from notifications.mail_notices import record_mail_notice
from notifications.models import MailNotice
from notifications.sweep import deliver_due
from services.cases import case_create
from tests.notifications.sent_mail import parsed, received, texts
from tests.timed_cases import HOUR, T0, new_case

SITE = "helpdesk.example.com"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.EMAIL_MESSAGE_ID_DOMAIN = SITE
    settings.DEFAULT_FROM_EMAIL = "Helpdesk <helpdesk@example.com>"
    settings.EMAIL_PLUS_ADDRESSING = False


def notice_after_commit(capture, kind, **arguments):
    """Record a notice as the inbound core does, then commit: the task sends it."""
    with capture(execute=True):
        record_mail_notice(kind, now=T0, **arguments)


def test_a_refused_message_is_answered_under_it_after_the_commit(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    inbound = received(sender="stranger@example.org", subject="Huge logs", outcome=Outcome.REFUSED)

    with django_capture_on_commit_callbacks() as callbacks:
        record_mail_notice("refused_too_large", to="Stranger@Example.org", inbound=inbound, now=T0)
        assert mailoutbox == []
    for callback in callbacks:
        callback()

    [row] = MailNotice.objects.all()
    [email] = mailoutbox
    message = parsed(email)
    assert message["To"] == "stranger@example.org"
    assert message["Subject"] == "Re: Huge logs"
    assert message["Message-ID"] == row.message_id and row.message_id.endswith(f"@{SITE}>")
    assert message["In-Reply-To"] == inbound.message_id
    assert message["References"] == inbound.message_id
    assert message["Auto-Submitted"] == "auto-replied"
    assert message.get_content_type() == "multipart/alternative"
    plain, html = texts(message)
    assert "25 MB" in plain and "25 MB" in html
    assert row.sent_at is not None


def test_a_follow_up_notice_names_the_new_case_and_leads_to_it(
    settings, queues, customer, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_PLUS_ADDRESSING = True
    queue = queues["technical_support"]
    queue.email_address = "support@example.com"
    queue.save()
    closed = new_case(queue, customer)
    follow_up = case_create(
        actor=customer, queue=queue, subject="Again", repeat_of=closed, channel="email", now=T0
    )
    inbound = received(
        case=follow_up, outcome=Outcome.REPEAT, subject=f"Re: [{closed.reference}] x"
    )

    notice_after_commit(
        django_capture_on_commit_callbacks,
        "repeat_opened",
        to=customer.email,
        inbound=inbound,
        case=follow_up,
    )

    message = parsed(mailoutbox[-1])
    assert message["Subject"] == f"Re: [{follow_up.reference}] [{closed.reference}] x"
    assert message["References"] == f"{case_thread_root(follow_up.reference)} {inbound.message_id}"
    token = token_in(message["Reply-To"].addresses[0].addr_spec) or ""
    assert read_token(token) == (follow_up.pk, customer.pk)
    plain, html = texts(message)
    assert case_url(follow_up, customer) in plain
    assert closed.reference in plain and follow_up.reference in html


def test_a_held_notice_never_shows_the_case_to_a_stranger(
    queues, customer, mailoutbox, django_capture_on_commit_callbacks
):
    case = new_case(queues["technical_support"], customer)
    inbound = received(
        sender="stranger@example.org", subject=f"[{case.reference}] hi", outcome=Outcome.HELD
    )

    notice_after_commit(
        django_capture_on_commit_callbacks,
        "held",
        to="stranger@example.org",
        inbound=inbound,
        case=case,
    )

    message = parsed(mailoutbox[-1])
    plain, html = texts(message)
    assert case.subject not in plain + html + str(message["Subject"])
    assert case_thread_root(case.reference) not in str(message["References"])
    assert message["Reply-To"] == "Helpdesk <helpdesk@example.com>"


def test_a_message_handled_twice_tells_its_sender_once(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    inbound = received(sender="stranger@example.org", outcome=Outcome.HELD)

    for _ in range(2):
        notice_after_commit(
            django_capture_on_commit_callbacks, "held", to="stranger@example.org", inbound=inbound
        )

    assert MailNotice.objects.count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "address",
    [
        "helpdesk@example.com",
        "support@example.com",
        "SUPPORT+42-7-abcdefghijklmnop@example.com",
        "imap@example.com",
        "MAILER-DAEMON@example.org",
        "postmaster@example.org",
        "no-reply@example.org",
        "not an address",
        "",
    ],
)
def test_no_notice_goes_to_our_own_addresses_nor_to_robots(address, queues):
    queue = queues["technical_support"]
    queue.email_address = "support@example.com"
    queue.save()
    Mailbox.objects.create(
        address="imap@example.com",
        queue=queue,
        host="imap.example.com",
        username="u",
        password_variable="P",
    )
    inbound = received(sender=address, outcome=Outcome.HELD)

    record_mail_notice("held", to=address, inbound=inbound, now=T0)

    assert not MailNotice.objects.exists()


def test_an_unknown_kind_is_a_programming_error(db):
    inbound = received(outcome=Outcome.HELD)

    with pytest.raises(ValueError, match="Unknown mail notice kind"):
        record_mail_notice("thanks", to="a@example.org", inbound=inbound, now=T0)


def test_no_notice_is_emailed_to_an_undeliverable_address(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    customer.email_undeliverable_since = T0
    customer.email_undeliverable_reason = "mailbox full"
    customer.save()
    inbound = received(sender=customer.email, outcome=Outcome.HELD)

    notice_after_commit(
        django_capture_on_commit_callbacks, "held", to=customer.email, inbound=inbound
    )

    assert mailoutbox == []
    row = MailNotice.objects.get()
    assert row.email_withheld == "Not sent: the address is marked undeliverable: mailbox full"
    assert row.sent_at is not None


def test_a_failed_notice_backs_off_and_the_sweep_sends_it(db, mailoutbox, monkeypatch):
    original = EmailMultiAlternatives.send
    monkeypatch.setattr(EmailMultiAlternatives, "send", lambda *a, **k: 1 / 0)
    inbound = received(sender="stranger@example.org", outcome=Outcome.HELD)
    record_mail_notice("held", to="stranger@example.org", inbound=inbound, now=T0)
    row = MailNotice.objects.get()

    outcome = notice_delivery.OUTBOX.deliver_one(row.pk, now=T0)

    row.refresh_from_db()
    assert outcome.error.startswith("ZeroDivisionError")
    assert (row.attempts, row.next_attempt_at, row.sent_at) == (1, T0 + retry_delay(1), None)
    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    assert deliver_due(T0) == []

    [delivery] = deliver_due(T0 + HOUR)

    assert (delivery.case, delivery.kind, delivery.recipient) == (
        "mail",
        "held",
        "stranger@example.org",
    )
    assert len(mailoutbox) == 1


def test_the_eleventh_automatic_email_to_an_address_in_an_hour_waits(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(11):
        inbound = received(sender="stranger@example.org", outcome=Outcome.HELD)
        notice_after_commit(
            django_capture_on_commit_callbacks, "held", to="stranger@example.org", inbound=inbound
        )

    assert len(mailoutbox) == 10
    waiting = MailNotice.objects.get(sent_at__isnull=True)
    assert waiting.held_back.startswith("Held back")
    assert waiting.next_attempt_at is not None
