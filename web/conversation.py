"""A case's conversation as both case pages draw it (the customer's and the agent's): the
description, the replies, and the messages transitions carried, oldest first.

What a reader sees is decided below this module: `cases.selectors.comments_visible_to` gives the
comments (no internal notes for a customer) and `history_note_visible_to` a history entry's note
(internal ones for staff only), so the same code serves both sides.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Attachment,
    Case,
    Channel,
    Comment,
    HistoryEntry,
    InboundMessage,
    MessageChannel,
    User,
)
from cases.roles import is_staff_role, role_of
from cases.selectors import history_note_visible_to
from workflows.declarations import CLOSE_NOTES
from workflows.metadata import TransitionInfo, WorkflowInfo


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
    # Close notes the transition gave besides its message (customer_service's solution), and
    # what they are called there ("Proposed solution", else "Close notes").
    close_notes: str = ""
    close_notes_title: str = ""
    # A public message by someone else that arrived after the reader's page was drawn.
    new: bool = False
    # It came by email (both pages mark it); `original_url` downloads the message as it arrived,
    # for support staff only (empty for a customer, or when no stored message goes with it).
    by_email: bool = False
    original_url: str = ""


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
    *,
    seen: datetime | None = None,
    original_email: int | None = None,
) -> list[Message]:
    """The description with the case's own files, each comment this reader may see (with its
    files, `comment.attachments` prefetched, and its `inbound_message` read with it), and each
    note a transition carried that they may see, oldest first. `case.own_attachments` is
    prefetched too (`case_attachments_prefetch`). `original_email` is the received message a case
    opened by email came from, for staff."""
    messages = []
    staff = is_staff_role(role_of(user))
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
                by_email=case.channel == Channel.EMAIL,
                original_url=original_url(original_email) if staff else "",
            )
        )
    # A transition's public message (a proposed solution, an answer, a note) is a comment linked
    # to its history entry: the comment is titled by the transition, and the entry adds nothing
    # more to the conversation. Its close notes, when they are not the message itself (the
    # solution customer_service proposes along with a note), come with it.
    entries = {entry.comment_id: entry for entry in history if entry.comment_id is not None}
    for comment in comments:
        entry = entries.get(comment.pk)
        transition = info.transition(entry.transition) if entry is not None else None
        close_notes = str(entry.payload.get(CLOSE_NOTES) or "") if entry is not None else ""
        by_email = comment.channel == MessageChannel.EMAIL
        messages.append(
            Message(
                author=comment.author,
                from_support=is_staff_role(role_of(comment.author)),
                at=comment.created_at,
                body=comment.body,
                attachments=[file_of(attachment) for attachment in comment.attachments.all()],
                internal=comment.internal,
                title=transition.label if transition is not None else "",
                close_notes=close_notes if close_notes != comment.body else "",
                close_notes_title=_close_notes_title(transition),
                new=seen is not None
                and comment.created_at > seen
                and not comment.internal
                and comment.author_id != user.pk,
                by_email=by_email,
                original_url=original_url(_inbound_of(comment)) if staff and by_email else "",
            )
        )
    for entry in history:
        if entry.comment_id is not None:
            continue  # its message is the comment titled above
        transition = info.transition(entry.transition)
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


def original_url(inbound_id: int | None) -> str:
    """Where support downloads a received message as it arrived (the agent workspace's)."""
    return reverse("agent:mail_original", args=[inbound_id]) if inbound_id else ""


def _inbound_of(comment: Comment) -> int | None:
    """The received message a comment was posted from (`inbound_message`, read with the comment:
    a comment of no message has none)."""
    inbound: InboundMessage | None = getattr(comment, "inbound_message", None)
    return inbound.pk if inbound is not None else None


def _close_notes_title(transition: TransitionInfo | None) -> str:
    if transition is not None and transition.rules.message == CLOSE_NOTES:
        return transition.rules.offered_as or transition.label
    return str(_("Close notes"))
