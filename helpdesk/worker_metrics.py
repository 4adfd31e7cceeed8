"""The Celery worker's metrics (task durations and failures, the sweeps' failures) served on its
own port, since no web process sees what the worker's processes record.

The worker's pool processes each record into files under PROMETHEUS_MULTIPROC_DIR
(prometheus_client's multiprocess mode); the worker's main process serves their sum on
CELERY_METRICS_PORT.
"""

import os
from typing import Any

from celery.signals import worker_init, worker_process_shutdown
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from prometheus_client import CollectorRegistry, multiprocess, start_http_server

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"


@worker_init.connect
def serve_metrics(**kwargs: Any) -> None:
    port: int = settings.CELERY_METRICS_PORT
    if not port:
        return
    if not os.environ.get(MULTIPROC_DIR):
        raise ImproperlyConfigured(
            f"CELERY_METRICS_PORT needs {MULTIPROC_DIR}: an empty folder for the pool's metrics"
        )
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    start_http_server(port, registry=registry)


@worker_process_shutdown.connect
def forget_process(pid: int | None = None, **kwargs: Any) -> None:
    """A pool process that ends leaves its counters in the sum, but not its gauges."""
    if os.environ.get(MULTIPROC_DIR):
        multiprocess.mark_process_dead(pid or os.getpid())  # type: ignore[no-untyped-call]
