"""`support_center` ("Support center" in docs/workflows.md): a transition per row of its
table."""

from typing import ClassVar

from django_fsm import transition

from cases.models import Case, User
from workflows.base import WorkflowCase
from workflows.declarations import (
    AGENT,
    AUTO_CLOSE,
    CUSTOMER,
    NOTE,
    ON_CUSTOMER,
    ON_NOBODY,
    ON_SUPPORT,
    REMINDER,
    SUB_STATUS,
    SYSTEM,
    Allowed,
    Definition,
    Timer,
    Trigger,
    Triggers,
    condition,
    on_support,
    rules,
)
from workflows.payload import Payload

NEW = "new"
IN_PROGRESS = "in_progress"
PENDING = "pending"
AWAITING_CUSTOMER_CONFIRMATION = "awaiting_customer_confirmation"
REOPENED = "reopened"
UPDATE_RECEIVED = "update_received"
CLOSED = "closed"

CUSTOMER_INPUT = "customer_input"
DEVELOPMENT = "development"
SCHEDULED_SUPPORT_SERVICE = "scheduled_support_service"
THIRD_PARTY_PROVIDER = "third_party_provider"

OPEN_STATUSES = [
    NEW,
    IN_PROGRESS,
    PENDING,
    AWAITING_CUSTOMER_CONFIRMATION,
    REOPENED,
    UPDATE_RECEIVED,
]


@condition
def waits_for_customer_or_confirmation(case: Case) -> bool:
    """Only `pending` with sub-status customer_input auto-closes; other sub-statuses wait on us."""
    return case.status != PENDING or case.sub_status == CUSTOMER_INPUT


class SupportCenterCase(WorkflowCase, Case):
    definition = Definition(
        key="support_center",
        name="Support center",
        statuses=(
            (NEW, "New"),
            (IN_PROGRESS, "In Progress"),
            (PENDING, "Pending"),
            (AWAITING_CUSTOMER_CONFIRMATION, "Awaiting Customer Confirmation"),
            (REOPENED, "Reopened"),
            (UPDATE_RECEIVED, "Update Received"),
            (CLOSED, "Closed"),
        ),
        initial=NEW,
        sub_statuses={
            PENDING: (
                (CUSTOMER_INPUT, "Customer Input"),
                (DEVELOPMENT, "Development"),
                (SCHEDULED_SUPPORT_SERVICE, "Scheduled Support Service"),
                (THIRD_PARTY_PROVIDER, "Third Party Provider"),
            )
        },
        repeatable=True,
        owner_on_first_action=True,
        waiting_on={
            NEW: ON_SUPPORT,
            IN_PROGRESS: ON_SUPPORT,
            PENDING: ON_SUPPORT,
            AWAITING_CUSTOMER_CONFIRMATION: ON_CUSTOMER,
            REOPENED: ON_SUPPORT,
            UPDATE_RECEIVED: ON_SUPPORT,
            CLOSED: ON_NOBODY,
        },
        meanings={
            NEW: "Your case has arrived and waits for support to pick it up.",
            IN_PROGRESS: "Support is investigating your case.",
            PENDING: "The case waits for input or action from outside support.",
            AWAITING_CUSTOMER_CONFIRMATION: "Support answered: confirm that the answer solves "
            "your problem, or reply to say what more is needed.",
            REOPENED: "You commented on the answer: support continues the investigation.",
            UPDATE_RECEIVED: "You sent what support asked for: support will process it and go on.",
            CLOSED: "The case is closed. If the problem is still there or comes back, clone it.",
        },
        sub_status_meanings={
            PENDING: {
                CUSTOMER_INPUT: "Support needs more information from you to go on.",
                DEVELOPMENT: "The case waits for a fix or an investigation by software "
                "engineering.",
                SCHEDULED_SUPPORT_SERVICE: "A service has been scheduled for you (an upgrade, "
                "for example).",
                THIRD_PARTY_PROVIDER: "The case waits for a response from an outside provider.",
            }
        },
        # Pending waits on the customer for their input; otherwise on whom the sub-status names.
        sub_status_waiting_on={
            PENDING: {
                CUSTOMER_INPUT: ON_CUSTOMER,
                DEVELOPMENT: on_support("Development"),
                SCHEDULED_SUPPORT_SERVICE: on_support("Scheduled Support Service"),
                THIRD_PARTY_PROVIDER: on_support("Third Party Provider"),
            }
        },
    )
    reply_triggers: ClassVar[Triggers] = {
        CUSTOMER: (Trigger("customer_comment"), Trigger("customer_update")),
    }
    # The timers (durations are queue settings; defaults 14, 28 and 7 days).
    timers = (
        Timer(AUTO_CLOSE, AWAITING_CUSTOMER_CONFIRMATION, after="confirmation_auto_close_after"),
        Timer(
            AUTO_CLOSE, PENDING, sub_status=CUSTOMER_INPUT, after="customer_input_auto_close_after"
        ),
        Timer(REMINDER, PENDING, sub_status=CUSTOMER_INPUT, after="customer_input_reminder_after"),
    )

    class Meta:
        proxy = True
        verbose_name = "support center case"

    @transition(
        field="status",
        source=[NEW, REOPENED, UPDATE_RECEIVED, PENDING],
        target=IN_PROGRESS,
        permission=Allowed(AGENT),
        custom=rules("Start progress", done="Progress started"),
    )
    def start_progress(self, actor: User | None, payload: Payload) -> None:
        """Support is working on the case."""

    @transition(
        field="status",
        source=[NEW, IN_PROGRESS, REOPENED, UPDATE_RECEIVED, PENDING],
        target=PENDING,
        permission=Allowed(AGENT),
        custom=rules("Set pending", done="Set to pending", requires=(SUB_STATUS,)),
    )
    def set_pending(self, actor: User | None, payload: Payload) -> None:
        """From `pending` itself this changes the sub-status: a new entry, so timers restart."""
        self.sub_status = payload.sub_status

    @transition(
        field="status",
        source=[IN_PROGRESS, REOPENED, UPDATE_RECEIVED],
        target=AWAITING_CUSTOMER_CONFIRMATION,
        permission=Allowed(AGENT),
        custom=rules(
            "Provide answer",
            done="Answer sent",
            requires=(NOTE,),
            message=NOTE,
            offered_as="Answer",
            notifies=("awaiting_confirmation",),
        ),
    )
    def provide_answer(self, actor: User | None, payload: Payload) -> None:
        """The answer is posted as a public reply; the customer is asked to confirm it."""

    @transition(
        field="status",
        source=[AWAITING_CUSTOMER_CONFIRMATION],
        target=REOPENED,
        permission=Allowed(CUSTOMER),
        custom=rules("Customer comment", automatic=True),
    )
    def customer_comment(self, actor: User | None, payload: Payload) -> None:
        """Fired by a customer's public reply to the answer: it did not settle the case."""

    @transition(
        field="status",
        source=[PENDING],
        target=UPDATE_RECEIVED,
        permission=Allowed(CUSTOMER),
        custom=rules("Customer update", automatic=True),
    )
    def customer_update(self, actor: User | None, payload: Payload) -> None:
        """Fired by a customer's public reply while pending, whatever the sub-status."""

    @transition(
        field="status",
        source=[AWAITING_CUSTOMER_CONFIRMATION],
        target=CLOSED,
        permission=Allowed(CUSTOMER),
        custom=rules(
            "Confirm",
            explained="The answer solved the problem: the case closes.",
            done="Answer confirmed",
            notifies=("closure",),
        ),
    )
    def confirm(self, actor: User | None, payload: Payload) -> None:
        """The customer confirms that the answer solved it."""

    @transition(
        field="status",
        source=OPEN_STATUSES,
        target=CLOSED,
        permission=Allowed(CUSTOMER, AGENT),
        custom=rules(
            "Close",
            explained="Nothing more is needed: the case closes without confirming an answer.",
            done="Case closed",
            staff_requires=(NOTE,),
            notifies=("closure",),
        ),
    )
    def close(self, actor: User | None, payload: Payload) -> None:
        """Agents must say why; customers need not."""

    @transition(
        field="status",
        source=[AWAITING_CUSTOMER_CONFIRMATION, PENDING],
        target=CLOSED,
        conditions=[waits_for_customer_or_confirmation],
        permission=Allowed(SYSTEM),
        custom=rules("Auto-close", automatic=True, notifies=("closure",)),
    )
    def auto_close(self, actor: User | None, payload: Payload) -> None:
        """The customer let the confirmation or the request for input time out."""
