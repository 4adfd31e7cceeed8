"""The models of the helpdesk, one module per concern."""

from cases.models.attachments import Attachment
from cases.models.case import Case, Channel, Priority
from cases.models.conversation import Comment, MessageChannel
from cases.models.history import HistoryEntry
from cases.models.mail import InboundMessage, Mailbox, Outcome, Via
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
    "InboundMessage",
    "Mailbox",
    "MessageChannel",
    "Organization",
    "Outcome",
    "Priority",
    "Queue",
    "Release",
    "ReleaseItem",
    "SavedReply",
    "Survey",
    "User",
    "Via",
]
