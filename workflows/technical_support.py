"""`technical_support` ("Technical support" in docs/workflows.md): a transition per row of its
table."""

from typing import ClassVar

from django_fsm import transition

from cases.models import Case, User
from workflows.base import WorkflowCase
from workflows.declarations import (
    AGENT,
    CUSTOMER,
    NOTE,
    ON_CUSTOMER,
    ON_NOBODY,
    ON_SUPPORT,
    Allowed,
    Definition,
    Trigger,
    Triggers,
    rules,
)
from workflows.payload import Payload

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


class TechnicalSupportCase(WorkflowCase, Case):
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
        waiting_on={
            NEW: ON_SUPPORT,
            WORK_IN_PROGRESS: ON_SUPPORT,
            PENDING_CUSTOMER: ON_CUSTOMER,
            CUSTOMER_REPLIED: ON_SUPPORT,
            SOLUTION_PROPOSED: ON_CUSTOMER,
            BLOCKED: ON_SUPPORT,
            CLOSED: ON_NOBODY,
        },
        meanings={
            NEW: "Your case has arrived: support will acknowledge it and answer you first.",
            WORK_IN_PROGRESS: "Support is investigating or acting on your case.",
            PENDING_CUSTOMER: "Support is waiting for information or an answer from you.",
            CUSTOMER_REPLIED: "You replied: support will acknowledge your reply and act on it.",
            SOLUTION_PROPOSED: "Support proposed a solution or a permanent workaround: accept "
            "it if it works, reject it if it does not.",
            BLOCKED: "A bug or another blocker stops progress for now; if anything changes on "
            "your side, reply and support looks again.",
            CLOSED: "The case is closed. It cannot be reopened, but you can open a repeat case.",
        },
    )
    reply_triggers: ClassVar[Triggers] = {
        # The first customer-facing update ends the First Response milestone and starts the work.
        AGENT: (Trigger("start_work", only_from=frozenset({NEW, CUSTOMER_REPLIED})),),
        CUSTOMER: (Trigger("customer_reply"),),
    }

    class Meta:
        proxy = True
        verbose_name = "technical support case"

    @transition(
        field="status",
        source=[NEW, CUSTOMER_REPLIED, BLOCKED],
        target=WORK_IN_PROGRESS,
        permission=Allowed(AGENT),
        custom=rules("Start work", done="Work started"),
    )
    def start_work(self, actor: User | None, payload: Payload) -> None:
        """Support has picked the case up."""

    @transition(
        field="status",
        source=[WORK_IN_PROGRESS, CUSTOMER_REPLIED],
        target=PENDING_CUSTOMER,
        permission=Allowed(AGENT),
        custom=rules(
            "Request information", done="Information requested", notifies=("info_requested",)
        ),
    )
    def request_info(self, actor: User | None, payload: Payload) -> None:
        """Support waits for information from the customer."""

    @transition(
        field="status",
        source=[WORK_IN_PROGRESS, PENDING_CUSTOMER, BLOCKED, SOLUTION_PROPOSED],
        target=CUSTOMER_REPLIED,
        permission=Allowed(CUSTOMER),
        custom=rules("Customer reply", automatic=True),
    )
    def customer_reply(self, actor: User | None, payload: Payload) -> None:
        """Fired by a customer's public reply: support must acknowledge it."""

    @transition(
        field="status",
        source=[WORK_IN_PROGRESS, CUSTOMER_REPLIED],
        target=SOLUTION_PROPOSED,
        permission=Allowed(AGENT),
        custom=rules(
            "Propose solution",
            done="Solution proposed",
            requires=(NOTE,),
            message=NOTE,
            offered_as="Proposed solution",
            notifies=("solution_proposed",),
        ),
    )
    def propose_solution(self, actor: User | None, payload: Payload) -> None:
        """The solution text is posted to the customer as a public reply by the service."""

    @transition(
        field="status",
        source=[SOLUTION_PROPOSED],
        target=CLOSED,
        permission=Allowed(CUSTOMER),
        custom=rules(
            "Accept solution",
            explained="The solution works: the case closes for good.",
            done="Solution accepted",
        ),
    )
    def accept_solution(self, actor: User | None, payload: Payload) -> None:
        """The customer accepts the solution, which closes the case for good."""

    @transition(
        field="status",
        source=[SOLUTION_PROPOSED],
        target=WORK_IN_PROGRESS,
        permission=Allowed(CUSTOMER),
        custom=rules(
            "Reject solution",
            explained="It does not solve the problem: support picks the case up again.",
            done="Solution rejected",
            notifies=("solution_rejected",),
        ),
    )
    def reject_solution(self, actor: User | None, payload: Payload) -> None:
        """The owner hears of the rejection at once."""

    @transition(
        field="status",
        source=[WORK_IN_PROGRESS, CUSTOMER_REPLIED],
        target=BLOCKED,
        permission=Allowed(AGENT),
        custom=rules("Block", done="Case blocked", requires=(NOTE,), internal_note=True),
    )
    def block(self, actor: User | None, payload: Payload) -> None:
        """The note names the blocker (e.g. a bug reference) and stays internal."""

    @transition(
        field="status",
        source=OPEN_STATUSES,
        target=CLOSED,
        permission=Allowed(CUSTOMER, AGENT),
        custom=rules(
            "Close",
            explained="Nothing more is needed: the case closes.",
            done="Case closed",
            staff_requires=(NOTE,),
        ),
    )
    def close(self, actor: User | None, payload: Payload) -> None:
        """Agents say why (resolved, or inconclusive by mutual agreement); customers need not."""
