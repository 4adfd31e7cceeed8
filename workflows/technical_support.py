"""`technical_support` (seeds 000 and 001): spec/workflows.md §1, one transition per table row."""

from django_fsm import transition

from cases.models import Case
from workflows.base import WorkflowRules
from workflows.declarations import (
    AGENT,
    CUSTOMER,
    NOTE,
    Allowed,
    Definition,
    ReplyTrigger,
    rules,
)

NEW = "new"
WORK_IN_PROGRESS = "work_in_progress"
PENDING_CUSTOMER = "pending_customer"
CUSTOMER_REPLIED = "customer_replied"
SOLUTION_PROPOSED = "solution_proposed"
BLOCKED = "blocked"
CLOSED = "closed"

OPEN_STATUSES = [
    NEW,
    WORK_IN_PROGRESS,
    PENDING_CUSTOMER,
    CUSTOMER_REPLIED,
    SOLUTION_PROPOSED,
    BLOCKED,
]


class TechnicalSupportCase(WorkflowRules, Case):
    definition = Definition(
        key="technical_support",
        name="Technical support",
        statuses=(
            (NEW, "New"),
            (WORK_IN_PROGRESS, "Work in Progress"),
            (PENDING_CUSTOMER, "Pending Customer"),
            (CUSTOMER_REPLIED, "Customer Replied"),
            (SOLUTION_PROPOSED, "Solution Proposed"),
            (BLOCKED, "Blocked"),
            (CLOSED, "Closed"),
        ),
        initial=NEW,
        repeatable=True,
        owner_on_first_action=True,
    )
    reply_triggers = {
        # The first customer-facing update ends the First Response milestone and starts the work.
        AGENT: (ReplyTrigger("start_work", only_from=frozenset({NEW, CUSTOMER_REPLIED})),),
        CUSTOMER: (ReplyTrigger("customer_reply"),),
    }

    class Meta:
        proxy = True
        verbose_name = "technical support case"

    @transition(
        field="status",
        source=[NEW, CUSTOMER_REPLIED, BLOCKED],
        target=WORK_IN_PROGRESS,
        permission=Allowed(AGENT),
        custom=rules("Start work"),
    )
    def start_work(self, by, payload):
        """Support has picked the case up."""

    @transition(
        field="status",
        source=[WORK_IN_PROGRESS, CUSTOMER_REPLIED],
        target=PENDING_CUSTOMER,
        permission=Allowed(AGENT),
        custom=rules("Request information"),
    )
    def request_info(self, by, payload):
        """Support waits for information from the customer."""

    @transition(
        field="status",
        source=[WORK_IN_PROGRESS, PENDING_CUSTOMER, BLOCKED, SOLUTION_PROPOSED],
        target=CUSTOMER_REPLIED,
        permission=Allowed(CUSTOMER),
        custom=rules("Customer reply", automatic=True),
    )
    def customer_reply(self, by, payload):
        """Fired by a customer's public reply: support must acknowledge it."""

    @transition(
        field="status",
        source=[WORK_IN_PROGRESS, CUSTOMER_REPLIED],
        target=SOLUTION_PROPOSED,
        permission=Allowed(AGENT),
        custom=rules("Propose solution", requires=(NOTE,), message=NOTE, posted_as_reply=True),
    )
    def propose_solution(self, by, payload):
        """The solution text is posted to the customer as a public reply by the service."""

    @transition(
        field="status",
        source=[SOLUTION_PROPOSED],
        target=CLOSED,
        permission=Allowed(CUSTOMER),
        custom=rules("Accept solution"),
    )
    def accept_solution(self, by, payload):
        """The customer accepts the solution, which closes the case for good."""

    @transition(
        field="status",
        source=[SOLUTION_PROPOSED],
        target=WORK_IN_PROGRESS,
        permission=Allowed(CUSTOMER),
        custom=rules("Reject solution", notifies=("solution_rejected",)),
    )
    def reject_solution(self, by, payload):
        """The owner hears of the rejection at once."""

    @transition(
        field="status",
        source=[WORK_IN_PROGRESS, CUSTOMER_REPLIED],
        target=BLOCKED,
        permission=Allowed(AGENT),
        custom=rules("Block", requires=(NOTE,), internal_note=True),
    )
    def block(self, by, payload):
        """The note names the blocker (e.g. a bug reference) and stays internal."""

    @transition(
        field="status",
        source=OPEN_STATUSES,
        target=CLOSED,
        permission=Allowed(CUSTOMER, AGENT),
        custom=rules("Close", staff_requires=(NOTE,)),
    )
    def close(self, by, payload):
        """Agents say why (resolved, or inconclusive by mutual agreement); customers need not."""
