"""gunicorn's settings for the web processes, from the environment (docs/deploy.md).

`gunicorn -c gunicorn.conf.py helpdesk.wsgi` (the Procfile's and the systemd unit's command).
"""

import os
from typing import Any

from prometheus_client import multiprocess

wsgi_app = "helpdesk.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Processes times threads is how many requests one machine serves at once; each thread holds at most
# one database connection (CONN_MAX_AGE), so keep their product under what PostgreSQL (or
# PgBouncer's pool) allows for this machine.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request running longer than this is cut (the worker restarted); a stop (SIGTERM) lets the
# requests under way finish for this long.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Each worker imports the application itself, after the fork: no database or Redis connection
# opened while importing is shared between processes, and a restart (HUP) loads new code.
preload_app = False
# A worker leaves after about this many requests and a new one takes its place: memory a
# library leaks cannot pile up. Jitter keeps them from leaving together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The proxy's address is trusted for X-Forwarded-* (gunicorn's own checks); the app reads the
# client's address by TRUSTED_PROXY_COUNT.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The common log format, the time taken (seconds) and the request id (helpdesk/request_id.py).
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(L)s %({x-request-id}o)s'
)
if os.environ.get("LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json"},
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper()},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


def child_exit(server: Any, worker: Any) -> None:
    """With PROMETHEUS_MULTIPROC_DIR (every worker's metrics summed at /metrics), an ended
    worker's gauges leave the sum; its counters stay."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
