"""`customer_service` (seed 003): spec/workflows.md §3, one transition per table row."""

from django_fsm import transition

from cases.models import Case
from workflows.base import WorkflowRules
from workflows.declarations import (
    AGENT,
    CLOSE_NOTES,
    CUSTOMER,
    MANAGER,
    Allowed,
    Definition,
    ReplyTrigger,
    rules,
)

NEW = "new"
OPEN = "open"
AWAITING_INFO = "awaiting_info"
RESOLVED = "resolved"
CLOSED = "closed"


def has_assignee(case) -> bool:
    """A manager has assigned the case to an agent, who may now accept it."""
    return case.assignee_id is not None


def is_assigned_to(case, user) -> bool:
    return user is not None and case.assignee_id == user.pk


class CustomerServiceCase(WorkflowRules, Case):
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
    )
    reply_triggers = {CUSTOMER: (ReplyTrigger("customer_update"),)}
    edit_triggers = {CUSTOMER: (ReplyTrigger("customer_update"),)}
    deletable_from = {
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
        custom=rules("Assign to me"),
    )
    def assign_to_me(self, by, payload):
        self.assignee = by

    @transition(
        field="status",
        source=[NEW],
        target=OPEN,
        conditions=[has_assignee],
        permission=Allowed(AGENT, check=is_assigned_to, check_text="the assigned agent"),
        custom=rules("Accept"),
    )
    def accept(self, by, payload):
        """Only the agent a manager assigned may accept the case."""

    @transition(
        field="status",
        source=[OPEN],
        target=AWAITING_INFO,
        permission=Allowed(AGENT),
        custom=rules("Request information"),
    )
    def request_info(self, by, payload):
        """Support waits for information from the customer."""

    @transition(
        field="status",
        source=[AWAITING_INFO],
        target=OPEN,
        permission=Allowed(AGENT),
        custom=rules("Open case"),
    )
    def open_case(self, by, payload):
        """Support goes on without waiting any longer."""

    @transition(
        field="status",
        source=[AWAITING_INFO],
        target=OPEN,
        permission=Allowed(CUSTOMER),
        custom=rules("Customer update", automatic=True),
    )
    def customer_update(self, by, payload):
        """Fired by the customer's public reply or edit of the case."""

    @transition(
        field="status",
        source=[OPEN, AWAITING_INFO],
        target=RESOLVED,
        permission=Allowed(AGENT),
        custom=rules(
            "Propose solution",
            requires=(CLOSE_NOTES,),
            message=CLOSE_NOTES,
            notifies=("resolution",),
        ),
    )
    def propose_solution(self, by, payload):
        """The solution is kept on the case as its close notes, shown to the customer."""
        self.close_notes = payload.close_notes

    @transition(
        field="status",
        source=[RESOLVED],
        target=CLOSED,
        permission=Allowed(CUSTOMER),
        custom=rules("Accept solution"),
    )
    def accept_solution(self, by, payload):
        """Afterwards the customer is offered the satisfaction survey."""

    @transition(
        field="status",
        source=[RESOLVED],
        target=OPEN,
        permission=Allowed(CUSTOMER),
        custom=rules("Reject solution", notifies=("solution_rejected",)),
    )
    def reject_solution(self, by, payload):
        """The rejected solution leaves the case; the history keeps it."""
        self.close_notes = None

    @transition(
        field="status",
        source=[NEW, OPEN, AWAITING_INFO],
        target=CLOSED,
        permission=Allowed(CUSTOMER, AGENT),
        custom=rules("Close", staff_requires=(CLOSE_NOTES,)),
    )
    def close(self, by, payload):
        """(resolved) Nobody closes from `resolved`: there only the customer acts."""
        if payload.close_notes:
            self.close_notes = payload.close_notes
