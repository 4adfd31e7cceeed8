"""`python manage.py setup_schedules [--reset]`: install the beat schedule (helpdesk/schedules.py)
into django-celery-beat's tables. Idempotent: `make run` calls it before every start."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from helpdesk.schedules import SCHEDULES


class Command(BaseCommand):
    help = (
        "Create the periodic tasks of helpdesk/schedules.py that are missing. Entries a manager "
        "changed in the admin (period, enabled) are kept unless --reset is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Put every entry back to its default period and enable it.",
        )

    def handle(self, *args: Any, reset: bool, **options: Any) -> None:
        with transaction.atomic():
            for name, schedule in SCHEDULES.items():
                interval = _interval(schedule.every_seconds)
                defaults = {
                    "task": schedule.task,
                    "interval": interval,
                    "description": schedule.description,
                    # A sweep still queued after its period is dropped: the next one does the
                    # same work, so a stopped worker does not come back to a pile of them.
                    "expire_seconds": schedule.every_seconds,
                }
                task, created = PeriodicTask.objects.get_or_create(name=name, defaults=defaults)
                if created:
                    verb = "created"
                elif reset:
                    for field, value in defaults.items():
                        setattr(task, field, value)
                    task.crontab = task.solar = task.clocked = None
                    task.enabled = True
                    task.save()
                    verb = "reset"
                elif task.task != schedule.task:
                    # The task's import path is code, not a setting: follow a rename.
                    task.task = schedule.task
                    task.save(update_fields=["task"])
                    verb = "updated"
                else:
                    verb = "kept"
                self.stdout.write(f"{verb}: {name} ({task.task}, {task.schedule})")


def _interval(seconds: int) -> IntervalSchedule:
    interval = IntervalSchedule.objects.filter(every=seconds, period=IntervalSchedule.SECONDS)
    return interval.first() or IntervalSchedule.objects.create(
        every=seconds, period=IntervalSchedule.SECONDS
    )
