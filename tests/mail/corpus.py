"""Messages as mail clients, mail servers and autoresponders write them, built as bytes for the
tests (and the bench) to feed to the helpdesk: replies from Outlook, Gmail and Apple Mail, a
folded subject, Latin-1 8-bit text with backslashes, encoded words, HTML alone, a forwarded
message, a bounce, out-of-office replies of every kind, a 30 MB message, garbage and a message
with no headers at all. Every builder takes the few things a test varies as keywords."""

import random
from collections.abc import Sequence
from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from io import BytesIO
from typing import Any, BinaryIO

from cases.models import InboundMessage
from services.inbound import inbound_handle, inbound_store

SENDER = "Alice Example <alice@example.com>"
SUPPORT = "support@helpdesk.example"
DATE = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
QUOTED = "We looked at your printer.\nPlease try turning it off and on again."

# What the Latin-1 message says, exactly: accents and Windows paths with backslashes.
LATIN1_TEXT = (
    "Grüße aus Köln!\nDie Datei liegt unter C:\\Users\\Jörg\\new\\table.txt und \\\\server\\share."
)
# What the encoded-word message's subject and sender name decode to.
ENCODED_SUBJECT = "Überweisung fehlgeschlagen \N{EN DASH} 50 € zurück?"
ENCODED_SUBJECT_LATIN1 = "Überweisung fehlgeschlagen - 50 EUR zurück?"
ENCODED_NAME = "Jörg Müller"


def message(
    *,
    sender: str = SENDER,
    to: str = SUPPORT,
    subject: str = "Printer is on fire",
    text: str | None = "Smoke everywhere.",
    html: str | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    headers: dict[str, str] | None = None,
    attachments: Sequence[tuple[str, str, bytes]] = (),
    cc: str | None = None,
) -> bytes:
    """A message as a mail client sends it: text, HTML or both (multipart/alternative), and
    `attachments` as (file name, content type, bytes)."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    if cc:
        mail["Cc"] = cc
    mail["Subject"] = subject
    mail["Date"] = format_datetime(DATE)
    mail["Message-ID"] = message_id or make_msgid(domain="mail.example.com")
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
    if references:
        mail["References"] = " ".join(references)
    for name, value in (headers or {}).items():
        mail[name] = value
    if text is not None:
        mail.set_content(text)
        if html is not None:
            mail.add_alternative(html, subtype="html")
    elif html is not None:
        mail.set_content(html, subtype="html")
    for filename, content_type, content in attachments:
        maintype, _, subtype = content_type.partition("/")
        mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return mail.as_bytes(policy=SMTP)


def gmail_reply(
    *,
    words: str = "Thanks, that fixed it.",
    quoted: str = QUOTED,
    helpdesk: str = f"Helpdesk <{SUPPORT}>",
    **fields: Any,
) -> bytes:
    """A reply from Gmail: text and HTML, the earlier message quoted under an "On … wrote:"
    line, each of its lines after "> "."""
    attribution = f"On Mon, 7 Dec 2026 at 10:00, {helpdesk} wrote:"
    quote = "\n".join(f"> {line}" for line in quoted.split("\n"))
    html = (
        f'<div dir="ltr">{words}</div><br><div class="gmail_quote"><div class="gmail_attr">'
        f"{attribution.replace('<', '&lt;').replace('>', '&gt;')}<br></div>"
        f'<blockquote class="gmail_quote">{quoted.replace(chr(10), "<br>")}</blockquote></div>'
    )
    fields.setdefault("subject", "Re: [CS-000001] Your case was answered")
    return message(text=f"{words}\n\n{attribution}\n\n{quote}\n", html=html, **fields)


def outlook_reply(
    *,
    words: str = "It still fails after the restart.",
    quoted: str = QUOTED,
    helpdesk: str = f"Helpdesk <{SUPPORT}>",
    **fields: Any,
) -> bytes:
    """A reply from Outlook: the earlier message below a line of underscores and a "From: …
    Sent: … To: … Subject: …" block, unquoted; HTML with the same block after an <hr>."""
    subject = str(fields.setdefault("subject", "RE: [CS-000001] Your case was answered"))
    block = (
        f"From: {helpdesk}\nSent: Monday, December 7, 2026 10:00 AM\n"
        f"To: Alice Example <alice@example.com>\nSubject: {subject[4:]}"
    )
    text = f"{words}\n\n________________________________\n{block}\n\n{quoted}\n"
    html = (
        f"<html><body><div>{words}</div><hr><div id='divRplyFwdMsg'>"
        f"{block.replace('<', '&lt;').replace('>', '&gt;').replace(chr(10), '<br>')}</div>"
        f"<div>{quoted.replace(chr(10), '<br>')}</div></body></html>"
    )
    return message(text=text, html=html, **fields)


def apple_mail_reply(
    *,
    words: str = "Works now!\n\nAlice",
    quoted: str = QUOTED,
    helpdesk: str = f"Helpdesk <{SUPPORT}>",
    **fields: Any,
) -> bytes:
    """A reply from Apple Mail: the "On … wrote:" line quoted with the message."""
    quote = "\n".join(f"> {line}" for line in quoted.split("\n"))
    text = f"{words}\n\n> On 7 Dec 2026, at 10:00, {helpdesk} wrote:\n> \n{quote}\n"
    fields.setdefault("subject", "Re: [CS-000001] Your case was answered")
    return message(text=text, **fields)


def folded_subject_reply(
    reference: str, *, sender: str = SENDER, to: str = SUPPORT, words: str = "Any news?"
) -> bytes:
    """A reply whose long subject is folded just before the case reference, as mail clients
    fold long headers (django-helpdesk #756 opened a new ticket for these)."""
    return (
        f"From: {sender}\r\nTo: {to}\r\n"
        "Subject: Re: Your case about the printer on the third floor that keeps catching\r\n"
        f" fire [{reference}] was answered\r\n"
        f"Message-ID: {make_msgid(domain='mail.example.com')}\r\n"
        "Date: Mon, 07 Dec 2026 10:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{words}\r\n"
    ).encode()


def latin1_message(*, sender: str = SENDER, to: str = SUPPORT, subject: str = "Pfad") -> bytes:
    """Latin-1 text sent as 8-bit bytes (no transfer encoding), with backslashes: LATIN1_TEXT."""
    head = (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Message-ID: {make_msgid(domain='mail.example.com')}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return head.encode("ascii") + LATIN1_TEXT.replace("\n", "\r\n").encode("latin-1") + b"\r\n"


def encoded_words_message(
    *, charset: str = "utf-8", address: str = "jorg@example.com", to: str = SUPPORT
) -> bytes:
    """A subject and a sender's name written as RFC 2047 encoded words in `charset`:
    ENCODED_SUBJECT (ENCODED_SUBJECT_LATIN1 in ISO-8859-1, which has no euro sign) and
    ENCODED_NAME."""
    subject = ENCODED_SUBJECT if charset == "utf-8" else ENCODED_SUBJECT_LATIN1
    # UTF-8 words come base64-encoded ("B"), ISO-8859-1 ones quoted-printable ("Q").
    encoded_subject = Header(subject, charset=charset).encode()
    encoded_name = Header(ENCODED_NAME, charset=charset).encode()
    return (
        f"From: {encoded_name} <{address}>\r\nTo: {to}\r\nSubject: {encoded_subject}\r\n"
        f"Message-ID: {make_msgid(domain='mail.example.com')}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHallo.\r\n"
    ).encode("ascii")


def html_only(*, html: str | None = None, **fields: Any) -> bytes:
    """A message with HTML and no text part."""
    html = html or (
        "<html><head><style>p { color: red }</style><script>alert('x')</script></head>"
        "<body><p>The <b>invoice</b> is wrong &amp; late.</p><ul><li>one</li><li>two</li></ul>"
        "</body></html>"
    )
    return message(text=None, html=html, **fields)


def forwarded(*, words: str = "See below, this keeps happening.", **fields: Any) -> bytes:
    """A message forwarded in the body, as Gmail writes it: the forwarded message is what the
    sender wants read."""
    fields.setdefault("subject", "Fwd: Printer error report")
    text = (
        f"{words}\n\n---------- Forwarded message ---------\n"
        "From: Printer <printer@office.example.com>\nDate: Mon, 7 Dec 2026 at 09:00\n"
        "Subject: Printer error report\nTo: <alice@example.com>\n\n"
        "Error 42: the fuser is on fire.\n"
    )
    return message(text=text, **fields)


def bounce(
    failed: str,
    *,
    action: str = "failed",
    status: str = "5.1.1",
    diagnostic: str = "smtp; 550 5.1.1 <{address}>: Recipient address rejected: User unknown",
    to: str = "helpdesk@helpdesk.example",
    sender: str = "MAILER-DAEMON@mx.example.com",
    original_message_id: str = "<abc@helpdesk.example>",
) -> bytes:
    """A delivery status notification (RFC 3464): multipart/report with a
    message/delivery-status part naming `failed` with `action` and `status`."""
    report = EmailMessage()
    report["From"] = f"Mail Delivery System <{sender}>"
    report["To"] = to
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = make_msgid(domain="mx.example.com")
    report["Auto-Submitted"] = "auto-replied"
    report["Content-Type"] = 'multipart/report; report-type=delivery-status; boundary="BOUNDARY"'
    diagnostic = diagnostic.format(address=failed)
    body = (
        "--BOUNDARY\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        "This is the mail system at host mx.example.com.\r\n\r\n"
        "I'm sorry to have to inform you that your message could not\r\n"
        "be delivered to one or more recipients.\r\n\r\n"
        "--BOUNDARY\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.com\r\n\r\n"
        f"Final-Recipient: rfc822; {failed}\r\nOriginal-Recipient: rfc822;{failed}\r\n"
        f"Action: {action}\r\nStatus: {status}\r\nDiagnostic-Code: {diagnostic}\r\n\r\n"
        "--BOUNDARY\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: {to}\r\nTo: {failed}\r\nSubject: [CS-000001] Your case was answered\r\n"
        f"Message-ID: {original_message_id}\r\n\r\n"
        "--BOUNDARY--\r\n"
    )
    head = "".join(f"{name}: {value}\r\n" for name, value in report.items())
    return (head + "MIME-Version: 1.0\r\n\r\n" + body).encode("ascii")


# Each way a message says it was sent automatically: header name and value, or a sender.
AUTOMATIC = {
    "auto_submitted": {"Auto-Submitted": "auto-replied"},
    "auto_generated": {"Auto-Submitted": "auto-generated"},
    "x_autoreply": {"X-Autoreply": "yes"},
    "x_autorespond": {"X-Autorespond": "Out of office"},
    "precedence_bulk": {"Precedence": "bulk"},
    "precedence_junk": {"Precedence": "junk"},
    "precedence_list": {"Precedence": "list"},
    "precedence_auto_reply": {"Precedence": "auto_reply"},
    "suppress_oof": {"X-Auto-Response-Suppress": "OOF"},
    "suppress_autoreply": {"X-Auto-Response-Suppress": "DR, AutoReply"},
    "suppress_all": {"X-Auto-Response-Suppress": "All"},
    "list_id": {"List-Id": "Announcements <announce.lists.example.com>"},
    "list_unsubscribe": {"List-Unsubscribe": "<mailto:leave@lists.example.com>"},
}
AUTOMATIC_SENDERS = {
    "mailer_daemon": "MAILER-DAEMON@mx.example.com",
    "postmaster": "Postmaster <postmaster@example.com>",
}


def out_of_office(kind: str = "auto_submitted", **fields: Any) -> bytes:
    """An automatic reply: `kind` is one of AUTOMATIC (the header that says so) or
    AUTOMATIC_SENDERS (who sends it)."""
    fields.setdefault("subject", "Out of office: [CS-000001] Your case was answered")
    fields.setdefault("text", "I am out of the office until Monday.")
    if kind in AUTOMATIC_SENDERS:
        fields["sender"] = AUTOMATIC_SENDERS[kind]
    else:
        fields["headers"] = {**AUTOMATIC[kind], **dict(fields.get("headers") or {})}
    return message(**fields)


def write_large_message(stream: BinaryIO, *, size: int = 30 * 1024 * 1024, **fields: str) -> int:
    """Write a message of about `size` bytes to `stream` (a log file attached, base64), without
    ever holding it in memory; the bytes written."""
    head = message(
        text=None,
        html=None,
        sender=fields.get("sender", SENDER),
        to=fields.get("to", SUPPORT),
        subject=fields.get("subject", "The whole log"),
    )
    head_end = head.index(b"\r\n\r\n")
    written = stream.write(
        head[:head_end]
        + b'\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="LARGE"\r\n\r\n'
        b"--LARGE\r\nContent-Type: text/plain\r\n\r\nThe log is attached.\r\n"
        b"--LARGE\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; "
        b'filename="printer.log"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    )
    # 57 bytes of text a line: 76 base64 characters, never padded.
    line = b"UHJpbnRlciBsb2cgbGluZTogdGhlIGZ1c2VyIGlzIHdhcm0sIG5vdGhpbmcgdG8gc2VlIGhlcmUu\r\n"
    while written < size:
        written += stream.write(line)
    written += stream.write(b"--LARGE--\r\n")
    return written


def large_message(*, size: int = 30 * 1024 * 1024, **fields: str) -> bytes:
    """`write_large_message` into bytes, for tests that do not measure memory."""
    buffer = BytesIO()
    write_large_message(buffer, size=size, **fields)
    return buffer.getvalue()


def garbage(size: int = 4096, *, seed: int = 15) -> bytes:
    """Random bytes: no headers, no structure, NULs and 8-bit bytes everywhere."""
    return random.Random(seed).randbytes(size)


def no_headers(text: str = "Just some words, and not a single header.") -> bytes:
    return f"{text}\n".encode()


def with_attachments(files: Sequence[tuple[str, str, bytes]], **fields: Any) -> bytes:
    """A message carrying `files` as (file name, content type, bytes)."""
    fields.setdefault("text", "The files are attached.")
    return message(attachments=files, **fields)


# The first bytes of a PNG picture and of a Windows program, for attachments.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
PROGRAM = b"MZ\x90\x00" + b"\x00" * 60


def deliver(raw: bytes | BinaryIO, *, recipient: str = "", via: str = "pipe") -> InboundMessage:
    """Feed a message to the helpdesk as the pipe does: stored, then handled; the row, fresh
    from the database."""
    row, _ = inbound_store(raw=raw, via=via, envelope_recipient=recipient)
    inbound_handle(message_id=row.pk)
    row.refresh_from_db()
    return row
