"""Reading the IMAP mailboxes set up in the admin: every message is stored (`services.inbound`)
before it is moved to the Processed folder, and read once, whoever polls.

Where reading stopped is the folder's UIDVALIDITY and the highest UID stored (`Mailbox.last_uid`),
never the \\Seen flag, which a person reading the mailbox changes. A poll reads the UIDs above it
in UID order, a batch at a time: each message is stored (and committed) on its own, then the
batch is moved to Processed. A crash between the two leaves stored messages in the folder: the
next poll reads them again, and storing a message twice changes nothing. A UIDVALIDITY that
changed means the server renumbered the folder: the checkpoint starts again from nothing.
Messages at or below the checkpoint still in the folder (their move failed) are moved first.

One worker reads a mailbox at a time: the poll holds a row lock on the mailbox (`FOR NO KEY
UPDATE SKIP LOCKED`, so another worker skips it rather than waits) for as long as it talks to
the server. The lock lives on a database connection of its own, which writes only the mailbox's
checkpoint and status, once, at the end: the messages are stored on the usual connection, in
short transactions of their own, so no transaction holding stored rows waits on the network. A
no-key lock leaves the stored rows' foreign key to the mailbox free. The new messages are handled
only after the lock is let go, so handling (which may lock rows of its own) never waits on it.
SQLite (development) has no row locks: there two polls at once would read twice and store once.

A failure (connection, TLS, log-in, folder, timeout) is recorded on the mailbox in words for the
admin (`last_error`, `failing_since` from the first failure) and never names the password.
"""

import imaplib
import logging
import os
import re
import socket
import ssl
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from imap_tools import (
    BaseMailBox,
    ImapToolsError,
    MailBox,
    MailboxFolderCreateError,
    MailboxFolderSelectError,
    MailboxLoginError,
    MailBoxStartTls,
    MailboxStarttlsError,
    MailBoxUnencrypted,
    UnexpectedCommandStatusError,
)

from cases.models import Mailbox
from cases.models.mail import Security, Via
from services.inbound import inbound_handle, inbound_store

log = logging.getLogger(__name__)

# Every network operation gives up after this long, so a server that stops answering cannot hold
# a mailbox (or a worker) for longer.
TIMEOUT_SECONDS = 30
# Messages fetched, stored and moved together: at most this many are read again after a crash.
BATCH = 50
# Messages read per poll, so a poll (and the transaction holding its lock) ends even when tens of
# thousands wait; the next poll, a minute later, reads on. A thousand take well under a minute.
MESSAGES_PER_POLL = 1000
# Bytes fetched in one command; a message larger than a piece is fetched piece by piece into a
# temporary file, so a 25 MB message never sits in memory whole.
BYTES_PER_FETCH = 8 * 1024 * 1024
PIECE = 1024 * 1024

UID = re.compile(rb"UID (\d+)")
SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
ERRORS = (OSError, ImapToolsError, imaplib.IMAP4.error)


@dataclass(frozen=True)
class PollResult:
    """What one poll of a mailbox did."""

    mailbox_id: int
    read: int = 0  # messages fetched from the server
    stored: int = 0  # of which new to the helpdesk (the others were stored before), all handled
    skipped: str | None = None  # why it was not read (another worker is reading it, or it is off)
    error: str | None = None  # what went wrong, in words


class MailboxFailure(Exception):
    """Why a mailbox could not be read, already in words."""


def mailbox_check(mailbox: Mailbox) -> str | None:
    """The admin's "Test connection": None when the helpdesk connects, logs in and finds the
    folder; else what went wrong, in words."""
    try:
        with _session(mailbox):
            return None
    except (MailboxFailure, *ERRORS) as error:
        return _in_words(error, mailbox)


def mailbox_poll(*, mailbox_id: int, now: datetime | None = None) -> PollResult:
    """Reads the mailbox's new messages (up to MESSAGES_PER_POLL), stores each, moves them to
    the Processed folder, then handles those new to the helpdesk. A failure is recorded on the
    mailbox, not raised: what was stored before it stays stored and is handled."""
    if transaction.get_connection().in_atomic_block:
        # Stores commit as they go; inside a transaction a rollback would undo stores whose
        # messages were already moved out of the folder.
        raise TransactionManagementError("mailbox_poll commits as it reads: call it outside.")
    now = now or timezone.now()
    with _MailboxLock(mailbox_id) as lock:
        if not lock.held:
            busy = Mailbox.objects.filter(pk=mailbox_id, active=True).exists()
            reason = "Another worker is reading it." if busy else "It is switched off or gone."
            return PollResult(mailbox_id, skipped=reason)
        mailbox = Mailbox.objects.get(pk=mailbox_id)
        poll = _Poll(mailbox, now)
        error: str | None = None
        try:
            poll.run()
        except (MailboxFailure, *ERRORS) as failure:
            error = _in_words(failure, mailbox)
            log.warning("Mailbox %s could not be read: %s", mailbox.address, error)
        lock.save(
            uid_validity=mailbox.uid_validity,
            last_uid=mailbox.last_uid,
            polled_at=now,
            failing_since=(mailbox.failing_since or now) if error else None,
            last_error=error or "",
        )
    for message_id in poll.new:
        inbound_handle(message_id=message_id, now=now)
    return PollResult(mailbox_id, read=poll.read, stored=len(poll.new), error=error)


class _MailboxLock:
    """The mailbox's row lock, on a connection of its own (see the module's docstring), which
    writes the mailbox's checkpoint and status when the poll ends. SQLite has no row locks:
    there it locks nothing and writes through the usual connection."""

    def __init__(self, mailbox_id: int) -> None:
        self.mailbox_id = mailbox_id
        self.locks = connection.vendor == "postgresql"
        self.db: BaseDatabaseWrapper = (
            connections.create_connection(DEFAULT_DB_ALIAS) if self.locks else connection
        )
        self.held = False

    def __enter__(self) -> "_MailboxLock":
        if self.locks:
            self.db.set_autocommit(False)
        self.held = self._take()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.locks:
            try:
                # After `save` this only lets the lock go; after a crash it drops nothing
                # stored (the stores committed on the usual connection).
                self.db.rollback()
            finally:
                self.db.close()

    def _take(self) -> bool:
        if not self.locks:
            return Mailbox.objects.filter(pk=self.mailbox_id, active=True).exists()
        table, pk, active = self._names("id", "active")
        with self.db.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {table} WHERE {pk} = %s AND {active} FOR NO KEY UPDATE SKIP LOCKED",
                [self.mailbox_id],
            )
            return cursor.fetchone() is not None

    def save(self, **values: Any) -> None:
        """Writes these fields of the mailbox and commits them."""
        fields = [field for field in Mailbox._meta.concrete_fields if field.name in values]
        table, pk, *columns = self._names("id", *(field.name for field in fields))
        assignments = ", ".join(f"{column} = %s" for column in columns)
        params = [field.get_db_prep_save(values[field.name], self.db) for field in fields]
        with self.db.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s", [*params, self.mailbox_id]
            )
        if self.locks:
            self.db.commit()

    def _names(self, *fields: str) -> list[str]:
        """The mailbox table's quoted name, then these fields' quoted columns."""
        quote, meta = self.db.ops.quote_name, Mailbox._meta
        columns = [meta.get_field(name).column for name in fields]  # type: ignore[union-attr]
        return [quote(meta.db_table), *(quote(str(column)) for column in columns)]


class _Poll:
    """One poll of one mailbox: the IMAP session, batch by batch. `mailbox` carries the
    checkpoint as it moves on."""

    def __init__(self, mailbox: Mailbox, now: datetime) -> None:
        self.mailbox = mailbox
        self.now = now
        self.read = 0
        self.new: list[int] = []
        self.target_made = False

    def run(self) -> None:
        mailbox = self.mailbox
        with _session(mailbox) as (box, uid_validity):
            if uid_validity != mailbox.uid_validity:
                mailbox.uid_validity, mailbox.last_uid = uid_validity, 0
            elif mailbox.last_uid:
                # Stored, but still here: their move failed or never happened.
                self._move(box, _uids(box, f"1:{mailbox.last_uid}"))
            waiting = [
                uid
                for uid in _uids(box, f"{mailbox.last_uid + 1}:*")
                # `N:*` names the last message even when its UID is below N.
                if uid > mailbox.last_uid
            ][:MESSAGES_PER_POLL]
            for start in range(0, len(waiting), BATCH):
                stored: list[int] = []
                try:
                    self._store(box, waiting[start : start + BATCH], stored)
                except (MailboxFailure, *ERRORS):
                    # What was stored before the failure goes too, if the server still listens;
                    # else the next poll moves it. The failure is what the admin must see.
                    with suppress(MailboxFailure, *ERRORS):
                        self._move(box, stored)
                    raise
                self._move(box, stored)

    def _store(self, box: BaseMailBox, uids: list[int], stored: list[int]) -> None:
        """Stores the messages of a batch in UID order, adding each UID to `stored` and moving
        the checkpoint past it once stored (a message deleted meanwhile is passed over)."""
        for uid, raw in _fetch(box, uids):
            try:
                message, created = inbound_store(
                    raw=raw,
                    via=Via.IMAP,
                    envelope_recipient=self.mailbox.address,
                    mailbox=self.mailbox,
                    now=self.now,
                )
            except Exception as error:
                log.exception("Message %s of %s could not be stored", uid, self.mailbox.address)
                raise MailboxFailure(
                    f"A message could not be stored ({type(error).__name__}); it stays in the "
                    "folder and is read again at the next poll."
                ) from error
            self.read += 1
            if created:
                self.new.append(message.pk)
            self.mailbox.last_uid = uid
            stored.append(uid)

    def _move(self, box: BaseMailBox, uids: list[int]) -> None:
        """Moves stored messages out of the folder."""
        target = self.mailbox.processed_folder.strip()
        if not uids or not target or target == self.mailbox.folder:
            return
        if not self.target_made and not box.folder.exists(target):
            try:
                box.folder.create(target)
            except MailboxFolderCreateError as error:
                raise MailboxFailure(
                    f'The folder "{target}" for processed mail could not be made: {_answer(error)}.'
                ) from error
        self.target_made = True
        box.move([str(uid) for uid in uids], target)


@contextmanager
def _session(mailbox: Mailbox) -> Iterator[tuple[BaseMailBox, int]]:
    """Connected, logged in, the folder selected: the session and the folder's UIDVALIDITY."""
    password = _password(mailbox)
    box = _connect(mailbox)
    try:
        box.login(mailbox.username, password, initial_folder=None)
        # imaplib keeps what the server offered before the log-in; MOVE is often only after.
        box.client.capabilities = tuple(
            box.client.capability()[1][-1].decode("ascii", "replace").upper().split()
        )
        try:
            box.folder.set(mailbox.folder)
        except MailboxFolderSelectError as error:
            names = ", ".join(f'"{folder.name}"' for folder in box.folder.list())
            raise MailboxFailure(
                f'The folder "{mailbox.folder}" was not found on {mailbox.host} '
                f"(it has {names or 'no folders'})."
            ) from error
        validity = box.client.response("UIDVALIDITY")[1][0] or b""
        if not validity.isdigit():
            raise MailboxFailure(
                f'{mailbox.host} did not give the folder "{mailbox.folder}" a UIDVALIDITY.'
            )
        yield box, int(validity)
    finally:
        # The session is over either way; what went wrong before is what matters.
        with suppress(*ERRORS):
            box.logout()


def _password(mailbox: Mailbox) -> str:
    variable = mailbox.password_variable.strip()
    if not variable:
        raise MailboxFailure("The mailbox names no environment variable for its password.")
    password = os.environ.get(variable)
    if password is None:
        raise MailboxFailure(f"The environment variable {variable} is not set.")
    return password


def _connect(mailbox: Mailbox) -> BaseMailBox:
    host, port = mailbox.host, mailbox.port
    if mailbox.security == Security.NONE:
        return MailBoxUnencrypted(host, port, timeout=TIMEOUT_SECONDS)
    context = ssl.create_default_context()
    if mailbox.security == Security.STARTTLS:
        if port == 993:
            raise MailboxFailure(
                "Port 993 expects TLS from the first byte: choose TLS, or port 143 for STARTTLS."
            )
        return MailBoxStartTls(host, port, timeout=TIMEOUT_SECONDS, ssl_context=context)
    return MailBox(host, port, timeout=TIMEOUT_SECONDS, ssl_context=context)


def _uids(box: BaseMailBox, uid_set: str) -> list[int]:
    return sorted(int(uid) for uid in box.uids(f"UID {uid_set}", charset=None))


def _fetch(box: BaseMailBox, uids: list[int]) -> Iterator[tuple[int, bytes | IO[bytes]]]:
    """The raw bytes of these messages, in UID order: small ones a few megabytes per command,
    a large one piece by piece into a temporary file. A message deleted meanwhile is left out."""
    sizes = _fetch_sizes(box, uids)
    group: list[int] = []
    group_bytes = 0
    for uid in uids:
        size = sizes.get(uid)
        if size is None:
            continue
        if size > PIECE or group_bytes + size > BYTES_PER_FETCH:
            yield from _fetch_whole(box, group)
            group, group_bytes = [], 0
        if size > PIECE:
            with tempfile.SpooledTemporaryFile(max_size=PIECE) as spool:
                if _fetch_in_pieces(box, uid, spool):
                    yield uid, spool
        else:
            group.append(uid)
            group_bytes += size
    yield from _fetch_whole(box, group)


def _fetch_sizes(box: BaseMailBox, uids: list[int]) -> dict[int, int]:
    sizes = {}
    for item in _uid_fetch(box, uids, "(UID RFC822.SIZE)"):
        line = item[0] if isinstance(item, tuple) else item
        uid, size = UID.search(line), SIZE.search(line)
        if uid and size:
            sizes[int(uid.group(1))] = int(size.group(1))
    return sizes


def _fetch_whole(box: BaseMailBox, uids: list[int]) -> Iterator[tuple[int, bytes]]:
    if not uids:
        return
    bodies = _fetch_literals(box, uids, "(UID BODY.PEEK[])")
    for uid in uids:
        if uid in bodies:
            yield uid, bodies[uid]


def _fetch_in_pieces(box: BaseMailBox, uid: int, spool: IO[bytes]) -> bool:
    """Writes the message into `spool`, rewound; False when it was deleted meanwhile."""
    offset = 0
    while True:
        piece = _fetch_literals(box, [uid], f"(UID BODY.PEEK[]<{offset}.{PIECE}>)").get(uid)
        if piece is None:
            return False
        spool.write(piece)
        offset += len(piece)
        if len(piece) < PIECE:
            spool.seek(0)
            return True


def _fetch_literals(box: BaseMailBox, uids: list[int], parts: str) -> dict[int, bytes]:
    """Each message's literal (its body, or a piece of it) by UID, which a server may write
    before or after the literal."""
    found = {}
    literal: bytes | None = None
    for item in _uid_fetch(box, uids, parts):
        if isinstance(item, tuple):
            uid = UID.search(item[0])
            if uid:
                found[int(uid.group(1))] = item[1]
            else:
                literal = item[1]
        else:
            uid = UID.search(item)
            if uid and literal is not None:
                found[int(uid.group(1))] = literal
            literal = None
    return found


def _uid_fetch(box: BaseMailBox, uids: list[int], parts: str) -> list[bytes | tuple[bytes, bytes]]:
    # imaplib hands back every FETCH response since the last one it returned, unsolicited
    # ones after other commands included: those are dropped first.
    box.client.untagged_responses.pop("FETCH", None)
    status, data = box.client.uid("FETCH", ",".join(str(uid) for uid in uids), parts)
    if status != "OK":
        raise MailboxFailure(f"{box.client.host} refused to fetch messages: {_decoded(data)}.")
    return [item for item in data if item is not None]


def _in_words(error: BaseException, mailbox: Mailbox) -> str:
    """What went wrong, for the manager who set the mailbox up: the cause and, where there is a
    usual one, the fix. The password never appears: a server's answer is scrubbed of it."""
    host, port = mailbox.host, mailbox.port
    if isinstance(error, MailboxFailure):
        words = str(error)
    elif isinstance(error, MailboxLoginError):
        words = (
            f"{host} refused the user name or password for {mailbox.username} (it answered: "
            f"{_answer(error)}). Check the password in {mailbox.password_variable}; Gmail and "
            "Microsoft 365 need an app password (and IMAP turned on for the account), not the "
            "account's own password."
        )
    elif isinstance(error, MailboxStarttlsError):
        words = f"{host} does not offer STARTTLS on port {port}: choose TLS (port 993)."
    elif isinstance(error, UnexpectedCommandStatusError):
        words = f"{host} answered with an error: {_answer(error)}."
    elif isinstance(error, ssl.SSLCertVerificationError):
        words = (
            f"The certificate of {host} could not be verified ({error.verify_message}): it must "
            "name this host and be signed by an authority this machine trusts."
        )
    elif isinstance(error, ssl.SSLError):
        words = (
            f"The secure connection to {host}:{port} failed ({error.reason or error}). Check that "
            "the security matches the port: TLS on 993, STARTTLS on 143."
        )
    elif isinstance(error, ConnectionRefusedError):
        words = (
            f"{host} refused the connection on port {port}. Check the host and the port "
            "(IMAP is usually 993 with TLS, 143 with STARTTLS)."
        )
    elif isinstance(error, socket.gaierror):
        words = f"The host {host} was not found. Check its name."
    elif isinstance(error, TimeoutError):
        words = (
            f"{host}:{port} did not answer within {TIMEOUT_SECONDS} seconds. Check the host, the "
            "port and the security (TLS on a port that expects none waits for ever)."
        )
    elif isinstance(error, imaplib.IMAP4.error):
        words = (
            f"The conversation with {host}:{port} broke off ({error}). Check that the security "
            "matches the port: TLS on 993, STARTTLS on 143."
        )
    else:
        words = f"Could not reach {host}:{port}: {getattr(error, 'strerror', None) or error}."
    return _scrubbed(words, mailbox)


def _answer(error: UnexpectedCommandStatusError) -> str:
    return _decoded(error.command_result[1])


def _decoded(data: object) -> str:
    lines = data if isinstance(data, list | tuple) else [data]
    text = " ".join(
        line.decode("utf-8", "replace") if isinstance(line, bytes) else str(line)
        for line in lines
        if line is not None
    )
    return text.strip() or "nothing"


def _scrubbed(words: str, mailbox: Mailbox) -> str:
    password = os.environ.get(mailbox.password_variable.strip(), "")
    return words.replace(password, "(the password)") if password else words
