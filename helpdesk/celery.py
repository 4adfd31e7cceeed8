"""The Celery application: configured from Django settings (CELERY_*), tasks found per app, and
each task's duration and failure recorded (log and metrics)."""

import logging
import os
import time
from pathlib import Path
from typing import Any

from celery import Celery, Task
from celery.signals import task_failure, task_postrun, task_prerun

# Imported for its signal handlers: the worker serves its metrics (CELERY_METRICS_PORT).
from helpdesk import worker_metrics  # noqa: F401
from helpdesk.metrics import TASK_FAILURES, TASK_SECONDS

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

log = logging.getLogger(__name__)

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def create_broker_folders(sender: Celery, **kwargs: Any) -> None:
    """The filesystem broker (the default with no REDIS_URL) needs its folders but never makes
    them; made here, in every process that publishes or consumes, `make run` works anywhere."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


_started: dict[str, float] = {}


@task_prerun.connect
def start_clock(task_id: str, **kwargs: Any) -> None:
    _started[task_id] = time.monotonic()


@task_postrun.connect
def record_duration(task_id: str, task: "Task[Any, Any]", **kwargs: Any) -> None:
    started = _started.pop(task_id, None)
    if started is not None:
        TASK_SECONDS.labels(task=task.name).observe(time.monotonic() - started)


@task_failure.connect
def report_failure(
    sender: "Task[Any, Any]",
    task_id: str,
    exception: BaseException,
    einfo: Any = None,
    **kwargs: Any,
) -> None:
    """A failed task is an ERROR line naming it (with its traceback) and a count for /metrics,
    whatever the task does about it."""
    TASK_FAILURES.labels(task=sender.name).inc()
    log.error(
        "task %s [%s] failed: %r",
        sender.name,
        task_id,
        exception,
        exc_info=(type(exception), exception, exception.__traceback__),
        extra={"task_name": sender.name, "task_id": task_id},
    )
