"""The settings a production start depends on, read from the environment in a fresh process:
PgBouncer's connection options, the beat's lock, the workers' acknowledgement, the log format."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PROBE = """
import json
from helpdesk import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "options": db.get("OPTIONS", {}),
    "server_side_cursors_off": db.get("DISABLE_SERVER_SIDE_CURSORS", False),
    "beat": s.CELERY_BEAT_SCHEDULER,
    "acks_late": s.CELERY_TASK_ACKS_LATE,
    "prefetch": s.CELERY_WORKER_PREFETCH_MULTIPLIER,
    "reject_on_worker_lost": s.CELERY_TASK_REJECT_ON_WORKER_LOST,
    "visibility": s.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout"),
    "formatter": s.LOGGING["handlers"]["console"]["formatter"],
}))
"""
POSTGRES = "postgres://helpdesk@127.0.0.1:5432/helpdesk"


def read_settings(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    unset = {"DATABASE_URL", "DATABASE_POOLER", "REDIS_URL", "BEAT_LOCK_URL", "LOG_FORMAT", "DEBUG"}
    env = {name: value for name, value in os.environ.items() if name not in unset}
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**env, "HELPDESK_VAR_DIR": str(tmp_path), **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_for(tmp_path: Path, **variables: str) -> dict:
    result = read_settings(tmp_path, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_turns_jit_off_by_a_startup_option(tmp_path):
    read = settings_for(tmp_path, DATABASE_URL=POSTGRES)

    assert read["options"] == {"options": "-c jit=off"}
    assert not read["server_side_cursors_off"]


def test_behind_pgbouncer_no_startup_option_no_prepared_statements_no_server_cursors(tmp_path):
    read = settings_for(tmp_path, DATABASE_URL=POSTGRES, DATABASE_POOLER="pgbouncer")

    assert read["options"] == {"prepare_threshold": None}
    assert read["server_side_cursors_off"]


def test_an_unknown_pooler_stops_the_start(tmp_path):
    result = read_settings(tmp_path, DATABASE_URL=POSTGRES, DATABASE_POOLER="pgpool")

    assert result.returncode != 0
    assert "DATABASE_POOLER must be one of" in result.stderr


def test_with_redis_the_beat_sends_only_under_its_lock(tmp_path):
    with_redis = settings_for(tmp_path, REDIS_URL="redis://127.0.0.1:6379/12")
    without = settings_for(tmp_path)

    assert with_redis["beat"] == "helpdesk.beat:LockedDatabaseScheduler"
    assert without["beat"] == "django_celery_beat.schedulers:DatabaseScheduler"


def test_a_task_is_acknowledged_after_it_ran_and_redelivered_if_its_worker_died(tmp_path):
    read = settings_for(tmp_path, REDIS_URL="redis://127.0.0.1:6379/12")

    assert read["acks_late"] is True
    assert read["reject_on_worker_lost"] is True
    assert read["prefetch"] == 1
    assert read["visibility"] == 1200  # twice the time limit: no task is redelivered mid-run


def test_log_format_json_selects_the_json_formatter(tmp_path):
    assert settings_for(tmp_path)["formatter"] == "text"
    assert settings_for(tmp_path, LOG_FORMAT="json")["formatter"] == "json"
