"""The Celery application as the rehearsal runs it (`celery -A rehearsal.celery_app ...`): the
project's own, plus a record of what each beat sent and each worker ran, one JSON line per event
in REHEARSAL_EVENTS, so that the checks can tell a tick sent twice from a message run twice.

Appends of one short line to a file opened with O_APPEND are atomic: the processes of the run
share the file without a lock."""

import json
import os
import time
from typing import Any

from celery import Task
from celery.signals import before_task_publish, task_prerun

from helpdesk.celery import app

__all__ = ["app"]

NODE = os.environ.get("REHEARSAL_NODE", "")
EVENTS = os.environ.get("REHEARSAL_EVENTS", "")


def _record(event: str, task: str, task_id: str) -> None:
    if not EVENTS:
        return
    line = json.dumps(
        {"event": event, "task": task, "id": task_id, "node": NODE, "at": time.time()}
    )
    with open(EVENTS, "a", encoding="utf-8") as events:
        events.write(line + "\n")


@before_task_publish.connect
def record_sent(sender: str | None = None, headers: dict[str, Any] | None = None, **_: Any) -> None:
    """What a beat sends (the web processes and workers publish too: not recorded)."""
    if NODE.startswith("beat") and headers is not None:
        _record("sent", str(headers.get("task", sender)), str(headers.get("id", "")))


@task_prerun.connect
def record_run(task_id: str = "", task: Task | None = None, **_: Any) -> None:  # type: ignore[type-arg]
    if task is not None:
        _record("ran", str(task.name), task_id)
