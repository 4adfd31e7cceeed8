"""The vocabulary the workflow modules are written in: who may act, and what a transition needs.

Everything here is read twice: by the service that enforces it and by `workflows.metadata`, which
shows it to the API, the portals and the docs. That is what keeps the two from disagreeing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cases.roles import SYSTEM, Role, is_staff_role, role_of, roles_held

ROLE_ORDER = (Role.CUSTOMER, Role.AGENT, Role.MANAGER, SYSTEM)

CUSTOMER = Role.CUSTOMER
AGENT = Role.AGENT
MANAGER = Role.MANAGER

# Payload fields a transition may take.
NOTE = "note"
CLOSE_NOTES = "close_notes"
SUB_STATUS = "sub_status"
ASSIGNEE = "assignee"
PAYLOAD_FIELDS = (NOTE, CLOSE_NOTES, SUB_STATUS, ASSIGNEE)


class Allowed:
    """A django-fsm `permission`: the roles that may perform a transition, plus an optional check
    on the acting user (e.g. "only the assigned agent"). A manager may do whatever an agent may
    (`roles_held`)."""

    def __init__(
        self,
        *roles: str,
        check: Callable[[Any, Any], bool] | None = None,
        check_text: str = "",
    ) -> None:
        self.roles = frozenset(roles)
        self.check = check
        self.check_text = check_text

    def __call__(self, case: Any, user: Any) -> bool:
        return self.allows_role(role_of(user)) and (self.check is None or self.check(case, user))

    def allows_role(self, role: str) -> bool:
        return any(held in self.roles for held in roles_held(role))

    def sorted_roles(self) -> list[str]:
        return [str(role) for role in ROLE_ORDER if self.allows_role(role)]


@dataclass(frozen=True)
class Rules:
    """What the spec table's "payload / rules" column says about one transition."""

    label: str
    requires: tuple[str, ...] = ()
    staff_requires: tuple[str, ...] = ()
    # The payload field holding a customer-facing message, which ends the First Response
    # milestone; `posted_as_reply` also puts it in the conversation as a public reply.
    message: str | None = None
    posted_as_reply: bool = False
    internal_note: bool = False
    automatic: bool = False
    via_release: bool = False
    notifies: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """Every payload field the transition takes; a note is always welcome in the history."""
        named = (*self.requires, *self.staff_requires, NOTE)
        return tuple(f for f in PAYLOAD_FIELDS if f in named)

    def required_for(self, role: str) -> tuple[str, ...]:
        if is_staff_role(role):
            return (*self.requires, *self.staff_requires)
        return self.requires


def rules(label: str, **kwargs) -> dict:
    """The `custom` argument of a django-fsm `@transition`."""
    return {"rules": Rules(label=label, **kwargs)}


# What a timer does when it runs out.
AUTO_CLOSE = "auto_close"
REMINDER = "reminder"


@dataclass(frozen=True)
class Timer:
    """A timed automation of the spec: once a case has stayed `after` (the name of the Queue
    setting holding the duration) in `status` (and `sub_status`, when given), `action` happens,
    at most once per entry into that status. The sweeps and each case's `upcoming` list both
    read these, so what a case is told and what the automations do cannot disagree."""

    action: str
    status: str
    after: str
    sub_status: str | None = None

    def __post_init__(self):
        if self.action not in (AUTO_CLOSE, REMINDER):
            raise ValueError(f"Unknown timer action {self.action!r}")

    def applies_to(self, status: str, sub_status: str) -> bool:
        return status == self.status and self.sub_status in (None, sub_status)


@dataclass(frozen=True)
class ReplyTrigger:
    """An automatic transition fired by a public reply from a role, optionally only from some
    statuses (the transition's other sources are left to people)."""

    transition: str
    only_from: frozenset[str] | None = None


@dataclass(frozen=True)
class Definition:
    """The statuses of one workflow and the rules that are not transitions."""

    key: str
    name: str
    statuses: tuple[tuple[str, str], ...]
    initial: str
    closed: str = "closed"
    closed_is_final: bool = True
    sub_statuses: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    repeatable: bool = False
    owner_on_first_action: bool = False
    assignee_setters: frozenset[str] = frozenset({AGENT})
    # The transition after whose closing the customer is offered a satisfaction survey.
    survey_after: str | None = None

    @property
    def status_keys(self) -> list[str]:
        return [key for key, _ in self.statuses]

    def label(self, status: str) -> str:
        return dict(self.statuses).get(status, status)

    def sub_status_keys(self, status: str) -> list[str]:
        return [key for key, _ in self.sub_statuses.get(status, ())]

    def sub_status_label(self, status: str, sub_status: str) -> str:
        return dict(self.sub_statuses.get(status, ())).get(sub_status, sub_status)
