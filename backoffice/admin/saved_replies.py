"""Shared saved replies in the admin: managers keep the reply texts every agent may insert.
An agent's own saved replies are theirs alone (/agent/saved-replies/) and are not shown here."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from backoffice.admin.base import HelpdeskAdmin
from cases.models import SavedReply


@admin.register(SavedReply)
class SavedReplyAdmin(HelpdeskAdmin[SavedReply]):
    list_display = ("title", "updated_at")
    search_fields = ("title", "body")
    ordering = ("title",)
    fields = ("title", "body")
    list_select_related = ()  # a shared reply's row names nothing of another table

    def get_queryset(self, request: HttpRequest) -> QuerySet[SavedReply]:
        return super().get_queryset(request).filter(owner__isnull=True)

    def save_model(self, request: HttpRequest, obj: SavedReply, form: Any, change: bool) -> None:
        obj.owner = None
        super().save_model(request, obj, form, change)
