"""Creating, editing, deleting and restoring cases, and opening follow-ups of closed ones.
Every change to a case goes through the door, `workflows.transitions` (`change_case`)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.files import File
from django.utils import timezone

from cases.actors import Actor
from cases.errors import Conflict, Forbidden, InvalidInput
from cases.models import Case, Channel, Organization, Priority, Queue, User
from cases.roles import Role, people_in, role_of
from cases.text import MAX_SUBJECT, clean_text
from services.attachments import atomic_with_files, uploads_checked
from workflows.base import WorkflowCase
from workflows.payload import staff_member
from workflows.registry import workflow_model
from workflows.transitions import CaseChange, change_case

EDITABLE_BY_CUSTOMERS = ("subject", "description")
EDITABLE_BY_STAFF = ("subject", "description", "priority", "assignee")


def case_create(
    *,
    actor: User | Actor,
    queue: Queue,
    subject: str,
    description: str = "",
    priority: int = Priority.NORMAL,
    channel: str | None = None,
    requester: User | None = None,
    organization: Organization | None = None,
    repeat_of: Case | None = None,
    files: Sequence["File[bytes]"] = (),
    now: datetime | None = None,
) -> WorkflowCase:
    """Open a case in the initial status of the queue's workflow, with its attached `files`; its
    First Response milestone starts now."""
    now = now or timezone.now()
    who = Actor.of(actor)
    if who.user is None or not (who.is_customer or who.is_staff):
        raise Forbidden("Only customers and agents open cases.")
    if who.is_customer:
        # A repeat case keeps the original's requester, even when a colleague opens it.
        own = repeat_of.requester if repeat_of is not None else who.user
        if requester is not None and requester != own:
            raise Forbidden("Customers open cases for themselves only.")
        if organization is not None and organization.pk != who.user.organization_id:
            raise Forbidden("Customers open cases for their own organization only.")
        requester = own
        channel = channel or Channel.PORTAL
    else:
        if requester is None:
            raise InvalidInput.field("requester", "Name the customer this case is for.")
        if role_of(requester) != Role.CUSTOMER:
            raise InvalidInput.field("requester", "The requester must be a customer.")
        if organization is not None and organization.pk != requester.organization_id:
            raise InvalidInput.field(
                "organization", "Must be the organization of the requester (or left out)."
            )
        channel = channel or Channel.AGENT
    subject = clean_text("subject", subject, required=True, limit=MAX_SUBJECT)
    description = clean_text("description", description, required=False)
    if channel not in Channel.values:
        raise InvalidInput.field("channel", f"Must be one of {', '.join(Channel.values)}.")
    uploads = uploads_checked(files)

    model = workflow_model(queue.workflow)
    with atomic_with_files() as stored:
        case = model(
            queue=queue,
            workflow=queue.workflow,
            subject=subject,
            description=description,
            priority=priority,
            channel=channel,
            requester=requester,
            organization=requester.organization,
            status=model.initial_status(),
            status_changed_at=now,
            created_at=now,
            first_response_due_at=now + queue.first_response_target(priority),
            # The customer waits for a first answer from the moment the case is opened.
            awaiting_answer_since=now,
            repeat_of=repeat_of,
        )
        case.save()
        case.reference = f"CS-{case.pk:06d}"
        model.objects.filter(pk=case.pk).update(reference=case.reference)
        opening = CaseChange(case, who, now)
        stored.save(uploads, case=case, comment=None, actor=who.user, now=now)
        opening.opened()
    return opening.case


def case_update(
    *,
    case_id: int,
    actor: User | Actor,
    changes: dict[str, Any],
    now: datetime | None = None,
    seen: datetime | None = None,
) -> WorkflowCase:
    """Edit a case's fields. The status is never among them: it changes only by transitions.
    `seen`: the case's version as the editor last saw it; a case changed since is a 409. An edit
    that changes nothing is no edit: nothing fires and the case keeps its last change."""
    who = Actor.of(actor)
    allowed = EDITABLE_BY_STAFF if who.is_staff else EDITABLE_BY_CUSTOMERS
    with change_case(case_id=case_id, actor=who, now=now, seen=seen) as change:
        case = change.case
        if "status" in changes:
            raise InvalidInput.field("status", "The status changes only through transitions.")
        for name in changes:
            if name not in allowed:
                raise Forbidden(
                    f"{people_in(who.role).capitalize()} may not change the {_words(name)}."
                )
        if "assignee" in changes and not case.may_set_assignee(who.role):
            raise Forbidden(f"In {case.definition.name} only managers set the assignee.")
        change.require_updatable()
        values: dict[str, Any] = {}
        if "subject" in changes:
            values["subject"] = clean_text(
                "subject", changes["subject"], required=True, limit=MAX_SUBJECT
            )
        if "description" in changes:
            values["description"] = clean_text(
                "description", changes["description"], required=False
            )
        if "priority" in changes:
            values["priority"] = changes["priority"]
        if "assignee" in changes:
            value = changes["assignee"]
            values["assignee"] = None if value is None else staff_member(value, "assignee")
        change.edit(values)
    return change.case


def _words(field: str) -> str:
    return field.replace("_", " ")


def case_repeat(
    *,
    case_id: int,
    actor: User | Actor,
    subject: str | None = None,
    description: str | None = None,
) -> WorkflowCase:
    """Open a follow-up of a closed case (Repeat case; Clone case in support_center)."""
    who = Actor.of(actor)
    # Locked so that the original cannot be reopened (release_tracking) while it is copied.
    with change_case(case_id=case_id, actor=who) as change:
        original = change.case
        if not (who.is_customer or who.is_staff):
            raise Forbidden("Only customers and agents open repeat cases.")
        if not original.definition.repeatable:
            raise Conflict(f"{original.definition.name} cases cannot be repeated.")
        if original.status != original.definition.closed:
            raise change.refusal("Only a closed case can be repeated.")
        return case_create(
            actor=who,
            queue=original.queue,
            subject=subject if subject is not None else original.subject,
            description=description if description is not None else original.description,
            priority=original.priority,
            requester=None if who.is_customer else original.requester,
            repeat_of=original,
        )


def case_delete(*, case_id: int, actor: User | Actor, now: datetime | None = None) -> WorkflowCase:
    """Soft delete: the case disappears for everyone but managers and keeps its history."""
    who = Actor.of(actor)
    with change_case(case_id=case_id, actor=who, now=now) as change:
        case = change.case
        if case.is_deleted:
            raise change.refusal("This case is already deleted.")
        if case.deletable_from is None:
            raise Conflict(f"{case.definition.name} cases cannot be deleted.")
        people = people_in(who.role).capitalize()
        if case.deletable_statuses(who.role) is None:
            raise Forbidden(f"{people} may not delete cases.")
        if not case.may_delete(who.role):
            status = case.definition.label(case.status)
            raise change.refusal(f"{people} may not delete a case that is {status}.")
        case.deleted_at = change.now
        case.deleted_by = who.user
        change.save("deleted_at", "deleted_by")
    return change.case


def case_restore(*, case_id: int, actor: User | Actor) -> WorkflowCase:
    who = Actor.of(actor)
    # A deleted case does not exist for anyone but managers: 404 before 403.
    with change_case(case_id=case_id, actor=who) as change:
        if who.role != Role.MANAGER:
            raise Forbidden("Only managers restore deleted cases.")
        if not change.case.is_deleted:
            raise change.refusal("This case is not deleted.")
        change.case.deleted_at = None
        change.case.deleted_by = None
        change.save("deleted_at", "deleted_by")
    return change.case
