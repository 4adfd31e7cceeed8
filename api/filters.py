"""The case list's filters, searches and orderings (all combinable, all index-backed)."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters
from rest_framework.request import Request
from rest_framework.views import APIView

from api.serializers.fields import ID_SCHEMA, MAX_ID, STATUS_CHOICES
from cases.models import Case, Channel, Priority
from cases.search import M, R, cases_matching
from cases.selectors import cases_listed
from workflows.registry import WORKFLOWS


class GivenIntegerField(forms.IntegerField):
    """A whole number, or nothing at all: an empty `?assignee=` is a value that is not a number
    (400), not the absence of a filter (which would silently list every case)."""

    def clean(self, value: Any) -> int | None:
        if value == "":
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        cleaned: int | None = super().clean(value)
        return cleaned


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.Filter):
    """An id: a whole number from 1 that fits the database's 64-bit keys (400 otherwise, never
    500). The schema says so, as the serializers' id fields do."""

    field_class = GivenIntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class CaseSearchFilter(filters.SearchFilter):
    """`?search=`: every word in the reference, subject or description (`cases.search`, the same
    search as the pages'), fast whatever the age of the match."""

    def filter_queryset(
        self, request: Request, queryset: QuerySet[M, R], view: APIView
    ) -> QuerySet[M, R]:
        return cases_matching(queryset, " ".join(self.get_search_terms(request)))


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
        fields = ()

    def filter_priority(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        """Priorities are spoken by name and stored as ranks. The `str` hint is what the schema
        reads: without it the parameter would take the model field's type, an integer."""
        return queryset.filter(priority=Priority.from_key(value))

    def filter_deleted(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        return queryset  # applied in `qs`, whether given or not: see `cases_listed`

    @property
    def qs(self) -> QuerySet[Case]:
        return cases_listed(super().qs, deleted=bool(self.form.cleaned_data.get("deleted")))
