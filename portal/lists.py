"""The tabs of My cases, as conditions on the case table built from the workflows' own
declarations: which status is closed in each workflow, and who each status waits on."""

import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from workflows.declarations import CUSTOMER_SIDE
from workflows.metadata import waiting_on_q
from workflows.registry import WORKFLOWS


@dataclass(frozen=True)
class Tab:
    key: str
    label: str | Promise
    empty_title: str | Promise
    empty_text: str | Promise


TABS = (
    Tab(
        "open",
        _("Open"),
        _("No open cases"),
        _("When you ask us something, your case shows here until it is closed."),
    ),
    Tab(
        "waiting",
        _("Waiting on you"),
        _("No cases waiting on you — all caught up"),
        _("When we need an answer or a decision from you, the case shows here."),
    ),
    Tab("closed", _("Closed"), _("No closed cases"), _("Cases you or we closed show here.")),
    Tab("all", _("All"), _("No cases yet"), _("Open a case and we will take it from there.")),
)
DEFAULT_TAB = TABS[0]


def tab_named(key: str | None) -> Tab:
    return next((tab for tab in TABS if tab.key == key), DEFAULT_TAB)


def closed_cases() -> Q:
    """Cases in their workflow's closed status."""
    return reduce(
        operator.or_,
        (Q(workflow=key, status=model.definition.closed) for key, model in WORKFLOWS.items()),
    )


def tab_condition(tab: Tab) -> Q:
    if tab.key == "open":
        return ~closed_cases()
    if tab.key == "closed":
        return closed_cases()
    if tab.key == "waiting":
        return waiting_on_q(CUSTOMER_SIDE)
    return Q()
