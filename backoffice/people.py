"""People by their names in the admin, as everywhere else (`User.display_name`: the full name,
else the username): list columns, read-only fields, filters and the options of a select.

Django would show `str(user)`, the username, which managers do not know people by.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Field, Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django_stubs_ext import StrOrPromise

from cases.models import User

PersonColumn = Callable[[Any, Model], str | None]


def person_label(user: User) -> str:
    """A person in a list of choices: "Alice Martin (alice)", for two Alice Martins may exist;
    the username alone when there is no name."""
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


class PersonChoiceField(forms.ModelChoiceField[User]):
    """A select of people, each by name and username, listed by name."""

    def __init__(self, queryset: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(queryset.order_by(*User.BY_NAME), **kwargs)

    def label_from_instance(self, obj: User) -> str:
        return person_label(obj)


def person_column(field: str, description: str) -> PersonColumn:
    """A column (or read-only field) showing the person in `field` by name, sortable by it.
    Assign it in a ModelAdmin's body (`requester_name = person_column("requester", ...)`) and
    select the relation (`list_select_related`)."""

    @admin.display(description=description, ordering=f"{field}__first_name")
    def shown(model_admin: Any, obj: Model) -> str | None:
        person = getattr(obj, field)
        return person.display_name if isinstance(person, User) else None

    shown.__name__ = f"{field}_name"
    return shown


def person_link(field: str, description: str) -> Callable[[Any, Model], SafeString | None]:
    """A read-only field naming the person in `field`, linked to their page."""

    @admin.display(description=description)
    def shown(model_admin: Any, obj: Model) -> SafeString | None:
        person = getattr(obj, field)
        if not isinstance(person, User):
            return None
        url = reverse("admin:cases_user_change", args=[person.pk])
        return format_html('<a href="{}">{}</a>', url, person.display_name)

    shown.__name__ = f"{field}_link"
    return shown


class StaffFilter(admin.RelatedFieldListFilter):
    """A filter on a relation to support staff (an assignee, an actor), offering agents and
    managers by name."""

    def field_choices(
        self, field: Field[Any, Any], request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, StrOrPromise]]:
        staff = User.objects.staff().order_by(*User.BY_NAME)
        return [(str(user.pk), user.display_name) for user in staff]
