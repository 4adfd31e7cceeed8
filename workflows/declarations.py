"""The vocabulary the workflow modules are written in: who may act, and what a transition needs.

Everything here is read twice: by the service that enforces it and by `workflows.metadata`, which
shows it to the API, the portals and the docs. That is what keeps the two from disagreeing.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.db.models import Model

from cases.actors import Actor
from cases.models import Case, User
from cases.roles import SYSTEM as SYSTEM  # the automations' role, part of this vocabulary
from cases.roles import Role, is_staff_role, roles_held

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
        check: Callable[[Case, User | None], bool] | None = None,
        check_text: str = "",
    ) -> None:
        self.roles = frozenset(roles)
        self.check = check
        self.check_text = check_text

    def __call__(self, case: Model, user: object) -> bool:
        """django-fsm's permission hook: the case, and the user the caller asked about (a
        `User`, or None for the automations). Anything else is refused."""
        if not isinstance(case, Case) or not (user is None or isinstance(user, User)):
            return False
        return self.permits(case, Actor.of(user))

    def permits(self, case: Case, actor: Actor) -> bool:
        """Whether `actor` may perform the transition on `case` (the door asks this, with the
        actor it worked out once)."""
        return actor.holds(self.roles) and (self.check is None or self.check(case, actor.user))

    def allows_role(self, role: str) -> bool:
        return any(held in self.roles for held in roles_held(role))

    def sorted_roles(self) -> list[str]:
        return [str(role) for role in ROLE_ORDER if self.allows_role(role)]


@dataclass(frozen=True)
class Rules:
    """What a transition needs and does beyond who may perform it and from where: its payload,
    its message, its notifications, whether it happens by itself."""

    label: str
    # What the action does, in a sentence, for whoever chooses it (the pages show it beside the
    # button): "The solution works: the case closes."
    explained: str = ""
    # The action done, in a few words, for the message after it: "Solution accepted".
    done: str = ""
    requires: tuple[str, ...] = ()
    staff_requires: tuple[str, ...] = ()
    # The payload field holding what the transition offers the customer to decide on (the
    # proposed solution, the answer): the pages show it where the customer decides. Like every
    # note that is not internal, it is posted in the conversation as a message.
    message: str | None = None
    # What the pages call that offer ("Proposed solution", "Answer").
    offered_as: str = ""
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


def rules(label: str, **kwargs: Any) -> dict[str, Rules]:
    """The `custom` argument of a django-fsm `@transition`."""
    return {"rules": Rules(label=label, **kwargs)}


def condition(check: Callable[[Case], bool]) -> Callable[[Model], bool]:
    """A django-fsm condition (`conditions=[...]`) written about the case: django-fsm calls it
    with the model instance, which is always a case here (anything else fails the condition).
    Its docstring and name stay the condition's (`workflows.metadata` shows them)."""

    @wraps(check)
    def on_instance(instance: Model) -> bool:
        return isinstance(instance, Case) and check(instance)

    return on_instance


# What a timer does when it runs out.
AUTO_CLOSE = "auto_close"
REMINDER = "reminder"


@dataclass(frozen=True)
class Timer:
    """A timed automation: once a case has stayed `after` (the name of the Queue
    setting holding the duration) in `status` (and `sub_status`, when given), `action` happens,
    at most once per entry into that status. The sweeps and each case's `upcoming` list both
    read these, so what a case is told and what the automations do cannot disagree."""

    action: str
    status: str
    after: str
    sub_status: str | None = None

    def __post_init__(self) -> None:
        if self.action not in (AUTO_CLOSE, REMINDER):
            raise ValueError(f"Unknown timer action {self.action!r}")

    def applies_to(self, status: str, sub_status: str) -> bool:
        return status == self.status and self.sub_status in (None, sub_status)


@dataclass(frozen=True)
class Trigger:
    """An automatic transition fired by what someone in a role does (a public reply: a
    workflow's `reply_triggers`; an edit of the case: its `edit_triggers`), optionally only from
    some statuses (the transition's other sources are left to people)."""

    transition: str
    only_from: frozenset[str] | None = None


# Automatic transitions by the role that fires them, the first available one firing.
Triggers = Mapping[str, tuple[Trigger, ...]]


# The sides a case waits on: who holds the next move.
CUSTOMER_SIDE = "customer"
SUPPORT_SIDE = "support"


@dataclass(frozen=True)
class Wait:
    """Who a case waits on in one status (or sub-status): the customer, support, or nobody
    (None: a closed case). A wait shown by a name of its own carries it in
    `shown_as` ("In development")."""

    side: str | None
    shown_as: str | None = None

    def __post_init__(self) -> None:
        if self.side not in (CUSTOMER_SIDE, SUPPORT_SIDE, None):
            raise ValueError(f"Unknown side {self.side!r}")


ON_CUSTOMER = Wait(CUSTOMER_SIDE)
ON_SUPPORT = Wait(SUPPORT_SIDE)
ON_NOBODY = Wait(None)


def on_support(shown_as: str) -> Wait:
    """A wait on support that is shown by a name of its own."""
    return Wait(SUPPORT_SIDE, shown_as)


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
    # Who each status waits on: every status has its line, the closed one waits on nobody.
    waiting_on: dict[str, Wait] = field(default_factory=dict)
    # Where the side depends on the sub-status: who each sub-status of that status waits on (the
    # status's own line stands for a case with no sub-status).
    sub_status_waiting_on: dict[str, dict[str, Wait]] = field(default_factory=dict)
    # What each status (and sub-status) means, in one sentence for the customer, from the
    # vendor's own description of it: "Pending Customer" explains itself on the portal.
    meanings: dict[str, str] = field(default_factory=dict)
    sub_status_meanings: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """A gap in who a case waits on would drop cases from every "waiting on" list: refuse
        to define such a workflow."""
        if set(self.waiting_on) != set(self.status_keys):
            raise ValueError(f"{self.key}: `waiting_on` must name every status, and only those.")
        if self.waiting_on[self.closed].side is not None:
            raise ValueError(f"{self.key}: a closed case waits on nobody.")
        for status, waits in self.sub_status_waiting_on.items():
            if set(waits) != set(self.sub_status_keys(status)):
                raise ValueError(
                    f"{self.key}: `sub_status_waiting_on[{status!r}]` must name "
                    "every sub-status of that status, and only those."
                )
        if set(self.meanings) != set(self.status_keys):
            raise ValueError(f"{self.key}: `meanings` must say what every status means.")
        for status in self.sub_statuses:
            if set(self.sub_status_meanings.get(status, {})) != set(self.sub_status_keys(status)):
                raise ValueError(f"{self.key}: say what every sub-status of {status!r} means.")

    @property
    def status_keys(self) -> list[str]:
        return [key for key, _ in self.statuses]

    def label(self, status: str) -> str:
        return dict(self.statuses).get(status, status)

    def sub_status_keys(self, status: str) -> list[str]:
        return [key for key, _ in self.sub_statuses.get(status, ())]

    def sub_status_label(self, status: str, sub_status: str) -> str:
        """A sub-status in words, "" when there is none."""
        if not sub_status:
            return ""
        return dict(self.sub_statuses.get(status, ())).get(sub_status, sub_status)

    def meaning(self, status: str, sub_status: str = "") -> str:
        """What the status (with its sub-status, where it has one) means for the customer."""
        by_sub_status = self.sub_status_meanings.get(status, {})
        return by_sub_status.get(sub_status) or self.meanings.get(status, "")
