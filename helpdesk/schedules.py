"""The beat schedule: every periodic job of the project, in one place.

`python manage.py setup_schedules` writes these into django-celery-beat's tables (the database
scheduler), where a manager can see and change them in the admin. Every sweep is idempotent and
catches up when late, so the period only sets how soon after its moment something happens.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    task: str
    every_seconds: int
    description: str


SCHEDULES = {
    # Every minute: timers count in days, so a case closes within a minute of its moment.
    "auto-close due cases": Schedule(
        task="workflows.tasks.auto_close_cases",
        every_seconds=60,
        description="Closes cases whose auto-close timer ran out (the workflows' timers).",
    ),
    # Every minute: a reminder is due to the minute like the auto-close beside it.
    "send reminders": Schedule(
        task="workflows.tasks.send_reminders",
        every_seconds=60,
        description="Reminds customers once per entry into pending / customer input.",
    ),
    # Every minute: the shortest First Response target is an hour; a breach is news only if fresh.
    "detect first-response breaches": Schedule(
        task="workflows.tasks.detect_first_response_breaches",
        every_seconds=60,
        description="Notifies the owner (or the managers) of cases past their first-response due.",
    ),
    # Every minute: the outbox's safety net (delayed closures, outages, retries after backoff).
    "deliver due notifications": Schedule(
        task="workflows.tasks.deliver_due_notifications",
        every_seconds=60,
        description="Delivers notifications that are due and still unsent.",
    ),
    # Every minute, as the contract says: a reply by email reaches its case within a minute.
    "poll mailboxes": Schedule(
        task="mail.tasks.poll_mailboxes",
        every_seconds=60,
        description="Reads new mail from every active IMAP mailbox (one task per mailbox).",
    ),
    # Every minute: a message whose handling failed waits for its backoff, not for the period.
    "retry inbound messages": Schedule(
        task="mail.tasks.retry_inbound_messages",
        every_seconds=60,
        description="Handles again the received messages whose handling failed, when due.",
    ),
}
