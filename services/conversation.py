"""The conversation of a case: public replies and internal notes."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cases.errors import InvalidInput
from cases.models import Comment, User
from cases.roles import is_staff_role, role_of
from cases.text import clean_text
from notifications.models import Kind
from notifications.outbox import notify
from workflows.services import fire_triggers, lock_case, refuse_update, stamp_support_action


def comment_post(
    *, case_id: int, actor: User, body: str, internal: bool = False, now: datetime | None = None
) -> Comment:
    """Add a public reply or an internal note; a public reply may fire an automatic transition
    (see each workflow's `reply_triggers`)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_case(case_id, actor)
        if internal and not is_staff_role(role_of(actor)):
            raise InvalidInput.field("internal", "Customers cannot write internal notes.")
        body = clean_text("body", body, required=True)
        refuse_update(locked, actor)
        comment = locked.comments.create(author=actor, body=body, internal=internal, created_at=now)
        if internal:
            locked.save(update_fields=["updated_at"])
        else:
            stamp_support_action(locked, actor, now, customer_facing=True)
            if not is_staff_role(role_of(actor)):
                locked.customer_replied_at = now
            locked.save()
            fire_triggers(locked, locked.reply_triggers, actor, now=now)
            notify(Kind.PUBLIC_REPLY, case=locked, actor=actor, now=now, occasion=f"c{comment.pk}")
    comment.case = locked
    return comment
