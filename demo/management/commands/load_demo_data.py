"""`python manage.py load_demo_data`: the demo people, queues and cases that `make run` starts with.

Idempotent: when the demo queues already hold cases, it creates nothing and says so. It refuses to
run outside development (DEBUG off) unless forced: it creates a superuser and people whose
password is printed in the README, which on a real site would be an open door.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import Case, HistoryEntry, Release, SavedReply
from demo import loader
from demo.planning import StoryError
from demo.stories import PASSWORD
from helpdesk.celery import app as celery_app
from workflows.registry import WORKFLOWS


@contextmanager
def _deliveries_in_process() -> Iterator[None]:
    """The demo's notifications belong to its past and are stored as sent, so the deliveries the
    services queue for them have nothing to do: run them in-process, quietly, rather than need a
    broker (or wait for an unreachable one) once per notification."""
    # Celery logs every eager task; kombu warns about the broker URL it never connects to.
    loggers = [logging.getLogger(name) for name in ("celery.app.trace", "kombu.connection")]
    levels = [log.level for log in loggers]
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    for log in loggers:
        log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = eager
        for log, level in zip(loggers, levels, strict=True):
            log.setLevel(level)


class Command(BaseCommand):
    help = "Load demo users, queues and cases (does nothing when they are already there)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo data even with DEBUG off (never on a site people use).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            if not options["force"]:
                raise CommandError(
                    "Refusing to load demo data with DEBUG off: it creates a superuser and "
                    f"users whose password is {PASSWORD!r}, which anyone can read in the "
                    "README. Load it only on a development or demonstration site, with "
                    "DEBUG=true, or pass --force if this site is one."
                )
            self.stderr.write(
                self.style.WARNING(
                    f"Warning: loading demo data with DEBUG off (--force): the demo users, "
                    f"a superuser among them, sign in with the password {PASSWORD!r}."
                )
            )
        try:
            with _deliveries_in_process():
                result = loader.load()
        except StoryError as error:
            raise CommandError(f"Demo data could not be loaded: {error}") from error
        if options["verbosity"] < 1:
            return
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {result.cases} cases."))
        else:
            self.stdout.write(
                f"Demo data already present ({result.cases} cases in the demo queues); "
                "no cases created."
            )
            if result.users_created:
                self.stdout.write(f"Created missing demo users: {', '.join(result.users_created)}.")
            if result.saved_replies_created:
                titles = ", ".join(result.saved_replies_created)
                self.stdout.write(f"Created missing shared saved replies: {titles}.")
        self.summary()

    def summary(self) -> None:
        for key in WORKFLOWS:
            count = Case.objects.filter(workflow=key, deleted_at__isnull=True).count()
            self.stdout.write(f"  {key:<18} {count:>3} cases")
        delivered = Release.objects.filter(delivered_at__isnull=False).count()
        self.stdout.write(
            f"  {HistoryEntry.objects.count()} history entries, "
            f"{Release.objects.count()} releases ({delivered} delivered), "
            f"{Case.objects.filter(deleted_at__isnull=False).count()} deleted case(s), "
            f"{SavedReply.objects.filter(owner=None).count()} shared saved replies"
        )
        self.stdout.write(f"Log in with the password {PASSWORD} as:")
        for username, summary in loader.login_table():
            self.stdout.write(f"  {username:<15} {summary}")
