"""The Django admin for managers. Statuses are read-only here: they change through transitions."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from cases.errors import ServiceError
from cases.models import Case, Comment, HistoryEntry, Organization, Queue, Release, Survey, User
from services.cases import case_restore


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(User)
class HelpdeskUserAdmin(UserAdmin):
    list_display = ["username", "email", "role", "organization", "is_active"]
    list_filter = ["role", "organization", "is_active", "is_superuser"]
    list_select_related = ["organization"]
    fieldsets = (*UserAdmin.fieldsets, ("Helpdesk", {"fields": ("role", "organization")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Helpdesk", {"fields": ("role", "organization")}))


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ["name", "workflow", "created_at"]
    list_filter = ["workflow"]

    def get_readonly_fields(self, request, obj=None):
        # A queue's cases run on its workflow's state machine: it cannot change under them.
        if obj is not None and obj.cases.exists():
            return ["workflow"]
        return []


class CommentInline(admin.TabularInline):
    model = Comment
    fields = ["created_at", "author", "internal", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class HistoryInline(admin.TabularInline):
    model = HistoryEntry
    fields = ["created_at", "transition", "source", "target", "actor", "actor_role", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Cases are read here; they change through the service (API, dashboard), never by a form
    that could skip the workflow's rules."""

    list_display = [
        "reference",
        "subject",
        "workflow",
        "status",
        "priority",
        "assignee",
        "created_at",
    ]
    list_filter = ["workflow", "status", "priority", "channel", "queue"]
    list_select_related = ["assignee"]
    search_fields = ["reference", "subject"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [CommentInline, HistoryInline]
    actions = ["restore_cases"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("queue", "requester", "organization")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Case._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Restore selected soft-deleted cases")
    def restore_cases(self, request, queryset):
        for case in queryset.filter(deleted_at__isnull=False):
            try:
                case_restore(case_id=case.pk, actor=request.user)
            except ServiceError as error:
                self.message_user(request, f"{case.reference}: {error.detail}", messages.ERROR)
            else:
                self.message_user(request, f"{case.reference} restored.")


@admin.register(HistoryEntry)
class HistoryEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "case", "transition", "source", "target", "actor", "actor_role"]
    list_filter = ["transition", "actor_role"]
    list_select_related = ["case", "actor"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["case", "rating", "respondent", "created_at"]
    readonly_fields = ["case", "respondent", "rating", "comment"]


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["name", "queue", "delivered_at", "created_at"]
    readonly_fields = ["delivered_at", "delivered_by", "created_by"]
