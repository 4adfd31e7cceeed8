"""Saved replies: an agent keeps their own reply texts; a manager may also keep shared ones
(`owner=None`). Filling in the variables is `saved_reply_fill`."""

import re

from cases.errors import Forbidden, NotVisible
from cases.models import Case, SavedReply, User
from cases.roles import Role, is_staff_role, role_of
from cases.selectors import saved_replies_for
from cases.text import MAX_NAME, clean_text


def _check_staff(actor: User) -> None:
    if not is_staff_role(role_of(actor)):
        raise Forbidden("Only agents and managers keep saved replies.")


def _check_may_change(actor: User, reply: SavedReply) -> None:
    _check_staff(actor)
    if reply.owner_id is None:
        if role_of(actor) != Role.MANAGER:
            raise Forbidden("Only managers change shared saved replies.")
    elif reply.owner_id != actor.pk:
        raise NotVisible("No such saved reply.")


def saved_reply_create(
    *, actor: User, title: object, body: object, shared: bool = False
) -> SavedReply:
    """A saved reply of `actor`'s own, or with `shared` (managers only) one for every agent."""
    _check_staff(actor)
    if shared and role_of(actor) != Role.MANAGER:
        raise Forbidden("Only managers keep shared saved replies.")
    title = clean_text("title", title, required=True, limit=MAX_NAME)
    body = clean_text("body", body, required=True)
    return SavedReply.objects.create(title=title, body=body, owner=None if shared else actor)


def saved_reply_update(*, reply_id: int, actor: User, title: object, body: object) -> SavedReply:
    """An agent changes their own saved reply; a manager a shared one too."""
    reply = saved_reply_get_for_change(reply_id=reply_id, actor=actor)
    reply.title = clean_text("title", title, required=True, limit=MAX_NAME)
    reply.body = clean_text("body", body, required=True)
    reply.save(update_fields=["title", "body", "updated_at"])
    return reply


def saved_reply_delete(*, reply_id: int, actor: User) -> None:
    """An agent deletes their own saved reply; a manager a shared one too."""
    saved_reply_get_for_change(reply_id=reply_id, actor=actor).delete()


def saved_reply_get(*, reply_id: int, actor: User) -> SavedReply:
    """One reply `actor` may use (their own or a shared one); `NotVisible` otherwise."""
    _check_staff(actor)
    try:
        return saved_replies_for(actor).get(pk=reply_id)
    except SavedReply.DoesNotExist:
        raise NotVisible("No such saved reply.") from None


def saved_reply_get_for_change(*, reply_id: int, actor: User) -> SavedReply:
    """The saved reply `actor` may change: `NotVisible` for someone else's, `Forbidden` for a
    shared one unless `actor` is a manager."""
    reply = saved_reply_get(reply_id=reply_id, actor=actor)
    _check_may_change(actor, reply)
    return reply


_VARIABLE = re.compile(r"\{(customer_name|reference)\}")


def saved_reply_fill(*, body: str, case: Case) -> str:
    """`body` with `{customer_name}` (the requester's full name, or username) and `{reference}`
    filled in for `case`; any other braces are left as they are."""
    requester = case.requester
    values = {
        "customer_name": requester.display_name,
        "reference": str(case.reference),
    }
    return _VARIABLE.sub(lambda match: values[match.group(1)], body)
