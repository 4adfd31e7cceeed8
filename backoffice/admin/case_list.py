"""The case list's filters, in the workflows' own words, and its guard against filter values
that no filter can take (a NUL byte, a year past 9999): ignored with a message, never a 500."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

from cases.models import Case
from workflows.metadata import all_workflows, describe
from workflows.registry import WORKFLOWS

WORKFLOW_PARAMETER = "workflow__exact"  # the name Django's own filter gave it: old links work
DATE_PARTS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}


def status_label(case: Case) -> str:
    """The status's label, and the sub-status's where there is one ("Pending: Development")."""
    info = describe(case.workflow)
    label = str(dict(info.statuses).get(case.status, case.status))
    if case.sub_status:
        sub = str(
            dict(info.sub_statuses.get(case.status, ())).get(case.sub_status, case.sub_status)
        )
        return f"{label}: {sub}"
    return label


def workflow_label(case: Case) -> str:
    return describe(case.workflow).name if case.workflow in WORKFLOWS else case.workflow


class WorkflowFilter(admin.SimpleListFilter):
    title = "workflow"
    parameter_name = WORKFLOW_PARAMETER

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [(info.key, info.name) for info in all_workflows()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(workflow=value) if value in WORKFLOWS else queryset


class StatusFilter(admin.SimpleListFilter):
    """The statuses of the chosen workflow, or of every workflow (a key that several share is
    shown once, with each of its labels)."""

    title = "status"
    parameter_name = "status"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        workflow = request.GET.get(WORKFLOW_PARAMETER)
        infos = [describe(workflow)] if workflow in WORKFLOWS else all_workflows()
        labels: dict[str, list[str]] = {}
        for info in infos:
            for key, label in info.statuses:
                if label not in labels.setdefault(key, []):
                    labels[key].append(label)
        return [(key, " / ".join(names)) for key, names in labels.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        known = {key for info in all_workflows() for key, _ in info.statuses}
        return queryset.filter(status=value) if value in known else queryset


class DeletedFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [("live", "Live"), ("deleted", "Deleted")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "live":
            return queryset.filter(deleted_at__isnull=True)
        if self.value() == "deleted":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


def unusable_parameters(query: QueryDict, date_field: str) -> list[str]:
    """The parameters whose values no filter can take: any with a NUL byte (PostgreSQL refuses
    them in a query), and year, month or day lookups (old date-hierarchy links) that are not a
    day of the calendar."""
    bad = []
    for key, values in query.lists():
        if any("\x00" in value for value in values) or "\x00" in key:
            bad.append(key)
            continue
        part = key.removeprefix(f"{date_field}__")
        if key != part and part in DATE_PARTS:
            low, high = DATE_PARTS[part]
            value = values[-1]
            if not (value.isascii() and value.isdigit() and low <= int(value) <= high):
                bad.append(key)
    return bad
