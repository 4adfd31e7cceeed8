"""The one door through which every change to a case passes, whoever makes it (API, pages, admin,
demo data, automations). It exposes two ways in:

- `perform_transition(...)`: a status change by name, checked in the order the API answers
  them: 404 (not visible, no such transition), 403 (role), 409 (not available now), 400
  (payload). `deliver_release(...)` performs a release's transition on all its cases at once.
- `change_case(...)`: any other change (a reply, an edit, a file, a deletion), as a `CaseChange`
  whose methods record it with what it implies: the history, the stamps (who owns the case, the
  First Response milestone, who waits for an answer), the automatic transitions it fires, and the
  notifications, sent after the commit.

Either way the case row is locked for the whole check-and-write, so of two people acting at once
the second sees the first one's result, and everything a change writes commits together: a
refused or losing change leaves nothing. Who acts is worked out once (`cases.actors.Actor`) and
carried through. A change writes only the case's columns it changed. Within `batched()` (a
sweep's batch of cases it has claimed) the same rules run case by case, and the writes go out
once for the whole batch.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_fsm import can_proceed

from cases.actors import Actor
from cases.errors import Conflict, Forbidden, NotVisible, UnknownTransition
from cases.models import Case, Comment, HistoryEntry, MessageChannel, Release, User
from cases.roles import SYSTEM, people_in
from cases.selectors import cases_visible_to
from notifications.batches import AnyOf
from notifications.models import Kind
from notifications.outbox import collected, delay_of, notify
from workflows.base import WorkflowCase
from workflows.declarations import Rules, Triggers
from workflows.metadata import describe, transition_label
from workflows.milestones import first_response_due_after_priority_change
from workflows.payload import Payload, clean_payload
from workflows.registry import as_workflow_case, workflow_model

DELETED = "This case is deleted; a manager can restore it."
# What a person is told when they act from a page drawn before someone else changed the case.
CHANGED_SINCE_SEEN = "This case changed since you opened it"
# The fields an edit may change (`CaseChange.edit`); the status is never one of them.
EDITABLE = ("subject", "description", "priority", "assignee")

Who = Actor | User | None


def perform_transition(
    *,
    case_id: int,
    name: str,
    actor: Who,
    now: datetime | None = None,
    seen: datetime | None = None,
    channel: str = MessageChannel.WEB,
    **payload: Any,
) -> WorkflowCase:
    """Perform transition `name` on the case as `actor` (None: the automations). `seen`: the
    case's version (its `updated_at`) as the person last saw it; a case changed since is a 409.
    `channel`: where the person acted, kept on the message the transition posts."""
    with change_case(case_id=case_id, actor=actor, now=now, seen=seen, channel=channel) as change:
        change.transition(name, payload)
    return change.case


@contextmanager
def change_case(
    *,
    case_id: int,
    actor: Who,
    now: datetime | None = None,
    seen: datetime | None = None,
    channel: str = MessageChannel.WEB,
) -> Iterator["CaseChange"]:
    """Lock the case the actor may see (404 otherwise), refuse a change from a page older than
    its last change (`seen`, 409), and hand the caller the change to record, in one
    transaction. `channel`: where the actor writes from (the pages, the API, an email), kept on
    each message the change posts."""
    who = Actor.of(actor)
    with transaction.atomic():
        change = CaseChange(_lock(case_id, who), who, now or timezone.now(), channel=channel)
        if seen is not None and change.case.updated_at != seen:
            raise change.refusal(CHANGED_SINCE_SEEN)
        yield change


def why_not_updatable(case: Case, actor: Who) -> str | None:
    """Why this person may not edit, reply to or annotate the case now, or None: a deleted case,
    or what the workflow refuses (`update_refusal`: e.g. a closed case where closed is final).
    The pages ask it to offer the Reply box or say why not; a change asks it to refuse."""
    if case.is_deleted:
        return DELETED
    return as_workflow_case(case).update_refusal(Actor.of(actor).role)


def available_transitions(case: Case, actor: Who) -> list[str]:
    """The transitions this person may ask for now, in the order of the workflow's table."""
    who = Actor.of(actor)
    info = describe(case.workflow)
    case = as_workflow_case(case)
    return [
        t.name
        for t in info.transitions
        if t.manual and _is_available(case, t.name) and _is_permitted(case, t.name, who)
    ]


@dataclass
class _Writes:
    """What the changes of a batch (`batched`) write when it ends: each case with the names of
    the fields its changes touched, and the history rows."""

    cases: dict[int, tuple[Case, set[str]]] = field(default_factory=dict)
    history: list[HistoryEntry] = field(default_factory=list)


_batch: ContextVar[_Writes | None] = ContextVar("case_changes_batched", default=None)


@contextmanager
def batched() -> Iterator[None]:
    """Within the block, every `CaseChange` checks and decides as always, case by case, but keeps
    its writes: as the block ends the cases are updated with one UPDATE per set of values they
    took (a sweep's batch of auto-closes: one), their history rows written in one INSERT and
    their notifications in another (`notifications.outbox.collected`). For a sweep acting on
    cases it has claimed in one transaction: two round trips a case become three a batch.
    Nothing in the block may read these rows back before it ends; a block that raises writes
    nothing (its transaction rolls back what the block wrote otherwise)."""
    writes = _Writes()
    token = _batch.set(writes)
    try:
        with collected():
            yield
            _write(writes)
    finally:
        _batch.reset(token)


def _write(writes: _Writes) -> None:
    """One UPDATE per distinct set of (field, value) the batch's cases took, stamped with one
    `updated_at`; then the history rows."""
    stamp = timezone.now()
    groups: dict[tuple[tuple[str, Any], ...], list[int]] = {}
    for case, names in writes.cases.values():
        case.updated_at = stamp
        values = tuple(sorted((name, getattr(case, name)) for name in names))
        groups.setdefault(values, []).append(case.pk)
    for values, ids in groups.items():
        Case.objects.filter(AnyOf(F("pk"), ids)).update(**dict(values), updated_at=stamp)
    HistoryEntry.objects.bulk_create(writes.history)


class CaseChange:
    """A change to one case, locked in the caller's transaction (`change_case`), or a case the
    caller holds otherwise: one it has just created (`opened`), or one a sweep claimed."""

    def __init__(
        self, case: Case, actor: Who, now: datetime, *, channel: str = MessageChannel.WEB
    ) -> None:
        self.case: WorkflowCase = as_workflow_case(case)
        self.actor = Actor.of(actor)
        self.now = now
        self.channel = channel
        # The case's columns as last read or written: a save writes only those changed since.
        self._saved = _columns(self.case)

    # --- refusals --------------------------------------------------------------------------

    def refusal(self, detail: str) -> Conflict:
        """A 409 about the case, naming its status and what this actor may do instead, now."""
        return Conflict(
            detail,
            status=self.case.status,
            available=available_transitions(self.case, self.actor),
        )

    def require_updatable(self) -> None:
        """409 where the case takes no edit, reply, note or file now (`why_not_updatable`)."""
        if self.case.is_deleted:
            raise Conflict(DELETED, status=self.case.status)
        reason = why_not_updatable(self.case, self.actor)
        if reason:
            raise self.refusal(reason)

    # --- changes ---------------------------------------------------------------------------

    def transition(
        self,
        name: str,
        raw_payload: dict[str, Any] | None = None,
        *,
        automatic: bool = False,
        via_release: bool = False,
    ) -> HistoryEntry:
        """Check and perform a transition: the history row, its message, the stamps and the
        notifications with it. `automatic`: fired by the automations or by a reply or an edit;
        `via_release`: by delivering a release. Within `batched`, the history row returned is
        written as the batch ends."""
        case, actor, now = self.case, self.actor, self.now
        definition = case.definition
        info = describe(case.workflow).transition(name)
        if info is None:
            raise UnknownTransition(
                f"{definition.name} cases have no “{transition_label(name)}” action."
            )
        rules = info.rules
        label = f"“{info.label}”"

        if case.is_deleted:
            raise Conflict(DELETED, status=case.status)
        if rules.automatic and not automatic:
            if info.roles == (SYSTEM,):
                raise Forbidden(f"{label} happens only by itself, on time.")
            raise self.refusal(f"{label} happens by itself and cannot be asked for.")
        if not actor.holds(info.roles):
            raise Forbidden(f"{people_in(actor.role).capitalize()} may not perform {label}.")
        if rules.via_release and not via_release:
            raise self.refusal(f"{label} happens only by delivering a release.")
        if not _is_available(case, name):
            status = definition.label(case.status)
            raise self.refusal(f"{label} is not possible while the case is {status}.")
        if not _is_permitted(case, name, actor):
            check = info.permission.check_text or "some people"
            raise Forbidden(f"Only {check} may perform {label}.")

        payload = clean_payload(
            rules=rules,
            definition=definition,
            target=info.target,
            role=actor.role,
            raw=raw_payload or {},
        )
        source = case.status
        assigned_before = case.assignee_id
        getattr(case, name)(actor.user, payload)
        case.status_changed_at = now
        if not definition.sub_status_keys(case.status):
            case.sub_status = ""
        if case.status == definition.closed:
            case.closed_at = now
        elif source == definition.closed:
            case.closed_at = None
        message = public_message(rules, payload) if actor.user is not None else ""
        self._stamp(customer_facing=bool(message))
        self._save()

        # What the transition says to the other side is a message of the conversation like any
        # reply, by the same person at the same moment (`public_message`).
        comment = None
        if message and actor.user is not None:
            comment = case.comments.create(
                author=actor.user,
                body=message,
                internal=False,
                channel=self.channel,
                created_at=now,
            )
        entry = HistoryEntry(
            case=case,
            transition=name,
            source=source,
            target=case.status,
            actor=actor.user,
            actor_role=actor.role,
            note=payload.note or payload.close_notes or "",
            note_internal=rules.internal_note,
            payload=payload.as_record(),
            comment=comment,
            created_at=now,
        )
        writes = _batch.get()
        if writes is None:
            entry.save()
        else:
            writes.history.append(entry)
        for kind in rules.notifies:
            self.notify(kind)
        told_now = any(delay_of(kind, case) <= timedelta(0) for kind in rules.notifies)
        if comment is not None and not told_now:
            # No notification of the transition's own goes out now: the other side hears of
            # the message as of any reply.
            self.notify(Kind.PUBLIC_REPLY, occasion=f"c{comment.pk}")
        self._tell_new_assignee(assigned_before)
        return entry

    def post(self, body: str, *, internal: bool) -> Comment:
        """A reply or an internal note by the actor. A public reply answers (from support) or
        waits for an answer (from the customer), may fire the automatic transition of the
        workflow's `reply_triggers`, and the other side hears of it; an internal note only
        counts as the case's latest change."""
        case, actor, now = self.case, self.actor, self.now
        if actor.user is None:
            raise TypeError("The automations write no messages.")
        comment = case.comments.create(
            author=actor.user, body=body, internal=internal, channel=self.channel, created_at=now
        )
        if internal:
            case.save(update_fields=["updated_at"])
            return comment
        self._stamp(customer_facing=True)
        if actor.is_customer:
            case.customer_replied_at = now
        self._save()
        self._fire(case.reply_triggers)
        self.notify(Kind.PUBLIC_REPLY, occasion=f"c{comment.pk}")
        return comment

    def edit(self, values: dict[str, Any]) -> bool:
        """Set the case's fields (already checked by the caller: `EDITABLE` only, the assignee
        a user or None); False when nothing changed, and then nothing happens. Otherwise the
        First Response promise follows a new priority (`workflows.milestones`), a customer's
        edit waits for an answer and may fire the workflow's `edit_triggers`, and a new
        assignee is told."""
        case = self.case
        unknown = set(values) - set(EDITABLE)
        if unknown:
            raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
        assigned_before, priority_before = case.assignee_id, case.priority
        changed = False
        for name, value in values.items():
            current = case.assignee if name == "assignee" else getattr(case, name)
            if current != value:
                setattr(case, name, value)
                changed = True
        if not changed:
            return False
        if case.priority != priority_before:
            case.first_response_due_at = first_response_due_after_priority_change(
                case, previous=priority_before, now=self.now
            )
        stamp_customer_action(case, self.actor, self.now)
        self._save()
        self._fire(case.edit_triggers)
        self._tell_new_assignee(assigned_before)
        return True

    def opened(self) -> None:
        """A case just created: its requester is acknowledged with its reference, whoever
        opened it."""
        self.notify(Kind.CASE_CREATED)

    def touch(self) -> None:
        """The case changed in a way that is none of the above (a file added): it is the
        case's latest change."""
        self.case.save(update_fields=["updated_at"])

    def save(self, *fields: str) -> None:
        """Keep fields the caller set that imply nothing more (deletion, restoration): `fields`,
        or every field changed since the case was read."""
        if fields:
            self.case.save(update_fields=[*fields, "updated_at"])
        else:
            self._save()

    def notify(self, kind: str, *, occasion: str | None = None) -> list[str]:
        """`notify` about the case, with the labels of its status now, which only this layer can
        read (the row keeps them: the email tells of this moment)."""
        case = self.case
        definition = case.definition
        return notify(
            kind,
            case=case,
            actor=self.actor,
            now=self.now,
            occasion=occasion,
            status_label=definition.label(case.status),
            sub_status_label=definition.sub_status_label(case.status, case.sub_status),
        )

    # --- what a change implies ---------------------------------------------------------------

    def _save(self) -> None:
        """Write the fields changed since the case was read or last saved, and `updated_at`
        (the row's other columns are left as they are: no write of a whole row for a status
        change); within `batched`, keep them for the batch's UPDATE."""
        now = _columns(self.case)
        changed = {name for name, value in now.items() if self._saved.get(name, _UNREAD) != value}
        self._saved = now
        changed.discard("updated_at")
        writes = _batch.get()
        if writes is None:
            self.case.save(update_fields=[*sorted(changed), "updated_at"])
            return
        kept = writes.cases.setdefault(self.case.pk, (self.case, set()))
        kept[1].update(changed)

    def _stamp(self, *, customer_facing: bool) -> None:
        """What support acting on a case records: the first agent to act on an
        unassigned case owns it where the workflow says so, and their customer-facing messages
        answer the customer: the first ends the First Response milestone, and each one means the
        customer no longer waits for an answer. A customer who acts waits for one."""
        case, actor = self.case, self.actor
        if actor.is_staff:
            if case.definition.owner_on_first_action and case.assignee_id is None:
                case.assignee = actor.user
            if customer_facing:
                case.first_responded_at = case.first_responded_at or self.now
                case.awaiting_answer_since = None
        stamp_customer_action(case, actor, self.now)

    def _fire(self, triggers: Triggers) -> None:
        """Fire the automatic transition the actor's reply or edit triggers now
        (`WorkflowRules.triggered`), if any and if this actor is permitted it."""
        name = self.case.triggered(triggers, self.actor.role)
        if name is not None and _is_permitted(self.case, name, self.actor):
            self.transition(name, automatic=True)

    def _tell_new_assignee(self, assigned_before: int | None) -> None:
        """Whoever gives the case to someone (an edit, `assign`, `assign_to_me`, the first agent
        to act becoming its owner) tells them, unless they took it themselves."""
        if self.case.assignee_id not in (None, assigned_before):
            self.notify(Kind.ASSIGNED, occasion=self.now.isoformat())


def deliver_release(*, release_id: int, actor: Who, now: datetime | None = None) -> Release:
    """Perform the workflow's release transition (release_tracking: `deliver_release`) on every
    case of the release at once: all of them or none."""
    now = now or timezone.now()
    who = Actor.of(actor)
    with transaction.atomic():
        locked = (
            Release.objects.select_for_update(of=("self",))
            .select_related("queue")
            .get(pk=release_id)
        )
        if not who.is_staff:
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
        cases = (
            workflow_model(info.key)
            .objects.select_for_update(of=("self",))
            .select_related("queue", "requester", "assignee")
            .filter(pk__in=case_ids)
        )
        for row in cases.order_by("pk"):
            case = as_workflow_case(row)
            if not _is_available(case, shipping.name):
                # In the workflow's words ("Open", "Done Awaiting Release"): pages show this.
                ready = " or ".join(info.label(status) for status in shipping.sources)
                raise Conflict(
                    f"{case.reference} is {info.label(case.status)}, not {ready}: "
                    "nothing was delivered.",
                    status=case.status,
                )
            CaseChange(case, who, now).transition(shipping.name, via_release=True)
        locked.delivered_at = now
        locked.delivered_by = who.user
        locked.save(update_fields=["delivered_at", "delivered_by"])
    return locked


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


def stamp_customer_action(case: Case, actor: Actor, now: datetime) -> None:
    """A case waits for support's answer from the moment it is opened, and again whenever its
    customer writes (a public reply) or acts on it (a transition such as Reject solution, an
    edit), since the earliest such moment; support's next customer-facing message (a public
    reply, or a transition's message) ends the wait (`CaseChange._stamp`). The agent
    workspace's Needs response lists the cases that wait so."""
    if actor.is_customer:
        case.awaiting_answer_since = case.awaiting_answer_since or now


# A column not read (deferred): whatever it holds later counts as changed.
_UNREAD = object()


def _columns(case: Case) -> dict[str, Any]:
    """The case's columns, as the object holds them (by `attname`: a foreign key's id)."""
    held = case.__dict__
    return {f.attname: held.get(f.attname, _UNREAD) for f in Case._meta.concrete_fields}


def _lock(case_id: int, actor: Actor) -> Case:
    """The case row, locked until the transaction ends, with its queue and the people
    notifications go to; 404 when the actor may not see it. Visibility and the lock are one
    query, so a change reads its case once (`of=("self",)`: the other rows are read, not
    locked)."""
    cases = Case.objects.all() if actor.user is None else cases_visible_to(actor.user)
    try:
        return (
            cases.select_related("queue", "requester", "assignee")
            .select_for_update(of=("self",))
            .get(pk=case_id)
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotVisible("No such case.") from None


def _is_available(case: WorkflowCase, name: str) -> bool:
    return can_proceed(getattr(case, name))


def _is_permitted(case: WorkflowCase, name: str, actor: Actor) -> bool:
    """Available now and allowed to this person. The transition's own `Allowed` is asked
    directly (what django-fsm's `has_transition_perm` would ask it), as django-fsm takes only
    users and None is the automations."""
    info = describe(case.workflow).transition(name)
    return info is not None and _is_available(case, name) and info.permission.permits(case, actor)
