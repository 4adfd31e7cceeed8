"""What every workflow proxy shares; each workflow module overrides what its spec section says."""

from workflows.declarations import Definition, ReplyTrigger, Timer


class WorkflowRules:
    """Mixed into each proxy model of `Case`, before `Case` itself."""

    definition: Definition
    # Automatic transitions fired by a public reply, per role of the author; the first one
    # available from the current status fires.
    reply_triggers: dict[str, tuple[ReplyTrigger, ...]] = {}
    # Automatic transitions fired when someone in that role edits the case's fields.
    edit_triggers: dict[str, tuple[ReplyTrigger, ...]] = {}
    # Who may soft-delete, from which statuses; None: cases of this workflow are never deleted.
    deletable_from: dict[str, frozenset[str]] | None = None
    # What the automations do to a case left long enough in a status (see workflows.automations).
    timers: tuple[Timer, ...] = ()

    def update_refusal(self, role: str) -> str | None:
        """Why `role` may not edit, reply to or annotate the case now (409), or None."""
        if self.is_deleted:
            return "This case is deleted; a manager can restore it."
        if self.definition.closed_is_final and self.status == self.definition.closed:
            return "A closed case cannot be updated."
        return None

    def may_set_assignee(self, role: str) -> bool:
        return role in self.definition.assignee_setters

    @classmethod
    def initial_status(cls) -> str:
        return cls.definition.initial
