"""The conversation of a case: public replies and internal notes."""

from collections.abc import Sequence
from datetime import datetime

from django.core.files import File
from django.utils import timezone

from cases.errors import InvalidInput, NewMessages
from cases.models import Comment, User
from cases.roles import is_staff_role, role_of
from cases.text import clean_text
from notifications.models import Kind
from services.attachments import atomic_with_files, uploads_checked
from workflows.transitions import (
    fire_triggers,
    lock_case,
    notify_about,
    refuse_update,
    stamp_customer_action,
    stamp_support_action,
)


def comment_post(
    *,
    case_id: int,
    actor: User,
    body: str,
    internal: bool = False,
    files: Sequence["File[bytes]"] = (),
    now: datetime | None = None,
    unless_new_since: datetime | None = None,
) -> Comment:
    """Add a public reply or an internal note, with its attached `files` (a message of files
    alone needs no text); a public reply may fire an automatic transition (see each workflow's
    `reply_triggers`). `unless_new_since`: the moment the writer's page was drawn; a public reply
    is refused (`NewMessages`) when someone else's public message reached the case since, so
    that the writer reads it first."""
    now = now or timezone.now()
    with atomic_with_files() as stored:
        locked = lock_case(case_id, actor)
        if internal and not is_staff_role(role_of(actor)):
            raise InvalidInput.field("internal", "Customers cannot write internal notes.")
        uploads = uploads_checked(files)
        body = clean_text("body", body, required=not uploads)
        refuse_update(locked, actor)
        if not internal and unless_new_since is not None:
            crossing = locked.comments.filter(internal=False, created_at__gt=unless_new_since)
            if crossing.exclude(author=actor).exists():
                raise NewMessages(
                    "New messages reached this case since you opened it: read them, then send "
                    "your reply."
                )
        comment = locked.comments.create(author=actor, body=body, internal=internal, created_at=now)
        stored.save(uploads, case=locked, comment=comment, actor=actor, now=now)
        if internal:
            locked.save(update_fields=["updated_at"])
        else:
            stamp_support_action(locked, actor, now, customer_facing=True)
            stamp_customer_action(locked, actor, now)
            if not is_staff_role(role_of(actor)):
                locked.customer_replied_at = now
            locked.save()
            fire_triggers(locked, locked.reply_triggers, actor, now=now)
            notify_about(Kind.PUBLIC_REPLY, locked, actor=actor, now=now, occasion=f"c{comment.pk}")
    comment.case = locked
    return comment
