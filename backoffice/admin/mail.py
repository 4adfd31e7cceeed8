"""Email in the admin: the IMAP mailboxes the helpdesk reads (with a "Test connection" that says,
in words, whether it can), and every message received, read-only, with what became of it and the
failures still being retried. The password of a mailbox is never stored: the mailbox names the
environment variable that holds it, and the admin says whether that variable is set, never its
value."""

import os
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import truncatechars
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from backoffice.admin.base import FieldSets, HelpdeskAdmin
from cases.models import InboundMessage, Mailbox
from services.email_settings import mailbox_address_clash, password_variable_problem
from services.mailboxes import mailbox_check

LAST_ERROR_SHOWN = 120


class MailboxForm(forms.ModelForm[Mailbox]):
    class Meta:
        model = Mailbox
        fields = (
            "address",
            "queue",
            "active",
            "host",
            "port",
            "security",
            "username",
            "password_variable",
            "folder",
            "processed_folder",
        )

    def clean_address(self) -> str:
        address = str(self.cleaned_data["address"]).strip().lower()
        queue = self.cleaned_data.get("queue")
        clash = mailbox_address_clash(address, queue_id=queue.pk if queue is not None else None)
        if clash is not None:
            raise forms.ValidationError(
                f"This is the address of the queue “{clash}”: mail to it opens cases there. "
                "Read it into that queue, or change the queue's address first."
            )
        return address

    def clean_password_variable(self) -> str:
        name = str(self.cleaned_data["password_variable"]).strip()
        problem = password_variable_problem(name)
        if problem is not None:
            raise forms.ValidationError(problem)
        return name


@admin.register(Mailbox)
class MailboxAdmin(HelpdeskAdmin[Mailbox]):
    form = MailboxForm
    change_form_template = "backoffice/mailbox_change_form.html"
    list_display = ("address", "queue", "host", "active", "last_polled", "state")
    list_filter = ("active", "queue")
    list_select_related = ("queue",)
    search_fields = ("address", "host", "username")
    actions = ("test_connection",)
    readonly_fields = ("password_state", "polled_at", "failing_since", "last_error", "checkpoint")

    def get_fieldsets(self, request: HttpRequest, obj: Mailbox | None = None) -> FieldSets:
        fieldsets: FieldSets = [
            (
                None,
                {
                    "fields": ("address", "queue", "active"),
                    "description": "New mail to this address opens cases in the queue; a reply "
                    "reaches the case it answers, whichever queue that is.",
                },
            ),
            (
                "The IMAP server",
                {
                    "fields": ("host", "port", "security", "username", "password_variable")
                    + (("password_state",) if obj is not None else ()),
                    "description": "The password is never stored or shown: the helpdesk reads "
                    "it from the environment variable named here, on the machines that poll. "
                    "For Gmail and Microsoft 365, use an app password.",
                },
            ),
            (
                "Folders",
                {
                    "fields": ("folder", "processed_folder"),
                    "description": "Messages are read from the first folder and moved to the "
                    "second once stored; nothing is deleted.",
                },
            ),
        ]
        if obj is not None:
            fieldsets.append(
                (
                    "Status",
                    {
                        "fields": ("polled_at", "failing_since", "last_error", "checkpoint"),
                        "description": "Read every minute. “Test connection” at the top of "
                        "the page tries the server now.",
                    },
                )
            )
        return fieldsets

    @admin.display(description="last polled", ordering="polled_at")
    def last_polled(self, mailbox: Mailbox) -> str:
        return _when(mailbox.polled_at) or "Never"

    @admin.display(description="status")
    def state(self, mailbox: Mailbox) -> str:
        if not mailbox.active:
            return "Not read (inactive)"
        if mailbox.failing_since is not None:
            error = truncatechars(mailbox.last_error, LAST_ERROR_SHOWN)
            return f"Failing since {_when(mailbox.failing_since)}: {error}"
        return "Working" if mailbox.polled_at is not None else "Not read yet"

    @admin.display(description="password")
    def password_state(self, mailbox: Mailbox) -> str:
        if os.environ.get(mailbox.password_variable):
            return f"{mailbox.password_variable} is set in this environment."
        return (
            f"{mailbox.password_variable} is not set in this environment: set it where the "
            "helpdesk runs, or the mailbox cannot be read."
        )

    @admin.display(description="where reading stopped")
    def checkpoint(self, mailbox: Mailbox) -> str:
        if mailbox.uid_validity is None:
            return "Nothing read yet."
        return f"UID {mailbox.last_uid} (UIDVALIDITY {mailbox.uid_validity})"

    @admin.action(description="Test connection")
    def test_connection(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        for mailbox in queryset.select_related("queue"):
            _report_check(self, request, mailbox)

    def get_urls(self) -> list[URLPattern]:
        route = path(
            "<path:object_id>/test-connection/",
            self.admin_site.admin_view(require_POST(partial(_test_connection_view, self))),
            name="cases_mailbox_test_connection",
        )
        return [route, *super().get_urls()]


def _test_connection_view(
    model_admin: MailboxAdmin, request: HttpRequest, object_id: str
) -> HttpResponse:
    mailbox = model_admin.get_object(request, object_id)
    if mailbox is None:
        raise Http404("No such mailbox.")
    if not model_admin.has_change_permission(request, mailbox):
        raise PermissionDenied
    _report_check(model_admin, request, mailbox)
    return HttpResponseRedirect(reverse("admin:cases_mailbox_change", args=[mailbox.pk]))


def _report_check(model_admin: MailboxAdmin, request: HttpRequest, mailbox: Mailbox) -> None:
    problem = mailbox_check(mailbox)
    if problem is None:
        model_admin.message_user(
            request,
            f"{mailbox.address}: connected, signed in and found the folder “{mailbox.folder}”.",
            messages.SUCCESS,
        )
    else:
        model_admin.message_user(request, f"{mailbox.address}: {problem}", messages.ERROR)


def _when(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment is not None else ""


class FailingFilter(admin.SimpleListFilter):
    title = "handling"
    parameter_name = "handling"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [("failing", "Failed, being retried")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[InboundMessage]
    ) -> QuerySet[InboundMessage]:
        if self.value() == "failing":
            return queryset.filter(attempts__gt=0).exclude(last_error="")
        return queryset


@admin.register(InboundMessage)
class InboundMessageAdmin(HelpdeskAdmin[InboundMessage]):
    """Received email, as it was recorded: written only by the ways mail comes in and by the
    agents' decisions on held mail (Held mail in the workspace), so read-only here."""

    list_display = (
        "received_at",
        "sender",
        "subject_shown",
        "outcome",
        "case",
        "attempts",
        "error_shown",
    )
    list_filter = ("outcome", FailingFilter, "via", "mailbox")
    list_select_related = ("case",)
    search_fields = ("sender", "subject", "message_id", "recipient")
    date_hierarchy = "received_at"
    fields = (
        "received_at",
        "via",
        "mailbox",
        "sender",
        "sender_name",
        "recipient",
        "envelope_recipient",
        "subject",
        "message_id",
        "size",
        "sha256",
        "original",
        "outcome",
        "reason",
        "case",
        "comment",
        "handled_at",
        "handled_by",
        "attempts",
        "last_error",
        "next_attempt_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: InboundMessage | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: InboundMessage | None = None
    ) -> bool:
        return False

    @admin.display(description="subject", ordering="subject")
    def subject_shown(self, message: InboundMessage) -> str:
        return message.subject or "(no subject)"

    @admin.display(description="last error")
    def error_shown(self, message: InboundMessage) -> str:
        return truncatechars(message.last_error, LAST_ERROR_SHOWN) or "—"

    @admin.display(description="original")
    def original(self, message: InboundMessage) -> SafeString:
        return format_html(
            '<a href="{}" download>Download the message as it arrived (.eml)</a>',
            reverse("agent:mail_original", args=[message.pk]),
        )
