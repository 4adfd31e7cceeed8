"""`python manage.py run_automations [--now ISO] [--dry-run]`: the beat jobs, run by hand."""

import sys
from contextlib import redirect_stdout
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from workflows.sweeps import run_all


class Command(BaseCommand):
    help = (
        "Run every automation (auto-close, reminders, first-response breaches, delivery of due "
        "notifications) exactly as the Celery beat jobs do, as of --now; one line per action."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            help="Act as if the clock read this ISO 8601 date-time, e.g. 2026-12-24T09:00:00Z "
            "(without an offset: UTC). Default: the current time.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be done; change nothing."
        )

    def handle(self, *args: Any, now: str | None, dry_run: bool, **options: Any) -> None:
        moment = timezone.now() if now is None else _parse_now(now)
        # Standard output is one line per action: whatever the sweeps themselves print (the
        # console email backend of development prints each email) goes to standard error.
        with redirect_stdout(sys.stderr):
            actions = run_all(now=moment, dry_run=dry_run)
        for action in actions:
            self.stdout.write(str(action))
        summary = f"{len(actions)} action(s) as of {moment.isoformat()}"
        self.stderr.write(f"{summary} (dry run: nothing changed)" if dry_run else summary)


def _parse_now(raw: str) -> datetime:
    try:
        moment = parse_datetime(raw.strip())
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(
            f"--now must be an ISO 8601 date-time such as 2026-12-24T09:00:00Z, got {raw!r}."
        )
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment
