"""Driving cases through their workflows the way they really move: always through the services.

`walk_to` puts a fresh case into any status of its table by a shortest path over the
independent spec tables (the status field is protected, so tests never assign it), and `drive`
performs one transition the way it happens in real life: automatic customer transitions by a
public reply, `auto_close` by the automations, `deliver_release` by delivering a release.
"""

from itertools import count

from cases.models import Case, HistoryEntry
from services.cases import case_update
from services.conversation import comment_post
from services.releases import release_add_case, release_create
from tests.workflows.spec_tables import STAFF, TABLES, path_to
from workflows.registry import workflow_model
from workflows.transitions import change_case, deliver_release, perform_transition

PAYLOAD_VALUES = {
    "note": "Checked the logs with the customer.",
    "close_notes": "Replaced the toner cartridge.",
    "sub_status": "customer_input",
}

_release_names = count(1)


def reload(case: Case) -> Case:
    """A fresh copy of the case's row, through its workflow's proxy."""
    return workflow_model(case.workflow).objects.get(pk=case.pk)


def row_of(workflow: str, name: str):
    return TABLES[workflow].transitions[name]


def default_role(workflow: str, name: str) -> str:
    """The role a test acts in when it does not care: an agent if agents may, else whoever may."""
    roles = row_of(workflow, name).roles
    return next(role for role in ("agent", "customer", "system") if role in roles)


def payload_for(workflow: str, name: str, role: str, cast: dict) -> dict:
    """Exactly the payload the spec table requires of this role, and nothing else."""
    row = row_of(workflow, name)
    needed = row.requires | (row.staff_requires if role in STAFF else frozenset())
    return {
        field: cast["agent"].pk if field == "assignee" else PAYLOAD_VALUES[field]
        for field in needed
    }


def snapshot(case: Case) -> dict:
    """Everything a refused transition must leave as it was."""
    fresh = reload(case)
    return {
        "status": fresh.status,
        "sub_status": fresh.sub_status,
        "status_changed_at": fresh.status_changed_at,
        "closed_at": fresh.closed_at,
        "close_notes": fresh.close_notes,
        "assignee_id": fresh.assignee_id,
        "first_responded_at": fresh.first_responded_at,
        "history": HistoryEntry.objects.filter(case_id=case.pk).count(),
        "comments": fresh.comments.count(),
    }


def new_history(case: Case, since: int) -> list[HistoryEntry]:
    return list(HistoryEntry.objects.filter(case_id=case.pk).order_by("created_at", "id")[since:])


def attempt_automatic(case: Case, name: str, actor, *, now=None, via_release=False):
    """Fire an automatic (or release-only) transition the way the triggers, the automations and
    release delivery do: on the locked row, inside one transaction."""
    with change_case(case_id=case.pk, actor=actor, now=now) as change:
        return change.transition(name, automatic=not via_release, via_release=via_release)


def drive(case: Case, name: str, cast: dict, *, role: str | None = None, now=None):
    """Perform transition `name` as it really happens; returns the acting user (None: system)."""
    workflow = case.workflow
    row = row_of(workflow, name)
    role = role or default_role(workflow, name)
    actor = cast[role]
    if row.automatic and role == "system":
        attempt_automatic(case, name, None, now=now)
    elif row.automatic:
        comment_post(case_id=case.pk, actor=actor, body="Here is what you asked for.", now=now)
    elif row.via_release:
        release = release_create(actor=actor, name=f"2026.{next(_release_names)}", queue=case.queue)
        release_add_case(release_id=release.pk, case_id=case.pk, actor=actor)
        deliver_release(release_id=release.pk, actor=actor, now=now)
    else:
        if (workflow, name) == ("customer_service", "accept") and (
            reload(case).assignee_id is None
        ):
            # Only the agent a manager assigned may accept.
            case_update(case_id=case.pk, actor=cast["manager"], changes={"assignee": actor})
        if (workflow, name) == ("release_tracking", "send_to_development") and (
            reload(case).status == "waiting_for_customer_response"
        ):
            # Unlocked only once the customer has replied since the case entered the status.
            comment_post(case_id=case.pk, actor=cast["customer"], body="Still broken.", now=now)
        perform_transition(
            case_id=case.pk,
            name=name,
            actor=actor,
            now=now,
            **payload_for(workflow, name, role, cast),
        )
    return actor


def walk_to(case: Case, status: str, cast: dict) -> Case:
    """The case, moved through the services along a shortest path to `status`."""
    for name in path_to(case.workflow, status):
        drive(case, name, cast)
    return reload(case)
