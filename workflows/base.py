"""What every workflow proxy shares; each workflow module overrides what its own workflow says
(docs/workflows.md)."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar, Protocol

from django_fsm import can_proceed

from cases.models import Case
from cases.roles import roles_held
from workflows.declarations import Definition, Timer, Triggers


class _RuledCase(Protocol):
    """What `WorkflowRules` reads of the case it is mixed into."""

    definition: ClassVar[Definition]
    deletable_from: ClassVar[Mapping[str, frozenset[str]] | None]
    reply_triggers: ClassVar[Triggers]
    status: str


def _deletable_statuses(
    rules: Mapping[str, frozenset[str]] | None, role: str
) -> frozenset[str] | None:
    if rules is None:
        return None
    return next((rules[held] for held in roles_held(role) if held in rules), None)


class WorkflowRules:
    """Mixed into each proxy model of `Case`, before `Case` itself."""

    definition: ClassVar[Definition]
    # Automatic transitions fired by a public reply, per role of the author; the first one
    # available from the current status fires.
    reply_triggers: ClassVar[Triggers] = {}
    # Automatic transitions fired when someone in that role edits the case's fields.
    edit_triggers: ClassVar[Triggers] = {}
    # Who may soft-delete, from which statuses; None: cases of this workflow are never deleted.
    deletable_from: ClassVar[Mapping[str, frozenset[str]] | None] = None
    # What the automations do to a case left long enough in a status (see workflows.timers).
    timers: ClassVar[tuple[Timer, ...]] = ()

    def update_refusal(self: _RuledCase, role: str) -> str | None:
        """Why `role` may not edit, reply to or annotate the case now (409), or None. A deleted
        case refuses everything first (`workflows.transitions.refuse_update`)."""
        if self.definition.closed_is_final and self.status == self.definition.closed:
            return "A closed case cannot be updated."
        return None

    def triggered(self: _RuledCase, triggers: Triggers, role: str) -> str | None:
        """The automatic transition that `triggers` (a reply's or an edit's) fire now for
        someone in `role` (a manager fires what an agent would), or None: whether a reply moves
        the case, and so stops the timers of its status, is decided here, and read by the door
        (`fire_triggers`) and the pages alike."""
        held = roles_held(role)
        triggering = next((r for r in held if r in triggers), None)
        for trigger in triggers.get(triggering, ()) if triggering else ():
            if trigger.only_from is not None and self.status not in trigger.only_from:
                continue
            if can_proceed(getattr(self, trigger.transition)):
                return trigger.transition
        return None

    @classmethod
    def deletable_statuses(cls, role: str) -> frozenset[str] | None:
        """The statuses from which `role` may delete a case of this workflow (a manager may what
        an agent may: `roles_held`); None when it may not delete any."""
        return _deletable_statuses(cls.deletable_from, role)

    def may_delete(self: _RuledCase, role: str) -> bool:
        """Whether `role` may delete the case in its current status (the pages offer Delete
        case when it may; `services.cases.case_delete` says why not otherwise)."""
        statuses = _deletable_statuses(self.deletable_from, role)
        return statuses is not None and self.status in statuses

    @classmethod
    def may_set_assignee(cls, role: str) -> bool:
        return bool(set(roles_held(role)) & cls.definition.assignee_setters)

    @classmethod
    def initial_status(cls) -> str:
        return cls.definition.initial


if TYPE_CHECKING:

    class WorkflowCase(WorkflowRules, Case):
        """A case seen through its workflow's state machine (what the type checker knows)."""

else:
    # At run time every workflow proxy is a WorkflowRules; there is no fifth model. Each proxy
    # names `(WorkflowCase, Case)` as its bases: that is `(WorkflowRules, Case)` here, and a
    # subclass of the class above for the type checker.
    WorkflowCase = WorkflowRules
