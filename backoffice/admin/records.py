"""What the helpdesk recorded, read here and never changed: the history of every status change
(written by the transition door) and the customers' satisfaction surveys (`services.surveys`)."""

from django.contrib import admin
from django.http import HttpRequest

from backoffice.admin.base import HelpdeskAdmin
from backoffice.people import StaffFilter, person_column, person_link
from cases.models import HistoryEntry, Survey


@admin.register(HistoryEntry)
class HistoryEntryAdmin(HelpdeskAdmin[HistoryEntry]):
    list_display = (
        "created_at",
        "case",
        "transition",
        "source",
        "target",
        "actor_name",
        "actor_role",
    )
    list_filter = ("transition", "actor_role", ("actor", StaffFilter))
    list_select_related = ("case", "actor")
    search_fields = (
        "case__reference",
        "actor__first_name",
        "actor__last_name",
        "actor__username",
        "actor__email",
    )
    show_full_result_count = False
    fields = (
        "case",
        "created_at",
        "transition",
        "source",
        "target",
        "actor_link",
        "actor_role",
        "note",
        "note_internal",
    )
    readonly_fields = fields

    actor_name = person_column("actor", "by")
    actor_link = person_link("actor", "by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: HistoryEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: HistoryEntry | None = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(HelpdeskAdmin[Survey]):
    """Written by customers (services.surveys): read here, never added or changed."""

    list_display = ("case", "rating", "respondent_name", "created_at")
    list_filter = ("rating",)
    list_select_related = ("case", "respondent")
    search_fields = (
        "case__reference",
        "respondent__first_name",
        "respondent__last_name",
        "respondent__username",
        "respondent__email",
    )
    fields = ("case", "respondent_link", "rating", "comment", "created_at")
    readonly_fields = fields

    respondent_name = person_column("respondent", "customer")
    respondent_link = person_link("respondent", "customer")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        return False
