"""What a message that came in posts: its words as the body of a message of the conversation, and
its files, under the very rules of a reply typed on the pages. A file the attachment rules refuse
(its kind, its size, one too many) is left out and the body says so in a line; a text longer than
a message may be is cut, and says so: an email is never refused for what it carries."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File

from cases.errors import InvalidInput
from cases.text import MAX_TEXT, literal_markdown
from services.attachments import uploads_checked
from services.mail_reading import MailFile

EMPTY = "(This email had no text.)"
CUT = "[The rest of this email was cut: a message holds at most {limit:,} characters.]"
LEFT_OUT = "File left out of this email: {why}"


@dataclass(frozen=True)
class Content:
    # Markdown, as a reply on the pages (rendered and sanitised by cases.text), that reads as the
    # sender wrote it: every backslash of theirs shows (`literal_markdown`).
    body: str
    files: list["File[bytes]"]


def content_of(text: str, files: Sequence[MailFile], *, limit: int = MAX_TEXT) -> Content:
    """The body and the accepted files of a message whose words are `text`."""
    accepted, refused = _checked(files)
    notes = [LEFT_OUT.format(why=why) for why in refused]
    text = literal_markdown(text.strip())
    room = limit - sum(len(note) + 2 for note in notes)
    if len(text) > room:
        cut = CUT.format(limit=limit)
        text = text[: max(room - len(cut) - 2, 0)].rstrip() + "\n\n" + cut
    body = "\n\n".join(part for part in (text, *notes) if part)
    if not body and not accepted:
        body = EMPTY
    return Content(body=body[:limit], files=accepted)


def _checked(files: Sequence[MailFile]) -> tuple[list["File[bytes]"], list[str]]:
    """The files the attachment rules accept, in order, and why each other one was refused."""
    accepted: list[File[bytes]] = []
    refused: list[str] = []
    for mail_file in files:
        # The file as read (a temporary file for a large one): stored chunk by chunk.
        upload: File[bytes] = File(mail_file.open(), name=mail_file.filename)
        upload.size = mail_file.size
        if len(accepted) >= settings.ATTACHMENTS_MAX_FILES:
            refused.append(
                f"{mail_file.filename}: at most {settings.ATTACHMENTS_MAX_FILES} files a message."
            )
            continue
        try:
            uploads_checked([upload])
        except InvalidInput as error:
            refused.append(next(iter(error.errors.values()))[0])
            continue
        accepted.append(upload)
    return accepted, refused
