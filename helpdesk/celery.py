"""The Celery application: configured from Django settings (CELERY_*), tasks found per app."""

import os
from pathlib import Path
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

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
