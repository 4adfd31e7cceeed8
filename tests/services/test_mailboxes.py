"""Polling an IMAP mailbox (a real pymap server): every message stored once, then moved to the
Processed folder; where reading stopped kept as UIDVALIDITY and UID, never the \\Seen flag; one
worker at a time; a mailbox that fails says why in words, never with its password."""

from datetime import timedelta

import pytest
from django.db import OperationalError, connections, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

import services.mailboxes
from cases.models import InboundMessage
from cases.models.mail import Outcome, Security, Via
from services.mailboxes import mailbox_check, mailbox_poll
from tests.mail import corpus
from tests.mail_servers import PASSWORD_VARIABLE, free_port

# The poll commits as it reads (and refuses to run inside a transaction): no test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def messages(count, **fields):
    return [corpus.message(subject=f"Message {n}", **fields) for n in range(count)]


def poll(mailbox, **kwargs):
    result = mailbox_poll(mailbox_id=mailbox.pk, **kwargs)
    mailbox.refresh_from_db()
    return result


def stored():
    return list(InboundMessage.objects.order_by("pk"))


# --- reading ----------------------------------------------------------------------------------


def test_new_messages_are_stored_moved_to_processed_and_handled(imap_server, imap_mailbox):
    imap_server.deliver(imap_mailbox.folder, *messages(3))
    uids = imap_server.uids(imap_mailbox.folder)

    result = poll(imap_mailbox)

    assert (result.read, result.stored, result.error, result.skipped) == (3, 3, None, None)
    assert [(m.subject, m.via, m.mailbox_id) for m in stored()] == [
        (f"Message {n}", Via.IMAP, imap_mailbox.pk) for n in range(3)
    ]
    assert all(m.outcome != Outcome.PENDING for m in stored())
    assert imap_server.uids(imap_mailbox.folder) == []
    assert len(imap_server.uids(imap_mailbox.processed_folder)) == 3
    assert imap_mailbox.last_uid == uids[-1]
    assert imap_mailbox.uid_validity is not None


def test_a_message_is_stored_byte_for_byte(imap_server, imap_mailbox):
    raw = corpus.latin1_message()
    imap_server.deliver(imap_mailbox.folder, raw)

    poll(imap_mailbox)

    with stored()[0].raw.open("rb") as file:
        assert file.read() == raw


def test_a_large_message_arrives_whole_through_pieces(imap_server, imap_mailbox):
    raw = corpus.large_message(size=3 * services.mailboxes.PIECE + 12345)
    small = corpus.message(subject="Small, after the large one")
    imap_server.deliver(imap_mailbox.folder, raw, small)

    result = poll(imap_mailbox)

    large, after = stored()
    assert result.read == 2
    assert (large.size, after.subject) == (len(raw), "Small, after the large one")
    with large.raw.open("rb") as file:
        assert file.read() == raw


def test_a_second_poll_reads_nothing_again(imap_server, imap_mailbox):
    imap_server.deliver(imap_mailbox.folder, *messages(2))
    poll(imap_mailbox)

    assert poll(imap_mailbox).read == 0
    imap_server.deliver(imap_mailbox.folder, corpus.message(subject="Later"))
    assert (poll(imap_mailbox).read, stored()[-1].subject) == (1, "Later")


def test_messages_are_read_in_batches_up_to_the_limit_of_a_poll(
    imap_server, imap_mailbox, monkeypatch
):
    monkeypatch.setattr(services.mailboxes, "BATCH", 2)
    monkeypatch.setattr(services.mailboxes, "MESSAGES_PER_POLL", 5)
    imap_server.deliver(imap_mailbox.folder, *messages(7))

    first, second = poll(imap_mailbox).read, poll(imap_mailbox).read

    assert (first, second, len(stored())) == (5, 2, 7)
    assert imap_server.uids(imap_mailbox.folder) == []


def test_a_read_message_is_still_read_the_seen_flag_is_not_the_checkpoint(
    imap_server, imap_mailbox
):
    imap_server.deliver(imap_mailbox.folder, corpus.message(subject="Read by a person"))
    with imap_server.client() as box:
        box.folder.set(imap_mailbox.folder)
        box.flag(box.uids("ALL"), "\\Seen", True)

    assert poll(imap_mailbox).read == 1


def test_an_unread_message_below_the_checkpoint_is_not_read_again(imap_server, imap_mailbox):
    imap_mailbox.processed_folder = imap_mailbox.folder  # nothing is moved: all stay unread here
    imap_mailbox.save()
    imap_server.deliver(imap_mailbox.folder, *messages(2))
    poll(imap_mailbox)

    assert poll(imap_mailbox).read == 0
    assert len(imap_server.uids(imap_mailbox.folder)) == 2


def test_the_same_message_twice_is_stored_once(imap_server, imap_mailbox):
    raw = corpus.message(message_id="<twice@mail.example.com>")
    imap_server.deliver(imap_mailbox.folder, raw, raw)

    result = poll(imap_mailbox)

    assert (result.read, result.stored, len(stored())) == (2, 1, 1)
    assert imap_server.uids(imap_mailbox.folder) == []


def test_a_new_uidvalidity_reads_the_folder_again_and_stores_nothing_twice(
    imap_server, imap_mailbox
):
    imap_mailbox.processed_folder = ""  # nothing moved: the renumbered folder holds them all
    imap_mailbox.save()
    sent = messages(2)
    imap_server.deliver(imap_mailbox.folder, *sent)
    poll(imap_mailbox)
    before = imap_mailbox.uid_validity
    with imap_server.client() as box:  # the server renumbers: the folder made anew
        box.folder.delete(imap_mailbox.folder)
        box.folder.create(imap_mailbox.folder)
    imap_server.deliver(imap_mailbox.folder, *sent)

    result = poll(imap_mailbox)

    assert imap_mailbox.uid_validity != before
    assert (result.read, result.stored, len(stored())) == (2, 0, 2)
    assert imap_mailbox.last_uid == imap_server.uids(imap_mailbox.folder)[-1]


def test_stored_messages_left_in_the_folder_are_moved_first(imap_server, imap_mailbox):
    imap_mailbox.processed_folder = imap_mailbox.folder  # their move "failed"
    imap_mailbox.save()
    imap_server.deliver(imap_mailbox.folder, *messages(2))
    poll(imap_mailbox)
    imap_mailbox.processed_folder = "Processed-later"
    imap_mailbox.save()

    result = poll(imap_mailbox)

    assert (result.read, result.error) == (0, None)
    assert imap_server.uids(imap_mailbox.folder) == []
    assert len(imap_server.uids("Processed-later")) == 2


def test_a_message_that_cannot_be_stored_stays_and_is_read_next_time(
    imap_server, imap_mailbox, monkeypatch
):
    imap_server.deliver(imap_mailbox.folder, *messages(3))
    uids = imap_server.uids(imap_mailbox.folder)
    store = services.mailboxes.inbound_store

    def database_down_at_the_second(**kwargs):
        if InboundMessage.objects.count() == 1:
            raise OperationalError("the database went away")
        return store(**kwargs)

    monkeypatch.setattr(services.mailboxes, "inbound_store", database_down_at_the_second)
    failed = poll(imap_mailbox)

    assert (failed.read, failed.stored) == (1, 1)
    assert "could not be stored (OperationalError)" in failed.error
    assert stored()[0].outcome != Outcome.PENDING  # what was stored is handled all the same
    assert imap_server.uids(imap_mailbox.folder) == uids[1:]
    assert imap_mailbox.last_uid == uids[0]
    assert imap_mailbox.last_error == failed.error

    monkeypatch.setattr(services.mailboxes, "inbound_store", store)
    assert (poll(imap_mailbox).read, len(stored()), imap_mailbox.last_error) == (2, 3, "")


# --- one worker at a time ---------------------------------------------------------------------


def test_a_switched_off_mailbox_is_not_read(imap_server, imap_mailbox):
    imap_mailbox.active = False
    imap_mailbox.save()
    imap_server.deliver(imap_mailbox.folder, *messages(1))

    result = poll(imap_mailbox)

    assert (result.read, result.skipped) == (0, "It is switched off or gone.")
    assert imap_mailbox.polled_at is None


def test_the_poll_refuses_to_run_inside_a_transaction(imap_mailbox):
    with transaction.atomic(), pytest.raises(TransactionManagementError):
        mailbox_poll(mailbox_id=imap_mailbox.pk)


@pytest.mark.postgres
def test_a_mailbox_another_worker_is_reading_is_skipped_not_waited_for(imap_server, imap_mailbox):
    imap_server.deliver(imap_mailbox.folder, *messages(1))
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM cases_mailbox WHERE id = %s FOR NO KEY UPDATE", [imap_mailbox.pk]
            )
        busy = poll(imap_mailbox)
        other.rollback()
    finally:
        other.close()

    assert (busy.read, busy.skipped) == (0, "Another worker is reading it.")
    assert poll(imap_mailbox).read == 1


# --- failures in words ------------------------------------------------------------------------


def test_a_refused_password_is_reported_in_words_without_the_password(
    imap_server, imap_mailbox, monkeypatch
):
    monkeypatch.setenv(PASSWORD_VARIABLE, "wrong-Secret-42")
    now = timezone.now()

    result = poll(imap_mailbox, now=now)

    assert "refused the user name or password for demouser" in result.error
    assert "app password" in result.error
    assert "wrong-Secret-42" not in result.error
    assert (imap_mailbox.last_error, imap_mailbox.failing_since) == (result.error, now)


def test_failing_since_is_the_first_failure_and_a_success_clears_it(
    imap_server, imap_mailbox, monkeypatch
):
    first = timezone.now() - timedelta(minutes=5)
    monkeypatch.setenv(PASSWORD_VARIABLE, "wrong")
    poll(imap_mailbox, now=first)
    poll(imap_mailbox, now=first + timedelta(minutes=1))
    assert imap_mailbox.failing_since == first

    monkeypatch.setenv(PASSWORD_VARIABLE, imap_server.password)
    poll(imap_mailbox)
    assert (imap_mailbox.failing_since, imap_mailbox.last_error) == (None, "")


def test_a_missing_password_variable_is_named(imap_mailbox, monkeypatch):
    monkeypatch.delenv(PASSWORD_VARIABLE)

    assert poll(imap_mailbox).error == f"The environment variable {PASSWORD_VARIABLE} is not set."


def test_a_missing_folder_is_named_with_the_folders_there_are(imap_mailbox):
    imap_mailbox.folder = "Nowhere"
    imap_mailbox.save()

    error = poll(imap_mailbox).error

    assert error.startswith(f'The folder "Nowhere" was not found on {imap_mailbox.host}')
    assert '"INBOX"' in error


def test_a_closed_port_is_reported_in_words(imap_mailbox):
    imap_mailbox.port = free_port()
    imap_mailbox.save()

    assert "refused the connection on port" in poll(imap_mailbox).error


def test_tls_is_the_default_and_a_server_without_it_is_refused(imap_mailbox):
    imap_mailbox.security = Security.TLS
    imap_mailbox.save()

    assert imap_mailbox._meta.get_field("security").default == Security.TLS
    assert "The secure connection to" in poll(imap_mailbox).error
    assert stored() == []


def test_starttls_on_the_tls_port_is_explained(imap_mailbox):
    imap_mailbox.security, imap_mailbox.port = Security.STARTTLS, 993
    imap_mailbox.save()

    assert "Port 993 expects TLS from the first byte" in poll(imap_mailbox).error


# --- the admin's "Test connection" ------------------------------------------------------------


def test_the_connection_test_passes_for_a_working_mailbox(imap_mailbox):
    assert mailbox_check(imap_mailbox) is None


def test_the_connection_test_says_what_is_wrong_and_changes_nothing(imap_mailbox, monkeypatch):
    monkeypatch.setenv(PASSWORD_VARIABLE, "wrong-Secret-42")

    problem = mailbox_check(imap_mailbox)

    assert "refused the user name or password" in problem
    assert "wrong-Secret-42" not in problem
    imap_mailbox.refresh_from_db()
    assert (imap_mailbox.last_error, imap_mailbox.polled_at) == ("", None)
