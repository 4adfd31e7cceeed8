"""A case's status and its way through the workflow, in words: what the customer's and the
agent's case pages both draw (the status pill, "Where your case is"), read off the workflow
metadata so that no page writes a status label or a step of its own."""

from collections.abc import Sequence
from dataclasses import dataclass

from cases.models import Case, HistoryEntry
from workflows.declarations import CUSTOMER_SIDE
from workflows.metadata import WorkflowInfo, case_wait, describe

# A longer way is folded in the middle; History lists every change.
MAX_STEPS = 12


@dataclass(frozen=True)
class StatusView:
    """A status in words: its label, the sub-status label, and who holds the next move
    (`customer`, `support`, or "" when nobody does: a closed case)."""

    label: str
    sub_label: str
    waiting_on: str
    detail: str

    @property
    def waits_on_customer(self) -> bool:
        return self.waiting_on == CUSTOMER_SIDE


@dataclass(frozen=True)
class Step:
    """A status on the case's way; `skipped` > 0 stands for that many steps folded away."""

    label: str
    current: bool
    skipped: int = 0


def status_of(case: Case) -> StatusView:
    """The case's status in the words of its workflow, and the side it waits on."""
    info = describe(case.workflow)
    wait = case_wait(case)
    return StatusView(
        label=info.label(case.status),
        sub_label=info.sub_status_label(case.status, case.sub_status),
        waiting_on=wait.side or "",
        detail=wait.shown_as or "",
    )


def steps_taken(case: Case, info: WorkflowInfo, history: Sequence[HistoryEntry]) -> list[Step]:
    """The statuses the case went through, in order (a status it stayed in across several
    entries, e.g. a new sub-status, counts once), the last one current."""
    path = [history[0].source] if history else [case.status]
    for entry in history:
        if entry.target != path[-1]:
            path.append(entry.target)
    if path[-1] != case.status:
        path.append(case.status)
    last = len(path) - 1
    steps = [Step(info.label(status), index == last) for index, status in enumerate(path)]
    if len(steps) > MAX_STEPS:
        # A case that went back and forth many times: its start and its latest steps tell the
        # story; History lists every change.
        kept = MAX_STEPS - 3
        steps = [*steps[:2], Step("", False, skipped=len(steps) - 2 - kept), *steps[-kept:]]
    return steps


def next_steps(case: Case, info: WorkflowInfo) -> list[str]:
    """Where the case can go from here, by anyone's action or the automations', in the order
    of the workflow's statuses."""
    targets = {t.target for t in info.transitions if case.status in t.sources}
    targets.discard(case.status)
    return [label for key, label in info.statuses if key in targets]
