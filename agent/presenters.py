"""What the agent's case page adds to what both case pages show (`web.case_page`): the
first-response milestone, every automation planned, the requester's other cases, related cases,
the notifications sent, and what the Actions and Properties forms offer. Read off the workflow
metadata (`workflows.metadata`), never written per workflow.

The view hands in rows already read (with their relations prefetched); nothing here queries.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from cases.models import Case, Release, SavedReply, User
from cases.roles import role_of
from notifications.models import Notification
from services.saved_replies import saved_reply_fill
from web.case_page import Action, CaseView, payload_fields
from workflows.declarations import SUB_STATUS
from workflows.metadata import describe
from workflows.registry import as_workflow_case
from workflows.timers import upcoming

# The actions that ask "are you sure?" first, with what the question adds.
CONFIRMED_TRANSITIONS = {
    "close": _("The case is closed for the customer too."),
}
ASSIGN_TO_ME = "assign_to_me"


@dataclass(frozen=True)
class FirstResponse:
    due_at: datetime | None
    answered_at: datetime | None
    breached_at: datetime | None

    @property
    def overdue(self) -> bool:
        return self.breached_at is not None


@dataclass(frozen=True)
class AgentView:
    plans: list[tuple[str, datetime]]
    first_response: FirstResponse
    # The payload fields some available action takes (the Actions form draws only those).
    payload_fields: list[str]
    sub_statuses: list[tuple[str, str]]
    may_set_assignee: bool
    assign_to_me: Action | None
    other_cases: list[Case]
    repeats: list[Case]
    releases: list[Release]
    notifications: list[Notification]


def present_agent(
    case: Case,
    user: User,
    page: CaseView,
    *,
    other_cases: Sequence[Case],
    repeats: Sequence[Case],
    releases: Sequence[Release],
    notifications: Sequence[Notification],
    now: datetime,
) -> AgentView:
    """What only the agent's page shows of `case` (with its outbox rows prefetched for
    `upcoming`) for `user`, an agent or a manager."""
    flow = as_workflow_case(case)
    return AgentView(
        plans=[(plan["action"], plan["at"]) for plan in upcoming(case, now)],
        first_response=FirstResponse(
            case.first_response_due_at, case.first_responded_at, case.first_response_breached_at
        ),
        payload_fields=payload_fields(page.actions),
        sub_statuses=_sub_statuses(case, page.actions),
        may_set_assignee=flow.may_set_assignee(role_of(user)),
        assign_to_me=next((a for a in page.actions if a.name == ASSIGN_TO_ME), None),
        other_cases=list(other_cases),
        repeats=list(repeats),
        releases=list(releases),
        notifications=list(notifications),
    )


def _sub_statuses(case: Case, actions: Sequence[Action]) -> list[tuple[str, str]]:
    """The sub-statuses of the statuses the available transitions that take one lead to."""
    info = describe(case.workflow)
    choices: list[tuple[str, str]] = []
    for action in actions:
        transition = info.transition(action.name)
        if transition is None or SUB_STATUS not in action.fields:
            continue
        for choice in info.sub_statuses.get(transition.target, ()):
            if choice not in choices:
                choices.append(choice)
    return choices


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
