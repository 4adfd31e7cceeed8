"""A real Celery worker with embedded beat (the database scheduler), on the machine's Redis and
the test database: a case put into a due state is auto-closed and its customer emailed by the
running worker within seconds, through the schedule `setup_schedules` installs."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from cases.models import HistoryEntry
from tests.timed_cases import awaiting_confirmation, reload

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

DEADLINE_SECONDS = 45


def _database_url() -> str:
    """The test database, which the worker must use rather than the one in the environment."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _every_second():
    """The installed schedule, sped up from a minute to a second so the test takes seconds."""
    call_command("setup_schedules", stdout=StringIO())
    second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    for task in PeriodicTask.objects.all():
        task.interval = second
        task.save()


def _wait_for(condition, log: Path):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.25)
    pytest.fail(f"not done within {DEADLINE_SECONDS}s; worker log:\n{log.read_text()[-4000:]}")


@pytest.fixture
def start_worker(tmp_path, redis_url):
    """`start_worker()` starts `celery worker --beat` on a queue of its own (others may share
    this Redis) and returns where its emails and its log go; the worker is stopped afterwards."""
    queue = f"helpdesk-test-{uuid.uuid4().hex}"
    log = tmp_path / "worker.log"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "PYTHONPATH": str(settings.BASE_DIR),
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "HELPDESK_VAR_DIR": str(tmp_path / "var"),
    }
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "helpdesk",
        "worker",
        "--beat",
        # (for `worker`, -S is --statedb, a file; the scheduler option has no short form)
        "--scheduler",
        "django_celery_beat.schedulers:DatabaseScheduler",
        "--pool=solo",
        "--without-mingle",
        "--without-gossip",
        "--loglevel=INFO",
    ]
    processes = []

    def start():
        with log.open("wb") as output:
            processes.append(
                subprocess.Popen(
                    command,
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # a process group: beat runs in a child process
                )
            )
        return mail_dir, log

    yield start
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    redis.Redis.from_url(redis_url).delete(queue, f"_kombu.binding.{queue}")


def test_worker_and_beat_auto_close_a_due_case_and_email_the_customer(
    queues, customer, agent, start_worker
):
    queue = queues["support_center"]
    queue.closure_notification_after = timedelta(0)  # emailed at once rather than a day later
    queue.save()
    case = awaiting_confirmation(queue, customer, agent, at=timezone.now() - timedelta(days=15))
    _every_second()
    mail_dir, log = start_worker()

    _wait_for(lambda: reload(case).status == "closed", log)
    emails = _wait_for(lambda: _emails_about(case, mail_dir), log)

    closing = HistoryEntry.objects.get(case=case, transition="auto_close")
    assert (closing.actor, closing.actor_role) == (None, "system")
    assert any(
        f"Subject: [{case.reference}] Case closed" in email and f"To: {customer.email}" in email
        for email in emails
    )


def _emails_about(case, mail_dir: Path) -> list[str]:
    if not mail_dir.exists():
        return []
    emails = [path.read_text() for path in sorted(mail_dir.iterdir())]
    return [email for email in emails if f"[{case.reference}] Case closed" in email]
