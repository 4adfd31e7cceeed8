"""The helpdesk's admin site: titled by the product, for managers only, its index grouped as
managers think of their work (`backoffice.menu`).

It is the project's default admin site (`backoffice.apps.HelpdeskAdminConfig.default_site`), so
`django.contrib.admin.site`, where third-party packages register their models (django-celery-beat,
django-axes, DRF's tokens, auth's groups), is this site, and `register` gives every model admin,
theirs and ours alike, permissions by role and lists that ignore a NUL byte.
"""

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.db.models.base import ModelBase
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from backoffice.access import ManagerAuthenticationForm, ManagerPermissions, is_manager
from backoffice.menu import GROUPS, TECHNICAL, Group
from backoffice.nul_bytes import RefusesNulBytes, with_nul_bytes


def for_managers(admin_class: type[admin.ModelAdmin[Any]]) -> type[admin.ModelAdmin[Any]]:
    """`admin_class` (and its inlines) answering permissions by role, its lists safe from NUL
    bytes: the class itself when it already does."""
    wanted = (ManagerPermissions, RefusesNulBytes)
    mixins = tuple(mixin for mixin in wanted if mixin not in admin_class.__mro__)
    inlines = tuple(
        inline
        if issubclass(inline, ManagerPermissions)
        else type(inline.__name__, (ManagerPermissions, inline), {"__module__": inline.__module__})
        for inline in admin_class.inlines
    )
    if not mixins and inlines == tuple(admin_class.inlines):
        return admin_class
    attributes = {"inlines": inlines, "__module__": admin_class.__module__}
    return type(admin_class.__name__, (*mixins, admin_class), attributes)


class HelpdeskAdminSite(admin.AdminSite):
    site_header = "Helpdesk"
    site_title = "Helpdesk"
    index_title = "Run the helpdesk"
    index_template = "backoffice/index.html"
    login_form = ManagerAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        return is_manager(request.user)

    def register(
        self,
        model_or_iterable: ModelBase | Iterable[ModelBase],
        admin_class: type[admin.ModelAdmin[Any]] | None = None,
        **options: Any,
    ) -> None:
        admin_class = for_managers(admin_class or admin.ModelAdmin)
        super().register(model_or_iterable, admin_class, **options)

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict[str, Any]]:
        """The groups of `backoffice.menu` holding what this user may see (of one app's models
        for that app's page), then the technical models, for superusers."""
        entries: dict[str, dict[str, Any]] = {}
        for app in self._build_app_dict(request, app_label).values():
            for entry in app["models"]:
                entries[entry["model"]._meta.label_lower] = entry
        index = reverse("admin:index", current_app=self.name)
        groups = []
        for group in (*GROUPS, TECHNICAL):
            shown = [
                {**entries.pop(label), "name": name}
                for label, name in group.models
                if label in entries
            ]
            if group is TECHNICAL:  # and whatever no group names
                shown += sorted(entries.values(), key=lambda entry: str(entry["name"]))
            if shown:
                groups.append(_group(group, shown, index))
        return groups

    def app_index(
        self, request: HttpRequest, app_label: str, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        # The page of an app's models (the breadcrumbs link to it) is titled by the app's name,
        # not by the first group's.
        title = apps.get_app_config(app_label).verbose_name
        return super().app_index(request, app_label, {"title": title, **(extra_context or {})})

    def autocomplete_view(self, request: HttpRequest) -> HttpResponse:
        if with_nul_bytes(request.GET):
            return JsonResponse({"results": [], "pagination": {"more": False}})
        return super().autocomplete_view(request)


def _group(group: Group, models: list[dict[str, Any]], index: str) -> dict[str, Any]:
    """A group in the shape Django's templates draw an app in (the sidebar's list too)."""
    return {
        "name": group.name,
        "description": group.description,
        "app_label": group.slug,
        "app_url": f"{index}#{group.slug}",
        "has_module_perms": True,
        "models": models,
    }
