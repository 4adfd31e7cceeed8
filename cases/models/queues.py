"""Queues: a product line or team, the workflow its cases follow and the timers it runs on."""

from datetime import timedelta
from typing import ClassVar

from django.db import models

from cases.models.case import Priority

# The workflows, by key and name: the workflows app (a layer above) registers each of its
# state machines here when it is imported, so this app never imports it.
_WORKFLOW_NAMES: dict[str, str] = {}


def register_workflow(key: str, name: str) -> None:
    _WORKFLOW_NAMES[key] = name


def workflow_choices() -> list[tuple[str, str]]:
    return list(_WORKFLOW_NAMES.items())


class Queue(models.Model):
    name = models.CharField(max_length=200, unique=True)
    workflow = models.CharField(max_length=40, choices=workflow_choices)

    first_response_urgent = models.DurationField(default=timedelta(hours=1))
    first_response_high = models.DurationField(default=timedelta(hours=4))
    first_response_normal = models.DurationField(default=timedelta(hours=8))
    first_response_low = models.DurationField(default=timedelta(hours=24))

    # support_center
    confirmation_auto_close_after = models.DurationField(default=timedelta(days=14))
    customer_input_auto_close_after = models.DurationField(default=timedelta(days=28))
    customer_input_reminder_after = models.DurationField(default=timedelta(days=7))
    closure_notification_after = models.DurationField(default=timedelta(days=1))
    # release_tracking
    resolved_auto_close_after = models.DurationField(default=timedelta(days=7))

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name

    def first_response_target(self, priority: int) -> timedelta:
        targets: dict[int, timedelta] = {
            Priority.URGENT: self.first_response_urgent,
            Priority.HIGH: self.first_response_high,
            Priority.NORMAL: self.first_response_normal,
            Priority.LOW: self.first_response_low,
        }
        return targets[priority]
