"""The support case: one customer problem moving through its queue's workflow."""

from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin


class Priority(models.IntegerChoices):
    """Stored as a rank so that ordering by priority is ordering by urgency; named by `key`."""

    LOW = 10, "Low"
    NORMAL = 20, "Normal"
    HIGH = 30, "High"
    URGENT = 40, "Urgent"

    @property
    def key(self) -> str:
        return self.name.lower()

    @classmethod
    def from_key(cls, key: str) -> "Priority":
        return cls[key.upper()]

    @classmethod
    def keys(cls) -> list[str]:
        return [member.key for member in cls]


class Channel(models.TextChoices):
    PORTAL = "portal", "Portal"
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    PHONE = "phone", "Phone"
    AGENT = "agent", "Agent"
    API = "api", "API"


class CaseQuerySet(models.QuerySet["Case"]):
    def alive(self) -> Self:
        return self.filter(deleted_at__isnull=True)


class Case(FSMModelMixin, models.Model):
    """A case. Its status belongs to its workflow (see `workflows/`) and is never assigned.

    The workflow key is copied from the queue when the case is created, so that lists filter on it
    without a join and the case always knows which state machine it belongs to.
    """

    # Null until the row has its id (the reference is made from it); NULLs never collide. Unique
    # by a constraint (Meta), which spares it the LIKE index a unique field gets.
    reference = models.CharField(max_length=20, null=True, editable=False)  # noqa: DJ001
    # The foreign keys' own indexes are left out (db_index=False) where an index of Meta.indexes
    # begins with the same column and so answers the same lookups: each index is written on
    # every change of a case, and the sweeps change a hundred thousand at a time.
    queue = models.ForeignKey(
        "cases.Queue", on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    workflow = models.CharField(max_length=40, editable=False)
    subject = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.PORTAL)
    organization = models.ForeignKey(
        "cases.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        db_index=False,
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="requested_cases",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        db_index=False,
    )

    status = FSMField(max_length=40, protected=True)
    sub_status = models.CharField(max_length=40, blank=True, default="")
    status_changed_at = models.DateTimeField()
    # The contract tells "no close notes" (null) from empty notes.
    close_notes = models.TextField(null=True, blank=True)  # noqa: DJ001

    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    first_response_breached_at = models.DateTimeField(null=True, blank=True)
    customer_replied_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Last public reply by a customer; compared with status_changed_at to know "
        "whether the customer responded since the case entered its status.",
    )
    awaiting_answer_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Since when the customer has been waiting for an answer from support: set when "
        "the case is opened and when the customer writes or acts on it, cleared by support's "
        "next customer-facing message. Empty while support has had the last word.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    repeat_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
        db_index=False,
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        # A list, as the migrations recorded it (a tuple would read as a changed option).
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints = (models.UniqueConstraint(fields=["reference"], name="case_reference_unique"),)
        indexes = (
            # Lists (and their counts) show live cases only: the partial index is all they read.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(deleted_at__isnull=True),
                name="case_alive_created_idx",
            ),
            models.Index(fields=["-updated_at"], name="case_updated_idx"),
            # The agent lists' sortable columns that an index can serve (agent.lists.SORTS).
            models.Index(
                fields=["priority", "id"],
                condition=Q(deleted_at__isnull=True),
                name="case_alive_priority_idx",
            ),
            models.Index(
                fields=["status", "sub_status", "id"],
                condition=Q(deleted_at__isnull=True),
                name="case_alive_status_idx",
            ),
            models.Index(
                fields=["first_response_due_at", "id"],
                condition=Q(deleted_at__isnull=True),
                name="case_alive_first_response_idx",
            ),
            models.Index(
                fields=["subject", "id"],
                condition=Q(deleted_at__isnull=True),
                name="case_alive_subject_idx",
            ),
            models.Index(fields=["status", "-created_at"], name="case_status_idx"),
            models.Index(fields=["queue", "status"], name="case_queue_status_idx"),
            models.Index(fields=["workflow", "status"], name="case_workflow_status_idx"),
            models.Index(fields=["assignee", "status"], name="case_assignee_status_idx"),
            models.Index(fields=["requester", "-created_at"], name="case_requester_idx"),
            models.Index(fields=["organization", "-created_at"], name="case_org_idx"),
            models.Index(fields=["priority", "-created_at"], name="case_priority_idx"),
            models.Index(fields=["status_changed_at"], name="case_status_changed_idx"),
            # Timer sweeps: a queue's live cases waiting in a timed status (and sub-status), in
            # the order they fell due, so that a sweep claims each batch by walking the index
            # from where the last one stopped, never sorting the whole backlog.
            models.Index(
                fields=["queue", "status", "sub_status", "status_changed_at", "id"],
                condition=Q(deleted_at__isnull=True),
                name="case_timer_due_idx",
            ),
            models.Index(
                fields=["first_response_due_at"],
                condition=Q(
                    first_responded_at__isnull=True, first_response_breached_at__isnull=True
                ),
                name="case_first_response_due_idx",
            ),
            # The overview's closed-per-day counts of the last 30 days.
            models.Index(
                fields=["closed_at"],
                condition=Q(closed_at__isnull=False),
                name="case_closed_idx",
            ),
            models.Index(
                fields=["deleted_at"],
                condition=Q(deleted_at__isnull=False),
                name="case_deleted_idx",
            ),
            # Few cases are follow-ups or deleted: their foreign keys are indexed where set.
            models.Index(
                fields=["repeat_of"],
                condition=Q(repeat_of__isnull=False),
                name="case_repeat_of_idx",
            ),
            models.Index(
                fields=["deleted_by"],
                condition=Q(deleted_by__isnull=False),
                name="case_deleted_by_idx",
            ),
        )

    def __str__(self) -> str:
        return f"{self.reference or 'new case'}: {self.subject}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
