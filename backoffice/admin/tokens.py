"""API tokens, read-only: whose, their prefix and dates, and whether they still sign in. Never
the key (shown once, to whoever signed in for it) nor its hash: the database holds no more
(api/models.py). The site shows this page to superusers only (backoffice/menu.py, "Technical").

The model is the API's: the admin and the API are entrances that never import each other
(pyproject.toml, the layers), so it is looked up by its label, as Django looks up the user model.
"""

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from backoffice.admin.base import HelpdeskAdmin
from backoffice.people import person_column, person_link

ApiToken: type[Model] = apps.get_model("api", "ApiToken")


@admin.register(ApiToken)
class ApiTokenAdmin(HelpdeskAdmin[Model]):
    list_display = (
        "prefix_shown",
        "user_name",
        "state",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_select_related = ("user",)
    list_filter = ("created_at", "expires_at", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("prefix", "user__username", "user__first_name", "user__last_name")
    show_full_result_count = False
    fields = (
        "prefix_shown",
        "user_link",
        "state",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    readonly_fields = fields

    user_name = person_column("user", "owner")
    user_link = person_link("user", "owner")

    @admin.display(description="token", ordering="prefix")
    def prefix_shown(self, token: Any) -> str:
        return f"{token.prefix}…"

    @admin.display(description="state")
    def state(self, token: Any) -> str:
        """As the API's token list says it (api/tokens.py, `state_of`)."""
        if token.revoked_at is not None:
            return "revoked"
        return "expired" if token.expires_at <= timezone.now() else "active"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
