"""Celery tasks run by beat: one per automation, each the automation as of the moment it runs.

They take no arguments and hold no logic, so `run_automations` (which calls the same functions
with any `now`) is exactly what beat does.
"""

import logging
from datetime import datetime
from typing import Protocol

from celery import shared_task
from django.utils import timezone

from workflows import sweeps
from workflows.sweeps import Action

log = logging.getLogger(__name__)


class Automation(Protocol):
    def __call__(self, *, now: datetime) -> list[Action]: ...


def _run(automation: Automation) -> int:
    actions = automation(now=timezone.now())
    for action in actions:
        log.info("%s", action)
    return len(actions)


@shared_task(ignore_result=True)
def auto_close_cases() -> int:
    return _run(sweeps.auto_close)


@shared_task(ignore_result=True)
def send_reminders() -> int:
    return _run(sweeps.send_reminders)


@shared_task(ignore_result=True)
def detect_first_response_breaches() -> int:
    return _run(sweeps.detect_first_response_breaches)


@shared_task(ignore_result=True)
def deliver_due_notifications() -> int:
    return _run(sweeps.deliver_due_notifications)
