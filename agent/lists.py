"""The named views of the case lists (tabs), their orderings, the sortable columns, and what a
row shows (status in words, the first-response state). Pages: `web.paging`.

Everything here is built from the workflows' own declarations (`workflows.metadata`): a fifth
workflow gets its lists without touching this module. Nothing here queries.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, OrderBy, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.models import Case, Priority, User
from workflows.declarations import CUSTOMER_SIDE, SUPPORT_SIDE
from workflows.metadata import closed_cases, describe, waiting_on_q
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
        _("Cases waiting on support show here, breaches and the soonest due first."),
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
    if tab.key == "needs":
        return waiting_on_q(SUPPORT_SIDE) & ~closed_cases()
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


def ordered(cases: QuerySet[Case], tab: Tab, sort: str) -> QuerySet[Case]:
    """The list in the order asked for (`sort`), or the tab's own: Needs response puts the
    unanswered first, by first-response due time (so breaches, then the soonest due), then the
    oldest; the others show the latest activity first."""
    key = sort.removeprefix("-")
    if key in SORTS:
        descending = sort.startswith("-")
        return cases.order_by(*(_column_order(name, descending) for name in SORTS[key]))
    if tab.key == "needs":
        return cases.order_by(
            F("first_responded_at").asc(nulls_first=True),
            F("first_response_due_at").asc(nulls_last=True),
            "created_at",
            "id",
        )
    return cases.order_by("-updated_at", "-id")


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


def sort_links(sort: str) -> dict[str, SortLink]:
    links = {}
    for key, label in COLUMNS:
        if sort == key:
            links[key] = SortLink(key, label, f"-{key}", "ascending")
        elif sort == f"-{key}":
            links[key] = SortLink(key, label, key, "descending")
        else:
            links[key] = SortLink(key, label, key, "")
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
    statuses = dict(info.statuses)
    sub_statuses = dict(info.sub_statuses.get(case.status, ()))
    # Plain text, not lazy translations: the template would translate each again on every use.
    return Row(
        case=case,
        url=url,
        status=str(statuses.get(case.status, case.status)),
        sub_status=str(sub_statuses.get(case.sub_status, case.sub_status)),
        waiting_on=str(info.waiting_on(case.status, case.sub_status) or ""),
        priority=str(Priority(case.priority).label),
        first_response=first_response(case, now),
    )


def transition_choices() -> list[tuple[str, str]]:
    """Every transition a person may ask for, in any workflow, once each by name and label (a
    case of a workflow without it refuses it, and the result says so)."""
    seen: dict[str, str] = {}
    for key in WORKFLOWS:
        for info in describe(key).transitions:
            if info.manual and {"agent", "manager"} & set(info.roles):
                seen.setdefault(info.name, info.label)
    return sorted(seen.items(), key=lambda item: item[1])
