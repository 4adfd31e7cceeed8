"""Queues: a product line or team, the workflow its cases follow and the timers it runs on."""

from datetime import timedelta
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cases.models.case import Priority

# The workflows, by key and name: the workflows app (a layer above) registers each of its
# state machines here when it is imported, so this app never imports it.
_WORKFLOW_NAMES: dict[str, str] = {}


def register_workflow(key: str, name: str) -> None:
    _WORKFLOW_NAMES[key] = name


def workflow_choices() -> list[tuple[str, str]]:
    return list(_WORKFLOW_NAMES.items())


# A timer is at least a minute and at most ten years: zero or negative durations would fire at
# once (or never make sense); the API's queue serializer takes the same bounds.
TIMER_MIN = timedelta(minutes=1)
TIMER_MAX = timedelta(days=3650)


def timer(default: timedelta) -> "models.DurationField[timedelta, timedelta]":
    """A queue's timer: a duration within TIMER_MIN and TIMER_MAX."""
    return models.DurationField(
        default=default, validators=[MinValueValidator(TIMER_MIN), MaxValueValidator(TIMER_MAX)]
    )


class Queue(models.Model):
    name = models.CharField(max_length=200, unique=True)
    workflow = models.CharField(max_length=40, choices=workflow_choices)
    email_address = models.EmailField(
        unique=True,
        null=True,
        blank=True,
        help_text="Mail to this address opens cases in this queue (a mailbox the helpdesk reads, "
        "or one piped to it).",
    )
    public_name = models.CharField(
        "name customers see",
        max_length=200,
        blank=True,
        help_text="What customers choose on New case, e.g. “Billing and invoices”. Empty: the "
        "queue's name.",
    )
    public_description = models.CharField(
        "description for customers",
        max_length=200,
        blank=True,
        help_text="One line under that name saying what the queue is for.",
    )
    highest_customer_priority = models.PositiveSmallIntegerField(
        "highest priority customers may choose",
        choices=Priority.choices,
        default=Priority.HIGH,
        help_text="Customers opening a case choose up to this priority; support sets a higher "
        "one when the case calls for it.",
    )

    first_response_urgent = timer(timedelta(hours=1))
    first_response_high = timer(timedelta(hours=4))
    first_response_normal = timer(timedelta(hours=8))
    first_response_low = timer(timedelta(hours=24))

    # support_center
    confirmation_auto_close_after = timer(timedelta(days=14))
    customer_input_auto_close_after = timer(timedelta(days=28))
    customer_input_reminder_after = timer(timedelta(days=7))
    closure_notification_after = timer(timedelta(days=1))
    # release_tracking
    resolved_auto_close_after = timer(timedelta(days=7))

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def customer_facing_name(self) -> str:
        return self.public_name or self.name

    def customer_priorities(self) -> list[tuple[int, str]]:
        """The priorities a customer may choose in this queue, least urgent first."""
        return [
            (value, label)
            for value, label in Priority.choices
            if value <= self.highest_customer_priority
        ]

    def first_response_target(self, priority: int) -> timedelta:
        targets: dict[int, timedelta] = {
            Priority.URGENT: self.first_response_urgent,
            Priority.HIGH: self.first_response_high,
            Priority.NORMAL: self.first_response_normal,
            Priority.LOW: self.first_response_low,
        }
        return targets[priority]
