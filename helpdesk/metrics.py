"""The instruments the processes record into, for Prometheus (/metrics on the web processes, the
worker's own port: helpdesk/worker_metrics.py).

Kept free of the project's other modules, so that any layer may record into them (the sweeps in
workflows, the Celery signals in helpdesk.celery). What is read from the database at scrape time
(the backlogs) is in helpdesk/backlog.py.
"""

from prometheus_client import Counter, Histogram

# Every periodic sweep is a task, so this is also each sweep's duration.
TASK_SECONDS = Histogram(
    "helpdesk_task_seconds",
    "How long a Celery task ran, by task.",
    ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)
TASK_FAILURES = Counter(
    "helpdesk_task_failures",
    "Celery tasks that ended in an exception, by task.",
    ["task"],
)
# A sweep records here each item it could not handle (skipped, retried later with backoff).
SWEEP_FAILURES = Counter(
    "helpdesk_sweep_failures",
    "Items a sweep could not handle, by sweep.",
    ["sweep"],
)
