"""Real mail servers for the tests: `imap_server`, a pymap IMAP server (in memory, started once
per test process), and `smtp_server`, an aiosmtpd SMTP server collecting what it receives; and
`imap_mailbox`, a helpdesk mailbox reading a folder of its own on that IMAP server;
`mail_through_smtp`, the helpdesk's email sent to `smtp_server`.

Registered for every test by the root conftest (`pytest_plugins`).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from threading import Condition
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from imap_tools import BaseMailBox, MailBoxUnencrypted

from cases.models import Mailbox, Queue
from cases.models.mail import Security

IMAP_USER = "demouser"  # pymap's demo data: this user, this password, INBOX, Sent and Trash
IMAP_PASSWORD = "demopass"
PASSWORD_VARIABLE = "HELPDESK_TEST_MAILBOX_PASSWORD"
STARTUP_SECONDS = 15


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ImapServer:
    host: str
    port: int
    user: str = IMAP_USER
    password: str = IMAP_PASSWORD

    def client(self) -> BaseMailBox:
        """A mail client's session, logged in (log it out, or use it in `with`)."""
        box = MailBoxUnencrypted(self.host, self.port)
        box.login(self.user, self.password, initial_folder=None)
        return box

    def new_folder(self) -> str:
        """A folder of its own for a test (the server is shared by the tests of a process)."""
        name = f"test-{uuid.uuid4().hex[:12]}"
        with self.client() as box:
            box.folder.create(name)
        return name

    def deliver(self, folder: str, *messages: bytes) -> None:
        """Puts messages into the folder as a mail server (or a client's APPEND) would."""
        with self.client() as box:
            for raw in messages:
                box.append(raw, folder, flag_set=())

    def uids(self, folder: str) -> list[int]:
        with self.client() as box:
            box.folder.set(folder)
            return sorted(int(uid) for uid in box.uids("ALL"))


def _wait_for_port(host: str, port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pymap exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"pymap did not listen within {STARTUP_SECONDS}s: {log.read_text()}")


@pytest.fixture(scope="session")
def imap_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ImapServer]:
    """pymap (`pymap --host 127.0.0.1 --port N --no-tls dict --demo-data`), stopped at the end."""
    executable = shutil.which("pymap", path=str(Path(sys.executable).parent))
    if executable is None:
        pytest.fail("pymap is not installed (a dev dependency: make install)")
    host, port = "127.0.0.1", free_port()
    log = tmp_path_factory.mktemp("pymap") / "pymap.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [executable, "--host", host, "--port", str(port), "--no-tls", "dict", "--demo-data"],
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        _wait_for_port(host, port, process, log)
        yield ImapServer(host, port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SmtpServer:
    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    arrived: Condition = field(default_factory=Condition)
    # Sessions opened (each client greets once per connection), and addresses it refuses as a
    # server refuses a mailbox that does not exist.
    greetings: int = 0
    refused: set[str] = field(default_factory=set)

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        with self.arrived:
            self.received.append(
                Received(str(envelope.mail_from), list(envelope.rcpt_tos), bytes(content))
            )
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        """The first `count` messages received, waiting for them up to `timeout` seconds."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.received) >= count, timeout=timeout):
                raise AssertionError(f"{len(self.received)} of {count} messages arrived")
            return self.received[:count]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """aiosmtpd in a thread on a free port; `received` holds what arrived, as bytes."""
    server = SmtpServer("127.0.0.1", free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def mail_through_smtp(settings: Any, smtp_server: SmtpServer) -> SmtpServer:
    """The helpdesk's email sent to `smtp_server` by Django's SMTP backend, as in production."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


@pytest.fixture
def imap_mailbox(
    queues: dict[str, Queue], imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> Mailbox:
    """A helpdesk mailbox reading a fresh folder on `imap_server`, into a technical support
    queue, its password in the environment variable it names."""
    monkeypatch.setenv(PASSWORD_VARIABLE, imap_server.password)
    folder = imap_server.new_folder()
    return Mailbox.objects.create(
        address=f"{folder}@helpdesk.example",
        queue=queues["technical_support"],
        host=imap_server.host,
        port=imap_server.port,
        security=Security.NONE,
        username=imap_server.user,
        password_variable=PASSWORD_VARIABLE,
        folder=folder,
        processed_folder=f"{folder}-processed",
    )
