"""Each workflow described as data, read off the django-fsm transitions that enforce it.

The API's /api/workflows/, the portals and the `show_workflows` command all read this, so what
people are shown is what the code does.
"""

import inspect
from dataclasses import dataclass
from functools import cache
from typing import Any

from cases.models import Case
from workflows.base import WorkflowCase
from workflows.declarations import Allowed, Rules
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
    sub_statuses: dict
    transitions: tuple[TransitionInfo, ...]

    def transition(self, name: str) -> TransitionInfo | None:
        return next((t for t in self.transitions if t.name == name), None)

    @property
    def release_transition(self) -> TransitionInfo | None:
        """The transition a release delivery performs; None: this workflow has no releases."""
        return next((t for t in self.transitions if t.rules.via_release), None)


def _fsm_transitions(model: type[WorkflowCase]) -> list[Any]:
    # django-fsm's public readers (`get_all_status_transitions()`) need an instance; the field's
    # own `get_all_transitions(model)`, which they and django-fsm's `graph_transitions` command
    # call, reads the class without making one.
    field = Case._meta.get_field("status")
    return list(field.get_all_transitions(model))


@cache
def describe(key: str) -> WorkflowInfo:
    model = WORKFLOWS[key]
    definition = model.definition
    order = {status: index for index, (status, _) in enumerate(definition.statuses)}
    grouped: dict[str, list] = {}
    for fsm_transition in _fsm_transitions(model):
        grouped.setdefault(fsm_transition.name, []).append(fsm_transition)

    infos = []
    for name, edges in grouped.items():
        first = edges[0]
        rules: Rules = first.custom["rules"]
        infos.append(
            TransitionInfo(
                name=name,
                label=rules.label,
                sources=tuple(sorted((edge.source for edge in edges), key=order.__getitem__)),
                target=first.target,
                roles=tuple(first.permission.sorted_roles()),
                rules=rules,
                conditions=tuple(_explain(condition) for condition in first.conditions),
                permission=first.permission,
            )
        )
    # In the order the workflow module declares them (a class body keeps its order): the order
    # of the spec's table.
    declared = list(vars(model))
    infos.sort(key=lambda info: declared.index(info.name))
    return WorkflowInfo(
        key=definition.key,
        name=definition.name,
        initial_status=definition.initial,
        statuses=definition.statuses,
        sub_statuses=definition.sub_statuses,
        transitions=tuple(infos),
    )


def _explain(condition) -> str:
    """A condition in words: the first paragraph of its docstring, on one line."""
    paragraph = inspect.getdoc(condition).split("\n\n")[0] if condition.__doc__ else ""
    return " ".join(paragraph.split()) or condition.__name__.replace("_", " ")


def all_workflows() -> list[WorkflowInfo]:
    return [describe(key) for key in WORKFLOWS]


def as_json(info: WorkflowInfo) -> dict:
    """The workflow object of the API contract, plus what else a client may find useful."""
    return {
        "key": info.key,
        "name": info.name,
        "initial_status": info.initial_status,
        "statuses": [
            {
                "key": key,
                "label": label,
                "sub_statuses": [
                    {"key": sub_key, "label": sub_label}
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
