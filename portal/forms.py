"""The portal's forms. They check the shape of what was typed; the services decide what it
means, and their refusals come back onto these forms as field errors (`add_service_errors`)."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Priority, Queue
from cases.text import MAX_SUBJECT, MAX_TEXT
from web.forms import MARKDOWN_HINT, ReplyForm, attachments_field

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
        field.choices = [("", _("All queues")), *((queue.pk, queue.name) for queue in queues)]


class CaseForm(forms.Form):
    """New case. For a follow-up (`repeat_of`), the queue and priority are the original's."""

    queue = forms.ModelChoiceField(
        label=_("Queue"), queryset=Queue.objects.order_by("name"), empty_label=_("Choose a queue")
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=MAX_SUBJECT,
        help_text=_("A short summary, e.g. “Invoices fail to export to PDF”."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HINT,
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
        coerce=int,
        initial=Priority.NORMAL,
    )
    attachments = attachments_field()

    def fix_for_follow_up(self, queue: Queue, priority: int) -> None:
        """A follow-up opens in the original's queue with its priority (services.case_repeat):
        shown, not editable."""
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
