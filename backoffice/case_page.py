"""What a case's admin page shows below its fields: the conversation and the history, in words
and by people's names, read in three queries whatever their length (messages with their
authors, their files, history entries with their actors).

Drawn as plain tables rather than Django's inline formsets: a formset builds a form per row
(hidden inputs, a widget per field), which made a case of 200 messages take half a second to
draw with nothing on it to edit.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.urls import reverse

from cases.models import Attachment, Case, Comment, HistoryEntry
from cases.roles import is_staff_role, role_of
from workflows.metadata import describe
from workflows.registry import WORKFLOWS

AUTOMATIC = "Automatic"


@dataclass(frozen=True)
class File:
    name: str
    url: str


@dataclass(frozen=True)
class Message:
    author: str
    from_support: bool
    internal: bool
    at: datetime
    body: str
    files: list[File] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "Internal note" if self.internal else "Reply"


@dataclass(frozen=True)
class Change:
    at: datetime
    action: str
    source: str
    target: str
    actor: str
    note: str
    note_internal: bool


@dataclass(frozen=True)
class Conversation:
    messages: list[Message]
    # The files that came with the case itself rather than with a message.
    case_files: list[File]


def conversation(case: Case) -> Conversation:
    """Every message of the case, internal notes included, oldest first, with its files."""
    files: dict[int | None, list[File]] = {}
    for attachment in Attachment.objects.filter(case=case).only("id", "filename", "comment_id"):
        files.setdefault(attachment.comment_id, []).append(
            File(
                attachment.filename,
                reverse("attachment", args=[attachment.pk, attachment.filename]),
            )
        )
    comments = (
        Comment.objects.filter(case=case).select_related("author").order_by("created_at", "id")
    )
    messages = [
        Message(
            author=comment.author.display_name,
            from_support=is_staff_role(role_of(comment.author)),
            internal=comment.internal,
            at=comment.created_at,
            body=comment.body,
            files=files.get(comment.pk, []),
        )
        for comment in comments
    ]
    return Conversation(messages, files.get(None, []))


def history(case: Case) -> list[Change]:
    """Every change of status, oldest first, by the workflow's labels."""
    known = case.workflow in WORKFLOWS
    info = describe(case.workflow) if known else None
    statuses = dict(info.statuses) if info else {}
    actions = {t.name: t.label for t in info.transitions} if info else {}
    entries = (
        HistoryEntry.objects.filter(case=case).select_related("actor").order_by("created_at", "id")
    )
    return [
        Change(
            at=entry.created_at,
            action=actions.get(entry.transition, entry.transition),
            source=statuses.get(entry.source, entry.source),
            target=statuses.get(entry.target, entry.target),
            actor=entry.actor.display_name if entry.actor else AUTOMATIC,
            note=entry.note,
            note_internal=entry.note_internal,
        )
        for entry in entries
    ]
