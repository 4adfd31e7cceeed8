"""What an agent or a manager is shown of a case: everything the customer sees, plus the internal
notes, the requester's other cases, the related cases, the first-response milestone and the
notifications. Read off the workflow metadata (`workflows.metadata`), never written per workflow.

The view hands in rows already read (with their relations prefetched); nothing here queries.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from cases.models import Case, Comment, HistoryEntry, Release, SavedReply, User
from cases.roles import role_of
from notifications.models import Notification
from services.saved_replies import saved_reply_fill
from web.case_progress import StatusView, Step, next_steps, status_label, status_of, steps_taken
from web.conversation import Message, conversation, reply_refusal
from workflows.base import WorkflowCase
from workflows.declarations import ASSIGNEE, CLOSE_NOTES, NOTE, PAYLOAD_FIELDS, SUB_STATUS
from workflows.metadata import WorkflowInfo, describe
from workflows.registry import as_workflow_case
from workflows.services import available_transitions
from workflows.timers import upcoming

# The actions that ask "are you sure?" first, with what the question adds.
CONFIRMED_TRANSITIONS = {
    "close": _("The case is closed for the customer too."),
}
ASSIGN_TO_ME = "assign_to_me"


@dataclass(frozen=True)
class Change:
    """A status change of the history, with its note (internal ones too)."""

    label: str
    source: str
    target: str
    actor: User | None
    at: datetime
    note: str
    note_internal: bool


@dataclass(frozen=True)
class Action:
    """A transition this agent may perform now; `fields`: the payload it takes."""

    name: str
    label: str
    confirm_text: str
    fields: tuple[str, ...]
    required: tuple[str, ...]


@dataclass(frozen=True)
class FirstResponse:
    due_at: datetime | None
    answered_at: datetime | None
    breached_at: datetime | None

    @property
    def overdue(self) -> bool:
        return self.breached_at is not None


@dataclass(frozen=True)
class AgentCasePage:
    status: StatusView
    plans: list[tuple[str, datetime]]
    steps: list[Step]
    next_steps: list[str]
    conversation: list[Message]
    history: list[Change]
    reply_refusal: str | None
    actions: list[Action]
    payload_fields: list[str]
    sub_statuses: list[tuple[str, str]]
    may_set_assignee: bool
    deletable: bool
    first_response: FirstResponse
    other_cases: list[Case]
    repeats: list[Case]
    releases: list[Release]
    notifications: list[Notification]

    @property
    def can_reply(self) -> bool:
        return self.reply_refusal is None

    def takes(self, field: str) -> bool:
        return field in self.payload_fields

    @property
    def takes_note(self) -> bool:
        return self.takes(NOTE)

    @property
    def takes_close_notes(self) -> bool:
        return self.takes(CLOSE_NOTES)

    @property
    def takes_sub_status(self) -> bool:
        return self.takes(SUB_STATUS)

    @property
    def takes_assignee(self) -> bool:
        return self.takes(ASSIGNEE)

    @property
    def can_assign_to_me(self) -> bool:
        return any(action.name == ASSIGN_TO_ME for action in self.actions)

    @property
    def assign_to_me_label(self) -> str:
        return next((a.label for a in self.actions if a.name == ASSIGN_TO_ME), "")

    @property
    def note_required_for(self) -> str:
        return ", ".join(a.label for a in self.actions if NOTE in a.required)

    @property
    def close_notes_required_for(self) -> str:
        return ", ".join(a.label for a in self.actions if CLOSE_NOTES in a.required)

    @property
    def sub_status_required_for(self) -> str:
        return ", ".join(a.label for a in self.actions if SUB_STATUS in a.required)

    @property
    def assignee_required_for(self) -> str:
        return ", ".join(a.label for a in self.actions if ASSIGNEE in a.required)


def present_case(
    case: Case,
    user: User,
    *,
    comments: Sequence[Comment],
    history: Sequence[HistoryEntry],
    other_cases: Sequence[Case],
    repeats: Sequence[Case],
    releases: Sequence[Release],
    notifications: Sequence[Notification],
    now: datetime,
) -> AgentCasePage:
    """The agent case page's read-model for `user` (an agent or a manager)."""
    flow = as_workflow_case(case)
    info = describe(case.workflow)
    role = role_of(user)
    # A deleted case takes no action until a manager restores it (the services refuse them).
    actions = [] if case.is_deleted else _actions(flow, info, user)
    return AgentCasePage(
        status=status_of(case),
        plans=[(plan["action"], plan["at"]) for plan in upcoming(case, now)],
        steps=steps_taken(case, info, history),
        next_steps=next_steps(case, info),
        conversation=conversation(case, user, info, comments, history),
        history=[_change(entry, info) for entry in history],
        reply_refusal=reply_refusal(flow, user),
        actions=actions,
        payload_fields=[f for f in PAYLOAD_FIELDS if any(f in a.fields for a in actions)],
        sub_statuses=_sub_statuses(info, actions),
        may_set_assignee=flow.may_set_assignee(role),
        deletable=not flow.is_deleted and flow.may_delete(role),
        first_response=FirstResponse(
            case.first_response_due_at, case.first_responded_at, case.first_response_breached_at
        ),
        other_cases=list(other_cases),
        repeats=list(repeats),
        releases=list(releases),
        notifications=list(notifications),
    )


def _actions(flow: WorkflowCase, info: WorkflowInfo, user: User) -> list[Action]:
    role = role_of(user)
    actions = []
    for name in available_transitions(flow, user):
        transition = info.transition(name)
        assert transition is not None
        actions.append(
            Action(
                name=name,
                label=transition.label,
                confirm_text=str(CONFIRMED_TRANSITIONS.get(name, "")),
                fields=transition.rules.fields,
                required=transition.rules.required_for(role),
            )
        )
    return actions


def _sub_statuses(info: WorkflowInfo, actions: Sequence[Action]) -> list[tuple[str, str]]:
    """The sub-statuses of the statuses the available transitions that take one lead to."""
    choices: list[tuple[str, str]] = []
    for action in actions:
        transition = info.transition(action.name)
        if transition is None or SUB_STATUS not in action.fields:
            continue
        for choice in info.sub_statuses.get(transition.target, ()):
            if choice not in choices:
                choices.append(choice)
    return choices


def _change(entry: HistoryEntry, info: WorkflowInfo) -> Change:
    transition = info.transition(entry.transition)
    return Change(
        label=transition.label if transition else entry.transition,
        source=status_label(info, entry.source),
        target=status_label(info, entry.target),
        actor=entry.actor,
        at=entry.created_at,
        note=entry.note,
        note_internal=entry.note_internal,
    )


@dataclass(frozen=True)
class SavedReplyView:
    """A saved reply offered in the Reply section: its text filled in for the case."""

    pk: int
    title: str
    text: str
    shared: bool


def present_saved_replies(replies: Sequence[SavedReply], case: Case) -> list[SavedReplyView]:
    return [
        SavedReplyView(
            pk=reply.pk,
            title=reply.title,
            text=saved_reply_fill(body=reply.body, case=case),
            shared=reply.owner_id is None,
        )
        for reply in replies
    ]
