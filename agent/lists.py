"""The named views of the case lists (tabs), what each holds (as a query, and for one case in
memory: the search results name the views a case is in), their orderings, the sortable columns,
the transitions the bulk form offers, and what a row shows (status in words, the first-response
state). Pages: `web.paging`. docs/workspace.md says in words what each view holds.

Everything here is built from the workflows' own declarations (`workflows.metadata`): a fifth
workflow gets its lists without touching this module. Nothing here queries.
"""

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce

from django.db.models import Case as Choose
from django.db.models import F, OrderBy, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.models import Case, Priority, User
from cases.roles import Role
from workflows.declarations import CUSTOMER_SIDE, NOTE, SUPPORT_SIDE, Wait
from workflows.metadata import all_workflows, case_wait, closed_cases, describe, waiting_on_q
from workflows.registry import WORKFLOWS


@dataclass(frozen=True)
class Tab:
    key: str
    label: str | Promise
    empty_title: str | Promise
    empty_text: str | Promise
    managers_only: bool = False


TABS = (
    Tab(
        "needs",
        _("Needs response"),
        _("Nothing needs a response — all caught up"),
        _(
            "Cases whose customer waits for an answer show here: first-response breaches and "
            "the soonest due first, then the most urgent, then the longest waiting."
        ),
    ),
    Tab("mine", _("My cases"), _("No open cases assigned to you"), _("Take one from Unassigned.")),
    Tab(
        "unassigned",
        _("Unassigned"),
        _("Every open case has an assignee"),
        _("New cases without an assignee show here."),
    ),
    Tab(
        "customer",
        _("Waiting on customer"),
        _("No cases waiting on a customer"),
        _("Cases where the customer holds the next move show here."),
    ),
    Tab(
        "held",
        _("On hold"),
        _("Nothing on hold"),
        _(
            "Cases waiting on development, a release, a scheduled service or a third party "
            "show here."
        ),
    ),
    Tab("open", _("All open"), _("No open cases"), _("Every case that is not closed shows here.")),
    Tab("closed", _("Closed"), _("No closed cases"), _("Closed cases show here.")),
    Tab(
        "deleted",
        _("Deleted"),
        _("No deleted cases"),
        _("Cases deleted by a customer or a manager show here, until restored."),
        managers_only=True,
    ),
)
DEFAULT_TAB = TABS[0]


def tabs_for(manager: bool) -> list[Tab]:
    return [tab for tab in TABS if manager or not tab.managers_only]


def tab_named(key: str | None, manager: bool) -> Tab:
    return next((tab for tab in tabs_for(manager) if tab.key == key), DEFAULT_TAB)


def tab_condition(tab: Tab, user: User) -> Q:
    """The cases `tab` holds (of those its list reads: the live ones, or the deleted ones for
    Deleted). `tabs_of` says the same of one case in memory."""
    if tab.key == "needs":
        # Waiting on support: never closed (a closed case waits on nobody).
        return Q(awaiting_answer_since__isnull=False) & waiting_on_q(SUPPORT_SIDE)
    if tab.key == "held":
        return held_cases()
    if tab.key == "mine":
        return Q(assignee=user) & ~closed_cases()
    if tab.key == "unassigned":
        return Q(assignee__isnull=True) & ~closed_cases()
    if tab.key == "customer":
        return waiting_on_q(CUSTOMER_SIDE)
    if tab.key == "open":
        return ~closed_cases()
    if tab.key == "closed":
        return closed_cases()
    return Q()


def held(wait: Wait) -> bool:
    """Whether a wait is on someone beyond the support team: the waits on support that the
    workflow modules call by a name of their own (`on_support("In development")`: development,
    a release, a scheduled service, a third party)."""
    return wait.side == SUPPORT_SIDE and wait.shown_as is not None


def held_cases() -> Q:
    """The cases of every workflow whose wait is `held`, as (workflow, status[, sub_status])
    pairs, like `workflows.metadata.waiting_on_q`."""
    parts = []
    for info in all_workflows():
        plain = [
            status
            for status, wait in info.waits.items()
            if status not in info.sub_status_waits and held(wait)
        ]
        if plain:
            parts.append(Q(workflow=info.key, status__in=plain))
        for status, by_sub_status in info.sub_status_waits.items():
            # The status's own line holds for any sub-status it does not list.
            own = held(info.waits[status])
            other = [sub for sub, wait in by_sub_status.items() if held(wait) != own]
            if own:
                part = Q(workflow=info.key, status=status)
                parts.append(part & ~Q(sub_status__in=other) if other else part)
            elif other:
                parts.append(Q(workflow=info.key, status=status, sub_status__in=other))
    return reduce(operator.or_, parts) if parts else Q(pk__in=[])


def is_closed(case: Case) -> bool:
    return bool(case.status == WORKFLOWS[case.workflow].definition.closed)


def tabs_of(case: Case, user: User, manager: bool) -> list[Tab]:
    """The views `case` is in for `user`, in the tabs' order: what `tab_condition` says, for one
    case in memory (the search results name them)."""
    if case.deleted_at is not None:
        keys = {"deleted"}
    elif is_closed(case):
        keys = {"closed"}
    else:
        wait = case_wait(case)
        keys = {"open"}
        if wait.side == SUPPORT_SIDE and case.awaiting_answer_since is not None:
            keys.add("needs")
        if case.assignee_id == user.pk:
            keys.add("mine")
        if case.assignee_id is None:
            keys.add("unassigned")
        if wait.side == CUSTOMER_SIDE:
            keys.add("customer")
        if held(wait):
            keys.add("held")
    return [tab for tab in tabs_for(manager) if tab.key in keys]


# Sortable columns: the `sort` parameter names one, "-" first for descending.
SORTS: dict[str, tuple[str, ...]] = {
    "reference": ("id",),
    "subject": ("subject", "id"),
    "queue": ("queue__name", "id"),
    "status": ("status", "sub_status", "id"),
    "priority": ("priority", "id"),
    "assignee": ("assignee__first_name", "assignee__last_name", "assignee__username", "id"),
    "updated": ("updated_at", "id"),
    "created": ("created_at", "id"),
    "first_response": ("first_response_due_at", "id"),
}


# Columns that may be empty: an empty one sorts last either way. Only these say so; on a column
# that is never empty "NULLS LAST" would keep PostgreSQL from reading the order off an index.
NULLABLE = frozenset(
    {"assignee__first_name", "assignee__last_name", "assignee__username", "first_response_due_at"}
)


def _column_order(name: str, descending: bool) -> OrderBy:
    if name in NULLABLE:
        return F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
    return F(name).desc() if descending else F(name).asc()


# The first-response due time that still matters: a case answered once owes no first response.
UNANSWERED_DUE = Choose(
    When(first_responded_at__isnull=True, then=F("first_response_due_at")), default=None
)


LATEST_FIRST = (F("updated_at").desc(), F("id").desc())


def ordered(cases: QuerySet[Case], tab: Tab, sort: str, *, by_id: bool = False) -> QuerySet[Case]:
    """The list in the order asked for (`sort`), or the tab's own: Needs response puts the
    cases still owed a first response first, by its due time (so breaches, then the soonest
    due), then the most urgent, then the longest waiting (on PostgreSQL the index
    `case_needs_answer_idx`, migration cases 0011, is in that order); the others show the latest
    activity first. `by_id`: the cases are a search's few matches, read by id (`sorted_by`)."""
    key = sort.removeprefix("-")
    if key in SORTS:
        descending = sort.startswith("-")
        order = tuple(_column_order(name, descending) for name in SORTS[key])
    elif tab.key == "needs":
        order = (
            UNANSWERED_DUE.asc(nulls_last=True),
            F("priority").desc(),
            F("awaiting_answer_since").asc(),
            F("id").asc(),
        )
    else:
        order = LATEST_FIRST
    return sorted_by(cases, order, by_id=by_id)


def sorted_by(
    cases: QuerySet[Case], order: tuple[OrderBy, ...], *, by_id: bool = False
) -> QuerySet[Case]:
    """`cases` in `order`. Where they are a search's few matches read by id
    (`cases.search.cases_found`), sorted as they are rather than read in the order of an index:
    each column is given as COALESCE(column, column), the same value, which no index holds."""
    if not by_id:
        return cases.order_by(*order)
    return cases.order_by(
        *(
            OrderBy(
                Coalesce(term.expression, term.expression),
                descending=term.descending,
                nulls_first=term.nulls_first,
                nulls_last=term.nulls_last,
            )
            for term in order
        )
    )


@dataclass(frozen=True)
class SortLink:
    """A column header: the `sort` value its link asks for, and `aria-sort` when it is the
    current order."""

    key: str
    label: str | Promise
    next_sort: str
    aria_sort: str


COLUMNS: tuple[tuple[str, str | Promise], ...] = (
    ("reference", _("Reference")),
    ("subject", _("Subject")),
    ("queue", _("Queue")),
    ("status", _("Status")),
    ("priority", _("Priority")),
    ("assignee", _("Assignee")),
    ("updated", _("Last update")),
    ("first_response", _("First response")),
)


# Columns whose first click sorts descending: Urgent first, as a support team reads priority.
DESCENDING_FIRST = frozenset({"priority"})


def sort_links(sort: str) -> dict[str, SortLink]:
    links = {}
    for key, label in COLUMNS:
        if sort == key:
            links[key] = SortLink(key, label, f"-{key}", "ascending")
        elif sort == f"-{key}":
            links[key] = SortLink(key, label, key, "descending")
        else:
            first = f"-{key}" if key in DESCENDING_FIRST else key
            links[key] = SortLink(key, label, first, "")
    return links


@dataclass(frozen=True)
class FirstResponse:
    """The first-response state of a row in words: `kind` is "answered", "due", "soon" (due in
    under an hour), "breached" or "" (no promise)."""

    kind: str
    text: str
    at: datetime | None


def _span(delta: timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    if minutes < 60:
        return ngettext("%(n)d min", "%(n)d min", minutes) % {"n": max(minutes, 1)}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)d h", "%(n)d h", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


def first_response(case: Case, now: datetime) -> FirstResponse:
    if case.first_responded_at is not None:
        return FirstResponse("answered", str(_("Answered")), case.first_responded_at)
    due = case.first_response_due_at
    if case.first_response_breached_at is not None or (due is not None and due <= now):
        since = case.first_response_breached_at or due
        assert since is not None
        return FirstResponse(
            "breached", str(_("breached %(span)s ago") % {"span": _span(now - since)}), since
        )
    if due is None:
        return FirstResponse("", "", None)
    kind = "soon" if due - now < timedelta(hours=1) else "due"
    return FirstResponse(kind, str(_("due in %(span)s") % {"span": _span(due - now)}), due)


@dataclass(frozen=True)
class Row:
    case: Case
    url: str
    status: str
    sub_status: str
    waiting_on: str
    priority: str
    first_response: FirstResponse

    @property
    def urgent(self) -> bool:
        return self.case.priority >= Priority.HIGH


def row_for(case: Case, url: str, now: datetime) -> Row:
    info = describe(case.workflow)
    # Plain text, not lazy translations: the template would translate each again on every use.
    return Row(
        case=case,
        url=url,
        status=str(info.label(case.status)),
        sub_status=str(info.sub_status_label(case.status, case.sub_status)),
        waiting_on=str(info.waiting_on(case.status, case.sub_status) or ""),
        priority=str(Priority(case.priority).label),
        first_response=first_response(case, now),
    )


@dataclass(frozen=True)
class BulkTransition:
    """A transition the bulk form offers: by its name, under its workflow's name, with its
    label and the statuses it starts from (app.js keeps those that apply to the rows checked)."""

    workflow: str
    workflow_name: str
    name: str
    label: str
    sources: tuple[str, ...]


def bulk_transitions(on_page: Iterable[tuple[str, str]] | None = None) -> list[BulkTransition]:
    """The transitions support may ask for on many cases at once: those a person performs (not
    the automatic ones nor a release's) that need nothing but a note, the bulk form's only
    field, by workflow. With `on_page`, the (workflow, status) pairs of the rows listed: only
    the transitions that apply to one of them (the others could only be refused)."""
    statuses: dict[str, set[str]] | None = None
    if on_page is not None:
        statuses = {}
        for workflow, status in on_page:
            statuses.setdefault(workflow, set()).add(status)
    offered = []
    for key in WORKFLOWS:
        info = describe(key)
        if statuses is not None and key not in statuses:
            continue
        for transition in info.transitions:
            if not transition.manual or not {Role.AGENT, Role.MANAGER} & set(transition.roles):
                continue
            if set(transition.rules.required_for(Role.AGENT)) - {NOTE}:
                continue
            if statuses is not None and not statuses[key] & set(transition.sources):
                continue
            offered.append(
                BulkTransition(
                    key, str(info.name), transition.name, str(transition.label), transition.sources
                )
            )
    return offered
