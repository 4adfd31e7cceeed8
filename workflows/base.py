"""What every workflow proxy shares; each workflow module overrides what its spec section says."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar, Protocol

from cases.models import Case
from cases.roles import roles_held
from workflows.declarations import Definition, Timer, Triggers


class _RuledCase(Protocol):
    """What `WorkflowRules` reads of the case it is mixed into."""

    definition: ClassVar[Definition]
    status: str


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
        case refuses everything first (`workflows.services.refuse_update`)."""
        if self.definition.closed_is_final and self.status == self.definition.closed:
            return "A closed case cannot be updated."
        return None

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
