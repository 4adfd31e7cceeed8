"""The portal's forms. They check the shape of what was typed; the services decide what it
means, and their refusals come back onto these forms as field errors (`add_service_errors`)."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from cases.models import Priority, Queue
from cases.text import MAX_SUBJECT, MAX_TEXT
from web.forms import ReplyForm, attachments_field

__all__ = ["CaseFilterForm", "CaseForm", "ReplyForm", "SurveyForm", "TransitionForm"]


class CaseFilterForm(forms.Form):
    """The filters of My cases, read from the query string (the list's state lives in the URL)."""

    queue = forms.TypedChoiceField(label=_("Queue"), coerce=int, required=False, empty_value=None)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Reference, subject or description"),
    )

    def __init__(self, *args: Any, queues: Sequence[Queue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The options come from the queues already read: no query of the form's own.
        field = self.fields["queue"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            ("", _("All queues")),
            *((queue.pk, queue.customer_facing_name) for queue in queues),
        ]


class QueueField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A queue as customers know it: its customer-facing name and the line saying what it is
    for (both set by managers in the admin; its own name when they are not)."""

    def label_from_instance(self, obj: Any) -> str:
        name = obj.customer_facing_name
        return f"{name} — {obj.public_description}" if obj.public_description else name


class CaseForm(forms.Form):
    """New case. For a follow-up (`repeat_of`), the queue and priority are the original's.
    Customers choose a priority up to what the queue lets them (Urgent is for support to set by
    default: `Queue.highest_customer_priority`)."""

    queue = QueueField(
        label=_("Queue"),
        queryset=Queue.objects.order_by("public_name", "name"),
        empty_label=_("Choose a queue"),
        help_text=_("Where your case goes: the team that knows this subject."),
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=MAX_SUBJECT,
        help_text=_("A short summary, e.g. “Invoices fail to export to PDF”."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What happened, what you expected, and what you tried. You can use Markdown: "
            "**bold**, *italic*, lists, `code` and links."
        ),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
        coerce=int,
        initial=Priority.NORMAL,
    )
    attachments = attachments_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        highest = Queue.objects.aggregate(top=Max("highest_customer_priority"))["top"]
        field = self.fields["priority"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (value, label) for value, label in Priority.choices if value <= (highest or 0)
        ] or [(Priority.NORMAL, Priority.NORMAL.label)]
        if highest is not None and highest < Priority.URGENT:
            field.help_text = _("Urgent cases are raised by support when a case calls for it.")

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        queue, priority = data.get("queue"), data.get("priority")
        if self.fields["priority"].disabled or queue is None or priority is None:
            return data
        if priority > queue.highest_customer_priority:
            allowed = Priority(queue.highest_customer_priority).label
            self.add_error(
                "priority",
                _("In %(queue)s you may choose up to %(priority)s; support raises it further.")
                % {"queue": queue.customer_facing_name, "priority": allowed},
            )
        return data

    def fix_for_follow_up(self, queue: Queue, priority: int) -> None:
        """A follow-up opens in the original's queue with its priority (services.case_repeat):
        shown, not editable."""
        field = self.fields["priority"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = Priority.choices  # the original's, whatever customers may choose now
        for name, value in (("queue", queue), ("priority", priority)):
            self.fields[name].disabled = True
            self.fields[name].initial = value
            self.fields[name].help_text = _("The same as the original case.")


class TransitionForm(forms.Form):
    """The one form of the Actions section: each button posts it to its own transition's URL.
    Whether the note is required is the workflow's to say (the service checks it)."""

    note = forms.CharField(
        label=_("Note"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def payload(self, fields: tuple[str, ...]) -> dict[str, Any]:
        """What the transition takes of the form, as the service names it."""
        note = self.cleaned_data.get("note")
        return {"note": note} if note and "note" in fields else {}


SURVEY_CHOICES = [
    (1, _("1 — Very dissatisfied")),
    (2, _("2 — Dissatisfied")),
    (3, _("3 — Neither satisfied nor dissatisfied")),
    (4, _("4 — Satisfied")),
    (5, _("5 — Very satisfied")),
]


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=SURVEY_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What went well, what could be better."),
    )
