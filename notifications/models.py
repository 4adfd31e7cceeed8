"""The notification outbox: one row per message and recipient, kept until it is delivered."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", "Answer awaits your confirmation"
    REMINDER = "reminder", "Reminder: we are waiting for your input"
    CLOSURE = "closure", "Case closed"
    SOLUTION_REJECTED = "solution_rejected", "Solution rejected"
    RESOLUTION = "resolution", "Case resolved"
    RELEASE_DELIVERED = "release_delivered", "Fix delivered in a release"
    FIRST_RESPONSE_BREACH = "first_response_breach", "First response overdue"
    PUBLIC_REPLY = "public_reply", "New reply"
    CASE_CREATED = "case_created", "Case received"
    SOLUTION_PROPOSED = "solution_proposed", "Solution proposed"
    INFO_REQUESTED = "info_requested", "We need information from you"
    ASSIGNED = "assigned", "Case assigned to you"


class AutoSubmitted(models.TextChoices):
    """What the `Auto-Submitted` header says of an email (RFC 3834): written because a person
    acted (none, the header is left out), by a timer or the system, or in answer to a message
    that came in. Mail clients and servers send no out-of-office reply to the last two, and only
    those count towards AUTOMATIC_EMAILS_PER_HOUR."""

    NO = "no", "Caused by a person's action"
    AUTO_GENERATED = "auto-generated", "Sent by a timer or the system"
    AUTO_REPLIED = "auto-replied", "Answers a message that came in"


class Notification(models.Model):
    kind = models.CharField(max_length=40, choices=Kind.choices)
    # Every index of this table is written twice a row (leased, then sent), a hundred thousand
    # times after a sweep: the foreign keys have none of their own (notification_case_idx and
    # notification_recipient_idx begin with them), and the unique key and Message-ID are
    # declared as constraints (Meta), which spares them the LIKE index a unique field gets.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    key = models.CharField(
        max_length=200,
        help_text="Names the cause (kind, case, recipient, occasion): scheduling twice is a no-op.",
    )
    created_at = models.DateTimeField()
    scheduled_for = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Not tried before then: set after a failed attempt (exponential backoff), or "
        "to when the hourly limit lets a held-back email go.",
    )
    leased_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Claimed by a worker sending it until then (notifications/leases.py): no one "
        "else sends it meanwhile, and it is due again after, should that worker have died.",
    )
    read_at = models.DateTimeField(null=True, blank=True)
    # The case as it was at the cause, written by `notify()`: an email sent later (a closure
    # waits its day, a failed attempt backs off) still tells of that moment, not of the case's
    # status at sending time. The labels are the workflow's, which this layer cannot read.
    case_status = models.CharField(max_length=40, blank=True, default="")
    case_sub_status = models.CharField(max_length=40, blank=True, default="")
    case_status_label = models.CharField(max_length=100, blank=True, default="")
    case_sub_status_label = models.CharField(max_length=100, blank=True, default="")
    case_status_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The case's entry into that status (its status_changed_at): a reminder "
        "belongs to this entry, whatever moment the run that wrote it was told.",
    )
    # The email's place in the case's thread and what it says of itself (notifications/
    # delivery.py): recorded with the row so that a retry sends the same Message-ID. Empty
    # (null) only on rows recorded before emails had one; delivery gives those one when it sends.
    # Null, not "", so that such rows never collide under notification_message_id_unique.
    message_id = models.CharField(  # noqa: DJ001
        max_length=255,
        null=True,
        blank=True,
        help_text="The email's Message-ID, <…@site>, as its header writes it.",
    )
    auto_submitted = models.CharField(
        max_length=16,
        choices=AutoSubmitted.choices,
        default=AutoSubmitted.NO,
        help_text="Set by notify(): sent by a timer or the system when its cause had no person; "
        "an acknowledgement of a case opened by email answers that email.",
    )
    emailed_to = models.CharField(
        max_length=254,
        blank=True,
        default="",
        help_text="The address the email went to, lower-cased; empty while none went.",
    )
    email_withheld = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="Why no email went (the address is undeliverable); the notification stays "
        "in the app, and this is not retried.",
    )
    held_back = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="Why the email waited (the hourly limit of automatic emails to one address); "
        "it goes at its next attempt, which is no failed attempt.",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-scheduled_for", "-id"]
        indexes = (
            models.Index(
                fields=["scheduled_for", "id"],
                condition=Q(sent_at__isnull=True),
                name="notification_due_idx",
            ),
            models.Index(fields=["case", "scheduled_for"], name="notification_case_idx"),
            # The reminder sweep asks "was this entry of the case into its status reminded?".
            models.Index(
                fields=["case", "kind", "case_status_changed_at"], name="notification_entry_idx"
            ),
            models.Index(fields=["recipient", "-scheduled_for"], name="notification_recipient_idx"),
            # The hourly limit counts what went to an address in the last hour.
            models.Index(
                fields=["emailed_to", "sent_at"],
                condition=~Q(emailed_to=""),
                name="notification_emailed_idx",
            ),
        )
        constraints = (
            models.UniqueConstraint(fields=["key"], name="notification_key_unique"),
            models.UniqueConstraint(fields=["message_id"], name="notification_message_id_unique"),
        )

    def __str__(self) -> str:
        return f"{self.kind} for user {self.recipient_id} about case {self.case_id}"


class AccountEmailKind(models.TextChoices):
    PASSWORD_RESET = "password_reset", "Password reset link"


class AccountEmail(models.Model):
    """An email about a person's account rather than a case: the outbox's other table, since a
    `Notification` belongs to a case. Recorded in the transaction of the request that asked for
    it, sent after the commit by the same task as the notifications, retried the same way and
    swept the same way (notifications/account_emails.py).

    It holds no secret: a reset link's token is made when the email is sent, from the user's
    current state, so a row read from the database resets nothing. The address asked about and
    the client that asked are kept for the request limits (services/accounts.py) and forgotten
    with the row after ACCOUNT_EMAIL_RETENTION."""

    kind = models.CharField(max_length=40, choices=AccountEmailKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_emails"
    )
    key = models.CharField(max_length=200, unique=True)
    email = models.EmailField(max_length=254, help_text="The address asked about, lower-cased.")
    requested_from = models.GenericIPAddressField(null=True, blank=True)
    # Where the request came in, for the link: the site as the person reached it.
    protocol = models.CharField(max_length=5, default="https")
    domain = models.CharField(max_length=255)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    leased_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Claimed by a worker sending it until then (notifications/leases.py): no one "
        "else sends it meanwhile, and it is due again after, should that worker have died.",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes = (
            models.Index(
                fields=["created_at", "id"],
                condition=Q(sent_at__isnull=True),
                name="account_email_due_idx",
            ),
            models.Index(fields=["email", "created_at"], name="account_email_email_idx"),
            models.Index(fields=["requested_from", "created_at"], name="account_email_client_idx"),
        )

    def __str__(self) -> str:
        return f"{self.kind} for user {self.recipient_id}"


class MailNoticeKind(models.TextChoices):
    """What a notice tells the sender of a message that came in (templates/notifications/
    mail_notice/)."""

    REPEAT_OPENED = "repeat_opened", "Your message opened a follow-up case"
    HELD = "held", "Your message waits for our support team"
    REFUSED_TOO_LARGE = "refused_too_large", "Your message was too large"


class MailNotice(models.Model):
    """An email to an address (not necessarily a person's) answering a message that came in:
    the outbox's third table, since its recipient may have no account. Recorded in the
    transaction that handled the message (`notifications.mail_notices.record_mail_notice`),
    sent after the commit by the same task as the notifications, retried and swept the same
    way, always `Auto-Submitted: auto-replied` and within the hourly limit
    (notifications/notice_delivery.py). One per message and kind (`key`): a message handled
    twice tells its sender once."""

    kind = models.CharField(max_length=40, choices=MailNoticeKind.choices)
    address = models.EmailField(max_length=254, help_text="Where it goes, lower-cased.")
    inbound = models.ForeignKey(
        "cases.InboundMessage", on_delete=models.CASCADE, related_name="notices"
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mail_notices",
        help_text="The case it names: the follow-up opened, or the case the message named.",
    )
    key = models.CharField(
        max_length=200,
        unique=True,
        help_text="Names the kind and the message: recording a notice twice is a no-op.",
    )
    message_id = models.CharField(
        max_length=255, unique=True, help_text="Its Message-ID, <…@site>, as its header writes it."
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Not tried before then: set after a failed attempt, or to when the hourly "
        "limit lets a held-back notice go.",
    )
    leased_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Claimed by a worker sending it until then (notifications/leases.py): no one "
        "else sends it meanwhile, and it is due again after, should that worker have died.",
    )
    email_withheld = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="Why it was not sent (the address is undeliverable); not retried.",
    )
    held_back = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="Why it waited (the hourly limit of automatic emails to one address).",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes = (
            models.Index(
                fields=["created_at", "id"],
                condition=Q(sent_at__isnull=True),
                name="mail_notice_due_idx",
            ),
            models.Index(fields=["address", "sent_at"], name="mail_notice_address_idx"),
        )

    def __str__(self) -> str:
        return f"{self.kind} to {self.address}"
