"""The table of ui.md, "Who a case waits on", copied by hand from the spec text.

Deliberately independent of the code (nothing here is imported from `workflows/`): the tests hold
the workflow modules' `waiting_on` declarations to this copy. Each entry maps a status, or a
(status, sub-status) pair where the side depends on the sub-status, to (side, shown as).
"""

Wait = tuple[str | None, str | None]

CUSTOMER: Wait = ("customer", None)
SUPPORT: Wait = ("support", None)
NOBODY: Wait = (None, None)
IN_DEVELOPMENT: Wait = ("support", "In development")

WAITING_ON: dict[str, dict[str | tuple[str, str], Wait]] = {
    "technical_support": {
        "new": SUPPORT,
        "work_in_progress": SUPPORT,
        "pending_customer": CUSTOMER,
        "customer_replied": SUPPORT,
        "solution_proposed": CUSTOMER,
        "blocked": SUPPORT,
        "closed": NOBODY,
    },
    "support_center": {
        "new": SUPPORT,
        "in_progress": SUPPORT,
        # The status object of /api/workflows/ says "support" (most of its sub-statuses); a case
        # is never pending without a sub-status (set_pending requires one).
        "pending": SUPPORT,
        ("pending", "customer_input"): CUSTOMER,
        ("pending", "development"): ("support", "Development"),
        ("pending", "scheduled_support_service"): ("support", "Scheduled Support Service"),
        ("pending", "third_party_provider"): ("support", "Third Party Provider"),
        "awaiting_customer_confirmation": CUSTOMER,
        "reopened": SUPPORT,
        "update_received": SUPPORT,
        "closed": NOBODY,
    },
    "customer_service": {
        "new": SUPPORT,
        "open": SUPPORT,
        "awaiting_info": CUSTOMER,
        "resolved": CUSTOMER,
        "closed": NOBODY,
    },
    "release_tracking": {
        "open": SUPPORT,
        "ticket_assigned": SUPPORT,
        "investigation_underway": SUPPORT,
        "waiting_for_customer_response": CUSTOMER,
        "send_to_development": IN_DEVELOPMENT,
        "backlog": IN_DEVELOPMENT,
        "development_in_progress": IN_DEVELOPMENT,
        "testing_and_verification": IN_DEVELOPMENT,
        "done_awaiting_release": IN_DEVELOPMENT,
        "release_delivered": CUSTOMER,
        "solution_rejected": SUPPORT,
        "resolved": CUSTOMER,
        "closed": NOBODY,
        "blocked": SUPPORT,
    },
}


def side_of(workflow: str, status: str, sub_status: str = "") -> str | None:
    """Who the table says a case in that status (and sub-status) waits on."""
    table = WAITING_ON[workflow]
    entry = table.get((status, sub_status)) or table[status]
    return entry[0]
