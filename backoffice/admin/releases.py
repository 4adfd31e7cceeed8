"""Releases: added through `services.releases` (its refusals beside the fields), renamed while
undelivered, read-only once delivered; a release stays in its queue (its cases are that queue's)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest

from backoffice.admin.base import HelpdeskAdmin
from backoffice.people import person_column, person_link
from cases.errors import InvalidInput, ServiceError
from cases.models import Queue, Release, User
from services.releases import release_create
from workflows.metadata import all_workflows


def release_workflows() -> list[str]:
    return [info.key for info in all_workflows() if info.release_transition is not None]


class ReleaseForm(forms.ModelForm[Release]):
    """A new release is made by `services.releases.release_create`, whose refusals show beside
    their fields; `actor` is set per request (`ReleaseAdmin.get_form`)."""

    actor: User | None = None
    adding = False

    class Meta:
        model = Release
        fields = ("name", "queue")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not self.adding or self.errors or self.actor is None:
            return cleaned
        try:
            self.instance = release_create(
                actor=self.actor, name=cleaned["name"], queue=cleaned["queue"]
            )
        except InvalidInput as error:
            for field, problems in error.errors.items():
                for problem in problems:
                    self.add_error(field if field in self.fields else None, problem)
        except ServiceError as error:
            raise ValidationError(error.detail) from error
        return cleaned


@admin.register(Release)
class ReleaseAdmin(HelpdeskAdmin[Release]):
    form = ReleaseForm
    list_display = ("name", "queue", "delivered_at", "created_by_name", "created_at")
    list_filter = ("queue",)
    list_select_related = ("queue", "created_by")
    search_fields = ("name",)

    created_by_name = person_column("created_by", "created by")
    created_by_link = person_link("created_by", "created by")
    delivered_by_link = person_link("delivered_by", "delivered by")

    def get_form(
        self, request: HttpRequest, obj: Release | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Release]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user if isinstance(request.user, User) else None
        return type("ReleaseForm", (form,), {"actor": actor, "adding": obj is None})

    def get_fields(self, request: HttpRequest, obj: Release | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("name", "queue")
        return (
            "name",
            "queue",
            "created_by_link",
            "created_at",
            "delivered_at",
            "delivered_by_link",
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: Release | None = None
    ) -> list[str] | tuple[str, ...]:
        if obj is None:
            return ()
        return ("queue", "created_by_link", "created_at", "delivered_at", "delivered_by_link")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "queue":
            kwargs["queryset"] = Queue.objects.filter(workflow__in=release_workflows())
            kwargs["help_text"] = "A release tracking queue: the release delivers its cases."
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Release, form: Any, change: bool) -> None:
        if change:  # the form's `clean` created a new one through the service
            obj.save()

    def has_change_permission(self, request: HttpRequest, obj: Release | None = None) -> bool:
        if obj is not None and obj.is_delivered:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Release | None = None) -> bool:
        if obj is not None and obj.is_delivered:
            return False
        return super().has_delete_permission(request, obj)
