"""Each workflow described as data, read off the django-fsm transitions that enforce it.

The API's /api/workflows/, the portals and the `show_workflows` command all read this, so what
people are shown is what the code does.
"""

import inspect
import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, reduce
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django_fsm import FSMFieldMixin, Transition

from cases.models import Case
from workflows.base import WorkflowCase
from workflows.declarations import ON_NOBODY, Allowed, Definition, Rules, Wait
from workflows.registry import WORKFLOWS


@dataclass(frozen=True)
class TransitionInfo:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    rules: Rules
    conditions: tuple[str, ...]
    permission: Allowed

    @property
    def manual(self) -> bool:
        """Whether a person may ask for it by name (automatic and release-only ones are not)."""
        return not (self.rules.automatic or self.rules.via_release)


@dataclass(frozen=True)
class WorkflowInfo:
    key: str
    name: str
    initial_status: str
    statuses: tuple[tuple[str, str], ...]
    sub_statuses: dict[str, tuple[tuple[str, str], ...]]
    transitions: tuple[TransitionInfo, ...]
    # Who a case waits on, as the workflow module declares it (`Definition.waiting_on`).
    waits: dict[str, Wait]
    sub_status_waits: dict[str, dict[str, Wait]]
    definition: Definition

    def transition(self, name: str) -> TransitionInfo | None:
        return next((t for t in self.transitions if t.name == name), None)

    def label(self, status: str) -> str:
        """A status in words ("Pending Customer"), as its workflow module declares it
        (`Definition.label`, the one place that looks a label up)."""
        return self.definition.label(status)

    def sub_status_label(self, status: str, sub_status: str) -> str:
        """A sub-status in words ("Customer Input"), "" when there is none."""
        return self.definition.sub_status_label(status, sub_status)

    @property
    def release_transition(self) -> TransitionInfo | None:
        """The transition a release delivery performs; None: this workflow has no releases."""
        return next((t for t in self.transitions if t.rules.via_release), None)

    def wait(self, status: str, sub_status: str = "") -> Wait:
        """Who a case in `status` (and `sub_status`) waits on, and the words for it."""
        by_sub_status = self.sub_status_waits.get(status, {})
        return by_sub_status.get(sub_status) or self.waits.get(status, ON_NOBODY)

    def waiting_on(self, status: str, sub_status: str = "") -> str | None:
        """The side it waits on: "customer", "support", or None (nobody: closed)."""
        return self.wait(status, sub_status).side

    def waiting_shown_as(self, status: str, sub_status: str = "") -> str | None:
        """The name this wait is shown by ("In development", "Development"), or None where
        the side says it all."""
        return self.wait(status, sub_status).shown_as

    def waiting_on_q(self, side: str | None) -> Q:
        """This workflow's cases that wait on `side`, as (workflow, status[, sub_status]) pairs
        (what the (workflow, status, ...) indexes of cases serve)."""
        plain = [
            status
            for status, wait in self.waits.items()
            if status not in self.sub_status_waits and wait.side == side
        ]
        parts = [Q(workflow=self.key, status__in=plain)] if plain else []
        for status, by_sub_status in self.sub_status_waits.items():
            # The status's own line holds for any sub-status it does not list.
            own = self.waits[status].side == side
            other = [sub for sub, wait in by_sub_status.items() if (wait.side == side) != own]
            if own:
                part = Q(workflow=self.key, status=status)
                parts.append(part & ~Q(sub_status__in=other) if other else part)
            elif other:
                parts.append(Q(workflow=self.key, status=status, sub_status__in=other))
        # No case at all where no status waits on that side.
        return reduce(operator.or_, parts) if parts else Q(pk__in=[])


def _fsm_transitions(model: type[WorkflowCase]) -> list[Transition]:
    # django-fsm's public readers (`get_all_status_transitions()`) need an instance; the field's
    # own `get_all_transitions(model)`, which they and django-fsm's `graph_transitions` command
    # call, reads the class without making one.
    field = Case._meta.get_field("status")
    if not isinstance(field, FSMFieldMixin):
        raise TypeError("Case.status must be a django-fsm field.")
    return list(field.get_all_transitions(model))


@cache
def describe(key: str) -> WorkflowInfo:
    model = WORKFLOWS[key]
    definition = model.definition
    order = {status: index for index, (status, _) in enumerate(definition.statuses)}
    grouped: dict[str, list[Transition]] = {}
    for fsm_transition in _fsm_transitions(model):
        grouped.setdefault(fsm_transition.name, []).append(fsm_transition)

    infos = []
    for name, edges in grouped.items():
        first = edges[0]
        rules = first.custom.get("rules")
        if not isinstance(rules, Rules) or not isinstance(first.permission, Allowed):
            raise TypeError(
                f"{model.__name__}.{name}: declare `permission=Allowed(...)` and "
                "`custom=rules(...)`."
            )
        infos.append(
            TransitionInfo(
                name=name,
                label=rules.label,
                sources=tuple(sorted((str(edge.source) for edge in edges), key=order.__getitem__)),
                target=str(first.target),
                roles=tuple(first.permission.sorted_roles()),
                rules=rules,
                conditions=tuple(_explain(condition) for condition in first.conditions),
                permission=first.permission,
            )
        )
    # In the order the workflow module declares them (a class body keeps its order): the order
    # of the workflow's table in docs/workflows.md.
    declared = list(vars(model))
    infos.sort(key=lambda info: declared.index(info.name))
    return WorkflowInfo(
        key=definition.key,
        name=definition.name,
        initial_status=definition.initial,
        statuses=definition.statuses,
        sub_statuses=definition.sub_statuses,
        transitions=tuple(infos),
        waits=definition.waiting_on,
        sub_status_waits=definition.sub_status_waiting_on,
        definition=definition,
    )


def _explain(condition: Callable[..., bool]) -> str:
    """A condition in words: the first paragraph of its docstring, on one line."""
    paragraph = (inspect.getdoc(condition) or "").split("\n\n")[0]
    return " ".join(paragraph.split()) or condition.__name__.replace("_", " ")


def all_workflows() -> list[WorkflowInfo]:
    return [describe(key) for key in WORKFLOWS]


@cache
def transition_label(name: str) -> str:
    """A transition's label, whichever workflow has it (the first that does), for messages about
    a name another workflow than the case's knows; the name in words when none has it."""
    for info in all_workflows():
        transition = info.transition(name)
        if transition is not None:
            return transition.label
    return name.replace("_", " ").capitalize()


def as_json(info: WorkflowInfo) -> dict[str, Any]:
    """The workflow object of the API contract, plus what else a client may find useful."""
    return {
        "key": info.key,
        "name": info.name,
        "initial_status": info.initial_status,
        "statuses": [
            {
                "key": key,
                "label": label,
                "waiting_on": info.waiting_on(key),
                "sub_statuses": [
                    {
                        "key": sub_key,
                        "label": sub_label,
                        "waiting_on": info.waiting_on(key, sub_key),
                    }
                    for sub_key, sub_label in info.sub_statuses.get(key, ())
                ],
            }
            for key, label in info.statuses
        ],
        "transitions": [
            {
                "name": t.name,
                "label": t.label,
                "sources": list(t.sources),
                "target": t.target,
                "roles": list(t.roles),
                "automatic": t.rules.automatic,
                "manual": t.manual,
                "payload": {
                    "fields": list(t.rules.fields),
                    "required": list(t.rules.requires),
                    "required_for_staff": list(t.rules.staff_requires),
                },
                "conditions": list(t.conditions),
            }
            for t in info.transitions
        ],
    }


CaseT = TypeVar("CaseT", bound=Case)


def case_wait(case: Case) -> Wait:
    """Who this case waits on now (`Wait.side`), and the words for it (`Wait.shown_as`)."""
    return describe(case.workflow).wait(case.status, case.sub_status)


def waiting_on_q(side: str | None) -> Q:
    """The cases of every workflow that wait on `side` ("customer", "support"; None: closed),
    for the "Waiting on you", "Needs response" and "Waiting on customer" lists."""
    return reduce(operator.or_, (info.waiting_on_q(side) for info in all_workflows()))


def closed_cases() -> Q:
    """Cases in their workflow's closed status (the Closed lists; "open" is everything else)."""
    return reduce(
        operator.or_,
        (Q(workflow=key, status=model.definition.closed) for key, model in WORKFLOWS.items()),
    )


def cases_waiting_on(cases: QuerySet[CaseT], side: str | None) -> QuerySet[CaseT]:
    return cases.filter(waiting_on_q(side))
