"""The cases the automations could not act on, in the admin: which case, which automation, the
error, how often it failed and when it is tried again. The sweeps write these rows and delete
them once the case is done (workflows/sweep_failures.py), so managers only read them: what they
can do is fix the case (or tell the developers the error), and the next try after the backoff
picks it up."""

from django.contrib import admin
from django.http import HttpRequest

from backoffice.admin.base import HelpdeskAdmin
from workflows.sweep_failures import SweepFailure


@admin.register(SweepFailure)
class SweepFailureAdmin(HelpdeskAdmin[SweepFailure]):
    list_display = ("case", "sweep", "error", "attempts", "next_attempt_at", "first_failed_at")
    list_filter = ("sweep",)
    list_select_related = ("case",)
    search_fields = ("case__reference", "error")
    fields = (*list_display, "last_failed_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SweepFailure | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SweepFailure | None = None) -> bool:
        return False
