"""The Django admin for managers. Statuses are read-only here: they change through transitions."""

from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ForeignKey, Model, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path

from backoffice.admin.case_list import (
    DeletedFilter,
    StatusFilter,
    WorkflowFilter,
    status_label,
    unusable_parameters,
    workflow_label,
)
from backoffice.admin.paging import CappedCountPaginator
from backoffice.admin.site import ManagerPermissions
from backoffice.admin.transitions import transition_buttons, transition_view
from cases.errors import InvalidInput, ServiceError
from cases.models import Case, Comment, HistoryEntry, Organization, Queue, Release, Survey, User
from services.cases import case_restore
from services.releases import release_create
from workflows.metadata import all_workflows, describe


@admin.register(Organization)
class OrganizationAdmin(ManagerPermissions, admin.ModelAdmin[Organization]):
    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(User)
class HelpdeskUserAdmin(ManagerPermissions, UserAdmin[User]):
    list_display = ("username", "email", "role", "organization", "is_active")
    list_filter = ("role", "organization", "is_active", "is_superuser")
    list_select_related = ("organization",)
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Helpdesk", {"fields": ("role", "organization")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Helpdesk", {"fields": ("role", "organization")}))


@admin.register(Queue)
class QueueAdmin(ManagerPermissions, admin.ModelAdmin[Queue]):
    list_display = ("name", "workflow", "first_response_normal", "created_at")
    list_filter = ("workflow",)
    search_fields = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "workflow")}),
        (
            "What customers see",
            {"fields": ("public_name", "public_description", "highest_customer_priority")},
        ),
        (
            "First response targets",
            {
                "fields": (
                    "first_response_urgent",
                    "first_response_high",
                    "first_response_normal",
                    "first_response_low",
                )
            },
        ),
        (
            "Timers (support center)",
            {
                "fields": (
                    "confirmation_auto_close_after",
                    "customer_input_auto_close_after",
                    "customer_input_reminder_after",
                    "closure_notification_after",
                )
            },
        ),
        ("Timers (release tracking)", {"fields": ("resolved_auto_close_after",)}),
    )

    def get_readonly_fields(
        self, request: HttpRequest, obj: Queue | None = None
    ) -> list[str] | tuple[str, ...]:
        # A queue's cases run on its workflow's state machine: it cannot change under them.
        if obj is not None and obj.cases.exists():
            return ("workflow",)
        return ()


class CommentInline(ManagerPermissions, admin.TabularInline[Comment, Case]):
    """Each comment named in words ("Reply by Alice Martin on CS-000013")."""

    model = Comment
    template = "admin/cases/case/comment_inline.html"
    fields = ("created_at", "author", "internal", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return super().get_queryset(request).select_related("author", "case")


class HistoryInline(ManagerPermissions, admin.TabularInline[HistoryEntry, Case]):
    """Each change in the workflow's words ("Start work: New → Work in Progress")."""

    model = HistoryEntry
    fields = ("created_at", "change", "actor", "actor_role", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[HistoryEntry]:
        return super().get_queryset(request).select_related("actor", "case")

    @admin.display(description="change")
    def change(self, entry: HistoryEntry) -> str:
        info = describe(entry.case.workflow)
        statuses = dict(info.statuses)
        labels = {transition.name: transition.label for transition in info.transitions}
        source = statuses.get(entry.source, entry.source)
        target = statuses.get(entry.target, entry.target)
        return f"{labels.get(entry.transition, entry.transition)}: {source} → {target}"


@admin.register(Case)
class CaseAdmin(ManagerPermissions, admin.ModelAdmin[Case]):
    """Cases are read here; they change through the service (API, dashboard, the transition
    buttons of the change page), never by a form that could skip the workflow's rules."""

    list_display = (
        "reference",
        "subject",
        "workflow_shown",
        "status_shown",
        "priority",
        "queue",
        "assignee",
        "created_at",
        "deleted",
    )
    list_filter = (
        DeletedFilter,
        WorkflowFilter,
        StatusFilter,
        "priority",
        "channel",
        "queue",
        # Not a date hierarchy: its year links read every case's date (DISTINCT over the
        # table) on every page.
        "created_at",
    )
    list_select_related = ("assignee", "queue", "requester", "organization")
    search_fields = ("reference", "subject")
    # The newest first by id, which its primary key serves for live and deleted cases alike (the
    # date index holds live cases only); ids follow creation.
    ordering = ("-id",)
    paginator = CappedCountPaginator
    show_full_result_count = False
    inlines = (CommentInline, HistoryInline)
    actions = ("restore_cases",)

    @admin.display(description="workflow", ordering="workflow")
    def workflow_shown(self, case: Case) -> str:
        return workflow_label(case)

    @admin.display(description="status", ordering="status")
    def status_shown(self, case: Case) -> str:
        return status_label(case)

    @admin.display(description="deleted", boolean=True, ordering="deleted_at")
    def deleted(self, case: Case) -> bool:
        return case.is_deleted

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

    def get_urls(self) -> list[URLPattern]:
        route = path(
            "<path:object_id>/transition/<str:name>/",
            self.admin_site.admin_view(partial(transition_view, self)),
            name="cases_case_transition",
        )
        return [route, *super().get_urls()]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        case = self.get_object(request, object_id)
        buttons: list[tuple[str, str]] = []
        if case is not None and isinstance(request.user, User) and not case.is_deleted:
            buttons = transition_buttons(case, request.user)
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "transitions": buttons}
        )

    def get_fields(self, request: HttpRequest, obj: Case | None = None) -> tuple[str, ...]:
        return self._shown_fields()

    def get_readonly_fields(
        self, request: HttpRequest, obj: Case | None = None
    ) -> list[str] | tuple[str, ...]:
        return self._shown_fields()

    @staticmethod
    def _shown_fields() -> tuple[str, ...]:
        """Every field, read-only; the workflow and the status (with its sub-status) in words."""
        shown = {"workflow": "workflow_shown", "status": "status_shown"}
        return tuple(
            shown.get(field.name, field.name)
            for field in Case._meta.fields
            if field.name != "sub_status"
        )

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
        if not isinstance(actor, User):  # the admin lets only signed-in staff this far
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


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ManagerPermissions, admin.ModelAdmin[HistoryEntry]):
    list_display = ("created_at", "case", "transition", "source", "target", "actor", "actor_role")
    list_filter = ("transition", "actor_role")
    list_select_related = ("case", "actor")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: HistoryEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: HistoryEntry | None = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(ManagerPermissions, admin.ModelAdmin[Survey]):
    """Written by customers (services.surveys): read here, never added or changed."""

    list_display = ("case", "rating", "respondent", "created_at")
    list_filter = ("rating",)
    list_select_related = ("case", "respondent")
    search_fields = ("case__reference",)
    readonly_fields = ("case", "respondent", "rating", "comment", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        return False


class ReleaseForm(forms.ModelForm[Release]):
    """A new release is made by `services.releases.release_create`, whose refusals show beside
    their fields; `actor` is set per request (`ReleaseAdmin.get_form`)."""

    actor: User | None = None
    adding = False

    class Meta:
        model = Release
        fields = ("name", "queue")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not self.adding or self.errors or self.actor is None:
            return cleaned
        try:
            self.instance = release_create(
                actor=self.actor, name=cleaned["name"], queue=cleaned["queue"]
            )
        except InvalidInput as error:
            for field, problems in error.errors.items():
                for problem in problems:
                    self.add_error(field if field in self.fields else None, problem)
        except ServiceError as error:
            raise ValidationError(error.detail) from error
        return cleaned


@admin.register(Release)
class ReleaseAdmin(ManagerPermissions, admin.ModelAdmin[Release]):
    """Added through the service; a delivered release is read-only, and a release stays in its
    queue (its cases are that queue's)."""

    form = ReleaseForm
    list_display = ("name", "queue", "delivered_at", "created_by", "created_at")
    list_filter = ("queue",)
    list_select_related = ("queue", "created_by")
    search_fields = ("name",)

    def get_form(
        self, request: HttpRequest, obj: Release | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Release]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user if isinstance(request.user, User) else None
        return type("ReleaseForm", (form,), {"actor": actor, "adding": obj is None})

    def get_fields(self, request: HttpRequest, obj: Release | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("name", "queue")
        return ("name", "queue", "created_by", "created_at", "delivered_at", "delivered_by")

    def get_readonly_fields(
        self, request: HttpRequest, obj: Release | None = None
    ) -> list[str] | tuple[str, ...]:
        if obj is None:
            return ()
        return ("queue", "created_by", "created_at", "delivered_at", "delivered_by")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "queue":
            kwargs["queryset"] = Queue.objects.filter(workflow__in=release_workflows())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Release, form: Any, change: bool) -> None:
        if change:  # the form's `clean` created a new one through the service
            obj.save()

    def has_change_permission(self, request: HttpRequest, obj: Release | None = None) -> bool:
        if obj is not None and obj.is_delivered:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Release | None = None) -> bool:
        if obj is not None and obj.is_delivered:
            return False
        return super().has_delete_permission(request, obj)


def release_workflows() -> list[str]:
    return [info.key for info in all_workflows() if info.release_transition is not None]
