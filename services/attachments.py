"""Files that come with a new case, a reply or a note: checked before anything is written, stored
in the same transaction as what they come with (a failure leaves neither rows nor files), and
sent back by the one function that both the API and the pages answer with."""

import logging
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, ClassVar

from django.conf import settings
from django.core.files import File
from django.db import transaction

from cases.actors import Actor
from cases.errors import InvalidInput, NotVisible, TooLarge
from cases.models import Attachment, Case, Comment, User
from cases.selectors import visible_attachment
from workflows.transitions import change_case

logger = logging.getLogger(__name__)

# The first bytes of programs (Windows PE, Linux ELF, macOS Mach-O and universal binaries):
# refused whatever the file is called.
PROGRAM_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)
# Shown in the browser rather than downloaded: pictures that cannot carry script (SVG can).
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
MAX_FILENAME = 255


@dataclass(frozen=True)
class Upload:
    """A file that passed the checks, with the name it is shown by and the type it is sent as."""

    file: "File[bytes]"
    filename: str
    size: int
    content_type: str


def uploads_checked(files: Sequence["File[bytes]"], *, field: str = "attachments") -> list[Upload]:
    """The files of one message, checked: `TooLarge` (413) for more than ATTACHMENTS_MAX_FILES
    or a file over ATTACHMENTS_MAX_SIZE, `InvalidInput` (400) for an empty file or a kind that
    ATTACHMENTS_TYPES does not accept; both name `field`."""
    if len(files) > settings.ATTACHMENTS_MAX_FILES:
        raise TooLarge.field(field, f"At most {settings.ATTACHMENTS_MAX_FILES} files a message.")
    return [_checked(file, field) for file in files]


def _checked(file: "File[bytes]", field: str) -> Upload:
    filename = display_name(file.name or "")
    size = file.size
    if size > settings.ATTACHMENTS_MAX_SIZE:
        limit = f"{settings.ATTACHMENTS_MAX_SIZE / 2**20:g} MiB"
        raise TooLarge.field(field, f"{filename} is larger than {limit}.")
    if size == 0:
        raise InvalidInput.field(field, f"{filename} is empty.")
    _, dot, extension = filename.rpartition(".")
    content_type = settings.ATTACHMENTS_TYPES.get(extension.lower()) if dot else None
    if content_type is None or _is_program(file):
        raise InvalidInput.field(field, f"{filename}: this kind of file is not accepted.")
    return Upload(file=file, filename=filename, size=size, content_type=content_type)


def _is_program(file: "File[bytes]") -> bool:
    file.seek(0)
    head = file.read(4)
    file.seek(0)
    return isinstance(head, bytes) and head.startswith(PROGRAM_SIGNATURES)


def display_name(name: str) -> str:
    """The uploader's file name, fit to show and to offer as a download's name: its last path
    part (some browsers send a whole path), without control or formatting characters (a
    right-to-left override can make "exe.pdf" of "fdp.exe"), blanks or dots around it, at most
    255 characters with its extension kept; "attachment" when nothing is left."""
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    name = name.strip(" .") or "attachment"
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        if dot and len(extension) < 16:
            return f"{stem[: MAX_FILENAME - len(extension) - 1]}.{extension}"
        return name[:MAX_FILENAME]
    return name


class StoredFiles:
    """What one transaction stores (see `atomic_with_files`), remembered so that it can be
    deleted again if the transaction fails."""

    def __init__(self) -> None:
        self._names: list[str] = []

    def save(
        self,
        uploads: Sequence[Upload],
        *,
        case: Case,
        comment: Comment | None,
        actor: User,
        now: datetime,
    ) -> list[Attachment]:
        """Store each file under a random name (`cases.models.attachments.stored_name`) and
        record it as an attachment of the case, or of `comment`."""
        attachments = []
        for upload in uploads:
            attachment = Attachment(
                case=case,
                comment=comment,
                uploaded_by=actor,
                filename=upload.filename,
                size=upload.size,
                content_type=upload.content_type,
                created_at=now,
            )
            name = attachment.file.field.generate_filename(attachment, upload.filename)
            # Remembered before the write: a write that fails half-way is deleted too.
            self._names.append(name)
            attachment.file.name = attachment.file.storage.save(name, upload.file)
            self._names[-1] = attachment.file.name
            attachment.save()
            attachments.append(attachment)
        return attachments

    def delete(self) -> None:
        storage = Attachment.file.field.storage
        for name in self._names:
            try:
                storage.delete(name)
            except Exception:
                # The failure being handled matters more; an orphan file is harmless.
                logger.exception("Could not delete the stored file %s", name)
        self._names.clear()


@contextmanager
def atomic_with_files() -> Iterator[StoredFiles]:
    """`transaction.atomic()` for a write that stores files: if it fails, its rows are rolled
    back and the files it stored are deleted, so that nothing is half-written."""
    stored = StoredFiles()
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        stored.delete()
        raise


def attachment_add(
    *,
    case_id: int,
    actor: User | Actor,
    file: "File[bytes]",
    comment_id: int | None = None,
    now: datetime | None = None,
) -> Attachment:
    """Attach a file to a case, or to one of the actor's own messages on it: whoever may reply
    to the case may, where it takes replies (409 otherwise, as for a reply). 404: the case is
    not visible; 413/400: the file (`file`); 400: `comment` is not the actor's, on this case."""
    who = Actor.of(actor)
    with atomic_with_files() as stored, change_case(case_id=case_id, actor=who, now=now) as change:
        change.require_updatable()
        uploads = uploads_checked([file], field="file")
        comment = None
        if comment_id is not None:
            comment = change.case.comments.filter(pk=comment_id, author_id=who.pk).first()
            if comment is None:
                raise InvalidInput.field("comment", "Must be one of your messages on this case.")
        if who.user is None:
            raise TypeError("The automations attach no files.")
        (attachment,) = stored.save(
            uploads, case=change.case, comment=comment, actor=who.user, now=change.now
        )
        change.touch()
    return attachment


@dataclass(frozen=True)
class Download:
    """An attachment's file as both the API and the pages send it (each entrance makes the HTTP
    response): a download, shown in the browser only when it is a picture that cannot carry
    script (`inline`), with the type it was stored with and never sniffed into another."""

    file: IO[bytes]
    filename: str
    content_type: str
    inline: bool

    # Every download carries these: no sniffing, and opened by itself the file runs and loads
    # nothing (an SVG, a PDF viewer's script); kept by nobody but the person's own browser.
    HEADERS: ClassVar[dict[str, str]] = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-cache",
    }

    def options(self) -> dict[str, Any]:
        """How the file is sent, as the keywords of Django's `FileResponse`."""
        return {
            "as_attachment": not self.inline,
            "filename": self.filename,
            "content_type": self.content_type,
            "headers": self.HEADERS,
        }


def attachment_download(*, actor: User, attachment_id: int | str) -> Download:
    """The file of an attachment, for someone who may see it (`NotVisible`, 404, otherwise; see
    `cases.selectors.attachments_visible_to`)."""
    attachment = visible_attachment(actor, attachment_id)
    try:
        handle = attachment.file.storage.open(str(attachment.file.name), "rb")
    except OSError:
        logger.exception("The file of attachment %s is missing", attachment.pk)
        raise NotVisible("No such attachment.") from None
    return Download(
        file=handle,
        filename=attachment.filename,
        content_type=attachment.content_type,
        inline=attachment.content_type in INLINE_TYPES,
    )
