"""Queues: their workflow, what customers see of them, how soon support answers, and the timers
of their own workflow only (`backoffice.queue_timers`), each typed as days and hours."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.db.models import Field
from django.forms import Field as FormField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from backoffice.admin.base import FieldSets, HelpdeskAdmin
from backoffice.durations import DaysHoursField, in_words
from backoffice.queue_timers import FIRST_RESPONSE_TARGETS, every_timer, workflow_timers
from cases.errors import InvalidInput
from cases.models import Queue
from cases.models.queues import TIMER_MAX, TIMER_MIN
from services.email_settings import ADDRESS_FIELD, queue_address_cleaned
from workflows.metadata import describe
from workflows.registry import WORKFLOWS

FIRST_RESPONSE = (
    "How soon support should first answer a new case, by its priority. A case answered later "
    "counts as late in the overview, and its agent (or the managers) is told."
)
CUSTOMERS_SEE = "How customers choose this queue on New case, and how urgent they may say it is."
WORKFLOW_HELP = (
    "The steps its cases go through, from new to closed, and the timers below. It cannot change "
    "once the queue has cases."
)


def workflow_name(key: str) -> str:
    return describe(key).name if key in WORKFLOWS else key


EMAIL = (
    "Mail to this address opens cases in this queue (point the mail server's pipe at the "
    "helpdesk, or add a mailbox that reads it). Empty: cases come in by the pages and the API "
    "only."
)


class QueueForm(forms.ModelForm[Queue]):
    class Meta:
        model = Queue
        # The admin gives the fields of the page's fieldsets (`get_fieldsets`); this form
        # only adds the check of the address.
        fields = ("email_address",)

    def clean_email_address(self) -> str | None:
        """Lower-cased, and no other queue's or mailbox's (`services.email_settings`, as the
        API checks it)."""
        try:
            return queue_address_cleaned(
                self.cleaned_data.get("email_address"), queue_id=self.instance.pk
            )
        except InvalidInput as error:
            raise forms.ValidationError(error.errors[ADDRESS_FIELD]) from None


@admin.register(Queue)
class QueueAdmin(HelpdeskAdmin[Queue]):
    form = QueueForm
    list_display = (
        "name",
        "customers_see",
        "workflow",
        "email_address",
        "first_answers",
        "created_at",
    )
    list_filter = ("workflow",)
    list_select_related = ()  # a queue's row names nothing of another table
    search_fields = ("name", "public_name", "email_address")

    @admin.display(description="name customers see", ordering="public_name")
    def customers_see(self, queue: Queue) -> str:
        return queue.customer_facing_name

    @admin.display(description="first answer within")
    def first_answers(self, queue: Queue) -> str:
        return " · ".join(
            f"{setting.label.removesuffix(' cases')}: {in_words(getattr(queue, setting.field))}"
            for setting in FIRST_RESPONSE_TARGETS
        )

    def get_fieldsets(self, request: HttpRequest, obj: Queue | None = None) -> FieldSets:
        fieldsets: FieldSets = [
            (None, {"fields": ("name", "workflow")}),
            (
                "What customers see",
                {
                    "fields": ("public_name", "public_description", "highest_customer_priority"),
                    "description": CUSTOMERS_SEE,
                },
            ),
            ("Mail in", {"fields": ("email_address",), "description": EMAIL}),
            (
                "First answer targets",
                {
                    "fields": tuple(s.field for s in FIRST_RESPONSE_TARGETS),
                    "description": FIRST_RESPONSE,
                },
            ),
        ]
        if obj is None:
            fieldsets.append(
                (
                    "Timers of the workflow",
                    {
                        "fields": (),
                        "description": "Some workflows close cases left waiting for the "
                        "customer, or remind the customer, after a while. Once the queue is "
                        "added, its workflow's timers are shown here with their defaults.",
                    },
                )
            )
            return fieldsets
        timers = workflow_timers(obj.workflow) if obj.workflow in WORKFLOWS else ()
        name = workflow_name(obj.workflow)
        fieldsets.append(
            (
                f"Timers of the {name} workflow",
                {
                    "fields": tuple(setting.field for setting in timers),
                    "description": "What the automations do to a case left waiting, and when."
                    if timers
                    else f"The {name} workflow has no timers: its cases never close or remind "
                    "anyone by themselves.",
                },
            )
        )
        return fieldsets

    def get_readonly_fields(
        self, request: HttpRequest, obj: Queue | None = None
    ) -> list[str] | tuple[str, ...]:
        # A queue's cases run on its workflow's state machine: it cannot change under them.
        if obj is not None and obj.cases.exists():
            return ("workflow",)
        return ()

    def formfield_for_dbfield(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> FormField | None:
        setting = every_timer().get(db_field.name)
        if setting is not None:
            kwargs.update(
                form_class=DaysHoursField,
                minimum=TIMER_MIN,
                maximum=TIMER_MAX,
                label=setting.label,
                help_text=setting.help_text,
            )
            return db_field.formfield(**kwargs)
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "workflow" and field is not None:
            field.help_text = WORKFLOW_HELP
        return field

    def response_add(
        self, request: HttpRequest, obj: Queue, post_url_continue: str | None = None
    ) -> HttpResponse:
        """A queue whose workflow has timers opens on its page, where they now show."""
        if (
            workflow_timers(obj.workflow)
            and "_addanother" not in request.POST
            and IS_POPUP_VAR not in request.POST
        ):
            self.message_user(
                request,
                f"The queue “{obj}” was added. Its workflow, {workflow_name(obj.workflow)}, has "
                "timers of its own: they are below with their defaults.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:cases_queue_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)
