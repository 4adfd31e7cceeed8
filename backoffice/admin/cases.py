"""Cases in the admin: the list, and each case's page, read-only, with its conversation and
history below its fields. Statuses change through the transition buttons (`transitions`), never
by a form that could skip the workflow's rules."""

from datetime import date
from functools import partial
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Field, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path
from django.utils import timezone

from backoffice.admin.base import FieldSets, HelpdeskAdmin
from backoffice.admin.case_list import (
    DeletedFilter,
    StatusFilter,
    WorkflowFilter,
    status_label,
    unusable_parameters,
    workflow_label,
)
from backoffice.admin.paging import CappedCountPaginator
from backoffice.admin.transitions import transition_buttons, transition_view
from backoffice.case_page import conversation, history
from backoffice.people import StaffFilter, person_column, person_link
from cases.errors import ServiceError
from cases.models import Case, User
from cases.search import cases_matching
from services.cases import case_restore

# The case's fields in the words of the pages, with what each means where a label is not enough.
LABELS = {
    "reference": "Reference",
    "workflow_shown": "Workflow",
    "status_shown": "Status",
    "channel": "Came in through",
    "requester_link": "Requester",
    "assignee_link": "Assigned to",
    "created_at": "Opened",
    "updated_at": "Last changed",
    "status_changed_at": "In this status since",
    "first_response_due_at": "First answer due",
    "first_responded_at": "First answered",
    "first_response_breached_at": "First answer late since",
    "awaiting_answer_since": "Customer waiting for an answer since",
    "customer_replied_at": "Customer's last reply",
    "closed_at": "Closed",
    "repeat_of": "Repeat of",
    "close_notes": "Close notes",
    "deleted_at": "Deleted",
    "deleted_by_link": "Deleted by",
}
HELP_TEXTS = {
    "first_response_due_at": "When support should have answered first, from the queue's target "
    "for this priority.",
    "first_response_breached_at": "When that time passed without an answer.",
    "awaiting_answer_since": "Since the customer last wrote or acted; empty while support has "
    "had the last word.",
    "customer_replied_at": "Their last public message.",
    "repeat_of": "The earlier case this one follows up.",
}
FIELDSETS: tuple[tuple[str | None, tuple[str, ...]], ...] = (
    (
        None,
        (
            "reference",
            "subject",
            "description",
            "queue",
            "workflow_shown",
            "status_shown",
            "priority",
            "channel",
        ),
    ),
    ("People", ("requester_link", "organization", "assignee_link")),
    (
        "Times",
        (
            "created_at",
            "updated_at",
            "status_changed_at",
            "first_response_due_at",
            "first_responded_at",
            "first_response_breached_at",
            "awaiting_answer_since",
            "customer_replied_at",
            "closed_at",
        ),
    ),
    ("Related", ("repeat_of", "close_notes")),
)
DELETED = ("Deleted", ("deleted_at", "deleted_by_link"))
# What the change page reads with the case, so that none of its fields costs a query.
PAGE_RELATIONS = ("queue", "requester", "assignee", "organization", "repeat_of", "deleted_by")


class CaseForm(forms.ModelForm[Case]):
    """No field to edit: it carries the labels and help texts of the read-only ones."""

    class Meta:
        model = Case
        fields: ClassVar[tuple[str, ...]] = ()
        labels: ClassVar[dict[str, str]] = LABELS
        help_texts: ClassVar[dict[str, str]] = HELP_TEXTS


@admin.register(Case)
class CaseAdmin(HelpdeskAdmin[Case]):
    """Cases are read here; they change through the service (API, workspace, the transition
    buttons of the change page)."""

    form = CaseForm
    change_form_template = "backoffice/case_change_form.html"
    list_display = (
        "reference",
        "subject",
        "status_shown",
        "priority",
        "queue",
        "requester_name",
        "assignee_name",
        "opened",
    )
    list_filter = (
        DeletedFilter,
        WorkflowFilter,
        StatusFilter,
        "priority",
        ("assignee", StaffFilter),
        "channel",
        "queue",
        # Not a date hierarchy: its year links read every case's date (DISTINCT over the
        # table) on every page.
        "created_at",
    )
    list_select_related = ("assignee", "queue", "requester")
    search_fields = ("reference", "subject")  # shows the box; `get_search_results` searches
    search_help_text = (
        "Reference, subject or description; the requester's name, username or email; the "
        "organization."
    )
    # The newest first by id, which its primary key serves for live and deleted cases alike (the
    # date index holds live cases only); ids follow creation.
    ordering = ("-id",)
    paginator = CappedCountPaginator
    show_full_result_count = False
    actions = ("restore_cases",)

    requester_name = person_column("requester", "requester")
    assignee_name = person_column("assignee", "assigned to")
    requester_link = person_link("requester", "requester")
    assignee_link = person_link("assignee", "assigned to")
    deleted_by_link = person_link("deleted_by", "deleted by")

    @admin.display(description="workflow", ordering="workflow")
    def workflow_shown(self, case: Case) -> str:
        return workflow_label(case)

    @admin.display(description="status", ordering="status")
    def status_shown(self, case: Case) -> str:
        # A deleted case says so where its status is read (a column of its own did not fit).
        label = status_label(case)
        return f"{label} (deleted)" if case.is_deleted else label

    @admin.display(description="opened", ordering="created_at")
    def opened(self, case: Case) -> date:
        return timezone.localdate(case.created_at)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        bad = unusable_parameters(request.GET, "created_at")
        if bad:
            self.message_user(
                request,
                f"Ignored a filter value that is not valid ({', '.join(sorted(bad))}).",
                messages.WARNING,
            )
            query = request.GET.copy()
            for key in bad:
                del query[key]
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        # The change list applies `list_select_related` only to a query without any: one list.
        return super().get_queryset(request).select_related(*self.list_select_related)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Case], search_term: str
    ) -> tuple[QuerySet[Case], bool]:
        # The one search of cases, the workspace's: people and organizations included.
        return cases_matching(queryset, search_term, people=True), False

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Case | None:
        """The case with everything its page shows of other rows, in one query."""
        queryset = self.get_queryset(request).select_related(*PAGE_RELATIONS)
        field = Case._meta.pk if from_field is None else Case._meta.get_field(from_field)
        if not isinstance(field, Field):
            return None
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (Case.DoesNotExist, ValidationError, ValueError):
            return None

    def get_urls(self) -> list[URLPattern]:
        route = path(
            "<path:object_id>/transition/<str:name>/",
            self.admin_site.admin_view(partial(transition_view, self)),
            name="cases_case_transition",
        )
        return [route, *super().get_urls()]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Case | None = None,
    ) -> HttpResponse:
        if obj is not None:
            live = not obj.is_deleted and isinstance(request.user, User)
            context.update(
                transitions=transition_buttons(obj, request.user) if live else [],  # type: ignore[arg-type]
                conversation=conversation(obj),
                history=history(obj),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_fieldsets(self, request: HttpRequest, obj: Case | None = None) -> FieldSets:
        shown = [*FIELDSETS, DELETED] if obj is not None and obj.is_deleted else FIELDSETS
        return [(name, {"fields": fields}) for name, fields in shown]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Case | None = None
    ) -> list[str] | tuple[str, ...]:
        return tuple(name for _, fields in (*FIELDSETS, DELETED) for name in fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        # Every field is read-only: the page has nothing to save (transitions have their own).
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False

    @admin.action(description="Restore selected soft-deleted cases")
    def restore_cases(self, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        actor = request.user
        if not isinstance(actor, User):  # the admin lets only signed-in managers this far
            raise PermissionDenied
        for case in queryset:
            if not case.is_deleted:
                self.message_user(
                    request,
                    f"{case.reference} is not deleted: nothing to restore.",
                    messages.WARNING,
                )
                continue
            try:
                case_restore(case_id=case.pk, actor=actor)
            except ServiceError as error:
                self.message_user(request, f"{case.reference}: {error.detail}", messages.ERROR)
            else:
                self.message_user(request, f"{case.reference} restored.")
