"""The rehearsal's course: the services, the one-shot step, the nodes, the load with its kills,
the probes, the wait for what is due, then the checks. Every process is stopped and the database
dropped on the way out, whatever ends the run (Ctrl-C included)."""

import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rehearsal.checks import Event
from rehearsal.load import Journal
from rehearsal.processes import Process, free_port
from rehearsal.services import IMAP_PASSWORD, S3, Database, Imap, Smtp

ROOT = Path(__file__).resolve().parent.parent
WEBS, WORKERS, BEATS = 3, 2, 2
CUSTOMERS = 6
DUE_CASES = 24
# Already due at the start, as after an outage: more than two of a sweep's batches, so the first
# auto-close and delivery sweeps each ask the other worker to help (SWEEP_HELPERS).
BACKLOG_CASES = 1200
# A killed process stays down this long before it is started again.
DOWN_SECONDS = 3
# What a beat logs when it holds the scheduler's lock (helpdesk/beat.py).
LOCK_HELD = "holding the lock"


@dataclass(frozen=True)
class Options:
    seconds: int
    drain_seconds: int
    folder: Path
    postgres_url: str
    redis_url: str
    ignore_options: bool

    @classmethod
    def from_environment(cls) -> "Options":
        stamp = time.strftime("%Y%m%d-%H%M%S")
        var = Path(os.environ.get("HELPDESK_VAR_DIR", str(ROOT / "var")))
        return cls(
            seconds=int(os.environ.get("REHEARSAL_SECONDS", "60")),
            drain_seconds=int(os.environ.get("REHEARSAL_DRAIN_SECONDS", "100")),
            folder=Path(os.environ.get("REHEARSAL_DIR", str(var / "rehearsal" / stamp))),
            postgres_url=os.environ.get(
                "REHEARSAL_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
            ),
            redis_url=os.environ.get("REHEARSAL_REDIS_URL", "redis://127.0.0.1:6379/13"),
            ignore_options=os.environ.get("REHEARSAL_PGBOUNCER_IGNORE_OPTIONS", "") == "1",
        )


@dataclass
class Nodes:
    webs: list[Process] = field(default_factory=list)
    workers: list[Process] = field(default_factory=list)
    beats: list[Process] = field(default_factory=list)

    def all(self) -> list[Process]:
        return [*self.webs, *self.workers, *self.beats]


def app_environment(
    options: Options, database: Database, bouncer: Process, s3: S3, smtp: Smtp
) -> dict[str, str]:
    """The settings every process of the helpdesk runs with (production's: DEBUG off), on plain
    HTTP on the loopback."""
    _, _, user = database.server()
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "PYTHONUNBUFFERED": "1",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "DATABASE_URL": f"postgres://{user}@127.0.0.1:{bouncer.port}/{database.name}",
        "DATABASE_POOLER": "pgbouncer",
        "REDIS_URL": options.redis_url,
        "CACHE_URL": options.redis_url,
        "CELERY_BROKER_URL": options.redis_url,
        "STORAGE_BACKEND": "storages.backends.s3.S3Storage",
        "STORAGE_OPTIONS": json.dumps(s3.storage_options()),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "HELPDESK_VAR_DIR": str(options.folder / "var"),
        "REHEARSAL_EVENTS": str(options.folder / "events.jsonl"),
        "REHEARSAL_IMAP_PASSWORD": IMAP_PASSWORD,
    }


def one_shot(env: dict[str, str], folder: Path) -> None:
    """Migrations, static files and the beat schedule, before any node starts."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    for step in (["collectstatic", "--noinput"], ["migrate", "--noinput"], ["setup_schedules"]):
        with (folder / "one-shot.log").open("ab") as log:
            subprocess.run(
                [*manage, *step], env=env, stdout=log, stderr=subprocess.STDOUT, check=True
            )


def nodes(env: dict[str, str], folder: Path) -> Nodes:
    bin_dir = Path(sys.executable).parent
    gunicorn = str(bin_dir / "gunicorn")
    celery = str(bin_dir / "celery")
    config = ROOT / "gunicorn.conf.py"
    found = Nodes()
    for n in range(1, WEBS + 1):
        port = free_port()
        argv = [gunicorn, *(["-c", str(config)] if config.exists() else [])]
        argv += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"]
        argv += ["--timeout", "30", "--chdir", str(ROOT), "helpdesk.wsgi"]
        found.webs.append(_process(f"web-{n}", argv, env, folder, port))
    for n in range(1, WORKERS + 1):
        argv = [celery, "-A", "rehearsal.celery_app", "worker", "--loglevel=INFO"]
        argv += ["--concurrency=2", f"--hostname=worker-{n}@%h"]
        found.workers.append(_process(f"worker-{n}", argv, env, folder))
    for n in range(1, BEATS + 1):
        argv = [celery, "-A", "rehearsal.celery_app", "beat", "--loglevel=INFO"]
        argv += [f"--schedule={folder / f'beat-{n}-schedule'}"]
        found.beats.append(_process(f"beat-{n}", argv, env, folder))
    return found


def _process(
    name: str, argv: list[str], env: dict[str, str], folder: Path, port: int | None = None
) -> Process:
    return Process(name, argv, {**env, "REHEARSAL_NODE": name}, folder / f"{name}.log", port=port)


def read_events(path: Path) -> list[Event]:
    if not path.exists():
        return []
    return [Event(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


@dataclass
class Kills:
    """What the run killed, for the checks: the beat and the wall-clock moment it died."""

    beat: str = ""
    beat_at: float = 0.0
    log: list[str] = field(default_factory=list)


def chaos(found: Nodes, seconds: int, started: float, events: Path, kills: Kills) -> None:
    """A web process and a worker killed (SIGKILL) and restarted, then the beat that is sending
    killed for good, so that the standby has to take over."""

    def at(fraction: float) -> None:
        time.sleep(max(0.0, started + seconds * fraction - time.monotonic()))

    for fraction, victim in ((0.25, found.webs[1]), (0.4, found.workers[0])):
        at(fraction)
        victim.kill()
        kills.log.append(f"{victim.name} killed at {time.monotonic() - started:.0f}s")
        time.sleep(DOWN_SECONDS)
        victim.restart()
        kills.log.append(f"{victim.name} back at {time.monotonic() - started:.0f}s")
    at(0.5)
    beat = _active_beat(found.beats, events)
    beat.kill()
    kills.beat, kills.beat_at = beat.name, time.time()
    kills.log.append(f"{beat.name} (the active beat) killed at {time.monotonic() - started:.0f}s")


def _active_beat(beats: list[Process], events: Path) -> Process:
    """The beat that sent last or, before any tick, the one whose log says it holds the lock
    (helpdesk.beat's words); the first one when neither tells."""
    senders = [e.node for e in read_events(events) if e.event == "sent"]
    if senders:
        return next(b for b in beats if b.name == senders[-1])
    holders = [b for b in beats if b.log.exists() and LOCK_HELD in b.log.read_text()]
    return holders[0] if holders else beats[0]


def mail_in(imap: Imap, journal: Journal, until: float, delivered: list[str]) -> None:
    """Customers answer their cases by email, into the IMAP mailbox, every few seconds."""
    while time.monotonic() < until:
        time.sleep(random.uniform(2, 4))
        found = journal.some_case()
        if found is None:
            continue
        _, reference, email = found
        body = f"Answer by email {secrets.token_hex(8)}"
        delivered.append(
            imap.deliver(email, "support@helpdesk.example", f"Re: [{reference}]", body)
        )


def threads(targets: list[tuple[str, Callable[[], None]]]) -> list[threading.Thread]:
    started = []
    for name, target in targets:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        started.append(thread)
    return started


def keep_logs(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    latest = folder.parent / "latest"
    if latest.is_symlink() or latest.exists():
        latest.unlink() if latest.is_symlink() else shutil.rmtree(latest)
    latest.symlink_to(folder.name)
