"""A case's conversation as both case pages draw it (the customer's and the agent's): the
description, the replies, and the messages transitions carried, oldest first; and whether the
reader may add to it now.

What a reader sees is decided below this module: `cases.selectors.comments_visible_to` gives the
comments (no internal notes for a customer) and `history_note_visible_to` a history entry's note
(internal ones for staff only), so the same code serves both sides.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.errors import Conflict
from cases.models import Attachment, Case, Comment, HistoryEntry, User
from cases.roles import is_staff_role, role_of
from cases.selectors import history_note_visible_to
from workflows.base import WorkflowCase
from workflows.metadata import WorkflowInfo
from workflows.services import refuse_update


@dataclass(frozen=True)
class File:
    """An attachment as components/attachments.html draws it: a download link named by the
    file's own name."""

    url: str
    name: str
    size: int


@dataclass(frozen=True)
class Message:
    """One item of the conversation: the description, a reply, an internal note (`internal`,
    staff only), or the message a transition carried (`title` is then the transition's
    label)."""

    author: User | None
    from_support: bool
    at: datetime
    body: str
    attachments: Sequence[File]
    internal: bool = False
    title: str = ""


def file_of(attachment: Attachment) -> File:
    return File(
        url=reverse("attachment", args=[attachment.pk, attachment.filename]),
        name=attachment.filename,
        size=attachment.size,
    )


def conversation(
    case: Case,
    user: User,
    info: WorkflowInfo,
    comments: Sequence[Comment],
    history: Sequence[HistoryEntry],
) -> list[Message]:
    """The description with the case's own files, each comment this reader may see (with its
    files, `comment.attachments` prefetched), and each note a transition carried that they may
    see, oldest first. `case.own_attachments` is prefetched too (`case_attachments_prefetch`)."""
    messages = []
    own: Sequence[Attachment] = case.own_attachments  # type: ignore[attr-defined]
    if case.description or own:
        messages.append(
            Message(
                author=case.requester,
                from_support=is_staff_role(role_of(case.requester)),
                at=case.created_at,
                body=case.description,
                attachments=[file_of(attachment) for attachment in own],
                title=str(_("Description")),
            )
        )
    # A transition that posts its message as a reply (a proposed solution, an answer) wrote the
    # comment with its history row, by the same person at the same moment: the comment is
    # titled by the transition, and the history row adds nothing more to the conversation.
    posted = {
        (entry.actor_id, entry.created_at): transition.label
        for entry in history
        if (transition := info.transition(entry.transition)) and transition.rules.posted_as_reply
    }
    for comment in comments:
        messages.append(
            Message(
                author=comment.author,
                from_support=is_staff_role(role_of(comment.author)),
                at=comment.created_at,
                body=comment.body,
                attachments=[file_of(attachment) for attachment in comment.attachments.all()],
                internal=comment.internal,
                title=posted.get((comment.author_id, comment.created_at), ""),
            )
        )
    for entry in history:
        transition = info.transition(entry.transition)
        if transition is not None and transition.rules.posted_as_reply:
            continue  # its message is the comment titled above
        note = history_note_visible_to(user, entry)
        if note:
            messages.append(
                Message(
                    author=entry.actor,
                    from_support=is_staff_role(entry.actor_role),
                    at=entry.created_at,
                    body=note,
                    attachments=(),
                    internal=entry.note_internal,
                    title=transition.label if transition else entry.transition,
                )
            )
    messages.sort(key=lambda message: message.at)
    return messages


def reply_refusal(flow: WorkflowCase, user: User) -> str | None:
    """Why this reader may not reply now (the workflow's rule, `refuse_update`), or None."""
    try:
        refuse_update(flow, user)
    except Conflict as refusal:
        return refusal.detail
    return None
