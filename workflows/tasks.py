"""Celery tasks run by beat: one per automation, each the automation as of the moment it runs.

They take no arguments and hold no logic, so `run_automations` (which calls the same functions
with any `now`) is exactly what beat does; only, finding a backlog, a task also asks other
workers to help with it (`help_with_sweep`), which a command has none of.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from workflows import sweeps

log = logging.getLogger(__name__)


def _run(name: str, *, helped: bool) -> int:
    """The sweep `name` as of now, each action logged as it is done and none kept (flat memory,
    however large the backlog); `helped`: finding a backlog, it asks other workers to help."""
    helpers = (lambda: ask_for_helpers(name)) if helped else None
    done = 0
    for action in sweeps.stream(name, now=timezone.now(), helpers=helpers):
        log.info("%s", action)
        done += 1
    return done


def ask_for_helpers(name: str) -> None:
    """Publish SWEEP_HELPERS helpers of the sweep `name`, which found a backlog, for other
    worker processes to work through it alongside. In eager mode there is no other worker to
    ask. Should the broker refuse, the sweep goes on alone, as it would with no helpers."""
    if help_with_sweep.app.conf.task_always_eager:
        return
    for _ in range(settings.SWEEP_HELPERS):
        try:
            help_with_sweep.delay(name)
        except Exception as error:  # the broker's trouble: the sweep goes on alone
            log.warning("No helpers for the sweep (%s: %s)", type(error).__name__, error)
            return


@shared_task(ignore_result=True)
def help_with_sweep(name: str) -> int:
    """A helper of a sweep that found a backlog, in another worker process: the same sweep as of
    now, alongside it; SKIP LOCKED and the leases give each what the other does not hold."""
    return _run(name, helped=False)


@shared_task(ignore_result=True)
def auto_close_cases() -> int:
    return _run("auto_close", helped=True)


@shared_task(ignore_result=True)
def send_reminders() -> int:
    return _run("reminders", helped=True)


@shared_task(ignore_result=True)
def detect_first_response_breaches() -> int:
    return _run("breaches", helped=True)


@shared_task(ignore_result=True)
def deliver_due_notifications() -> int:
    return _run("deliveries", helped=True)
