"""Reading a raw email: its headers, its text (the reply's own words, as a reply typed on the page
would be) and its files. Whatever the bytes, reading never fails: a header that does not parse
is read as raw text, an unknown or wrong charset is decoded with a fallback, a broken structure
gives what could be read. Decisions about what the message becomes are `services/inbound.py`'s.

The bytes are parsed as bytes (`policy.default`), never decoded first: an 8-bit Latin-1 body keeps
its accents and backslashes, and folded headers are unfolded before they are read."""

import base64
import binascii
import codecs
import functools
import logging
import mimetypes
import re
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.feedparser import BytesFeedParser
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses, parseaddr
from io import BytesIO
from typing import BinaryIO, cast

from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig
from mailparser_reply import EmailReplyParser
from mailparser_reply.constants import MAIL_LANGUAGES

from cases.text import MAX_SUBJECT
from notifications.mail_names import bare, message_ids_in

logger = logging.getLogger(__name__)

NO_SUBJECT = "(no subject)"
# The headers naming where a message was delivered, most specific first (the contract's order).
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc")
# "Re:", "Fwd:" and their kin in the languages the quote stripper reads (AW: German, SV: Swedish
# and Danish, VS: Finnish, WG: German forwards, TR: French forwards, RV: Spanish forwards...),
# with Outlook's counted "Re[2]:", as often as they repeat.
REPLY_PREFIXES = re.compile(
    r"^(?:\s*(?:re|fwd?|aw|sv|vs|wg|tr|rv|antw|odp|ynt|vb)(?:\[\d+\])?\s*[:\uff1a])+\s*",
    re.IGNORECASE,
)
FORWARD_PREFIX = re.compile(r"^\s*(?:fwd?|wg|tr|rv|vs|doorst)\s*[:\uff1a]", re.IGNORECASE)
# The lines mail clients put above a message forwarded in the body: the message forwarded is
# what the sender wants read, never a quote to remove.
FORWARD_MARKERS = re.compile(
    r"^\s*(?:-{2,} ?(?:Forwarded message|Weitergeleitete Nachricht|Message transféré)"
    r"|Begin forwarded message:|Anfang der weitergeleiteten Nachricht:)",
    re.IGNORECASE | re.MULTILINE,
)
REFERENCE_TAG = re.compile(r"\[\s*CS-\d+\s*\]", re.IGNORECASE)
QUOTED_LINE = re.compile(r"^\s*>")
# Every language the quote stripper knows: a customer may write in any of them.
QUOTE_LANGUAGES = tuple(MAIL_LANGUAGES)
HTML_TO_TEXT = ParserConfig(css=CSS_PROFILES["strict"])
# The header block of a message is read at most this far (a message whose headers never end is
# garbage; what follows is its body).
MAX_HEADER_BYTES = 1024 * 1024
# Unicode's control characters (category Cc: C0, DEL and C1), matched by a regular expression
# rather than by asking `unicodedata` about each character of every header and text; in a text,
# tabs and line ends are kept.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What `surrogateescape` made of bytes that were not the text's declared encoding.
SURROGATE_ESCAPE = re.compile(r"[\udc80-\udcff]")
# Header values up to this length are parsed once per process (`ParsedOnce`); a longer one is
# rare, and parsed each time it is read.
CACHED_HEADER_LENGTH = 1000


class ParsedOnce(HeaderRegistry):
    """policy.default's header factory, with each header parsed once. The standard library
    parses a header again every time it is read (a part's Content-Type some thirty times in a
    message, by the parser itself and by `get_body`) and makes a new class for it each time:
    that was most of the time a reply took to read. A parsed header is immutable (a `str`), so
    the same (name, value) may share one."""

    def __getitem__(self, name: str) -> type[BaseHeader]:
        return _header_class(name.lower())

    def __call__(self, name: str, value: str) -> BaseHeader:
        if len(value) > CACHED_HEADER_LENGTH:
            return self[name](name, value)
        return _parsed_header(name, value)


_REGISTRY = HeaderRegistry()


@functools.lru_cache(maxsize=256)
def _header_class(name: str) -> type[BaseHeader]:
    return _REGISTRY[name]


@functools.lru_cache(maxsize=4096)
def _parsed_header(name: str, value: str) -> BaseHeader:
    return _header_class(name.lower())(name, value)


# How every message is read: policy.default (headers decoded, EmailMessage), headers parsed once.
POLICY = policy.default.clone(header_factory=ParsedOnce())


@dataclass(frozen=True)
class MailHeaders:
    """What the headers of a message say, each value readable text (decoded, unfolded, without
    control characters), empty when missing or unreadable."""

    message_id: str  # "<…>", as the header writes it, or ""
    sender: str  # the From address
    sender_name: str
    subject: str  # decoded and unfolded, as sent
    recipients: tuple[str, ...]  # the addresses of RECIPIENT_HEADERS, in that order
    in_reply_to: tuple[str, ...]  # bare Message-IDs
    references: tuple[str, ...]  # bare Message-IDs, oldest first
    message: Message = field(repr=False, compare=False)

    def value(self, name: str) -> str:
        """The first `name` header, as text ("" when there is none)."""
        values = self.values(name)
        return values[0] if values else ""

    def values(self, name: str) -> list[str]:
        return header_values(self.message, name)


@dataclass(frozen=True)
class MailFile:
    """A file the message carries (an attachment, or a picture shown in its body). Its content
    is a binary file (a temporary one for a large attachment, decoded while the message was
    read), so that it is stored chunk by chunk, never held in memory whole."""

    filename: str
    content_type: str
    size: int
    source: BinaryIO = field(repr=False, compare=False)

    def open(self) -> BinaryIO:
        """The content, from its start."""
        self.source.seek(0)
        return self.source

    @property
    def content(self) -> bytes:
        """The content, in memory (for a download or a test; storing uses `open`)."""
        return self.open().read()


@dataclass(frozen=True)
class ReadMessage:
    subject: str  # as sent, decoded and unfolded
    sender: str
    sender_name: str
    # The reply's own words: quoted earlier messages and their "On … wrote:" line removed
    # (kept whole when that would leave nothing, or when the message forwards another).
    text: str
    # The whole text, for a new case's description and for showing held mail.
    full_text: str
    files: list[MailFile]
    headers: MailHeaders = field(repr=False, compare=False)
    message: EmailMessage = field(repr=False, compare=False)

    @property
    def case_subject(self) -> str:
        """The subject a new case takes: without "Re:"/"Fwd:" and the like or a case reference
        in brackets, at most a case subject's length; "(no subject)" when nothing is left."""
        return case_subject(self.subject)


def read_message(raw: bytes | BinaryIO) -> ReadMessage:
    """Everything the helpdesk uses of a message, read from its bytes. A stream is read chunk by
    chunk, its large attachments decoded into temporary files as they pass (`Spooler`): the
    memory reading takes stays small whatever the size of the message."""
    spooled: dict[str, BinaryIO] = {}
    message: Message
    if isinstance(raw, bytes | bytearray):
        message = message_from_bytes(bytes(raw), policy=POLICY)
    else:
        start = raw.read(SPOOL_AFTER)
        if len(start) < SPOOL_AFTER:
            message = message_from_bytes(start, policy=POLICY)
        else:
            spooler = Spooler()
            message = spooler.parse(start, raw)
            spooled = spooler.files
    if not isinstance(message, EmailMessage):  # pragma: no cover - policy.default makes these
        raise TypeError("policy.default parses into EmailMessage")
    headers = _headers_of(message)
    texts = _text_parts(message)
    full_text = "\n\n".join(filter(None, (_text_of(part, spooled) for part in texts)))
    forwarded = bool(FORWARD_PREFIX.match(headers.subject) or FORWARD_MARKERS.search(full_text))
    text = full_text if forwarded else reply_words(full_text)
    return ReadMessage(
        subject=headers.subject,
        sender=headers.sender,
        sender_name=headers.sender_name,
        text=text,
        full_text=full_text,
        files=list(_files(message, texts, spooled)),
        headers=headers,
        message=message,
    )


def read_headers(block: bytes) -> MailHeaders:
    """The headers of a message from its header block alone (`header_block`)."""
    return _headers_of(BytesHeaderParser(policy=POLICY).parsebytes(block))


def header_block(stream: BinaryIO) -> bytes:
    """The header block at the start of `stream` (up to the first empty line, at most
    MAX_HEADER_BYTES), read line by line so that a large body is never read for it."""
    lines: list[bytes] = []
    read = 0
    while read < MAX_HEADER_BYTES:
        line = stream.readline(MAX_HEADER_BYTES - read)
        if not line or line in (b"\r\n", b"\n"):
            break
        lines.append(line)
        read += len(line)
    return b"".join(lines)


def case_subject(subject: str) -> str:
    subject = REFERENCE_TAG.sub(" ", subject)
    subject = REPLY_PREFIXES.sub("", subject)
    subject = " ".join(subject.split())
    return subject[:MAX_SUBJECT].strip() or NO_SUBJECT


def reply_words(text: str) -> str:
    """The newest part of a message's text: the earlier messages it quotes below it, with their
    "On … wrote:" or "From: … Sent: …" line, removed by mail-parser-reply in every language it
    knows, then any quoted lines left at its end. The lines kept are the sender's own, exactly
    as written (the stripper trims each line; its result is only used to know where to cut).
    The whole text when cutting would leave nothing."""
    try:
        newest = EmailReplyParser(languages=list(QUOTE_LANGUAGES)).parse_reply(text) or ""
    except Exception as error:
        # A regular expression that chokes on some text must not cost the message.
        logger.warning("Could not strip the quotes of a message: %r", error)
        return text
    kept = _lines_matching(text.split("\n"), newest.split("\n"))
    while kept and (not kept[-1].strip() or QUOTED_LINE.match(kept[-1])):
        kept.pop()
    words = "\n".join(kept).strip()
    return words or text


def _lines_matching(original: list[str], stripped: list[str]) -> list[str]:
    """The lines of `original` that `stripped` (the same lines trimmed, from the first one with
    text) is made of."""
    start = next((i for i, line in enumerate(original) if line.strip()), len(original))
    kept: list[str] = []
    for line, wanted in zip(original[start:], stripped, strict=False):
        if line.strip() != wanted:
            # The stripper split this line (a line of underscores after words): keep its part.
            if wanted and line.strip().startswith(wanted):
                kept.append(wanted)
            break
        kept.append(line.rstrip())
    return kept


# --- headers ---------------------------------------------------------------------------------


def _headers_of(message: Message) -> MailHeaders:
    sender_name, sender = _first_address(message, "From")
    message_id = ""
    ids = message_ids_in(header_value(message, "Message-ID"))
    if ids:
        message_id = f"<{ids[0]}>"
    elif bare(header_value(message, "Message-ID")):
        message_id = f"<{bare(header_value(message, 'Message-ID')).split()[0]}>"
    recipients: list[str] = []
    for name in RECIPIENT_HEADERS:
        for value in header_values(message, name):
            recipients.extend(address for _, address in _addresses(value) if address)
    return MailHeaders(
        message_id=message_id,
        sender=sender,
        sender_name=sender_name,
        subject=header_value(message, "Subject"),
        recipients=tuple(recipients),
        in_reply_to=tuple(message_ids_in(header_value(message, "In-Reply-To"))),
        references=tuple(message_ids_in(" ".join(header_values(message, "References")))),
        message=message,
    )


def header_value(message: Message, name: str) -> str:
    values = header_values(message, name)
    return values[0] if values else ""


def header_values(message: Message, name: str) -> list[str]:
    """Every `name` header as readable text. The standard library may raise on a header it
    cannot parse: the raw value is read then."""
    try:
        found = message.get_all(name) or []
        return [readable(str(value)) for value in found]
    except Exception:
        wanted = name.casefold()
        return [readable(str(raw)) for key, raw in message.raw_items() if key.casefold() == wanted]


def _first_address(message: Message, name: str) -> tuple[str, str]:
    for value in header_values(message, name):
        for display, address in _addresses(value):
            if address:
                return display, address
    return "", ""


def _addresses(value: str) -> list[tuple[str, str]]:
    """(display name, address) pairs of a header's value, each address one that could be
    written in a reply (an `@`, no blanks); the name is kept even when the address is not."""
    try:
        pairs = getaddresses([value])
    except Exception:
        pairs = [parseaddr(value)]
    found = []
    for display, address in pairs:
        address = address.strip()
        valid = "@" in address and not any(char.isspace() for char in address)
        found.append((" ".join(display.split()), address if valid else ""))
    return found


def readable(value: str) -> str:
    """A header's value as text to keep and show: bytes the header carried undeclared (raw
    UTF-8, else Windows-1252) decoded, control characters (a NUL, which PostgreSQL refuses)
    made blanks, blanks collapsed."""
    if _has_surrogates(value):
        raw = value.encode("utf-8", "surrogateescape")
        value = _decoded(raw, None)
    return " ".join(CONTROL.sub(" ", value).split())


def _has_surrogates(value: str) -> bool:
    return SURROGATE_ESCAPE.search(value) is not None


# --- the text --------------------------------------------------------------------------------


def _text_parts(message: EmailMessage) -> list[Message]:
    """The parts holding the message's text: its text/plain part, else its HTML part. Some mail
    clients (Apple Mail) cut the text in pieces around a picture: every other plain text part
    that is no attachment is part of the text too."""
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception as error:
        logger.warning("Could not find the text of a message: %r", error)
        body = None
    if body is None:
        if not message.is_multipart() and message.get_content_maintype() == "text":
            # A part declaring another kind of text (text/enriched, a typo) is still its text.
            return [message]
        return []
    if body.get_content_type() != "text/plain":
        return [body]
    return [
        part
        for part in _leaves(message)
        if part is body
        or (
            part.get_content_type() == "text/plain"
            and _filename(part) is None
            and part.get_content_disposition() != "attachment"
        )
    ]


def _text_of(part: Message, spooled: dict[str, BinaryIO]) -> str:
    text = _decoded(_payload(part, spooled), part.get_content_charset())
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_subtype() == "html":
        try:
            text = get_text(text, HTML_TO_TEXT)
        except Exception as error:
            logger.warning("Could not turn the HTML of a message into text: %r", error)
            text = re.sub(r"<[^>]*>", " ", text)
    # Control characters other than tabs and line ends mean nothing in text, and PostgreSQL
    # refuses a NUL.
    text = CONTROL_IN_TEXT.sub("", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _payload(part: Message, spooled: dict[str, BinaryIO]) -> bytes:
    source = _spooled_source(part, spooled)
    if source is not None:
        source.seek(0)
        return source.read()
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _decoded(data: bytes, charset: str | None) -> str:
    """`data` in the charset it declares; when that is unknown or wrong, UTF-8, then
    Windows-1252, then Latin-1 (which reads any byte)."""
    tried = []
    for candidate in (charset, "utf-8", "cp1252"):
        if not candidate:
            continue
        try:
            name = codecs.lookup(candidate).name
        except LookupError:
            continue
        if name in tried:
            continue
        tried.append(name)
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


# --- the files -------------------------------------------------------------------------------


def _files(
    message: EmailMessage, texts: list[Message], spooled: dict[str, BinaryIO]
) -> Iterator[MailFile]:
    """Every part that carries a file name (attachments, inline pictures) or is attached without
    one, and every message attached whole; not the parts read as the text, nor the other forms
    of it (its HTML)."""
    for part in _leaves(message):
        if any(part is text for text in texts):
            continue
        filename = _filename(part)
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            filename = filename or "forwarded message.eml"
        elif filename is None:
            if part.get_content_disposition() != "attachment":
                continue
            extension = mimetypes.guess_extension(content_type) or ".bin"
            filename = f"attachment{extension}"
        source = _spooled_source(part, spooled)
        if source is None:
            content = (
                _attached_message(part, spooled)
                if content_type == "message/rfc822"
                else _payload(part, spooled)
            )
            source = BytesIO(content)
        size = source.seek(0, 2)
        yield MailFile(filename=filename, content_type=content_type, size=size, source=source)


def _filename(part: Message) -> str | None:
    try:
        filename = part.get_filename()
    except Exception:
        return None
    return readable(str(filename)) or None if filename else None


def _leaves(part: Message) -> Iterator[Message]:
    """The parts that are not containers, depth first; a message attached whole (message/rfc822)
    is one file, never opened."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part
        return
    payload = part.get_payload()
    for sub in payload if isinstance(payload, list) else []:
        if isinstance(sub, Message):
            yield from _leaves(sub)


def _attached_message(part: Message, spooled: dict[str, BinaryIO]) -> bytes:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if isinstance(inner, Message):
        try:
            return inner.as_bytes(policy=policy.default)
        except Exception as error:
            logger.warning("Could not write out an attached message: %r", error)
    return _payload(part, spooled)


def _spooled_source(part: Message, spooled: dict[str, BinaryIO]) -> BinaryIO | None:
    """The temporary file holding the part's content when `Spooler` took it out of the
    message (its payload is then the file's token)."""
    if not spooled or part.is_multipart():
        return None
    payload = part.get_payload()
    return spooled.get(payload.strip()) if isinstance(payload, str) else None


# --- large messages --------------------------------------------------------------------------

# A message longer than this is read through `Spooler`, and a base64 body longer than this is
# decoded into a temporary file as it is read.
SPOOL_AFTER = 256 * 1024
# What `Spooler` hands the parser at a time.
FEED = 64 * 1024
HEADER_LINE = re.compile(rb"^(?:From |[\041-\071\073-\176]*:|[\t ])")
BASE64_LINE = re.compile(rb"[A-Za-z0-9+/]*={0,2}[ \t]*(?:\r\n|\n|\r)?")
BLANK_LINES = (b"\r\n", b"\n", b"\r")


class Spooler:
    """Feeds a message to the standard library's parser line by line, except the long base64
    bodies of its parts (attachments): those are decoded into temporary files as they pass, and
    the parser reads one line in their place, a token naming the file (random, so that no
    message can name one). The parser would otherwise hold each such body as text, then the
    bytes it decodes to, several times the message's size. The parts' headers and boundaries
    are followed only as far as needed to know where a base64 body starts and ends: any line
    that is not base64 ends one, and the parser itself reads the structure as always."""

    HEADERS, TEXT, BASE64 = range(3)

    def __init__(self) -> None:
        self.files: dict[str, BinaryIO] = {}
        self._nonce = secrets.token_hex(16)
        self._parser = BytesFeedParser(policy=POLICY)
        self._out: list[bytes] = []
        self._out_size = 0
        self._state = self.HEADERS
        self._boundaries: set[bytes] = set()
        self._header_lines: list[bytes] = []
        self._header_size = 0
        self._run: list[bytes] = []
        self._run_size = 0
        self._spool: BinaryIO | None = None
        self._undecoded = bytearray()

    def parse(self, start: bytes, rest: BinaryIO) -> Message:
        partial = b""
        chunk = start
        while chunk:
            lines = (partial + chunk).splitlines(keepends=True)
            partial = lines.pop() if not lines[-1].endswith((b"\n", b"\r")) else b""
            for line in lines:
                self._line(line)
            chunk = rest.read(FEED)
        if partial:
            self._line(partial)
        self._end_headers()
        self._end_run()
        self._flush()
        return self._parser.close()

    def _line(self, line: bytes) -> None:
        if self._state == self.HEADERS:
            if line in BLANK_LINES:
                self._header_lines.append(line)
                self._end_headers()
                return
            self._header_size += len(line)
            if HEADER_LINE.match(line) and self._header_size <= MAX_HEADER_BYTES:
                self._header_lines.append(line)
                return
            # No empty line ends the headers: the parser reads this line as the body.
            self._end_headers()
        if self._state == self.BASE64:
            if BASE64_LINE.fullmatch(line):
                self._base64(line)
                return
            self._end_run()
        self._text(line)

    def _text(self, line: bytes) -> None:
        self._emit(line)
        if not line.startswith(b"--"):
            return
        marker = line[2:].rstrip()
        if marker in self._boundaries:
            self._state = self.HEADERS
        elif marker.endswith(b"--") and marker[:-2] in self._boundaries:
            self._state = self.TEXT

    def _end_headers(self) -> None:
        if self._state != self.HEADERS:
            return
        block = b"".join(self._header_lines)
        self._header_lines, self._header_size = [], 0
        self._emit(block)
        headers = BytesHeaderParser(policy=compat32).parsebytes(block)
        maintype = headers.get_content_maintype()
        boundary = headers.get_boundary() if maintype == "multipart" else None
        if boundary:
            self._boundaries.add(boundary.encode("ascii", "surrogateescape"))
        encoding = str(headers.get("Content-Transfer-Encoding", "")).strip().casefold()
        base64_leaf = encoding == "base64" and maintype not in ("multipart", "message")
        self._state = self.BASE64 if base64_leaf else self.TEXT

    def _base64(self, line: bytes) -> None:
        if self._spool is None:
            self._run.append(line)
            self._run_size += len(line)
            if self._run_size <= SPOOL_AFTER:
                return
            # Deleted once closed: when the reading of the message is dropped.
            self._spool = cast(BinaryIO, tempfile.TemporaryFile())  # noqa: SIM115
            for earlier in self._run:
                self._decode(earlier)
            self._run, self._run_size = [], 0
            return
        self._decode(line)

    def _decode(self, line: bytes) -> None:
        self._undecoded += line.strip()
        if len(self._undecoded) >= FEED:
            whole = len(self._undecoded) // 4 * 4
            assert self._spool is not None
            self._spool.write(binascii.a2b_base64(self._undecoded[:whole]))
            del self._undecoded[:whole]

    def _end_run(self) -> None:
        """The end of a base64 body: left as it was when short, else its file finished and its
        token put in its place."""
        if self._spool is None:
            for line in self._run:
                self._emit(line)
            self._run, self._run_size = [], 0
            self._state = self.TEXT
            return
        self._spool.write(_base64_tail(bytes(self._undecoded)))
        self._undecoded.clear()
        token = f"spooled-{self._nonce}-{len(self.files)}"
        self.files[token] = self._spool
        self._spool = None
        self._emit(token.encode("ascii") + b"\r\n")
        self._state = self.TEXT

    def _emit(self, data: bytes) -> None:
        self._out.append(data)
        self._out_size += len(data)
        if self._out_size >= FEED:
            self._flush()

    def _flush(self) -> None:
        self._parser.feed(b"".join(self._out))
        self._out, self._out_size = [], 0


def _base64_tail(data: bytes) -> bytes:
    """The last characters of a base64 body, decoded as the standard library would: padded
    when the padding is missing; nothing when they cannot be read at all."""
    if not data:
        return b""
    missing = -len(data) % 4
    for candidate in (data + b"=" * missing, data + b"=="):
        try:
            return base64.b64decode(candidate)
        except binascii.Error:
            continue
    return b""
