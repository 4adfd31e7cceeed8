"""The filters of the case lists (django-filter), read from the query string: the whole state of
a list lives in its URL. A value that does not fit (an unknown queue, a date that is no date) is
a form error shown beside its field, and that filter is left out; never a server error."""

from typing import Any, ClassVar

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from cases.models import Case, Organization, Priority, Queue, User
from cases.roles import Role
from cases.search import cases_matching
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


def staff_members() -> QuerySet[User]:
    """Every active agent and manager, by name: the assignees a case may have."""
    return User.objects.filter(
        Q(role__in=[Role.AGENT, Role.MANAGER]) | Q(is_superuser=True), is_active=True
    ).order_by("first_name", "last_name", "username")


def customers() -> QuerySet[User]:
    return (
        User.objects.filter(role=Role.CUSTOMER, is_active=True, is_superuser=False)
        .select_related("organization")
        .order_by("first_name", "last_name", "username")
    )


class PersonField(ModelChoiceField):
    """People named as everywhere: full name, or username when there is none (a customer with
    their organization)."""

    def label_from_instance(self, obj: Any) -> str:
        return _person_label(obj)


class PersonChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = PersonField


def _person_label(user: User) -> str:
    name = user.get_full_name() or user.get_username()
    if user.organization_id is not None and user.role == Role.CUSTOMER:
        return f"{name} ({user.organization})"
    return name


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
        label=_("Assignee"), queryset=staff_members(), empty_label=_("Anyone"), widget=Select
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"),
        queryset=Organization.objects.order_by("name"),
        empty_label=_("All organizations"),
        widget=Select,
    )
    requester = PersonChoiceFilter(
        label=_("Requester"), queryset=customers(), empty_label=_("Anyone"), widget=Select
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=200,
        help_text=_("Reference, subject or description"),
    )
    created_from = django_filters.DateFilter(
        label=_("Created from"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_to = django_filters.DateFilter(
        label=_("Created to"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    updated_from = django_filters.DateFilter(
        label=_("Updated from"),
        field_name="updated_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    updated_to = django_filters.DateFilter(
        label=_("Updated to"),
        field_name="updated_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Case
        fields: ClassVar[list[str]] = []

    def search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return cases_matching(queryset, value)

    @property
    def active(self) -> bool:
        """Whether any filter holds a value (for "Clear filters" and the empty state)."""
        if not self.is_bound or self.data is None:
            return False
        return any(self.data.get(name) not in (None, "") for name in self.filters)
