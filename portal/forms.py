"""The portal's forms. They check the shape of what was typed; the services decide what it
means, and their refusals come back onto these forms as field errors (`add_service_errors`)."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cases.errors import InvalidInput
from cases.models import Priority, Queue
from cases.text import MAX_SUBJECT, MAX_TEXT

MARKDOWN_HINT = _("You can use Markdown: **bold**, *italic*, lists, `code` and links.")
FILES_AGAIN = _("Files are not kept when a form has errors: please choose them again.")

# The services name some fields differently from the forms that feed them.
SERVICE_FIELDS = {"files": "attachments", "attachment": "attachments"}


class MultipleFileInput(forms.FileInput):
    """A file input that takes several files at once (`<input type=file multiple>`)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files, cleaned one by one into a list (empty when none was chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list["UploadedFile[bytes]"]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


def attachments_field() -> MultipleFileField:
    limits = {
        "count": settings.ATTACHMENTS_MAX_FILES,
        "size": filesizeformat(settings.ATTACHMENTS_MAX_SIZE),
    }
    return MultipleFileField(
        label=_("Attachments"),
        help_text=_("Up to %(count)d files of %(size)s each.") % limits,
    )


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


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HINT,
    )
    attachments = attachments_field()


class TransitionForm(forms.Form):
    """The one form of the Actions section: each button posts it to its own transition's URL.
    Whether the note is required is the workflow's to say (the service checks it)."""

    note = forms.CharField(
        label=_("Note"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


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


def add_service_errors(form: forms.Form, error: InvalidInput) -> None:
    """Put each field error of a service's refusal beside the field it names; errors about
    fields the form does not have go to the top of the form."""
    for name, messages in error.errors.items():
        field = SERVICE_FIELDS.get(name, name)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def ask_for_files_again(form: forms.Form, files_sent: bool) -> None:
    """A browser never refills a file input: say so beside it when files were chosen."""
    if files_sent and "attachments" in form.fields and form.errors:
        form.add_error("attachments", FILES_AGAIN)
