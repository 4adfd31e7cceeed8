"""What both case pages show of a case, the customer's and the agent's: its status in words and
what it means, its way through the workflow, the conversation, the history, what the reader may
do now, and the solution or answer waiting for the customer's decision. Each side adds only what
differs (portal.presenters, agent.presenters).

`read` reads what both pages show of a case (its conversation as the reader may see it, and its
history) in two queries; `present` turns it into the read-model without a query of its own, off
the workflow metadata (`workflows.metadata`): nothing is written per workflow, so that a fifth
workflow gets its pages without touching this module.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise

from cases.actors import Actor
from cases.models import Case, Channel, Comment, HistoryEntry, Outcome, User
from cases.roles import is_staff_role, role_of
from cases.selectors import (
    comment_attachments_prefetch,
    comments_visible_to,
    history_note_visible_to,
    inbound_visible_to,
)
from web.case_progress import StatusView, Step, next_steps, status_of, steps_taken
from web.conversation import Message, conversation
from web.forms import ReplyForm
from workflows.base import WorkflowCase
from workflows.declarations import CLOSE_NOTES, NOTE, PAYLOAD_FIELDS
from workflows.metadata import TransitionInfo, WorkflowInfo, describe
from workflows.registry import as_workflow_case
from workflows.transitions import available_transitions, why_not_updatable

# What a received message that opened a case is marked with: a new case, or the follow-up of a
# closed one its reply reached.
OPENED_A_CASE = (Outcome.NEW_CASE, Outcome.REPEAT)


@dataclass(frozen=True)
class Action:
    """A transition the reader may perform now: its label, what it does in a sentence, what it
    asks before acting (`confirm_text`, empty: it acts at once) and the payload it takes."""

    name: str
    label: str
    explained: str
    confirm_text: str
    fields: tuple[str, ...]
    required: tuple[str, ...]
    # Whether it moves the case on now, rather than being the way out every open status offers
    # (Close), which is always there and says nothing about this moment.
    moves_on: bool

    def needs(self, field: str) -> bool:
        return field in self.required


@dataclass(frozen=True)
class Change:
    """A status change of the history in the workflow's words, with its note where this reader
    may read it (an internal one is for staff only)."""

    label: str
    source: str
    target: str
    actor: User | None
    at: datetime
    note: str
    note_internal: bool


@dataclass(frozen=True)
class Proposal:
    """What waits for the customer's decision (a proposed solution, an answer): the pages show it
    where the decision is taken, on both sides."""

    title: str
    text: str
    by: User | None
    at: datetime


@dataclass(frozen=True)
class CaseView:
    status: StatusView
    # What the status means for the customer, in a sentence from the workflow module.
    meaning: str
    steps: list[Step]
    next_steps: list[str]
    conversation: list[Message]
    history: list[Change]
    reply_refusal: str | None
    actions: list[Action]
    deletable: bool
    proposal: Proposal | None
    # The public messages that arrived after the moment the reader's page was drawn (a reply
    # about to be sent from that page is held until they are read).
    new_messages: int

    @property
    def can_reply(self) -> bool:
        return self.reply_refusal is None

    @property
    def moves(self) -> list[Action]:
        return [action for action in self.actions if action.moves_on]

    @property
    def decision(self) -> bool:
        """The case waits on the customer's choice between actions (accept or reject, confirm)."""
        return self.status.waits_on_customer and bool(self.moves)

    def takes(self, field: str) -> bool:
        return any(field in action.fields for action in self.actions)

    def needed_for(self, field: str) -> list[str]:
        """The labels of the available actions that need `field`."""
        return [action.label for action in self.actions if action.needs(field)]


def read(
    case: Case,
    user: User,
    *,
    asks_first: Mapping[str, str | Promise],
    reply: ReplyForm,
) -> tuple[CaseView, list[HistoryEntry]]:
    """The read-model of `case` for `user` and its history (which each side reads again for its
    own part). `reply` is the page's Reply form: when it comes back from a reply that was held,
    the messages that arrived after it was drawn are marked new."""
    comments = list(
        comments_visible_to(user, case)
        .select_related("author", "inbound_message")
        .prefetch_related(comment_attachments_prefetch(user))
    )
    history = list(case.history.select_related("actor").order_by("created_at", "id"))
    seen = reply.cleaned_data.get("seen") if reply.is_bound and reply.is_valid() else None
    page = present(
        case,
        user,
        comments=comments,
        history=history,
        asks_first=asks_first,
        seen=seen,
        original_email=_original_email(case, user),
    )
    return page, history


def _original_email(case: Case, user: User) -> int | None:
    """The received message a case opened by email came from, for someone who may download it
    (support staff; a customer sees only that it came by email): one query, for such cases
    only."""
    if case.channel != Channel.EMAIL or not is_staff_role(role_of(user)):
        return None
    opened: int | None = (
        inbound_visible_to(user)
        .filter(case=case, comment__isnull=True, outcome__in=OPENED_A_CASE)
        .order_by("received_at", "id")
        .values_list("pk", flat=True)
        .first()
    )
    return opened


def present(
    case: Case,
    user: User,
    *,
    comments: Sequence[Comment],
    history: Sequence[HistoryEntry],
    asks_first: Mapping[str, str | Promise],
    seen: datetime | None = None,
    original_email: int | None = None,
) -> CaseView:
    """The shared read-model of a case page for `user`. The case comes with its own files
    (`case_attachments_prefetch`), the comments with theirs (`comment_attachments_prefetch`);
    `asks_first` names the transitions this side confirms, with what the question adds; `seen`
    is when the reader's page was drawn, if it was sent back (a refused reply);
    `original_email` the received message the case was opened from, for staff."""
    flow = as_workflow_case(case)
    info = describe(case.workflow)
    who = Actor.of(user)
    # A deleted case takes no action until a manager restores it (the services refuse them).
    actions = [] if case.is_deleted else _actions(flow, info, who, asks_first)
    messages = conversation(
        case, user, info, comments, history, seen=seen, original_email=original_email
    )
    return CaseView(
        status=status_of(case),
        meaning=flow.definition.meaning(case.status, case.sub_status),
        steps=steps_taken(case, info, history),
        next_steps=next_steps(case, info),
        conversation=messages,
        history=[_change(entry, info, user) for entry in history],
        reply_refusal=why_not_updatable(flow, who),
        actions=actions,
        deletable=not case.is_deleted and flow.may_delete(who.role),
        proposal=_proposal(flow, info, history),
        new_messages=sum(1 for message in messages if message.new),
    )


def _actions(
    flow: WorkflowCase, info: WorkflowInfo, who: Actor, asks_first: Mapping[str, str | Promise]
) -> list[Action]:
    open_statuses = set(dict(info.statuses)) - {flow.definition.closed}
    actions = []
    for name in available_transitions(flow, who):
        transition = info.transition(name)
        assert transition is not None
        actions.append(
            Action(
                name=name,
                label=transition.label,
                explained=transition.rules.explained,
                confirm_text=str(asks_first.get(name, "")),
                fields=transition.rules.fields,
                required=transition.rules.required_for(who.role),
                moves_on=not _always_there(transition, open_statuses),
            )
        )
    return actions


def _always_there(transition: TransitionInfo, open_statuses: set[str]) -> bool:
    return open_statuses <= set(transition.sources)


def _change(entry: HistoryEntry, info: WorkflowInfo, user: User) -> Change:
    transition = info.transition(entry.transition)
    return Change(
        label=transition.label if transition else entry.transition,
        source=info.label(entry.source),
        target=info.label(entry.target),
        actor=entry.actor,
        at=entry.created_at,
        note=history_note_visible_to(user, entry) or "",
        note_internal=entry.note_internal,
    )


def _proposal(
    flow: WorkflowCase, info: WorkflowInfo, history: Sequence[HistoryEntry]
) -> Proposal | None:
    """The solution or answer the case waits on the customer to decide on: what the transition
    that brought the case into its status offered (`Rules.message`: customer_service's close
    notes, technical_support's note), as long as the case is still there."""
    entry = next((e for e in reversed(history) if e.target == flow.status), None)
    transition = info.transition(entry.transition) if entry is not None else None
    if entry is None or transition is None or transition.rules.message is None:
        return None
    if transition.rules.message == CLOSE_NOTES:
        text = flow.close_notes or str(entry.payload.get(CLOSE_NOTES) or "")
    elif transition.rules.message == NOTE:
        text = entry.note
    else:
        text = ""
    if not text:
        return None
    return Proposal(
        title=transition.rules.offered_as or transition.label,
        text=text,
        by=entry.actor,
        at=entry.created_at,
    )


def payload_fields(actions: Sequence[Action]) -> list[str]:
    """The payload fields some available action takes, in the workflows' order."""
    return [field for field in PAYLOAD_FIELDS if any(field in a.fields for a in actions)]
