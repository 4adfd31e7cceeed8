"""The case list's filters, searches and orderings (all combinable, all index-backed)."""

import django_filters
from django import forms

from api.serializers.fields import MAX_ID, STATUS_CHOICES
from cases.models import Case, Channel, Priority
from cases.selectors import cases_listed
from workflows.registry import WORKFLOWS


class IdFilter(django_filters.Filter):
    """An id: a whole number that fits the database's 64-bit keys (400 otherwise, never 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=[(s, s) for s in STATUS_CHOICES])
    queue = IdFilter(field_name="queue_id")
    assignee = IdFilter(field_name="assignee_id")
    requester = IdFilter(field_name="requester_id")
    organization = IdFilter(field_name="organization_id")
    priority = django_filters.ChoiceFilter(
        choices=[(p.key, p.label) for p in Priority], method="filter_priority"
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    workflow = django_filters.ChoiceFilter(choices=[(key, key) for key in WORKFLOWS])
    deleted = django_filters.BooleanFilter(
        method="filter_deleted", help_text="Managers: true lists soft-deleted cases only."
    )

    class Meta:
        model = Case
        fields = []

    def filter_priority(self, queryset, name, value):
        return queryset.filter(priority=Priority.from_key(value))

    def filter_deleted(self, queryset, name, value):
        return queryset  # applied in `qs`, whether given or not: see `cases_listed`

    @property
    def qs(self):
        return cases_listed(super().qs, deleted=bool(self.form.cleaned_data.get("deleted")))
