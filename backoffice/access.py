"""Who may use the admin: managers (a superuser is one), never agents or customers; and the
technical models (tokens, sign-in records, Django's groups, exotic schedules) superusers only.

Managers need not be `is_staff` nor hold Django model permissions: the site's `has_permission`
and its login form ask `role_of(user)`, and every ModelAdmin, ours and the third-party packages'
alike, answers its `has_*_permission` by role (`ManagerPermissions`, mixed in by the site when a
model is registered: `backoffice.site.HelpdeskAdminSite.register`).
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest

from backoffice.menu import for_superusers_only
from cases.roles import Role, role_of

PERMISSIONS = ("has_add_permission", "has_change_permission", "has_delete_permission")
# Django's own answers (model permissions of the user): by role here instead.
_DJANGO_DEFAULTS = {
    getattr(base, name)
    for base in (BaseModelAdmin, admin.ModelAdmin, InlineModelAdmin)
    for name in (*PERMISSIONS, "has_view_permission", "has_module_permission")
}


def is_manager(user: Any) -> bool:
    """An active user whose role is manager (superusers included)."""
    return bool(getattr(user, "is_active", False)) and role_of(user) == Role.MANAGER


def is_superuser(user: Any) -> bool:
    return is_manager(user) and bool(getattr(user, "is_superuser", False))


class ManagerAuthenticationForm(AdminAuthenticationForm):
    """The admin's login: refuses every role but managers with Django's staff message."""

    def confirm_login_allowed(self, user: Any) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)
        if not is_manager(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class ManagerPermissions:
    """Permissions by role: a manager may what the admin class itself allows, nobody else may;
    a model outside the managers' menu (`backoffice.menu`) is for superusers only."""

    def _may_enter(self, request: HttpRequest) -> bool:
        user = request.user
        # An inline belongs to its parent's page: the parent's model decides.
        model: type[Model] | None = getattr(self, "parent_model", None) or getattr(
            self, "model", None
        )
        if model is not None and for_superusers_only(model):
            return is_superuser(user)
        return is_manager(user)

    def _by_role(self, name: str, request: HttpRequest, *args: Any) -> bool:
        if not self._may_enter(request):
            return False
        following = getattr(super(), name)
        if getattr(following, "__func__", None) in _DJANGO_DEFAULTS:
            return True
        return bool(following(request, *args))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_enter(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._by_role("has_view_permission", request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._by_role("has_add_permission", request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._by_role("has_change_permission", request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._by_role("has_delete_permission", request, obj)
