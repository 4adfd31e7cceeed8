"""Storing a message that arrives (services.inbound.inbound_store): the raw bytes kept once, by
any way in, with what the headers say; never an error for what the bytes are."""

import hashlib
from io import BytesIO

import pytest
from django.core.files import File
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

import services.inbound
from cases.models import InboundMessage, Mailbox, Outcome, Via
from services.inbound import inbound_store
from tests.mail import corpus

pytestmark = pytest.mark.django_db


def stored_bytes(row: InboundMessage) -> bytes:
    with row.raw.open("rb") as raw:
        return raw.read()


def test_the_raw_message_is_stored_byte_for_byte_with_its_hash():
    raw = corpus.latin1_message()

    row, created = inbound_store(raw=raw, via=Via.PIPE)

    assert created
    assert stored_bytes(row) == raw
    assert (row.sha256, row.size) == (hashlib.sha256(raw).hexdigest(), len(raw))
    assert row.outcome == Outcome.PENDING
    assert row.raw.name.startswith("inbound/") and row.raw.name.endswith(".eml")


def test_what_the_headers_say_is_kept():
    raw = corpus.encoded_words_message()

    row, _ = inbound_store(raw=BytesIO(raw), via=Via.PIPE)

    assert row.message_id.startswith("<") and row.message_id.endswith("@mail.example.com>")
    assert row.dedupe_key == f"mid:{row.message_id[1:-1]}"
    assert (row.sender, row.sender_name, row.subject) == (
        "jorg@example.com",
        corpus.ENCODED_NAME,
        corpus.ENCODED_SUBJECT,
    )


def test_a_folded_subject_is_stored_unfolded():
    row, _ = inbound_store(raw=corpus.folded_subject_reply("CS-000042"), via=Via.PIPE)

    assert "catching fire [CS-000042] was answered" in row.subject


def test_control_characters_never_reach_the_subject():
    raw = b"From: a@example.com\r\nSubject: =?utf-8?q?bad=00news=07here?=\r\n\r\nHi\r\n"

    row, _ = inbound_store(raw=raw, via=Via.PIPE)

    assert row.subject == "bad news here"


def test_the_same_message_twice_is_stored_once():
    raw = corpus.message()

    first, created_first = inbound_store(raw=raw, via=Via.PIPE)
    second, created_second = inbound_store(raw=raw, via=Via.PIPE)

    assert (created_first, created_second) == (True, False)
    assert second.pk == first.pk
    assert InboundMessage.objects.count() == 1


def test_the_same_message_by_two_ways_is_stored_once(tmp_path):
    """An IMAP server adds its own headers (Received, Delivered-To): the Message-ID is what
    tells it is the same message."""
    raw = corpus.message(message_id="<same@mail.example.com>")
    via_imap = b"Received: from mx by imap; Mon, 7 Dec 2026\r\nDelivered-To: x@y\r\n" + raw

    first, _ = inbound_store(raw=raw, via=Via.PIPE)
    second, created = inbound_store(raw=via_imap, via=Via.IMAP)

    assert not created
    assert second.pk == first.pk
    assert second.via == Via.PIPE


def test_a_message_without_message_id_is_known_by_its_hash():
    raw = corpus.no_headers()

    row, _ = inbound_store(raw=raw, via=Via.PIPE)
    again, created = inbound_store(raw=raw, via=Via.MAILDIR)

    assert row.dedupe_key == f"sha256:{hashlib.sha256(raw).hexdigest()}"
    assert row.message_id == ""
    assert (again.pk, created) == (row.pk, False)


def test_a_duplicate_changes_nothing_of_the_first():
    raw = corpus.message(message_id="<once@mail.example.com>")
    first, _ = inbound_store(raw=raw, via=Via.PIPE)
    InboundMessage.objects.filter(pk=first.pk).update(outcome=Outcome.HELD, reason="Unknown")

    again, _ = inbound_store(raw=raw, via=Via.IMAP)

    assert (again.outcome, again.reason) == (Outcome.HELD, "Unknown")


def test_a_duplicate_leaves_one_file(settings):
    raw = corpus.message(message_id="<twice@mail.example.com>")

    inbound_store(raw=raw, via=Via.PIPE)
    inbound_store(raw=raw, via=Via.IMAP)

    assert len(list((settings.MEDIA_ROOT / "inbound").rglob("*.eml"))) == 1


def test_a_new_message_is_stored_in_one_insert(support):
    """The insert itself tells a new message from a duplicate, and where the helpdesk receives
    mail is known from the previous message. (The test's own transaction adds a savepoint
    around it, which a way in outside a transaction does not.)"""
    inbound_store(raw=corpus.message(), via=Via.PIPE)

    with CaptureQueriesContext(connection) as queries:
        inbound_store(raw=corpus.message(), via=Via.PIPE)

    statements = [
        query["sql"].split()[0]
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    assert statements == ["INSERT"]


def test_a_race_for_the_same_message_keeps_one_row_and_no_second_file(monkeypatch, settings):
    """Another process stores the same message while this one writes its file: the unique key
    decides, the loser's file is deleted and the winner's row returned."""
    raw = corpus.message(message_id="<race@mail.example.com>")
    winner: dict = {}

    def file_after_the_other_process_won(stream):
        if "row" not in winner:
            winner["row"] = None  # the other process's own store goes straight through
            winner["row"], _ = inbound_store(raw=raw, via=Via.IMAP)
        return File(stream)

    monkeypatch.setattr(services.inbound, "File", file_after_the_other_process_won)

    row, created = inbound_store(raw=raw, via=Via.PIPE)

    assert (row.pk, created) == (winner["row"].pk, False)
    assert InboundMessage.objects.count() == 1
    inbound = settings.MEDIA_ROOT / "inbound"
    assert len([path for path in inbound.rglob("*.eml")]) == 1


@pytest.mark.parametrize(
    "raw",
    [corpus.garbage(), b"", b"\x00" * 100, corpus.no_headers(), b"Subject: " + b"x" * 5000],
    ids=["garbage", "empty", "nuls", "no_headers", "long_subject"],
)
def test_any_bytes_are_stored(raw):
    row, created = inbound_store(raw=raw, via=Via.PIPE)

    assert created
    assert stored_bytes(row) == raw
    assert len(row.subject) <= 998


def test_a_message_id_too_long_to_be_one_is_known_by_its_hash():
    raw = corpus.message(message_id=f"<{'x' * 2000}@example.com>")

    row, _ = inbound_store(raw=raw, via=Via.PIPE)

    assert row.dedupe_key.startswith("sha256:")
    assert row.message_id == ""


def test_a_30_megabyte_message_is_streamed_to_storage(tmp_path):
    path = tmp_path / "large.eml"
    with path.open("wb") as stream:
        size = corpus.write_large_message(stream)

    with path.open("rb") as stream:
        row, _ = inbound_store(raw=stream, via=Via.PIPE)

    assert row.size == size > 30 * 1024 * 1024
    assert row.subject == "The whole log"
    assert row.raw.size == size


def test_the_envelope_recipient_comes_first_when_it_is_ours(support):
    raw = corpus.message(to="someone@example.com")

    row, _ = inbound_store(raw=raw, via=Via.PIPE, envelope_recipient=corpus.SUPPORT)

    assert (row.recipient, row.envelope_recipient) == (corpus.SUPPORT, corpus.SUPPORT)


def test_the_first_of_our_addresses_in_the_headers_is_the_recipient(support):
    raw = corpus.message(to="friend@example.com", cc=f"Support <{corpus.SUPPORT.upper()}>")

    row, _ = inbound_store(raw=raw, via=Via.PIPE, envelope_recipient="alias@example.com")

    assert row.recipient == corpus.SUPPORT.upper()


def test_a_plus_address_of_ours_is_the_recipient(support):
    raw = corpus.message(to="friend@example.com", cc="support+42-7-abc@helpdesk.example")

    row, _ = inbound_store(raw=raw, via=Via.PIPE)

    assert row.recipient == "support+42-7-abc@helpdesk.example"


def test_a_mailbox_address_is_ours(support):
    Mailbox.objects.create(
        address="help@helpdesk.example",
        queue=support,
        host="imap.example",
        username="help",
        password_variable="HELP_PASSWORD",
    )
    raw = corpus.message(to="friend@example.com", cc="help@helpdesk.example")

    row, _ = inbound_store(raw=raw, via=Via.PIPE)

    assert row.recipient == "help@helpdesk.example"


def test_an_address_given_to_a_queue_receives_at_once(support):
    inbound_store(raw=corpus.message(to="sales@helpdesk.example"), via=Via.PIPE)
    support.email_address = "sales@helpdesk.example"
    support.save()

    raw = corpus.message(to="friend@example.com", cc="sales@helpdesk.example")

    row, _ = inbound_store(raw=raw, via=Via.PIPE)

    assert row.recipient == "sales@helpdesk.example"


def test_a_mailbox_deleted_receives_no_more_at_once(support):
    mailbox = Mailbox.objects.create(
        address="help@helpdesk.example",
        queue=support,
        host="imap.example",
        username="help",
        password_variable="HELP_PASSWORD",
    )
    inbound_store(raw=corpus.message(to="help@helpdesk.example"), via=Via.PIPE)
    mailbox.delete()

    raw = corpus.message(to="friend@example.com", cc="help@helpdesk.example")

    row, _ = inbound_store(raw=raw, via=Via.PIPE)

    assert row.recipient == "friend@example.com"


def test_without_an_address_of_ours_the_first_is_the_recipient(support):
    raw = corpus.message(to="friend@example.com", cc="other@example.com")

    row, _ = inbound_store(raw=raw, via=Via.PIPE)

    assert row.recipient == "friend@example.com"


def test_a_database_outage_raises_and_leaves_no_file(monkeypatch, settings):
    def down(*args, **kwargs):
        raise OperationalError("the database is down")

    monkeypatch.setattr(InboundMessage, "save", down)

    with pytest.raises(OperationalError):
        inbound_store(raw=corpus.message(), via=Via.PIPE)

    inbound = settings.MEDIA_ROOT / "inbound"
    assert not inbound.exists() or not list(inbound.rglob("*.eml"))
