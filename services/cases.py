"""Creating, editing, deleting and restoring cases, and opening follow-ups of closed ones.
Status changes they cause go through `workflows.transitions`, the one door for transitions."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from cases.errors import Conflict, Forbidden, InvalidInput
from cases.models import Case, Channel, Organization, Priority, Queue, User
from cases.roles import Role, is_staff_role, people_in, role_of
from cases.text import MAX_SUBJECT, clean_text
from notifications.models import Kind
from services.attachments import atomic_with_files, uploads_checked
from workflows.base import WorkflowCase
from workflows.milestones import first_response_due_after_priority_change
from workflows.payload import staff_member
from workflows.registry import workflow_model
from workflows.transitions import (
    conflict,
    fire_triggers,
    lock_case,
    notify_about,
    refuse_if_stale,
    refuse_update,
    stamp_customer_action,
)

EDITABLE_BY_CUSTOMERS = ("subject", "description")
EDITABLE_BY_STAFF = ("subject", "description", "priority", "assignee")


def case_create(
    *,
    actor: User,
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
    role = role_of(actor)
    if role == Role.CUSTOMER:
        # A repeat case keeps the original's requester, even when a colleague opens it (spec §1).
        own = repeat_of.requester if repeat_of is not None else actor
        if requester is not None and requester != own:
            raise Forbidden("Customers open cases for themselves only.")
        if organization is not None and organization.pk != actor.organization_id:
            raise Forbidden("Customers open cases for their own organization only.")
        requester = own
        channel = channel or Channel.PORTAL
    elif is_staff_role(role):
        if requester is None:
            raise InvalidInput.field("requester", "Name the customer this case is for.")
        if role_of(requester) != Role.CUSTOMER:
            raise InvalidInput.field("requester", "The requester must be a customer.")
        if organization is not None and organization.pk != requester.organization_id:
            raise InvalidInput.field(
                "organization", "Must be the organization of the requester (or left out)."
            )
        channel = channel or Channel.AGENT
    else:
        raise Forbidden("Only customers and agents open cases.")
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
        stored.save(uploads, case=case, comment=None, actor=actor, now=now)
        # The requester's acknowledgement with the reference, whoever opened the case.
        notify_about(Kind.CASE_CREATED, case, actor=actor, now=now)
    return case


def case_update(
    *,
    case_id: int,
    actor: User,
    changes: dict[str, Any],
    now: datetime | None = None,
    expected_updated_at: datetime | None = None,
) -> WorkflowCase:
    """Edit a case's fields. The status is never among them: it changes only by transitions.
    `expected_updated_at`: the case as the caller last saw it; a case changed since is a 409."""
    now = now or timezone.now()
    role = role_of(actor)
    allowed = EDITABLE_BY_STAFF if is_staff_role(role) else EDITABLE_BY_CUSTOMERS
    with transaction.atomic():
        locked = lock_case(case_id, actor)
        refuse_if_stale(locked, actor, expected_updated_at)
        if "status" in changes:
            raise InvalidInput.field("status", "The status changes only through transitions.")
        for name in changes:
            if name not in allowed:
                raise Forbidden(
                    f"{people_in(role).capitalize()} may not change the {_words(name)}."
                )
        if "assignee" in changes and not locked.may_set_assignee(role):
            raise Forbidden(f"In {locked.definition.name} only managers set the assignee.")
        refuse_update(locked, actor)

        before = {name: getattr(locked, name) for name in ("subject", "description", "priority")}
        assigned_before = locked.assignee_id
        if "subject" in changes:
            locked.subject = clean_text(
                "subject", changes["subject"], required=True, limit=MAX_SUBJECT
            )
        if "description" in changes:
            locked.description = clean_text("description", changes["description"], required=False)
        if "priority" in changes:
            locked.priority = changes["priority"]
        if "assignee" in changes:
            value = changes["assignee"]
            locked.assignee = None if value is None else staff_member(value, "assignee")
        changed = locked.assignee_id != assigned_before or any(
            getattr(locked, name) != value for name, value in before.items()
        )
        if not changed:
            # Nothing was edited (an empty PATCH, a form saved as it was): no edit happened, so
            # nothing fires and the case keeps its last change.
            return locked
        if locked.priority != before["priority"]:
            locked.first_response_due_at = first_response_due_after_priority_change(
                locked, previous=before["priority"], now=now
            )
        stamp_customer_action(locked, actor, now)
        locked.save()
        fire_triggers(locked, locked.edit_triggers, actor, now=now)
        if locked.assignee_id not in (None, assigned_before):
            # The new assignee hears of it, unless they assigned the case to themselves.
            notify_about(Kind.ASSIGNED, locked, actor=actor, now=now, occasion=now.isoformat())
    return locked


def _words(field: str) -> str:
    return field.replace("_", " ")


def case_repeat(
    *, case_id: int, actor: User, subject: str | None = None, description: str | None = None
) -> WorkflowCase:
    """Open a follow-up of a closed case (Repeat case; Clone case in support_center)."""
    role = role_of(actor)
    with transaction.atomic():
        # Locked so that the original cannot be reopened (release_tracking) while it is copied.
        original = lock_case(case_id, actor)
        if role not in (Role.CUSTOMER, Role.AGENT, Role.MANAGER):
            raise Forbidden("Only customers and agents open repeat cases.")
        if not original.definition.repeatable:
            raise Conflict(f"{original.definition.name} cases cannot be repeated.")
        if original.status != original.definition.closed:
            raise conflict(original, actor, "Only a closed case can be repeated.")
        return case_create(
            actor=actor,
            queue=original.queue,
            subject=subject if subject is not None else original.subject,
            description=description if description is not None else original.description,
            priority=original.priority,
            requester=None if role == Role.CUSTOMER else original.requester,
            repeat_of=original,
        )


def case_delete(*, case_id: int, actor: User, now: datetime | None = None) -> WorkflowCase:
    """Soft delete: the case disappears for everyone but managers and keeps its history."""
    now = now or timezone.now()
    role = role_of(actor)
    with transaction.atomic():
        locked = lock_case(case_id, actor)
        if locked.is_deleted:
            raise conflict(locked, actor, "This case is already deleted.")
        if locked.deletable_from is None:
            raise Conflict(f"{locked.definition.name} cases cannot be deleted.")
        if locked.deletable_statuses(role) is None:
            raise Forbidden(f"{people_in(role).capitalize()} may not delete cases.")
        if not locked.may_delete(role):
            status = locked.definition.label(locked.status)
            raise conflict(
                locked,
                actor,
                f"{people_in(role).capitalize()} may not delete a case that is {status}.",
            )
        locked.deleted_at = now
        locked.deleted_by = actor
        locked.save()
    return locked


def case_restore(*, case_id: int, actor: User) -> WorkflowCase:
    with transaction.atomic():
        # A deleted case does not exist for anyone but managers: 404 before 403.
        locked = lock_case(case_id, actor)
        if role_of(actor) != Role.MANAGER:
            raise Forbidden("Only managers restore deleted cases.")
        if not locked.is_deleted:
            raise conflict(locked, actor, "This case is not deleted.")
        locked.deleted_at = None
        locked.deleted_by = None
        locked.save()
    return locked
