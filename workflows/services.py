"""The one door through which every caller (API, views, admin, automations) changes a status.

Checks come in the order the API answers them: 404 (not visible, no such transition), 403 (role),
409 (not available now), 400 (payload). The case row is locked for the whole check-and-write, so
of two people acting at once the second sees the first one's result, and the history row is
written in the same transaction as the change: a refused or losing transition leaves nothing.
"""

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from cases.errors import Conflict, Forbidden, UnknownTransition
from cases.models import Case, HistoryEntry, Release
from cases.roles import SYSTEM, is_staff_role, role_of
from cases.selectors import visible_case
from notifications.outbox import notify
from workflows.metadata import describe
from workflows.payload import clean_payload
from workflows.registry import as_workflow_case, workflow_model


def perform_transition(*, case: Case | int, name: str, actor, now=None, **payload) -> Case:
    """Perform transition `name` on the case as `actor` (None: the automations)."""
    with transaction.atomic():
        locked = lock_case(case, actor)
        apply_transition(locked, name, actor, payload, now=now)
    return locked


def lock_case(case: Case | int, actor):
    """The case row, locked until the transaction ends, as its workflow's proxy model; 404 when
    the actor may not see it."""
    if actor is not None:
        case = visible_case(actor, case.pk if isinstance(case, Case) else case)
    elif not isinstance(case, Case):
        case = Case.objects.only("workflow").get(pk=case)
    return workflow_model(case.workflow).objects.select_for_update().get(pk=case.pk)


def available_transitions(case, user) -> list[str]:
    """The transitions this user may ask for now, in the order of the workflow's table."""
    info = describe(case.workflow)
    case = as_workflow_case(case)
    return [
        t.name
        for t in info.transitions
        if t.manual and _is_available(case, t.name) and _is_permitted(case, t.name, user)
    ]


def apply_transition(
    case, name: str, actor, raw_payload: dict, *, now=None, automatic=False, via_release=False
) -> HistoryEntry:
    """Check and perform a transition on a case already locked by the caller's transaction."""
    now = now or timezone.now()
    role = role_of(actor)
    info = describe(case.workflow).transition(name)
    if info is None:
        raise UnknownTransition(f"The {case.workflow} workflow has no transition {name!r}.")
    rules = info.rules

    if case.is_deleted:
        raise Conflict("This case is deleted; a manager can restore it.", status=case.status)
    if rules.automatic and not automatic:
        if info.roles == (SYSTEM,):
            raise Forbidden(f"Only the automations perform {name}.")
        raise conflict(case, actor, f"{name} happens by itself and cannot be requested.")
    if role not in info.roles:
        raise Forbidden(f"The {role} role may not perform {name}.")
    if rules.via_release and not via_release:
        raise conflict(case, actor, f"{name} happens only by delivering a release.")
    if not _is_available(case, name):
        raise conflict(case, actor, f"{name} is not available while the case is {case.status}.")
    if not _is_permitted(case, name, actor):
        raise Forbidden(f"Only {_check_text(case, name)} may perform {name}.")

    definition = case.definition
    payload = clean_payload(
        rules=rules, definition=definition, target=info.target, role=role, raw=raw_payload
    )

    source = case.status
    getattr(case, name)(actor, payload)
    case.status_changed_at = now
    if not definition.sub_status_keys(case.status):
        case.sub_status = ""
    if case.status == definition.closed:
        case.closed_at = now
    elif source == definition.closed:
        case.closed_at = None
    if definition.owner_on_first_action and case.assignee_id is None and is_staff_role(role):
        case.assignee = actor
    if rules.message and is_staff_role(role):
        case.first_responded_at = case.first_responded_at or now
    case.save()

    if rules.posted_as_reply:
        # The transition's own message: it never fires another automatic transition.
        case.comments.create(
            author=actor, body=getattr(payload, rules.message), internal=False, created_at=now
        )
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
        created_at=now,
    )
    for kind in rules.notifies:
        notify(kind, case=case, actor=actor, now=now)
    return entry


def fire_triggers(case, triggers, actor, *, now) -> HistoryEntry | None:
    """Fire the first automatic transition of `triggers` that is available now, if any."""
    for trigger in triggers:
        if trigger.only_from is not None and case.status not in trigger.only_from:
            continue
        if _is_available(case, trigger.transition) and _is_permitted(
            case, trigger.transition, actor
        ):
            return apply_transition(case, trigger.transition, actor, {}, now=now, automatic=True)
    return None


def deliver_release(*, release: Release | int, actor, now=None) -> Release:
    """Perform the workflow's release transition (release_tracking: `deliver_release`) on every
    case of the release at once: all of them or none."""
    now = now or timezone.now()
    release_id = release.pk if isinstance(release, Release) else release
    with transaction.atomic():
        locked = Release.objects.select_for_update().get(pk=release_id)
        if not is_staff_role(role_of(actor)):
            raise Forbidden("Only agents deliver releases.")
        if locked.is_delivered:
            raise Conflict("This release has already been delivered.")
        info = describe(locked.queue.workflow)
        shipping = info.release_transition
        case_ids = list(locked.items.order_by("case_id").values_list("case_id", flat=True))
        # Locked in id order, so that two deliveries sharing cases cannot deadlock.
        cases = workflow_model(info.key).objects.select_for_update().filter(pk__in=case_ids)
        for case in cases.order_by("pk"):
            if not _is_available(case, shipping.name):
                raise Conflict(
                    f"{case.reference} is {case.status}, not {', '.join(shipping.sources)}: "
                    "nothing was delivered.",
                    status=case.status,
                )
            apply_transition(case, shipping.name, actor, {}, now=now, via_release=True)
        locked.delivered_at = now
        locked.delivered_by = actor
        locked.save(update_fields=["delivered_at", "delivered_by"])
    return locked


def _is_available(case, name: str) -> bool:
    return can_proceed(getattr(case, name))


def _is_permitted(case, name: str, user) -> bool:
    fsm_transition = getattr(case, name)._django_fsm.get_transition(case.status)
    return fsm_transition is not None and fsm_transition.has_perm(case, user)


def _check_text(case, name: str) -> str:
    permission = next(iter(getattr(case, name)._django_fsm.transitions.values())).permission
    return permission.check_text or "some users"


def conflict(case, actor, detail: str) -> Conflict:
    """A 409 about a case, naming its status and what this actor may do instead, now."""
    return Conflict(detail, status=case.status, available=available_transitions(case, actor))
