"""Reads that need care: who may see which case. Every list and detail page goes through here."""

from django.db.models import Prefetch, Q, QuerySet

from cases.errors import NotVisible
from cases.models import (
    Attachment,
    Case,
    Comment,
    HistoryEntry,
    InboundMessage,
    SavedReply,
    User,
)
from cases.roles import Role, is_staff_role, role_of


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Customers see their organization's cases (and always their own); support staff see every
    case. Soft-deleted cases exist only for managers, who may restore them."""
    role = role_of(user)
    cases = Case.objects.all()
    if role == Role.MANAGER:
        return cases
    cases = cases.alive()
    if role == Role.AGENT:
        return cases
    if role == Role.CUSTOMER:
        mine = Q(requester=user)
        if user.organization_id:
            mine |= Q(organization_id=user.organization_id)
        return cases.filter(mine)
    return cases.none()


def cases_listed(cases: QuerySet[Case], *, deleted: bool = False) -> QuerySet[Case]:
    """What every list shows of the cases someone may see (`cases_visible_to`): the live ones,
    or with `deleted` the soft-deleted ones only. A detail page may show a deleted case to a
    manager; a list never mixes them in. Only a manager's visible cases include deleted ones, so
    anyone else asking for them gets an empty list."""
    return cases.filter(deleted_at__isnull=not deleted)


def visible_case(user: User, case_id: int | str) -> Case:
    """The case if this user may see it; `NotVisible` (404) otherwise."""
    try:
        return cases_visible_to(user).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotVisible("No such case.") from None


def comments_visible_to(user: User, case: Case) -> QuerySet[Comment]:
    """The conversation of a case the user may see, oldest first: internal notes are for
    support staff only."""
    comments = case.comments.order_by("created_at", "id")
    if not is_staff_role(role_of(user)):
        comments = comments.filter(internal=False)
    return comments


def history_note_visible_to(user: User, entry: HistoryEntry) -> str | None:
    """Customers see that a case was blocked, never the internal note saying why (None)."""
    if entry.note_internal and not is_staff_role(role_of(user)):
        return None
    return entry.note


def attachments_visible_to(user: User) -> QuerySet[Attachment]:
    """The files of the cases this user may see, but an internal note's files only for support
    staff. Every list of files and every download goes through here."""
    return _internal_notes_hidden(Attachment.objects.filter(case__in=cases_visible_to(user)), user)


def visible_attachment(user: User, attachment_id: int | str) -> Attachment:
    """The attachment if this user may see it; `NotVisible` (404) otherwise."""
    try:
        return attachments_visible_to(user).get(pk=attachment_id)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise NotVisible("No such attachment.") from None


def case_attachments_prefetch(user: User) -> "Prefetch[str, QuerySet[Attachment], str]":
    """For cases this user may see (`cases_visible_to`): each case's own files (those of no
    message), in one query, as `case.own_attachments`."""
    own = Attachment.objects.filter(comment__isnull=True)
    return Prefetch(
        "attachments", queryset=_internal_notes_hidden(own, user), to_attr="own_attachments"
    )


def comment_attachments_prefetch(user: User) -> "Prefetch[str, QuerySet[Attachment], str]":
    """For comments this user may see (`comments_visible_to`): each one's files, in one query, as
    `comment.attachments.all()`."""
    return Prefetch("attachments", queryset=_internal_notes_hidden(Attachment.objects.all(), user))


def _internal_notes_hidden(attachments: QuerySet[Attachment], user: User) -> QuerySet[Attachment]:
    """What is left to check of files whose case the user may see: an internal note's files are
    for support staff only. (The prefetches hang off cases or comments already checked, so they
    apply only this.)"""
    if is_staff_role(role_of(user)):
        return attachments
    return attachments.filter(Q(comment__isnull=True) | Q(comment__internal=False))


def saved_replies_for(user: User) -> QuerySet[SavedReply]:
    """The saved replies an agent or manager may insert: their own and the shared ones (none for
    anyone else), shared first, then by title."""
    if not is_staff_role(role_of(user)):
        return SavedReply.objects.none()
    return SavedReply.objects.filter(Q(owner=user) | Q(owner__isnull=True)).order_by(
        "-owner_id", "title", "id"
    )


def inbound_visible_to(user: User) -> QuerySet[InboundMessage]:
    """Received mail is for support staff only: it may be anyone's, about anything (held mail
    from strangers included). Customers see what their messages became, on their cases."""
    if not is_staff_role(role_of(user)):
        return InboundMessage.objects.none()
    return InboundMessage.objects.all()
