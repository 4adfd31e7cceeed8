"""The conversation of a case: public replies and internal notes."""

from collections.abc import Sequence
from datetime import datetime

from django.core.files import File

from cases.actors import Actor
from cases.errors import InvalidInput, NewMessages
from cases.models import Comment, MessageChannel, User
from cases.text import clean_text
from services.attachments import StoredFiles, uploads_checked
from workflows.transitions import change_case


def comment_post(
    *,
    case_id: int,
    actor: User | Actor,
    body: str,
    internal: bool = False,
    files: Sequence["File[bytes]"] = (),
    now: datetime | None = None,
    seen: datetime | None = None,
    channel: str = MessageChannel.WEB,
) -> Comment:
    """Add a public reply or an internal note, with its attached `files` (a message of files
    alone needs no text); a public reply may fire an automatic transition (see each workflow's
    `reply_triggers`). `seen`: the case's version when the writer's page was drawn; a public
    reply is refused (`NewMessages`) when someone else's public message reached the case since,
    so that the writer reads it first. `channel`: where it was written (the pages, the API, an
    email)."""
    who = Actor.of(actor)
    # The door's transaction is the reply's: `atomic_with_files` around it would add a savepoint
    # of its own (two queries) to every reply. The files stored go again if it fails.
    stored = StoredFiles()
    try:
        with change_case(case_id=case_id, actor=who, now=now, channel=channel) as change:
            if internal and not who.is_staff:
                raise InvalidInput.field("internal", "Customers cannot write internal notes.")
            uploads = uploads_checked(files)
            body = clean_text("body", body, required=not uploads)
            change.require_updatable()
            if not internal and seen is not None:
                crossing = change.case.comments.filter(internal=False, created_at__gt=seen)
                if crossing.exclude(author_id=who.pk).exists():
                    raise NewMessages(
                        "New messages reached this case since you opened it: read them, then "
                        "send your reply."
                    )
            comment = change.post(body, internal=internal)
            stored.save(
                uploads, case=change.case, comment=comment, actor=comment.author, now=change.now
            )
    except BaseException:
        stored.delete()
        raise
    comment.case = change.case
    return comment
