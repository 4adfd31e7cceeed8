"""What every model admin of the helpdesk shares: permissions by role and the site's stylesheet
(the site wraps third-party admins with the same permissions: `backoffice.site`)."""

from typing import TYPE_CHECKING, ClassVar, TypeAlias, TypeVar

from django.contrib import admin
from django.db.models import Model
from django_stubs_ext import StrOrPromise

from backoffice.access import ManagerPermissions

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldOpts

# What `get_fieldsets` returns: (heading, {"fields": ..., "description": ..., "classes": ...}).
FieldSets: TypeAlias = "list[tuple[StrOrPromise | None, _FieldOpts]]"

M = TypeVar("M", bound=Model)
STYLESHEET = "backoffice/admin.css"


class HelpdeskAdmin(ManagerPermissions, admin.ModelAdmin[M]):
    class Media:
        css: ClassVar[dict[str, tuple[str, ...]]] = {"all": (STYLESHEET,)}
