"""`customer_service` ("Customer service" in docs/workflows.md): a transition per row of its
table."""

from collections.abc import Mapping
from typing import ClassVar

from django_fsm import transition

from cases.models import Case, User
from workflows.base import WorkflowCase
from workflows.declarations import (
    AGENT,
    CLOSE_NOTES,
    CUSTOMER,
    MANAGER,
    ON_CUSTOMER,
    ON_NOBODY,
    ON_SUPPORT,
    Allowed,
    Definition,
    Trigger,
    Triggers,
    condition,
    rules,
)
from workflows.payload import Payload

NEW = "new"
OPEN = "open"
AWAITING_INFO = "awaiting_info"
RESOLVED = "resolved"
CLOSED = "closed"


@condition
def has_assignee(case: Case) -> bool:
    """A manager has assigned the case to an agent, who may now accept it."""
    return case.assignee_id is not None


def is_assigned_to(case: Case, user: User | None) -> bool:
    return user is not None and case.assignee_id == user.pk


class CustomerServiceCase(WorkflowCase, Case):
    definition = Definition(
        key="customer_service",
        name="Customer service",
        statuses=(
            (NEW, "New"),
            (OPEN, "Open"),
            (AWAITING_INFO, "Awaiting Info"),
            (RESOLVED, "Resolved"),
            (CLOSED, "Closed"),
        ),
        initial=NEW,
        # Agents take cases with assign_to_me; only managers assign them to someone.
        assignee_setters=frozenset({MANAGER}),
        survey_after="accept_solution",
        waiting_on={
            NEW: ON_SUPPORT,
            OPEN: ON_SUPPORT,
            AWAITING_INFO: ON_CUSTOMER,
            RESOLVED: ON_CUSTOMER,
            CLOSED: ON_NOBODY,
        },
        meanings={
            NEW: "Your case has arrived and waits for an agent to take it.",
            OPEN: "An agent has your case and is working on it.",
            AWAITING_INFO: "The agent needs more information from you: reply, or edit the case.",
            RESOLVED: "The agent proposed a solution: accept it or reject it.",
            CLOSED: "The case is closed and can no longer be changed.",
        },
    )
    reply_triggers: ClassVar[Triggers] = {CUSTOMER: (Trigger("customer_update"),)}
    edit_triggers: ClassVar[Triggers] = {CUSTOMER: (Trigger("customer_update"),)}
    deletable_from: ClassVar[Mapping[str, frozenset[str]] | None] = {
        AGENT: frozenset({NEW, OPEN, AWAITING_INFO}),
        CUSTOMER: frozenset({RESOLVED}),
    }

    class Meta:
        proxy = True
        verbose_name = "customer service case"

    def update_refusal(self, role: str) -> str | None:
        """In `resolved` the customer's moves are accept, reject or delete: no reply, no edit."""
        if role == CUSTOMER and self.status == RESOLVED:
            return "A resolved case awaits your decision: accept or reject the solution."
        return super().update_refusal(role)

    @transition(
        field="status",
        source=[NEW],
        target=OPEN,
        permission=Allowed(AGENT),
        custom=rules("Assign to me", done="Case taken"),
    )
    def assign_to_me(self, actor: User | None, payload: Payload) -> None:
        self.assignee = actor

    @transition(
        field="status",
        source=[NEW],
        target=OPEN,
        conditions=[has_assignee],
        permission=Allowed(AGENT, check=is_assigned_to, check_text="the assigned agent"),
        custom=rules("Accept", done="Case accepted"),
    )
    def accept(self, actor: User | None, payload: Payload) -> None:
        """Only the agent a manager assigned may accept the case."""

    @transition(
        field="status",
        source=[OPEN],
        target=AWAITING_INFO,
        permission=Allowed(AGENT),
        custom=rules(
            "Request information", done="Information requested", notifies=("info_requested",)
        ),
    )
    def request_info(self, actor: User | None, payload: Payload) -> None:
        """Support waits for information from the customer."""

    @transition(
        field="status",
        source=[AWAITING_INFO],
        target=OPEN,
        permission=Allowed(AGENT),
        custom=rules("Open case", done="Case open again"),
    )
    def open_case(self, actor: User | None, payload: Payload) -> None:
        """Support goes on without waiting any longer."""

    @transition(
        field="status",
        source=[AWAITING_INFO],
        target=OPEN,
        permission=Allowed(CUSTOMER),
        custom=rules("Customer update", automatic=True),
    )
    def customer_update(self, actor: User | None, payload: Payload) -> None:
        """Fired by the customer's public reply or edit of the case."""

    @transition(
        field="status",
        source=[OPEN, AWAITING_INFO],
        target=RESOLVED,
        permission=Allowed(AGENT),
        custom=rules(
            "Propose solution",
            done="Solution proposed",
            requires=(CLOSE_NOTES,),
            message=CLOSE_NOTES,
            offered_as="Proposed solution",
            notifies=("resolution",),
        ),
    )
    def propose_solution(self, actor: User | None, payload: Payload) -> None:
        """The solution is kept on the case as its close notes, shown to the customer."""
        self.close_notes = payload.close_notes

    @transition(
        field="status",
        source=[RESOLVED],
        target=CLOSED,
        permission=Allowed(CUSTOMER),
        custom=rules(
            "Accept solution",
            explained="The solution works: the case closes.",
            done="Solution accepted",
        ),
    )
    def accept_solution(self, actor: User | None, payload: Payload) -> None:
        """Afterwards the customer is offered the satisfaction survey."""

    @transition(
        field="status",
        source=[RESOLVED],
        target=OPEN,
        permission=Allowed(CUSTOMER),
        custom=rules(
            "Reject solution",
            explained="It does not solve the problem: the case goes back to the agent.",
            done="Solution rejected",
            notifies=("solution_rejected",),
        ),
    )
    def reject_solution(self, actor: User | None, payload: Payload) -> None:
        """The rejected solution leaves the case; the history keeps it."""
        self.close_notes = None

    @transition(
        field="status",
        source=[NEW, OPEN, AWAITING_INFO],
        target=CLOSED,
        permission=Allowed(CUSTOMER, AGENT),
        custom=rules(
            "Close",
            explained="Nothing more is needed: the case closes.",
            done="Case closed",
            staff_requires=(CLOSE_NOTES,),
        ),
    )
    def close(self, actor: User | None, payload: Payload) -> None:
        """(resolved) Nobody closes from `resolved`: there only the customer acts."""
        if payload.close_notes:
            self.close_notes = payload.close_notes
