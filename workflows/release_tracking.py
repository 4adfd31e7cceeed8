"""`release_tracking` ("Release tracking" in docs/workflows.md): a transition per row of its
table.

(resolved) The vendor's own "previous status" and "next potential statuses" disagree in places; the
allowed moves are the union of both.
"""

from django_fsm import transition

from cases.models import Case, User
from workflows.base import WorkflowCase
from workflows.declarations import (
    AGENT,
    ASSIGNEE,
    AUTO_CLOSE,
    CUSTOMER,
    NOTE,
    ON_CUSTOMER,
    ON_NOBODY,
    ON_SUPPORT,
    SYSTEM,
    Allowed,
    Definition,
    Timer,
    condition,
    on_support,
    rules,
)
from workflows.payload import Payload

OPEN = "open"
TICKET_ASSIGNED = "ticket_assigned"
INVESTIGATION_UNDERWAY = "investigation_underway"
WAITING_FOR_CUSTOMER_RESPONSE = "waiting_for_customer_response"
SEND_TO_DEVELOPMENT = "send_to_development"
BACKLOG = "backlog"
DEVELOPMENT_IN_PROGRESS = "development_in_progress"
TESTING_AND_VERIFICATION = "testing_and_verification"
DONE_AWAITING_RELEASE = "done_awaiting_release"
RELEASE_DELIVERED = "release_delivered"
SOLUTION_REJECTED = "solution_rejected"
RESOLVED = "resolved"
CLOSED = "closed"
BLOCKED = "blocked"


@condition
def customer_responded_if_waiting(case: Case) -> bool:
    """Development may take over from `waiting_for_customer_response` only once the customer has
    posted a public reply since the case entered that status."""
    if case.status != WAITING_FOR_CUSTOMER_RESPONSE:
        return True
    return (
        case.customer_replied_at is not None and case.customer_replied_at >= case.status_changed_at
    )


class ReleaseTrackingCase(WorkflowCase, Case):
    definition = Definition(
        key="release_tracking",
        name="Release tracking",
        statuses=(
            (OPEN, "Open"),
            (TICKET_ASSIGNED, "Ticket Assigned"),
            (INVESTIGATION_UNDERWAY, "Investigation Underway"),
            (WAITING_FOR_CUSTOMER_RESPONSE, "Waiting for Customer Response"),
            (SEND_TO_DEVELOPMENT, "Send to Development"),
            (BACKLOG, "Backlog"),
            (DEVELOPMENT_IN_PROGRESS, "Development in Progress"),
            (TESTING_AND_VERIFICATION, "Testing and Verification"),
            (DONE_AWAITING_RELEASE, "Done Awaiting Release"),
            (RELEASE_DELIVERED, "Release Delivered"),
            (SOLUTION_REJECTED, "Solution Rejected"),
            (RESOLVED, "Resolved"),
            (CLOSED, "Closed"),
            (BLOCKED, "Blocked"),
        ),
        initial=OPEN,
        # A closed case can be reopened when the issue reoccurs.
        closed_is_final=False,
        waiting_on={
            OPEN: ON_SUPPORT,
            TICKET_ASSIGNED: ON_SUPPORT,
            INVESTIGATION_UNDERWAY: ON_SUPPORT,
            WAITING_FOR_CUSTOMER_RESPONSE: ON_CUSTOMER,
            SEND_TO_DEVELOPMENT: on_support("In development"),
            BACKLOG: on_support("In development"),
            DEVELOPMENT_IN_PROGRESS: on_support("In development"),
            TESTING_AND_VERIFICATION: on_support("In development"),
            DONE_AWAITING_RELEASE: on_support("In development"),
            RELEASE_DELIVERED: ON_CUSTOMER,
            SOLUTION_REJECTED: ON_SUPPORT,
            RESOLVED: ON_CUSTOMER,
            CLOSED: ON_NOBODY,
            BLOCKED: ON_SUPPORT,
        },
        meanings={
            OPEN: "Your ticket has arrived and waits for an agent.",
            TICKET_ASSIGNED: "An agent has been assigned to work on your ticket.",
            INVESTIGATION_UNDERWAY: "The agent is investigating the issue; there is no answer yet.",
            WAITING_FOR_CUSTOMER_RESPONSE: "The agent needs more information from you before "
            "going further.",
            SEND_TO_DEVELOPMENT: "The issue needs the development team, who will look into it.",
            BACKLOG: "Accepted as an issue and in the development backlog, with no timeline yet.",
            DEVELOPMENT_IN_PROGRESS: "The development team is working on a fix.",
            TESTING_AND_VERIFICATION: "The fix is being tested and verified.",
            DONE_AWAITING_RELEASE: "The fix is done and ships with the next release.",
            RELEASE_DELIVERED: "The release with the fix has been delivered: close the ticket if "
            "it works, reject the solution if it does not.",
            SOLUTION_REJECTED: "You rejected the delivered solution: support and development "
            "work on a new one.",
            RESOLVED: "The issue is resolved; the ticket closes by itself unless you close it "
            "first.",
            CLOSED: "The ticket is closed. If the issue comes back, reopen it.",
            BLOCKED: "An outside factor (a vendor, an implementation) blocks the work for now.",
        },
    )
    # Closes 7 days (a queue setting) after the customer is told of the resolution.
    timers = (Timer(AUTO_CLOSE, RESOLVED, after="resolved_auto_close_after"),)

    class Meta:
        proxy = True
        verbose_name = "release tracking case"

    @transition(
        field="status",
        source=[OPEN],
        target=TICKET_ASSIGNED,
        permission=Allowed(AGENT),
        custom=rules("Assign", done="Ticket assigned", requires=(ASSIGNEE,)),
    )
    def assign(self, actor: User | None, payload: Payload) -> None:
        self.assignee = payload.assignee

    @transition(
        field="status",
        source=[TICKET_ASSIGNED],
        target=INVESTIGATION_UNDERWAY,
        permission=Allowed(AGENT),
        custom=rules("Start investigation", done="Investigation started"),
    )
    def start_investigation(self, actor: User | None, payload: Payload) -> None:
        """The assignee investigates the issue."""

    @transition(
        field="status",
        source=[INVESTIGATION_UNDERWAY, DEVELOPMENT_IN_PROGRESS],
        target=WAITING_FOR_CUSTOMER_RESPONSE,
        permission=Allowed(AGENT),
        custom=rules(
            "Request customer response",
            done="Response requested",
            notifies=("info_requested",),
        ),
    )
    def request_customer_response(self, actor: User | None, payload: Payload) -> None:
        """Support needs the customer's answer before going on."""

    @transition(
        field="status",
        source=[INVESTIGATION_UNDERWAY, WAITING_FOR_CUSTOMER_RESPONSE, SOLUTION_REJECTED],
        target=SEND_TO_DEVELOPMENT,
        conditions=[customer_responded_if_waiting],
        permission=Allowed(AGENT),
        custom=rules("Send to development", done="Sent to development"),
    )
    def send_to_development(self, actor: User | None, payload: Payload) -> None:
        """Engineering takes the issue."""

    @transition(
        field="status",
        source=[SEND_TO_DEVELOPMENT],
        target=BACKLOG,
        permission=Allowed(AGENT),
        custom=rules("Add to backlog", done="Added to the backlog"),
    )
    def add_to_backlog(self, actor: User | None, payload: Payload) -> None:
        """Accepted as an issue, with no timeline yet."""

    @transition(
        field="status",
        source=[SEND_TO_DEVELOPMENT, BACKLOG, BLOCKED],
        target=DEVELOPMENT_IN_PROGRESS,
        permission=Allowed(AGENT),
        custom=rules("Start development", done="Development started"),
    )
    def start_development(self, actor: User | None, payload: Payload) -> None:
        """Engineering works on the fix."""

    @transition(
        field="status",
        source=[DEVELOPMENT_IN_PROGRESS],
        target=BLOCKED,
        permission=Allowed(AGENT),
        custom=rules("Block", done="Case blocked", requires=(NOTE,), internal_note=True),
    )
    def block(self, actor: User | None, payload: Payload) -> None:
        """The note names the blocker and stays internal."""

    @transition(
        field="status",
        source=[DEVELOPMENT_IN_PROGRESS],
        target=TESTING_AND_VERIFICATION,
        permission=Allowed(AGENT),
        custom=rules("Submit for testing", done="Submitted for testing"),
    )
    def submit_for_testing(self, actor: User | None, payload: Payload) -> None:
        """The fix is being verified."""

    @transition(
        field="status",
        source=[TESTING_AND_VERIFICATION],
        target=DONE_AWAITING_RELEASE,
        permission=Allowed(AGENT),
        custom=rules("Mark done", done="Marked done"),
    )
    def mark_done(self, actor: User | None, payload: Payload) -> None:
        """The fix waits for a release."""

    @transition(
        field="status",
        source=[DONE_AWAITING_RELEASE],
        target=RELEASE_DELIVERED,
        permission=Allowed(AGENT),
        custom=rules(
            "Deliver release",
            done="Release delivered",
            via_release=True,
            notifies=("release_delivered",),
        ),
    )
    def deliver_release(self, actor: User | None, payload: Payload) -> None:
        """Only ever performed by delivering a release that contains the case."""

    @transition(
        field="status",
        source=[RELEASE_DELIVERED],
        target=SOLUTION_REJECTED,
        permission=Allowed(CUSTOMER),
        custom=rules(
            "Reject solution",
            explained="The delivered fix does not solve it: support works on a new solution.",
            done="Solution rejected",
            notifies=("solution_rejected",),
        ),
    )
    def reject_solution(self, actor: User | None, payload: Payload) -> None:
        """The delivered fix does not solve the customer's problem."""

    @transition(
        field="status",
        source=[RELEASE_DELIVERED],
        target=RESOLVED,
        permission=Allowed(AGENT),
        custom=rules("Resolve", done="Case resolved", notifies=("resolution",)),
    )
    def resolve(self, actor: User | None, payload: Payload) -> None:
        """The customer is told of the resolution; the auto-close timer starts now."""

    @transition(
        field="status",
        source=[RELEASE_DELIVERED, RESOLVED],
        target=CLOSED,
        permission=Allowed(CUSTOMER),
        custom=rules(
            "Close",
            explained="The release solved the issue: the ticket closes.",
            done="Ticket closed",
        ),
    )
    def close(self, actor: User | None, payload: Payload) -> None:
        """The customer is satisfied."""

    @transition(
        field="status",
        source=[RESOLVED],
        target=CLOSED,
        permission=Allowed(SYSTEM),
        custom=rules("Auto-close", automatic=True),
    )
    def auto_close(self, actor: User | None, payload: Payload) -> None:
        """Nobody objected within the configured time after the resolution."""

    @transition(
        field="status",
        source=[CLOSED],
        target=OPEN,
        permission=Allowed(CUSTOMER, AGENT),
        custom=rules(
            "Reopen",
            explained="The issue is back: the ticket opens again.",
            done="Ticket reopened",
        ),
    )
    def reopen(self, actor: User | None, payload: Payload) -> None:
        """The issue has reoccurred."""
