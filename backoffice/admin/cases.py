"""The Django admin for managers. Statuses are read-only here: they change through transitions."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from cases.errors import ServiceError
from cases.models import Case, Comment, HistoryEntry, Organization, Queue, Release, Survey, User
from services.cases import case_restore


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(User)
class HelpdeskUserAdmin(UserAdmin[User]):
    list_display = ("username", "email", "role", "organization", "is_active")
    list_filter = ("role", "organization", "is_active", "is_superuser")
    list_select_related = ("organization",)
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Helpdesk", {"fields": ("role", "organization")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Helpdesk", {"fields": ("role", "organization")}))


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin[Queue]):
    list_display = ("name", "workflow", "created_at")
    list_filter = ("workflow",)

    def get_readonly_fields(
        self, request: HttpRequest, obj: Queue | None = None
    ) -> list[str] | tuple[str, ...]:
        # A queue's cases run on its workflow's state machine: it cannot change under them.
        if obj is not None and obj.cases.exists():
            return ("workflow",)
        return ()


class CommentInline(admin.TabularInline[Comment, Case]):
    model = Comment
    fields = ("created_at", "author", "internal", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class HistoryInline(admin.TabularInline[HistoryEntry, Case]):
    model = HistoryEntry
    fields = ("created_at", "transition", "source", "target", "actor", "actor_role", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    """Cases are read here; they change through the service (API, dashboard), never by a form
    that could skip the workflow's rules."""

    list_display = (
        "reference",
        "subject",
        "workflow",
        "status",
        "priority",
        "assignee",
        "created_at",
    )
    list_filter = ("workflow", "status", "priority", "channel", "queue")
    list_select_related = ("assignee",)
    search_fields = ("reference", "subject")
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = (CommentInline, HistoryInline)
    actions = ("restore_cases",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return super().get_queryset(request).select_related("queue", "requester", "organization")

    def get_readonly_fields(
        self, request: HttpRequest, obj: Case | None = None
    ) -> list[str] | tuple[str, ...]:
        return [field.name for field in Case._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False

    @admin.action(description="Restore selected soft-deleted cases")
    def restore_cases(self, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        actor = request.user
        if not isinstance(actor, User):  # the admin lets only signed-in staff this far
            raise PermissionDenied
        for case in queryset.filter(deleted_at__isnull=False):
            try:
                case_restore(case_id=case.pk, actor=actor)
            except ServiceError as error:
                self.message_user(request, f"{case.reference}: {error.detail}", messages.ERROR)
            else:
                self.message_user(request, f"{case.reference} restored.")


@admin.register(HistoryEntry)
class HistoryEntryAdmin(admin.ModelAdmin[HistoryEntry]):
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
class SurveyAdmin(admin.ModelAdmin[Survey]):
    list_display = ("case", "rating", "respondent", "created_at")
    readonly_fields = ("case", "respondent", "rating", "comment")


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin[Release]):
    list_display = ("name", "queue", "delivered_at", "created_at")
    readonly_fields = ("delivered_at", "delivered_by", "created_by")
