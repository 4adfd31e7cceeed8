"""What the helpdesk's processes lean on during the rehearsal, each started for the run alone: a
fresh PostgreSQL database behind a PgBouncer of its own in transaction mode, a Redis database
emptied for it, an S3 server (moto's, in this process), an SMTP server counting what arrives
(aiosmtpd, in this process) and an IMAP server (pymap) into which mail is appended."""

import os
import pwd
import shutil
import sys
import threading
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.utils import make_msgid
from pathlib import Path

import psycopg
import redis
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from imap_tools import MailBoxUnencrypted
from moto.server import ThreadedMotoServer

from rehearsal.processes import Process, free_port

HOST = "127.0.0.1"
# pymap's demo data: this user and password.
IMAP_USER = "demouser"
IMAP_PASSWORD = "demopass"
S3_KEY = "rehearsal"
S3_REGION = "us-east-1"


@dataclass(frozen=True)
class Database:
    """A database of the run's own on the PostgreSQL server that `admin_url` reaches."""

    admin_url: str
    name: str

    def create(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def server(self) -> tuple[str, int, str]:
        """(host, port, user) of the PostgreSQL server."""
        info = psycopg.conninfo.conninfo_to_dict(self.admin_url)
        return (
            str(info.get("host", HOST)),
            int(str(info.get("port", 5432))),
            str(info.get("user", "")),
        )


def pgbouncer(home: Path, logs: Path, database: Database, *, ignore_options: bool) -> Process:
    """Debian's pgbouncer in transaction mode on a free port, trusting the local user, in front
    of `database`'s server, its own files (configuration, pidfile, socket) in `home` and its
    output in `logs`. `ignore_options` lets the `options` startup parameter through (silently
    dropped): only to try the rehearsal before the settings handle PgBouncer.

    `home` is apart from the run folder because PgBouncer, started as root, switches to another
    user, who may not reach a run folder under a private directory (CI's `mktemp -d` is 0700):
    give it a folder of its own in the system's temporary directory."""
    executable = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    host, port, user = database.server()
    logs.mkdir(parents=True, exist_ok=True)
    folder = home
    listen = free_port()
    (folder / "userlist.txt").write_text(f'"{user}" ""\n')
    ignored = "extra_float_digits" + (", options" if ignore_options else "")
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={host} port={port}\n"
        "[pgbouncer]\n"
        f"listen_addr = {HOST}\n"
        f"listen_port = {listen}\n"
        f"unix_socket_dir = {folder}\n"
        "auth_type = trust\n"
        f"auth_file = {folder / 'userlist.txt'}\n"
        "pool_mode = transaction\n"
        "max_client_conn = 1000\n"
        "default_pool_size = 40\n"
        f"ignore_startup_parameters = {ignored}\n"
        f"pidfile = {folder / 'pgbouncer.pid'}\n"
    )
    argv = [executable, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:
        # PgBouncer refuses to run as root: it switches to this user, who must own its folder.
        owner = os.environ.get("REHEARSAL_PGBOUNCER_USER", "postgres")
        entry = pwd.getpwnam(owner)
        for path in (folder, *folder.iterdir()):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        argv[1:1] = ["-u", owner]
    return Process(
        "pgbouncer",
        argv,
        dict(os.environ),
        logs / "pgbouncer.log",
        port=listen,
    )


def empty_redis(url: str) -> None:
    redis.Redis.from_url(url).flushdb()


@dataclass
class S3:
    """moto's S3 API, served by a thread of this process, with one bucket for the run."""

    bucket: str = field(default_factory=lambda: f"rehearsal-{uuid.uuid4().hex[:8]}")
    port: int = field(default_factory=free_port)
    server: ThreadedMotoServer | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        self.server = ThreadedMotoServer(ip_address=HOST, port=self.port, verbose=False)
        self.server.start()
        # moto takes requests unsigned: the bucket is one PUT.
        request = urllib.request.Request(f"{self.endpoint}/{self.bucket}", method="PUT")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def storage_options(self) -> dict[str, str]:
        """django-storages' S3Storage options (STORAGE_OPTIONS)."""
        return {
            "bucket_name": self.bucket,
            "endpoint_url": self.endpoint,
            "access_key": S3_KEY,
            "secret_key": S3_KEY,
            "region_name": S3_REGION,
        }

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


@dataclass
class Smtp:
    """aiosmtpd in a thread of this process: the Message-ID of every email that arrives, counted
    (an email received twice is a Message-ID counted twice)."""

    port: int = field(default_factory=free_port)
    message_ids: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: Controller | None = None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message = message_from_bytes(bytes(raw), policy=policy.default)
        with self.lock:
            self.message_ids[str(message.get("Message-ID", "")).strip()] += 1
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname=HOST, port=self.port)
        self.controller.start()

    def received(self) -> Counter[str]:
        with self.lock:
            return Counter(self.message_ids)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()


@dataclass
class Imap:
    """pymap, in memory with its demo user: the run's mailbox is a folder of it."""

    folder: Path
    port: int = field(default_factory=free_port)
    mailbox_folder: str = "helpdesk"

    def process(self) -> Process:
        executable = shutil.which("pymap", path=str(Path(sys.executable).parent)) or "pymap"
        argv = [executable, "--host", HOST, "--port", str(self.port), "--no-tls", "dict"]
        argv.append("--demo-data")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        return Process("imap", argv, env, self.folder / "imap.log", port=self.port)

    def create_folder(self) -> None:
        with MailBoxUnencrypted(HOST, self.port) as box:
            box.login(IMAP_USER, IMAP_PASSWORD, initial_folder=None)
            box.folder.create(self.mailbox_folder)

    def deliver(self, sender: str, to: str, subject: str, body: str) -> str:
        """Appends an email to the mailbox folder, as a mail server would; its Message-ID."""
        message_id = make_msgid(domain="customer.example")
        raw = (
            f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        ).encode()
        with MailBoxUnencrypted(HOST, self.port) as box:
            box.login(IMAP_USER, IMAP_PASSWORD, initial_folder=None)
            box.append(raw, self.mailbox_folder, flag_set=())
        return message_id
