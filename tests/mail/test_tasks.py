"""The beat's mail tasks: every active mailbox polled in a task of its own (one failing never
stops the others), and stored messages whose handling failed tried again when due."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import InboundMessage, Mailbox
from cases.models.mail import Outcome, Via
from helpdesk.celery import app
from helpdesk.schedules import SCHEDULES
from mail.tasks import poll_mailbox, poll_mailboxes, retry_inbound_messages
from services.inbound import inbound_store
from tests.mail import corpus

pytestmark = pytest.mark.django_db(transaction=True)


def test_both_tasks_are_on_the_beat_every_minute():
    app.loader.import_default_modules()
    tasks = {schedule.task: schedule.every_seconds for schedule in SCHEDULES.values()}

    assert tasks["mail.tasks.poll_mailboxes"] == 60
    assert tasks["mail.tasks.retry_inbound_messages"] == 60
    assert {"mail.tasks.poll_mailbox", *tasks} <= set(app.tasks)


def test_every_active_mailbox_is_polled_and_one_failing_stops_none(
    imap_server, imap_mailbox, monkeypatch
):
    broken = Mailbox.objects.create(
        address="broken@helpdesk.example",
        queue=imap_mailbox.queue,
        host=imap_server.host,
        port=imap_server.port,
        security=imap_mailbox.security,
        username="nobody",
        password_variable="HELPDESK_TEST_NO_SUCH_VARIABLE",
    )
    monkeypatch.delenv("HELPDESK_TEST_NO_SUCH_VARIABLE", raising=False)
    imap_server.deliver(imap_mailbox.folder, corpus.message(subject="Through the beat"))

    assert poll_mailboxes() == 2

    broken.refresh_from_db()
    assert "HELPDESK_TEST_NO_SUCH_VARIABLE is not set" in broken.last_error
    assert list(InboundMessage.objects.values_list("subject", "mailbox")) == [
        ("Through the beat", imap_mailbox.pk)
    ]


def test_a_poll_that_crashes_leaves_the_other_mailboxes_polled(
    imap_server, imap_mailbox, monkeypatch
):
    """Even an unexpected error (a bug) in one mailbox's task is that task's alone."""
    second = Mailbox.objects.create(
        address="second@helpdesk.example",
        queue=imap_mailbox.queue,
        host=imap_server.host,
        port=imap_server.port,
        security=imap_mailbox.security,
        username=imap_server.user,
        password_variable=imap_mailbox.password_variable,
        folder=imap_server.new_folder(),
    )
    imap_server.deliver(second.folder, corpus.message(subject="To the second"))
    real = poll_mailbox.run

    def first_one_crashes(mailbox_id):
        if mailbox_id == imap_mailbox.pk:
            raise RuntimeError("a bug")
        return real(mailbox_id)

    monkeypatch.setattr(poll_mailbox, "run", first_one_crashes)

    poll_mailboxes()

    assert list(InboundMessage.objects.values_list("subject", flat=True)) == ["To the second"]


def test_a_switched_off_mailbox_is_not_polled(imap_server, imap_mailbox):
    imap_mailbox.active = False
    imap_mailbox.save()
    imap_server.deliver(imap_mailbox.folder, corpus.message())

    assert poll_mailboxes() == 0
    assert not InboundMessage.objects.exists()


def test_retry_handles_a_message_stored_but_never_handled():
    """The process that stored it stopped before handling it: the retry task picks it up."""
    message, _created = inbound_store(
        raw=corpus.message(subject="Stored, then the worker died"),
        via=Via.IMAP,
        now=timezone.now() - timedelta(minutes=5),
    )

    assert retry_inbound_messages() == 1

    message.refresh_from_db()
    # Handled as any message is: sent to an address no queue reads, it is held, with the reason.
    assert message.outcome == Outcome.HELD
    assert message.reason
    assert retry_inbound_messages() == 0
