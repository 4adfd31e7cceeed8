"""Writes other than status changes: creating, editing and deleting cases, the conversation,
follow-up cases, surveys and releases. Status changes they cause go through
`workflows.services`, the one door for transitions."""

from django.db import transaction
from django.utils import timezone

from cases.errors import Conflict, Forbidden, InvalidInput
from cases.models import Case, Channel, Comment, Priority, Queue, Release, ReleaseItem, Survey, User
from cases.roles import Role, is_staff_role, role_of
from cases.selectors import visible_case
from notifications.models import Kind
from notifications.outbox import notify
from workflows.metadata import describe
from workflows.payload import MAX_TEXT, staff_member
from workflows.registry import as_workflow_case, workflow_model
from workflows.services import conflict, fire_triggers, lock_case

EDITABLE_BY_CUSTOMERS = ("subject", "description")
EDITABLE_BY_STAFF = ("subject", "description", "priority", "assignee")


def case_create(
    *,
    actor,
    queue: Queue,
    subject: str,
    description: str = "",
    priority: int = Priority.NORMAL,
    channel: str | None = None,
    requester: User | None = None,
    organization=None,
    repeat_of: Case | None = None,
    now=None,
) -> Case:
    """Open a case in the initial status of the queue's workflow; its First Response milestone
    starts now."""
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
    _check_text("subject", subject, required=True, limit=255)
    _check_text("description", description, required=False, limit=MAX_TEXT)
    if channel not in Channel.values:
        raise InvalidInput.field("channel", f"Must be one of {', '.join(Channel.values)}.")

    model = workflow_model(queue.workflow)
    with transaction.atomic():
        case = model(
            queue=queue,
            workflow=queue.workflow,
            subject=subject.strip(),
            description=description.strip(),
            priority=priority,
            channel=channel,
            requester=requester,
            organization=requester.organization,
            status=model.initial_status(),
            status_changed_at=now,
            created_at=now,
            first_response_due_at=now + queue.first_response_target(priority),
            repeat_of=repeat_of,
        )
        case.save()
        case.reference = f"CS-{case.pk:06d}"
        model.objects.filter(pk=case.pk).update(reference=case.reference)
    return case


def case_update(*, case: Case | int, actor, changes: dict, now=None) -> Case:
    """Edit a case's fields. The status is never among them: it changes only by transitions."""
    now = now or timezone.now()
    role = role_of(actor)
    allowed = EDITABLE_BY_STAFF if is_staff_role(role) else EDITABLE_BY_CUSTOMERS
    with transaction.atomic():
        locked = lock_case(case, actor)
        if "status" in changes:
            raise InvalidInput.field("status", "The status changes only through transitions.")
        for name in changes:
            if name not in allowed:
                raise Forbidden(f"The {role} role may not change {name}.")
        if "assignee" in changes and not locked.may_set_assignee(role):
            raise Forbidden(f"In the {locked.workflow} workflow only managers set the assignee.")
        _refuse_update(locked, role, actor)

        if "subject" in changes:
            _check_text("subject", changes["subject"], required=True, limit=255)
            locked.subject = changes["subject"].strip()
        if "description" in changes:
            _check_text("description", changes["description"], required=False, limit=MAX_TEXT)
            locked.description = changes["description"].strip()
        if "priority" in changes:
            locked.priority = changes["priority"]
            if locked.first_responded_at is None:
                # The milestone follows the urgency the case now has.
                target = locked.queue.first_response_target(locked.priority)
                locked.first_response_due_at = locked.created_at + target
        if "assignee" in changes:
            value = changes["assignee"]
            locked.assignee = None if value is None else staff_member(value, "assignee")
        locked.save()
        fire_triggers(locked, _triggers_for(locked.edit_triggers, role), actor, now=now)
    return locked


def comment_post(
    *, case: Case | int, author, body: str, internal: bool = False, now=None
) -> Comment:
    """Add a public reply or an internal note; a public reply may fire an automatic transition
    (see each workflow's `reply_triggers`)."""
    now = now or timezone.now()
    role = role_of(author)
    if internal and not is_staff_role(role):
        raise InvalidInput.field("internal", "Customers cannot write internal notes.")
    _check_text("body", body, required=True, limit=MAX_TEXT)
    with transaction.atomic():
        locked = lock_case(case, author)
        _refuse_update(locked, role, author)
        comment = locked.comments.create(
            author=author, body=body.strip(), internal=internal, created_at=now
        )
        if not internal:
            if is_staff_role(role):
                locked.first_responded_at = locked.first_responded_at or now
                if locked.definition.owner_on_first_action and locked.assignee_id is None:
                    locked.assignee = author
            else:
                locked.customer_replied_at = now
            locked.save()
            fire_triggers(locked, _triggers_for(locked.reply_triggers, role), author, now=now)
            notify(Kind.PUBLIC_REPLY, case=locked, actor=author, now=now, occasion=f"c{comment.pk}")
        else:
            locked.save(update_fields=["updated_at"])
    comment.case = locked
    return comment


def case_repeat(
    *, case: Case | int, actor, subject: str | None = None, description: str | None = None
) -> Case:
    """Open a follow-up of a closed case (Repeat case; Clone case in support_center)."""
    original = as_workflow_case(visible_case(actor, _case_id(case)))
    role = role_of(actor)
    if role not in (Role.CUSTOMER, Role.AGENT, Role.MANAGER):
        raise Forbidden("Only customers and agents open repeat cases.")
    if not original.definition.repeatable:
        raise Conflict(f"Cases of the {original.workflow} workflow cannot be repeated.")
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


def case_delete(*, case: Case | int, actor, now=None) -> Case:
    """Soft delete: the case disappears for everyone but managers and keeps its history."""
    now = now or timezone.now()
    role = role_of(actor)
    with transaction.atomic():
        locked = lock_case(case, actor)
        if locked.is_deleted:
            raise conflict(locked, actor, "This case is already deleted.")
        rules = locked.deletable_from
        if rules is None:
            raise Conflict(f"Cases of the {locked.workflow} workflow cannot be deleted.")
        if role not in rules:
            raise Forbidden(f"The {role} role may not delete cases.")
        if locked.status not in rules[role]:
            raise conflict(
                locked, actor, f"The {role} role may not delete a case that is {locked.status}."
            )
        locked.deleted_at = now
        locked.deleted_by = actor
        locked.save()
    return locked


def case_restore(*, case: Case | int, actor) -> Case:
    if role_of(actor) != Role.MANAGER:
        raise Forbidden("Only managers restore deleted cases.")
    with transaction.atomic():
        locked = lock_case(case, actor)
        if not locked.is_deleted:
            raise conflict(locked, actor, "This case is not deleted.")
        locked.deleted_at = None
        locked.deleted_by = None
        locked.save()
    return locked


def survey_submit(*, case: Case | int, actor, rating, comment: str = "") -> Survey:
    """The satisfaction survey a workflow offers after a closing (customer_service: once the
    customer accepts the solution); one per case."""
    target = as_workflow_case(visible_case(actor, _case_id(case)))
    if role_of(actor) != Role.CUSTOMER:
        raise Forbidden("Only the customer answers the satisfaction survey.")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput.field("rating", "Must be a whole number from 1 to 5.")
    _check_text("comment", comment, required=False, limit=MAX_TEXT)
    with transaction.atomic():
        locked = lock_case(target, actor)
        closing = locked.history.filter(target=locked.definition.closed).last()
        offered_after = locked.definition.survey_after
        if offered_after is None or closing is None or closing.transition != offered_after:
            raise conflict(
                locked,
                actor,
                "A survey is offered only for customer_service cases closed by accepting the "
                "solution.",
            )
        if Survey.objects.filter(case=locked).exists():
            raise conflict(locked, actor, "This case already has its survey.")
        return Survey.objects.create(
            case=locked, respondent=actor, rating=rating, comment=(comment or "").strip()
        )


def release_create(*, actor, name: str, queue: Queue) -> Release:
    if not is_staff_role(role_of(actor)):
        raise Forbidden("Only agents create releases.")
    _check_text("name", name, required=True, limit=100)
    if describe(queue.workflow).release_transition is None:
        raise InvalidInput.field("queue", "Releases belong to release_tracking queues.")
    if Release.objects.filter(queue=queue, name=name.strip()).exists():
        raise InvalidInput.field("name", "This queue already has a release with this name.")
    return Release.objects.create(name=name.strip(), queue=queue, created_by=actor)


def release_add_case(*, release: Release | int, case: Case | int, actor) -> Release:
    """Put a case that is done, awaiting release, into an undelivered release."""
    if not is_staff_role(role_of(actor)):
        raise Forbidden("Only agents add cases to releases.")
    release_id = release.pk if isinstance(release, Release) else release
    with transaction.atomic():
        locked_release = Release.objects.select_for_update().get(pk=release_id)
        locked = lock_case(case, actor)
        if locked_release.is_delivered:
            raise Conflict("A delivered release cannot be changed.")
        if locked.queue_id != locked_release.queue_id:
            raise conflict(locked, actor, "The case belongs to another queue than the release.")
        shipping = describe(locked.workflow).release_transition
        if shipping is None or locked.status not in shipping.sources:
            ready = ", ".join(shipping.sources) if shipping else "ready for a release"
            raise conflict(locked, actor, f"Only cases that are {ready} can join a release.")
        waiting_elsewhere = ReleaseItem.objects.filter(
            case=locked, release__delivered_at__isnull=True
        ).exclude(release=locked_release)
        if waiting_elsewhere.exists():
            raise conflict(locked, actor, "The case already waits in another release.")
        ReleaseItem.objects.get_or_create(
            release=locked_release, case=locked, defaults={"added_by": actor}
        )
    return locked_release


def _triggers_for(triggers: dict, role: str) -> tuple:
    """The automatic transitions `role` fires; a manager may do whatever an agent may, so an
    agent's reply (e.g. technical_support's start_work) fires the same for a manager."""
    if role == Role.MANAGER and role not in triggers:
        return triggers.get(Role.AGENT, ())
    return triggers.get(role, ())


def _refuse_update(case, role: str, actor) -> None:
    reason = case.update_refusal(role)
    if reason:
        raise conflict(case, actor, reason)


def _check_text(name: str, value, *, required: bool, limit: int) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str):
        raise InvalidInput.field(name, "Must be a string.")
    if required and not value.strip():
        raise InvalidInput.field(name, "This field is required.")
    if len(value) > limit:
        raise InvalidInput.field(name, f"At most {limit} characters.")


def _case_id(case: Case | int) -> int:
    return case.pk if isinstance(case, Case) else case
