"""The models of the helpdesk, one module per concern."""

from cases.models.attachments import Attachment
from cases.models.case import Case, Channel, Priority
from cases.models.conversation import Comment
from cases.models.history import HistoryEntry
from cases.models.people import Organization, User
from cases.models.queues import Queue
from cases.models.releases import Release, ReleaseItem
from cases.models.saved_replies import SavedReply
from cases.models.surveys import Survey

__all__ = [
    "Attachment",
    "Case",
    "Channel",
    "Comment",
    "HistoryEntry",
    "Organization",
    "Priority",
    "Queue",
    "Release",
    "ReleaseItem",
    "SavedReply",
    "Survey",
    "User",
]
