"""Email as a channel: every message that arrives, stored raw before anything else happens to it,
and the IMAP mailboxes the helpdesk reads. What a message becomes is decided in
`services/inbound.py`; this module only keeps the record."""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def raw_name(instance: "InboundMessage", filename: str) -> str:
    """Where a raw message is stored: a random name under the month it arrived, never anything
    the sender chose."""
    return f"inbound/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.eml"


class Outcome(models.TextChoices):
    """What became of a message (the API's `outcome`; `pending` until it is handled)."""

    PENDING = "pending", "Waiting to be handled"
    NEW_CASE = "new_case", "Opened a case"
    REPLY = "reply", "Posted on a case"
    REPEAT = "repeat", "Opened a follow-up case"
    HELD = "held", "Held for an agent"
    IGNORED = "ignored", "Ignored: sent automatically"
    BOUNCE = "bounce", "A delivery failure report"
    REFUSED = "refused", "Refused"
    DISCARDED = "discarded", "Discarded by an agent"


class Via(models.TextChoices):
    """How the message reached the helpdesk."""

    PIPE = "pipe", "The mail server's pipe"
    MAILDIR = "maildir", "A Maildir"
    IMAP = "imap", "An IMAP mailbox"


class InboundMessage(models.Model):
    # One row per message, whichever way it came and however often: the Message-ID when it has
    # one ("mid:<id>"), else the hash of its bytes ("sha256:<hex>").
    dedupe_key = models.CharField(max_length=1000, unique=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    message_id = models.CharField(
        max_length=998,
        blank=True,
        db_index=True,
        help_text="Its Message-ID as the header writes it, <…>.",
    )
    raw = models.FileField(
        upload_to=raw_name, max_length=200, help_text="The message as it arrived, byte for byte."
    )
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    via = models.CharField(max_length=16, choices=Via.choices)
    mailbox = models.ForeignKey(
        "cases.Mailbox", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    envelope_recipient = models.CharField(
        max_length=998, blank=True, help_text="The recipient the mail server delivered it for."
    )
    sender = models.CharField(max_length=320, blank=True, help_text="The From address.")
    sender_name = models.CharField(max_length=200, blank=True)
    recipient = models.CharField(
        max_length=998, blank=True, help_text="The address it was sent to that led it here."
    )
    subject = models.CharField(max_length=998, blank=True)
    received_at = models.DateTimeField()

    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.TextField(blank=True, help_text="Why it was held, refused or ignored.")
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
    )
    comment = models.OneToOneField(
        "cases.Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_message",
        help_text="The message of the conversation it became.",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The agent who released or discarded it (held mail).",
    )
    # A failure while handling leaves the message stored, with its error, and tried again.
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-received_at", "-id"]
        indexes = (
            models.Index(fields=["outcome", "-received_at"], name="inbound_outcome_idx"),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(outcome="pending"),
                name="inbound_pending_idx",
            ),
            models.Index(fields=["sender", "-received_at"], name="inbound_sender_idx"),
        )

    def __str__(self) -> str:
        return f"{self.subject or '(no subject)'} from {self.sender or 'nobody'}"


class Security(models.TextChoices):
    TLS = "tls", "TLS (port 993)"
    STARTTLS = "starttls", "STARTTLS (port 143)"
    NONE = "none", "None: only for a server on this machine"


class Mailbox(models.Model):
    """An IMAP mailbox the helpdesk reads every minute: new mail to it opens cases in `queue`
    (or reaches the case it answers). The password is never stored: it is read from the
    environment variable the mailbox names."""

    address = models.EmailField(unique=True, help_text="The address customers write to.")
    queue = models.ForeignKey(
        "cases.Queue",
        on_delete=models.PROTECT,
        related_name="mailboxes",
        help_text="Where a new message to this address opens its case.",
    )
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=16, choices=Security.choices, default=Security.TLS)
    username = models.CharField(max_length=255)
    password_variable = models.CharField(
        max_length=100,
        help_text="The name of the environment variable holding the password (e.g. "
        "HELPDESK_MAILBOX_PASSWORD); the password itself is never stored here.",
    )
    folder = models.CharField(max_length=255, default="INBOX")
    processed_folder = models.CharField(
        max_length=255,
        default="Processed",
        help_text="Where a message is moved once it is stored (made when missing).",
    )
    active = models.BooleanField(default=True)
    # Where reading stopped: the folder's UIDVALIDITY and the highest UID stored (a new
    # UIDVALIDITY means the server renumbered the folder: everything in it is read again, and
    # storing it twice changes nothing).
    uid_validity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    polled_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["address"]
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return self.address
