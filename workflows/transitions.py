"""The one door through which every caller (API, views, admin, automations) changes a status.

Checks come in the order the API answers them: 404 (not visible, no such transition), 403 (role),
409 (not available now), 400 (payload). The case row is locked for the whole check-and-write, so
of two people acting at once the second sees the first one's result, and the history row is
written in the same transaction as the change: a refused or losing transition leaves nothing.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from cases.errors import Conflict, Forbidden, NotVisible, UnknownTransition
from cases.models import Case, HistoryEntry, Release, User
from cases.roles import SYSTEM, Role, is_staff_role, people_in, role_of, roles_held
from cases.selectors import cases_visible_to
from notifications.models import Kind
from notifications.outbox import delay_of, notify
from workflows.base import WorkflowCase
from workflows.declarations import Rules, Triggers
from workflows.metadata import describe, transition_label
from workflows.payload import Payload, clean_payload
from workflows.registry import as_workflow_case, workflow_model

DELETED = "This case is deleted; a manager can restore it."
STALE = "This case changed since you opened it"


def perform_transition(
    *,
    case_id: int,
    name: str,
    actor: User | None,
    now: datetime | None = None,
    expected_updated_at: datetime | None = None,
    **payload: Any,
) -> WorkflowCase:
    """Perform transition `name` on the case as `actor` (None: the automations).
    `expected_updated_at`: the case as the caller last saw it; a case changed since is a 409."""
    with transaction.atomic():
        locked = lock_case(case_id, actor)
        refuse_if_stale(locked, actor, expected_updated_at)
        apply_transition(locked, name, actor, payload, now=now)
    return locked


def lock_case(case_id: int, actor: User | None) -> WorkflowCase:
    """The case row, locked until the transaction ends, as its workflow's proxy model, with its
    queue and the people notifications go to; 404 when the actor may not see it. Visibility and
    the lock are one query, so a request reads its case once (`of=("self",)`: the other rows are
    read, not locked)."""
    cases = Case.objects.all() if actor is None else cases_visible_to(actor)
    try:
        case = (
            cases.select_related("queue", "requester", "assignee")
            .select_for_update(of=("self",))
            .get(pk=case_id)
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotVisible("No such case.") from None
    return as_workflow_case(case)


def available_transitions(case: Case, user: User | None) -> list[str]:
    """The transitions this user may ask for now, in the order of the workflow's table."""
    info = describe(case.workflow)
    case = as_workflow_case(case)
    return [
        t.name
        for t in info.transitions
        if t.manual and _is_available(case, t.name) and _is_permitted(case, t.name, user)
    ]


def apply_transition(
    case: WorkflowCase,
    name: str,
    actor: User | None,
    raw_payload: dict[str, Any],
    *,
    now: datetime | None = None,
    automatic: bool = False,
    via_release: bool = False,
) -> HistoryEntry:
    """Check and perform a transition on a case already locked by the caller's transaction."""
    now = now or timezone.now()
    role = role_of(actor)
    definition = case.definition
    info = describe(case.workflow).transition(name)
    if info is None:
        raise UnknownTransition(
            f"{definition.name} cases have no “{transition_label(name)}” action."
        )
    rules = info.rules
    label = f"“{info.label}”"

    refuse_if_deleted(case)
    if rules.automatic and not automatic:
        if info.roles == (SYSTEM,):
            raise Forbidden(f"{label} happens only by itself, on time.")
        raise conflict(case, actor, f"{label} happens by itself and cannot be asked for.")
    if not set(roles_held(role)) & set(info.roles):
        raise Forbidden(f"{people_in(role).capitalize()} may not perform {label}.")
    if rules.via_release and not via_release:
        raise conflict(case, actor, f"{label} happens only by delivering a release.")
    if not _is_available(case, name):
        status = definition.label(case.status)
        raise conflict(case, actor, f"{label} is not possible while the case is {status}.")
    if not _is_permitted(case, name, actor):
        raise Forbidden(f"Only {_check_text(case, name)} may perform {label}.")

    payload = clean_payload(
        rules=rules, definition=definition, target=info.target, role=role, raw=raw_payload
    )

    source = case.status
    assigned_before = case.assignee_id
    getattr(case, name)(actor, payload)
    case.status_changed_at = now
    if not definition.sub_status_keys(case.status):
        case.sub_status = ""
    if case.status == definition.closed:
        case.closed_at = now
    elif source == definition.closed:
        case.closed_at = None
    message = public_message(rules, payload) if actor is not None else ""
    stamp_support_action(case, actor, now, customer_facing=bool(message))
    stamp_customer_action(case, actor, now)
    case.save()

    # What the transition says to the other side (its note, or the solution or answer it
    # carries) is a message of the conversation like any reply, by the same person at the same
    # moment: the customer reads it, it answers them, and it is emailed. It never fires another
    # automatic transition. The automations write no messages.
    comment = None
    if message and actor is not None:
        comment = case.comments.create(author=actor, body=message, internal=False, created_at=now)
    entry = HistoryEntry.objects.create(
        case=case,
        transition=name,
        source=source,
        target=case.status,
        actor=actor,
        actor_role=role,
        note=payload.note or payload.close_notes or "",
        note_internal=rules.internal_note,
        payload=payload.as_record(),
        comment=comment,
        created_at=now,
    )
    for kind in rules.notifies:
        notify_about(kind, case, actor=actor, now=now)
    told_now = any(delay_of(kind, case) <= timedelta(0) for kind in rules.notifies)
    if comment is not None and not told_now:
        # The transition has no notification of its own that goes out now: the other side
        # hears of the message as of any reply.
        notify_about(Kind.PUBLIC_REPLY, case, actor=actor, now=now, occasion=f"c{comment.pk}")
    if case.assignee_id not in (None, assigned_before):
        # A transition that gives the case to someone (`assign`, `assign_to_me`, the first
        # agent to act becoming its owner) tells them, unless they took it themselves.
        notify_about(Kind.ASSIGNED, case, actor=actor, now=now)
    return entry


def notify_about(
    kind: str, case: WorkflowCase, *, actor: User | None, now: datetime, occasion: str | None = None
) -> list[str]:
    """`notify` about what people did to a case, with the labels of its status now, which only
    this layer can read (the row keeps them: the email tells of this moment)."""
    definition = case.definition
    return notify(
        kind,
        case=case,
        actor=actor,
        now=now,
        occasion=occasion,
        status_label=definition.label(case.status),
        sub_status_label=definition.sub_status_label(case.status, case.sub_status),
    )


def public_message(rules: Rules, payload: Payload) -> str:
    """What a transition says to the other side is a message of the conversation, posted by the
    person who performed it and linked to the transition's history entry: its note, else its
    close notes (customer_service's proposed solution, why an agent closed a case). An internal
    note (the blocker of `block`) is never posted. From support, such a message answers the
    customer like any public reply: it ends the First Response milestone, and the customer is
    emailed it, unless the transition's own notification tells them at once. It never fires
    another automatic transition."""
    if rules.internal_note:
        return ""
    return payload.note or payload.close_notes or ""


def stamp_support_action(
    case: WorkflowCase, actor: User | None, now: datetime, *, customer_facing: bool
) -> None:
    """What support acting on a case records (spec, Vocabulary): the first agent to act on an
    unassigned case owns it where the workflow says so, and their customer-facing messages
    answer the customer: the first ends the First Response milestone, and each one means the
    customer no longer waits for an answer. An internal note is not acting on the case."""
    if not is_staff_role(role_of(actor)):
        return
    if case.definition.owner_on_first_action and case.assignee_id is None:
        case.assignee = actor
    if customer_facing:
        case.first_responded_at = case.first_responded_at or now
        case.awaiting_answer_since = None


def stamp_customer_action(case: Case, actor: User | None, now: datetime) -> None:
    """A case waits for support's answer from the moment it is opened, and again whenever its
    customer writes (a public reply) or acts on it (a transition such as Reject solution, an
    edit), since the earliest such moment; support's next customer-facing message (a public
    reply, or a transition's message) ends the wait (`stamp_support_action`). The agent
    workspace's Needs response lists the cases that wait so."""
    if actor is not None and role_of(actor) == Role.CUSTOMER:
        case.awaiting_answer_since = case.awaiting_answer_since or now


def refuse_if_stale(case: Case, actor: User | None, expected_updated_at: datetime | None) -> None:
    """409 when the caller acts on the case as it was before its last change (another person,
    or another tab, changed it meanwhile)."""
    if expected_updated_at is not None and case.updated_at != expected_updated_at:
        raise conflict(case, actor, STALE)


def refuse_if_deleted(case: Case) -> None:
    if case.is_deleted:
        raise Conflict(DELETED, status=case.status)


def refuse_update(case: WorkflowCase, actor: User | None) -> None:
    """409 where the case takes no edit, reply or note now: a deleted case, or what the workflow
    refuses (`update_refusal`: e.g. a closed case where closed is final)."""
    refuse_if_deleted(case)
    reason = case.update_refusal(role_of(actor))
    if reason:
        raise conflict(case, actor, reason)


def fire_triggers(
    case: WorkflowCase,
    triggers: Triggers,
    actor: User | None,
    *,
    now: datetime,
) -> HistoryEntry | None:
    """Fire the automatic transition that `actor`'s reply or edit triggers now
    (`WorkflowRules.triggered`), if any and if this actor is permitted it."""
    name = case.triggered(triggers, role_of(actor))
    if name is None or not _is_permitted(case, name, actor):
        return None
    return apply_transition(case, name, actor, {}, now=now, automatic=True)


def deliver_release(*, release_id: int, actor: User, now: datetime | None = None) -> Release:
    """Perform the workflow's release transition (release_tracking: `deliver_release`) on every
    case of the release at once: all of them or none."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Release.objects.select_for_update(of=("self",))
            .select_related("queue")
            .get(pk=release_id)
        )
        if not is_staff_role(role_of(actor)):
            raise Forbidden("Only agents deliver releases.")
        if locked.is_delivered:
            raise Conflict("This release has already been delivered.")
        info = describe(locked.queue.workflow)
        shipping = info.release_transition
        if shipping is None:
            raise Conflict(f"{info.name} cases have no releases.")
        case_ids = list(locked.items.order_by("case_id").values_list("case_id", flat=True))
        if not case_ids:
            raise Conflict("This release holds no case yet: add one before delivering it.")
        # Locked in id order, so that two deliveries sharing cases cannot deadlock.
        cases = workflow_model(info.key).objects.select_for_update().filter(pk__in=case_ids)
        for row in cases.order_by("pk"):
            case = as_workflow_case(row)
            if not _is_available(case, shipping.name):
                # In the workflow's words ("Open", "Done Awaiting Release"): pages show this.
                labels = dict(info.statuses)
                ready = " or ".join(labels.get(status, status) for status in shipping.sources)
                raise Conflict(
                    f"{case.reference} is {labels.get(case.status, case.status)}, not {ready}: "
                    "nothing was delivered.",
                    status=case.status,
                )
            apply_transition(case, shipping.name, actor, {}, now=now, via_release=True)
        locked.delivered_at = now
        locked.delivered_by = actor
        locked.save(update_fields=["delivered_at", "delivered_by"])
    return locked


def _is_available(case: WorkflowCase, name: str) -> bool:
    return can_proceed(getattr(case, name))


def _is_permitted(case: WorkflowCase, name: str, user: User | None) -> bool:
    """Available now and allowed to this user. The transition's own `Allowed` is asked directly
    (what django-fsm's `has_transition_perm` would ask it), as django-fsm takes only users and
    None is the automations."""
    info = describe(case.workflow).transition(name)
    return info is not None and _is_available(case, name) and info.permission(case, user)


def _check_text(case: WorkflowCase, name: str) -> str:
    info = describe(case.workflow).transition(name)
    return (info.permission.check_text if info else "") or "some users"


def conflict(case: Case, actor: User | None, detail: str) -> Conflict:
    """A 409 about a case, naming its status and what this actor may do instead, now."""
    return Conflict(detail, status=case.status, available=available_transitions(case, actor))
