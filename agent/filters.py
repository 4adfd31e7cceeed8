"""The filters of the case lists (django-filter), read from the query string: the whole state of
a list lives in its URL. A value that does not fit (an unknown queue, a date that is no date) is
a form error shown beside its field, and that filter is left out; never a server error.

Requester and Organization are typed, not chosen from every customer (`agent.people`), so a list
page weighs the same whatever the number of customers. Dates are read and written as every page
writes them ("6 December 2026"; ISO and "6 Dec 2026" are read too)."""

from datetime import date
from typing import Any, ClassVar

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from agent.people import MAX_TYPED, customers, organizations_named, people_named, person_text
from cases.models import Case, Priority, Queue, User
from cases.search import FEW_PEOPLE, PeopleSearch, cases_found, people_search
from cases.times import format_date
from web.forms import Select
from workflows.metadata import all_workflows


def status_choices() -> list[tuple[str, str]]:
    """Every status of every workflow, once each, by label (the same key in two workflows has the
    same meaning, "new" or "closed")."""
    seen: dict[str, str] = {}
    for info in all_workflows():
        for key, label in info.statuses:
            seen.setdefault(key, str(label))
    return sorted(seen.items(), key=lambda item: item[1])


def sub_status_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for info in all_workflows():
        for pairs in info.sub_statuses.values():
            for key, label in pairs:
                seen.setdefault(key, str(label))
    return sorted(seen.items(), key=lambda item: item[1])


def workflow_choices() -> list[tuple[str, str]]:
    return [(info.key, str(info.name)) for info in all_workflows()]


def priority_choices() -> list[tuple[str, str]]:
    """Most urgent first, in the reader's language (choices are read per form, labels as
    plain text: a lazy label costs its translation again at every escape)."""
    return [(str(value), str(label)) for value, label in reversed(Priority.choices)]


class PersonField(ModelChoiceField):
    """People named as everywhere: full name, or username when there is none (a customer with
    their organization)."""

    def label_from_instance(self, obj: Any) -> str:
        return _person_label(obj)


class PersonChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = PersonField


def _person_label(user: User) -> str:
    name = user.display_name
    if user.organization_id is not None and user.is_customer:
        return f"{name} ({user.organization})"
    return name


def _ids_of(found: QuerySet[Any]) -> list[int] | QuerySet[Any, Any]:
    """The ids of the people (or organizations) a typed filter names, read first: PostgreSQL
    then knows how many cases each has, and sorts a customer's few hundred rather than walk the
    date index for them (a subquery made it walk: 106 against 55 ms at a million cases). A
    subquery where they are too many to list."""
    ids = list(found.order_by().values_list("pk", flat=True)[: FEW_PEOPLE + 1])
    return ids if len(ids) <= FEW_PEOPLE else found.values("pk")


class LookupInput(forms.TextInput):
    """A text field that app.js turns into a typeahead: it asks `url` (`agent.views.lookups`)
    for suggestions as one types. Without JavaScript, what is typed is matched by the server."""

    def __init__(self, url: object, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {
                "data-lookup": url,
                "autocomplete": "off",
                "spellcheck": "false",
                "maxlength": MAX_TYPED,
                **(attrs or {}),
            }
        )


DATE_EXAMPLE = _("e.g. 6 December 2026")
# "6 December 2026" (how every page writes a day), "6 Dec 2026", and ISO 2026-12-06. Month names
# are read in English (strptime's), as the pages write them.
DATE_INPUTS = ("%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%d %B, %Y", "%B %d %Y", "%B %d, %Y")


class DayInput(forms.TextInput):
    """A day in words: what the reader typed, or a day shown as every page shows one."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, date):
            return format_date(value)
        shown = super().format_value(value)
        return None if shown is None else str(shown)


class DayField(forms.DateField):
    input_formats = DATE_INPUTS
    widget = DayInput
    default_error_messages: ClassVar[dict[str, Any]] = {
        "invalid": _("Write a day like 6 December 2026 (or 2026-12-06)."),
    }

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, str):
            # "6 December 2026" with a stray double space or a NUL byte is still that day.
            value = " ".join(value.replace("\x00", "").split())
        return super().to_python(value)


class DayFilter(django_filters.DateFilter):
    field_class = DayField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", DATE_EXAMPLE)
        kwargs.setdefault("widget", DayInput(attrs={"maxlength": 40, "autocomplete": "off"}))
        super().__init__(*args, **kwargs)


class CaseFilter(django_filters.FilterSet):
    """Queue, Workflow, Status, Sub-status, Priority, Assignee, Organization, Requester, Search,
    and created and updated ranges (dates, both ends included)."""

    queue = django_filters.ModelChoiceFilter(
        label=_("Queue"),
        queryset=Queue.objects.order_by("name"),
        empty_label=_("All queues"),
        widget=Select,
    )
    workflow = django_filters.ChoiceFilter(
        label=_("Workflow"),
        choices=workflow_choices,
        empty_label=_("All workflows"),
        widget=Select,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=status_choices,
        empty_label=_("Any status"),
        widget=Select,
    )
    sub_status = django_filters.ChoiceFilter(
        label=_("Sub-status"),
        choices=sub_status_choices,
        empty_label=_("Any sub-status"),
        widget=Select,
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"),
        choices=priority_choices,
        empty_label=_("Any priority"),
        widget=Select,
    )
    assignee = PersonChoiceFilter(
        label=_("Assignee"),
        queryset=User.objects.assignable(),
        empty_label=_("Anyone"),
        widget=Select,
    )
    organization = django_filters.CharFilter(
        label=_("Organization"),
        method="by_organization",
        max_length=MAX_TYPED,
        help_text=_("Type part of its name"),
        widget=LookupInput(reverse_lazy("agent:organization_lookup")),
    )
    requester = django_filters.CharFilter(
        label=_("Requester"),
        method="by_requester",
        max_length=MAX_TYPED,
        help_text=_("Type part of a name, username or email"),
        widget=LookupInput(reverse_lazy("agent:people_lookup")),
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=200,
        help_text=_("Reference, subject, description, requester or organization"),
    )
    created_from = DayFilter(
        label=_("Created from"), field_name="created_at", lookup_expr="date__gte"
    )
    created_to = DayFilter(label=_("Created to"), field_name="created_at", lookup_expr="date__lte")
    updated_from = DayFilter(
        label=_("Updated from"), field_name="updated_at", lookup_expr="date__gte"
    )
    updated_to = DayFilter(label=_("Updated to"), field_name="updated_at", lookup_expr="date__lte")

    class Meta:
        model = Case
        fields: ClassVar[list[str]] = []

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any) -> None:
        # A copy the form may write to: a requester chosen by id is shown by name, a day as
        # every page writes it (`show_as_read`).
        super().__init__(data.copy() if data is not None else None, *args, **kwargs)
        # The search's condition, made once (it looks the people up): the list's hint of the
        # matches in other views uses it again.
        self.searched: PeopleSearch | None = None
        # Whether the search's matches are read by id: the list sorts them (`ordered`).
        self.by_id = False

    def search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        self.searched = people_search(value)
        found, self.by_id = cases_found(queryset, self.searched)
        return found

    def by_requester(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(requester__in=_ids_of(people_named(value, customers())))

    def by_organization(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(organization__in=_ids_of(organizations_named(value)))

    def show_as_read(self) -> None:
        """Write back what the filters read in the words the page uses: a requester given by id
        (an older link) by name and email, a day as "6 December 2026". One query at most (the
        person), and only for a requester given by id."""
        data = self.form.data
        if not isinstance(data, QueryDict) or not self.form.is_valid():
            return
        for name in ("created_from", "created_to", "updated_from", "updated_to"):
            if (day := self.form.cleaned_data.get(name)) is not None:
                data[name] = format_date(day)
        typed = (self.form.cleaned_data.get("requester") or "").strip()
        if typed.isascii() and typed.isdigit():
            person = people_named(typed, customers()).first()
            if person is not None:
                data["requester"] = person_text(person)

    @property
    def active(self) -> bool:
        """Whether any filter holds a value (for "Clear filters" and the empty state)."""
        if not self.is_bound or self.data is None:
            return False
        return any(self.data.get(name) not in (None, "") for name in self.filters)
