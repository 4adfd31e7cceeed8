"""A test-only page of every component, for the component test and for screenshots (it is not
served by the product)."""

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from django import forms
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.template import engines
from django.utils import timezone

TEMPLATE = Path(__file__).parent / "templates" / "showcase.html"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ShowcaseForm(forms.Form):
    """Every kind of field, bound with errors: a field error and a form-wide refusal."""

    queue = forms.ChoiceField(choices=[("", "Choose a queue"), ("tech", "Technical support")])
    subject = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea, help_text="Markdown: **bold**, `code`, lists and links."
    )
    priority = forms.ChoiceField(
        choices=[("low", "Low"), ("normal", "Normal"), ("high", "High")],
        widget=forms.RadioSelect,
    )
    internal = forms.BooleanField(
        label="Internal note", required=False, help_text="Only support staff see it."
    )
    attachments = forms.FileField(required=False, widget=MultipleFileInput)

    def clean(self):
        raise ValidationError("This case changed since you opened it.")


def showcase_context() -> dict[str, object]:
    now = timezone.now()
    form = ShowcaseForm(data={"queue": "tech", "subject": "", "description": "It smokes."})
    form.is_valid()
    return {
        "form": form,
        "just_now": now - timedelta(seconds=10),
        "hours_ago": now - timedelta(hours=2, minutes=5),
        "in_two_days": now + timedelta(days=2, hours=1),
        "long_ago": now - timedelta(days=40),
        "page": Paginator(range(160), 25).page(2),
        "attachments": [
            SimpleNamespace(url="#", name="screenshot-of-the-error-dialog.png", size=348_221),
            SimpleNamespace(url="#", name="printer.log", size=2_048),
        ],
        "carried": [("transition", "close"), ("note", "Thanks, that fixed it.")],
        "messages": [
            Message(constants.SUCCESS, "Case CS-000042 created."),
            Message(constants.INFO, "You are signed out."),
            Message(constants.WARNING, "This case changed since you opened it."),
            Message(constants.ERROR, "You may not close this case now: it waits on support."),
        ],
    }


def render_showcase(request: HttpRequest) -> str:
    template = engines["django"].from_string(TEMPLATE.read_text())
    return template.render(showcase_context(), request)
