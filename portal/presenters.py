"""What the customer's case page adds to what both case pages show (`web.case_page`): what the
automations will do and whether a reply stops it, the follow-up of a closed case, and the
satisfaction survey. Read off the workflow metadata, never written per workflow.

The views hand in rows already read (with their relations prefetched); nothing here queries.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _

from cases.models import Case, HistoryEntry, Survey
from cases.roles import Role
from web.case_page import Action
from workflows.base import WorkflowCase
from workflows.registry import as_workflow_case
from workflows.timers import upcoming

# The follow-up of a closed case is named per workflow, as its vendor names it:
# "Clone case" in support_center, "Open a repeat case" elsewhere.
FOLLOW_UP_LABELS = {"support_center": _("Clone case")}
DEFAULT_FOLLOW_UP_LABEL = _("Open a repeat case")
# The actions that ask "are you sure?" before acting, with what the question adds (Close; Delete
# case has its own section). Accepting a solution also closes a case, but there saying yes is the
# whole action.
CONFIRMED_TRANSITIONS = {
    "close": _("Closing tells support that you need nothing more on this case."),
}


@dataclass(frozen=True)
class Plan:
    """Something the automations will do, with its date (`upcoming`)."""

    action: str
    at: datetime
    reply_stops_it: bool


@dataclass(frozen=True)
class PortalView:
    plans: list[Plan]
    follow_up_label: str | None
    survey_offered: bool
    survey: Survey | None


def present_portal(case: Case, *, history: Sequence[HistoryEntry], now: datetime) -> PortalView:
    """What only the customer's page shows of `case` (with its outbox rows prefetched for
    `upcoming`)."""
    flow = as_workflow_case(case)
    definition = flow.definition
    closed = case.status == definition.closed
    # A reply that changes the status stops the timers of the status it leaves.
    stops = flow.triggered(flow.reply_triggers, Role.CUSTOMER) is not None
    return PortalView(
        plans=[Plan(plan["action"], plan["at"], stops) for plan in upcoming(case, now)],
        follow_up_label=str(FOLLOW_UP_LABELS.get(case.workflow, DEFAULT_FOLLOW_UP_LABEL))
        if closed and definition.repeatable
        else None,
        survey_offered=_survey_offered(flow, history),
        survey=_survey(case),
    )


def join_or(labels: Sequence[str]) -> str:
    """The labels in a sentence: "A", "A or B", "A, B or C"."""
    if len(labels) < 2:
        return "".join(labels)
    return _("%(first)s or %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def moves_text(actions: Sequence[Action]) -> str:
    return join_or([action.label for action in actions])


def follow_up_allowed(case: Case) -> bool:
    """A follow-up (repeat, clone) opens from a closed case of a workflow that has them."""
    definition = as_workflow_case(case).definition
    return definition.repeatable and case.status == definition.closed


def _survey_offered(flow: WorkflowCase, history: Sequence[HistoryEntry]) -> bool:
    """The workflow offers a survey after a closing by `survey_after` (customer_service:
    Accept solution), as long as the case stays so closed."""
    definition = flow.definition
    if definition.survey_after is None or flow.status != definition.closed:
        return False
    closing = next((e for e in reversed(history) if e.target == definition.closed), None)
    return closing is not None and closing.transition == definition.survey_after


def _survey(case: Case) -> Survey | None:
    try:
        return case.survey
    except ObjectDoesNotExist:
        return None
