"""`manage.py ingest_email`: a mail server's pipe (Postfix `pipe`, Exim, procmail, fetchmail)
hands the helpdesk one message on standard input, or the helpdesk takes every message waiting in
a Maildir. Each is stored, then handled at once.

The exit status is what the mail server acts on: 0 once the message is stored, whatever becomes
of it (handling that fails is recorded on the message and tried again by the beat); 75
(EX_TEMPFAIL) when it could not be stored, so that the server keeps it and tries again later.
Never a traceback: a mail server would send it back to the sender."""

import logging
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError

from cases.models import Via
from services.inbound import inbound_handle, inbound_store

logger = logging.getLogger(__name__)

EX_TEMPFAIL = 75
# What Maildir readers add to a message's name once it is in cur/ (no flags yet).
MAILDIR_INFO = ":2,"


class Command(BaseCommand):
    help = (
        "Store and handle one email read from standard input (as a mail server's pipe delivers "
        "it), or every email in a Maildir's new/ folder. Exits 75 when it could not be stored."
    )
    # The pipe starts a process per message: the system checks would only slow each one down.
    requires_system_checks = ()
    # call_command(..., stdin=stream) in the tests, where there is no standard input to pipe.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--recipient",
            default="",
            help="The envelope recipient (the address the mail server delivered it for).",
        )
        parser.add_argument(
            "--maildir",
            help="Take every message in this Maildir's new/ folder, moving each to cur/ once "
            "stored.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options["verbosity"])
        recipient = str(options["recipient"] or "")
        if options["maildir"]:
            self._maildir(Path(options["maildir"]), recipient)
            return
        stream = options.get("stdin") or sys.stdin.buffer
        message_id = self._store(stream, Via.PIPE, recipient, what="The message")
        if message_id is not None:
            self._handle(message_id)

    def _maildir(self, folder: Path, recipient: str) -> None:
        new, cur = folder / "new", folder / "cur"
        if not new.is_dir():
            raise CommandError(f"{folder} is not a Maildir: it has no new/ folder.")
        cur.mkdir(exist_ok=True)
        for path in sorted(new.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            with path.open("rb") as stream:
                message_id = self._store(stream, Via.MAILDIR, recipient, what=path.name)
            name = path.name if MAILDIR_INFO in path.name else path.name + MAILDIR_INFO
            path.rename(cur / name)
            if message_id is not None:
                self._handle(message_id)

    def _store(self, stream: IO[bytes], via: str, recipient: str, *, what: str) -> int | None:
        """The new message's id (None when it was stored before); `CommandError` with exit
        status 75 when it could not be stored."""
        try:
            message, created = inbound_store(raw=stream, via=via, envelope_recipient=recipient)
        except Exception as error:
            # One line for the mail server's log: it keeps the message and tries again.
            cause = (str(error).strip().splitlines() or [""])[0][:200]
            raise CommandError(
                f"{what} could not be stored ({type(error).__name__}: {cause}); it is kept by "
                "the mail server, try again later.",
                returncode=EX_TEMPFAIL,
            ) from None
        if self.verbosity > 1:
            done = "Stored" if created else "Already stored"
            self.stdout.write(f"{done}: message {message.pk} from {message.sender or 'nobody'}.")
        return message.pk if created else None

    def _handle(self, message_id: int) -> None:
        try:
            handled = inbound_handle(message_id=message_id)
        except Exception as error:
            # Stored is what the mail server needs to know; the beat handles it later.
            logger.error("Message %s could not be handled: %s", message_id, type(error).__name__)
            return
        if handled is not None and self.verbosity > 1:
            self.stdout.write(f"Message {message_id}: {handled.outcome}.")
