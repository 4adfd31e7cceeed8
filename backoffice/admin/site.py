"""Who may use the admin: managers (a superuser is one), never agents or customers.

The choice: managers need not be `is_staff` nor hold Django model permissions. The site's
`has_permission` and its login form ask `role_of(user)`, and every ModelAdmin answers its
`has_*_permission` by role (`ManagerPermissions`); third-party admins registered on the same site
(django-celery-beat, axes, auth's groups, DRF's tokens) are wrapped with it when the app is ready
(`install`). The site object is Django's own `admin.site` (the URLconf mounts it), given its rules
here rather than replaced, so that every package's registrations stay on it.
"""

from types import MethodType
from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

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


def site_has_permission(site: admin.AdminSite, request: HttpRequest) -> bool:
    return is_manager(request.user)


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
    """Permissions by role: a manager may what the admin class itself allows, nobody else may."""

    def _by_role(self, name: str, request: HttpRequest, *args: Any) -> bool:
        if not is_manager(request.user):
            return False
        following = getattr(super(), name)
        if getattr(following, "__func__", None) in _DJANGO_DEFAULTS:
            return True
        return bool(following(request, *args))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_manager(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._by_role("has_view_permission", request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._by_role("has_add_permission", request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._by_role("has_change_permission", request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._by_role("has_delete_permission", request, obj)


def install(site: admin.AdminSite) -> None:
    """Give the site its rules and every registered admin (and inline) permissions by role."""
    site.login_form = ManagerAuthenticationForm
    site.has_permission = MethodType(site_has_permission, site)  # type: ignore[method-assign]
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ManagerPermissions):
            continue
        cls = type(model_admin)
        inlines = tuple(
            inline
            if issubclass(inline, ManagerPermissions)
            else type(inline.__name__, (ManagerPermissions, inline), {"__module__": __name__})
            for inline in cls.inlines
        )
        wrapped = type(
            cls.__name__, (ManagerPermissions, cls), {"inlines": inlines, "__module__": __name__}
        )
        site.unregister(model)
        site.register(model, wrapped)
