"""The outbox in the admin: managers see what was sent, what waits and what keeps failing.

Rows are written only by `notify()` and changed only by delivery, so the admin shows them
read-only; "Deliver again" resets the attempts of rows that gave up, for the next sweep.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from backoffice.admin.base import HelpdeskAdmin
from backoffice.people import person_column, person_link
from notifications.models import Notification


class DeliveryFilter(admin.SimpleListFilter):
    title = "delivery"
    parameter_name = "delivery"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [("sent", "Sent"), ("waiting", "Waiting"), ("failing", "Failing")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Notification]
    ) -> QuerySet[Notification]:
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "waiting":
            return queryset.filter(sent_at__isnull=True, attempts=0)
        if self.value() == "failing":
            return queryset.filter(sent_at__isnull=True, attempts__gt=0)
        return queryset


@admin.register(Notification)
class NotificationAdmin(HelpdeskAdmin[Notification]):
    list_display = ("kind", "case", "recipient_name", "scheduled_for", "sent_at", "attempts")
    list_filter = (DeliveryFilter, "kind")
    list_select_related = ("case", "recipient")
    search_fields = (
        "case__reference",
        "recipient__first_name",
        "recipient__last_name",
        "recipient__username",
        "recipient__email",
    )
    date_hierarchy = "scheduled_for"
    actions = ("deliver_again",)
    exclude = ("recipient",)
    readonly_fields = ("recipient_link",)

    recipient_name = person_column("recipient", "recipient")
    recipient_link = person_link("recipient", "recipient")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    @admin.action(description="Deliver again (unsent rows: start the attempts over)")
    def deliver_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = queryset.filter(sent_at__isnull=True).update(
            attempts=0, next_attempt_at=None, last_error=""
        )
        self.message_user(request, f"{count} unsent notification(s) go out with the next sweep.")
