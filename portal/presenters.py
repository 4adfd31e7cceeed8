"""What a customer is shown of a case, read off the workflow metadata (`workflows.metadata`),
the case's history and `upcoming`: the words of the page are never written per workflow here,
so that a fifth workflow gets a portal page without touching this module.

The views hand in rows already read (with their relations prefetched); nothing here queries.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Comment, HistoryEntry, Survey, User
from cases.roles import Role, role_of
from web.case_progress import StatusView, Step, next_steps, status_label, status_of, steps_taken
from web.conversation import Message, conversation, reply_refusal
from workflows.base import WorkflowCase
from workflows.declarations import NOTE
from workflows.metadata import TransitionInfo, WorkflowInfo, describe
from workflows.registry import as_workflow_case
from workflows.services import available_transitions
from workflows.timers import upcoming

CUSTOMER = Role.CUSTOMER

# The follow-up of a closed case is named per workflow in the seeds (spec/ui.md, Follow-up):
# "Clone case" in support_center, "Open a repeat case" elsewhere.
FOLLOW_UP_LABELS = {"support_center": _("Clone case")}
DEFAULT_FOLLOW_UP_LABEL = _("Open a repeat case")
# The actions that ask "are you sure?" before acting, with what the question adds (spec/ui.md:
# Close; Delete case has its own section). Accepting a solution also closes a case, but there
# saying yes is the whole action.
CONFIRMED_TRANSITIONS = {
    "close": _("Closing tells support that you need nothing more on this case."),
}


@dataclass(frozen=True)
class Plan:
    """Something the automations will do, with its date (`upcoming`)."""

    action: str
    at: datetime
    reply_stops_it: bool


@dataclass(frozen=True)
class Change:
    """A status change of the history, in the workflow's words."""

    source: str
    target: str
    actor: User | None
    at: datetime


@dataclass(frozen=True)
class Action:
    """A transition the customer may perform now; `confirm_text`: it asks first."""

    name: str
    label: str
    confirm_text: str
    note_required: bool


@dataclass(frozen=True)
class CasePage:
    status: StatusView
    plans: list[Plan]
    moves: list[str]
    steps: list[Step]
    next_steps: list[str]
    conversation: list[Message]
    history: list[Change]
    reply_refusal: str | None
    actions: list[Action]
    note_required_for: list[str]
    deletable: bool
    follow_up_label: str | None
    survey_offered: bool
    survey: Survey | None

    @property
    def can_reply(self) -> bool:
        return self.reply_refusal is None

    @property
    def moves_text(self) -> str:
        return join_or(self.moves)

    @property
    def note_required_text(self) -> str:
        return join_or(self.note_required_for)


def join_or(labels: Sequence[str]) -> str:
    """The labels in a sentence: "A", "A or B", "A, B or C"."""
    if len(labels) < 2:
        return "".join(labels)
    return _("%(first)s or %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def present_case(
    case: Case,
    user: User,
    *,
    comments: Sequence[Comment],
    history: Sequence[HistoryEntry],
    now: datetime,
) -> CasePage:
    """The case page's read-model for `user` (a customer). The case comes with its own files
    (`case_attachments_prefetch`), the comments with theirs (`comment_attachments_prefetch`)."""
    flow = as_workflow_case(case)
    info = describe(case.workflow)
    definition = flow.definition
    role = role_of(user)
    actions = _actions(flow, info, user)
    closed = case.status == definition.closed
    return CasePage(
        status=status_of(case),
        plans=_plans(case, flow, info, now),
        moves=_moves(flow, info, actions),
        steps=steps_taken(case, info, history),
        next_steps=next_steps(case, info),
        conversation=conversation(case, user, info, comments, history),
        history=[_change(entry, info) for entry in history],
        reply_refusal=reply_refusal(flow, user),
        actions=actions,
        note_required_for=[action.label for action in actions if action.note_required],
        deletable=flow.may_delete(role),
        follow_up_label=str(FOLLOW_UP_LABELS.get(case.workflow, DEFAULT_FOLLOW_UP_LABEL))
        if closed and definition.repeatable
        else None,
        survey_offered=_survey_offered(flow, history),
        survey=_survey(case),
    )


def follow_up_allowed(case: Case) -> bool:
    """A follow-up (repeat, clone) opens from a closed case of a workflow that has them."""
    definition = as_workflow_case(case).definition
    return definition.repeatable and case.status == definition.closed


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
                note_required=NOTE in transition.rules.required_for(role),
            )
        )
    return actions


def _plans(case: Case, flow: WorkflowCase, info: WorkflowInfo, now: datetime) -> list[Plan]:
    """`upcoming` reads the case as the view read it, with its outbox rows prefetched (the
    workflow's proxy of it is a new instance, without them)."""
    stops = _customer_reply_moves_case(flow, info)
    return [Plan(plan["action"], plan["at"], stops) for plan in upcoming(case, now)]


def _customer_reply_moves_case(flow: WorkflowCase, info: WorkflowInfo) -> bool:
    """Whether a public reply by the customer changes the status now (and so stops the
    status's timers): one of the workflow's reply triggers leaves the current status."""
    for trigger in flow.reply_triggers.get(CUSTOMER, ()):
        if trigger.only_from is not None and flow.status not in trigger.only_from:
            continue
        transition = info.transition(trigger.transition)
        if transition is not None and flow.status in transition.sources:
            return True
    return False


def _moves(flow: WorkflowCase, info: WorkflowInfo, actions: list[Action]) -> list[str]:
    """The labels of what the customer may do now that moves the case on: every available
    action but the way out that every open status offers (Close), which is always there and
    says nothing about this moment."""
    open_statuses = set(dict(info.statuses)) - {flow.definition.closed}
    moves = []
    for action in actions:
        transition = info.transition(action.name)
        assert transition is not None
        if not _always_there(transition, open_statuses):
            moves.append(action.label)
    return moves


def _always_there(transition: TransitionInfo, open_statuses: set[str]) -> bool:
    return open_statuses <= set(transition.sources)


def _change(entry: HistoryEntry, info: WorkflowInfo) -> Change:
    return Change(
        source=status_label(info, entry.source),
        target=status_label(info, entry.target),
        actor=entry.actor,
        at=entry.created_at,
    )


def _survey_offered(flow: WorkflowCase, history: Sequence[HistoryEntry]) -> bool:
    """The workflow offers a survey after a closing by `survey_after` (customer_service:
    Accept solution), as long as the case stays so closed."""
    definition = flow.definition
    if definition.survey_after is None or flow.status != definition.closed:
        return False
    closing = next((e for e in reversed(history) if e.target == definition.closed), None)
    return closing is not None and closing.transition == definition.survey_after


def _survey(case: Case) -> Survey | None:
    try:
        return case.survey
    except ObjectDoesNotExist:
        return None
