"""The four tables of spec/workflows.md, copied by hand from the spec text.

Deliberately independent of the code (nothing here is imported from `workflows/`): the tests hold
the code to this copy, so a slip on either side shows up as a difference. "agent" in the spec's
"who" column always brings "manager" along (a manager may do whatever an agent may).
"""

from collections import deque
from dataclasses import dataclass

CUSTOMER = frozenset({"customer"})
STAFF = frozenset({"agent", "manager"})
CUSTOMER_OR_STAFF = CUSTOMER | STAFF
SYSTEM = frozenset({"system"})


@dataclass(frozen=True)
class Row:
    """One row of a spec table."""

    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    requires: frozenset[str] = frozenset()
    # Required from agents and managers only (customers need not give it).
    staff_requires: frozenset[str] = frozenset()
    # Only ever fires by itself (customer_reply, customer_comment, customer_update, auto_close).
    automatic: bool = False
    # Only through delivering a release (deliver_release).
    via_release: bool = False


@dataclass(frozen=True)
class Table:
    statuses: tuple[tuple[str, str], ...]
    initial: str
    transitions: dict[str, Row]
    sub_statuses: dict[str, tuple[tuple[str, str], ...]]

    @property
    def status_keys(self) -> list[str]:
        return [key for key, _ in self.statuses]

    def edges(self) -> set[tuple[str, str]]:
        return {(source, name) for name, row in self.transitions.items() for source in row.sources}


def _s(*statuses: str) -> frozenset[str]:
    return frozenset(statuses)


TECHNICAL_SUPPORT = Table(
    statuses=(
        ("new", "New"),
        ("work_in_progress", "Work in Progress"),
        ("pending_customer", "Pending Customer"),
        ("customer_replied", "Customer Replied"),
        ("solution_proposed", "Solution Proposed"),
        ("blocked", "Blocked"),
        ("closed", "Closed"),
    ),
    initial="new",
    sub_statuses={},
    transitions={
        "start_work": Row(_s("new", "customer_replied", "blocked"), "work_in_progress", STAFF),
        "request_info": Row(_s("work_in_progress", "customer_replied"), "pending_customer", STAFF),
        "customer_reply": Row(
            _s("work_in_progress", "pending_customer", "blocked", "solution_proposed"),
            "customer_replied",
            CUSTOMER,
            automatic=True,
        ),
        "propose_solution": Row(
            _s("work_in_progress", "customer_replied"),
            "solution_proposed",
            STAFF,
            requires=_s("note"),
        ),
        "accept_solution": Row(_s("solution_proposed"), "closed", CUSTOMER),
        "reject_solution": Row(_s("solution_proposed"), "work_in_progress", CUSTOMER),
        "block": Row(
            _s("work_in_progress", "customer_replied"), "blocked", STAFF, requires=_s("note")
        ),
        "close": Row(
            _s(
                "new",
                "work_in_progress",
                "pending_customer",
                "customer_replied",
                "solution_proposed",
                "blocked",
            ),
            "closed",
            CUSTOMER_OR_STAFF,
            staff_requires=_s("note"),
        ),
    },
)

SUPPORT_CENTER = Table(
    statuses=(
        ("new", "New"),
        ("in_progress", "In Progress"),
        ("pending", "Pending"),
        ("awaiting_customer_confirmation", "Awaiting Customer Confirmation"),
        ("reopened", "Reopened"),
        ("update_received", "Update Received"),
        ("closed", "Closed"),
    ),
    initial="new",
    sub_statuses={
        "pending": (
            ("customer_input", "Customer Input"),
            ("development", "Development"),
            ("scheduled_support_service", "Scheduled Support Service"),
            ("third_party_provider", "Third Party Provider"),
        )
    },
    transitions={
        "start_progress": Row(
            _s("new", "reopened", "update_received", "pending"), "in_progress", STAFF
        ),
        "set_pending": Row(
            _s("new", "in_progress", "reopened", "update_received", "pending"),
            "pending",
            STAFF,
            requires=_s("sub_status"),
        ),
        "provide_answer": Row(
            _s("in_progress", "reopened", "update_received"),
            "awaiting_customer_confirmation",
            STAFF,
            requires=_s("note"),
        ),
        "customer_comment": Row(
            _s("awaiting_customer_confirmation"), "reopened", CUSTOMER, automatic=True
        ),
        "customer_update": Row(_s("pending"), "update_received", CUSTOMER, automatic=True),
        "confirm": Row(_s("awaiting_customer_confirmation"), "closed", CUSTOMER),
        "close": Row(
            _s(
                "new",
                "in_progress",
                "pending",
                "awaiting_customer_confirmation",
                "reopened",
                "update_received",
            ),
            "closed",
            CUSTOMER_OR_STAFF,
            staff_requires=_s("note"),
        ),
        # From `pending` only with sub-status customer_input (see the timers).
        "auto_close": Row(
            _s("awaiting_customer_confirmation", "pending"), "closed", SYSTEM, automatic=True
        ),
    },
)

CUSTOMER_SERVICE = Table(
    statuses=(
        ("new", "New"),
        ("open", "Open"),
        ("awaiting_info", "Awaiting Info"),
        ("resolved", "Resolved"),
        ("closed", "Closed"),
    ),
    initial="new",
    sub_statuses={},
    transitions={
        "assign_to_me": Row(_s("new"), "open", STAFF),
        # Only the agent a manager assigned.
        "accept": Row(_s("new"), "open", STAFF),
        "request_info": Row(_s("open"), "awaiting_info", STAFF),
        "open_case": Row(_s("awaiting_info"), "open", STAFF),
        "customer_update": Row(_s("awaiting_info"), "open", CUSTOMER, automatic=True),
        # (resolved): from open and awaiting_info.
        "propose_solution": Row(
            _s("open", "awaiting_info"), "resolved", STAFF, requires=_s("close_notes")
        ),
        "accept_solution": Row(_s("resolved"), "closed", CUSTOMER),
        "reject_solution": Row(_s("resolved"), "open", CUSTOMER),
        # (resolved): nobody closes from resolved.
        "close": Row(
            _s("new", "open", "awaiting_info"),
            "closed",
            CUSTOMER_OR_STAFF,
            staff_requires=_s("close_notes"),
        ),
    },
)

RELEASE_TRACKING = Table(
    statuses=(
        ("open", "Open"),
        ("ticket_assigned", "Ticket Assigned"),
        ("investigation_underway", "Investigation Underway"),
        ("waiting_for_customer_response", "Waiting for Customer Response"),
        ("send_to_development", "Send to Development"),
        ("backlog", "Backlog"),
        ("development_in_progress", "Development in Progress"),
        ("testing_and_verification", "Testing and Verification"),
        ("done_awaiting_release", "Done Awaiting Release"),
        ("release_delivered", "Release Delivered"),
        ("solution_rejected", "Solution Rejected"),
        ("resolved", "Resolved"),
        ("closed", "Closed"),
        ("blocked", "Blocked"),
    ),
    initial="open",
    sub_statuses={},
    transitions={
        "assign": Row(_s("open"), "ticket_assigned", STAFF, requires=_s("assignee")),
        "start_investigation": Row(_s("ticket_assigned"), "investigation_underway", STAFF),
        "request_customer_response": Row(
            _s("investigation_underway", "development_in_progress"),
            "waiting_for_customer_response",
            STAFF,
        ),
        # From waiting_for_customer_response only once the customer has replied.
        "send_to_development": Row(
            _s("investigation_underway", "waiting_for_customer_response", "solution_rejected"),
            "send_to_development",
            STAFF,
        ),
        "add_to_backlog": Row(_s("send_to_development"), "backlog", STAFF),
        "start_development": Row(
            _s("send_to_development", "backlog", "blocked"), "development_in_progress", STAFF
        ),
        "block": Row(_s("development_in_progress"), "blocked", STAFF, requires=_s("note")),
        "submit_for_testing": Row(_s("development_in_progress"), "testing_and_verification", STAFF),
        "mark_done": Row(_s("testing_and_verification"), "done_awaiting_release", STAFF),
        "deliver_release": Row(
            _s("done_awaiting_release"), "release_delivered", STAFF, via_release=True
        ),
        "reject_solution": Row(_s("release_delivered"), "solution_rejected", CUSTOMER),
        "resolve": Row(_s("release_delivered"), "resolved", STAFF),
        "close": Row(_s("release_delivered", "resolved"), "closed", CUSTOMER),
        "auto_close": Row(_s("resolved"), "closed", SYSTEM, automatic=True),
        "reopen": Row(_s("closed"), "open", CUSTOMER_OR_STAFF),
    },
)

TABLES: dict[str, Table] = {
    "technical_support": TECHNICAL_SUPPORT,
    "support_center": SUPPORT_CENTER,
    "customer_service": CUSTOMER_SERVICE,
    "release_tracking": RELEASE_TRACKING,
}


def path_to(workflow: str, status: str) -> list[str]:
    """The shortest list of transitions leading from the initial status to `status` (BFS, trying
    transitions in table order so that the path is always the same)."""
    table = TABLES[workflow]
    came_from: dict[str, tuple[str, str] | None] = {table.initial: None}
    queue = deque([table.initial])
    while queue:
        current = queue.popleft()
        if current == status:
            break
        for name, row in table.transitions.items():
            if current in row.sources and row.target not in came_from:
                came_from[row.target] = (current, name)
                queue.append(row.target)
    if status not in came_from:
        raise ValueError(f"{status} cannot be reached in {workflow}")
    path = []
    step = came_from[status]
    while step is not None:
        previous, name = step
        path.append(name)
        step = came_from[previous]
    return path[::-1]


def table_edges() -> list[tuple[str, str, str]]:
    """(workflow, status, transition) for every pair of the tables, in table order."""
    return [
        (workflow, source, name)
        for workflow, table in TABLES.items()
        for name, row in table.transitions.items()
        for source in table.status_keys
        if source in row.sources
    ]


def non_table_edges() -> list[tuple[str, str, str]]:
    """(workflow, status, transition) for every pair that the tables do not allow."""
    return [
        (workflow, status, name)
        for workflow, table in TABLES.items()
        for name, row in table.transitions.items()
        for status in table.status_keys
        if status not in row.sources
    ]
