"""Form pieces every entrance shares (the portal, the agent workspace): several files in one
input, a select that renders fast, and the services' refusals put back beside the fields that
caused them."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.forms.renderers import BaseRenderer
from django.forms.utils import flatatt
from django.template.defaultfilters import filesizeformat
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from cases.errors import InvalidInput
from cases.text import MAX_TEXT

MARKDOWN_HINT = _("You can use Markdown: **bold**, *italic*, lists, `code` and links.")
FILES_AGAIN = _("Files are not kept when a form has errors: please choose them again.")

# The services name some fields differently from the forms that feed them.
SERVICE_FIELDS = {"files": "attachments", "attachment": "attachments"}


class Select(forms.Select):
    """Django's select with the same markup, written in Python rather than through a template
    per option: the case list's filters and bulk actions hold a few hundred options (every agent,
    customer, organization and status), and templating them was a third of the page's time."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = format_html_join("", "{}", ((part,) for part in self._groups(widget)))
        return format_html(
            '<select name="{}"{}>{}\n</select>', widget["name"], flatatt(widget["attrs"]), groups
        )

    @staticmethod
    def _groups(widget: dict[str, Any]) -> Iterator[SafeString]:
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>',
                (
                    (
                        "" if option["value"] is None else option["value"],
                        flatatt(option["attrs"]),
                        option["label"],
                    )
                    for option in options
                ),
            )
            if group_name:
                yield format_html(
                    '\n  <optgroup label="{}">{}\n  </optgroup>', group_name, rendered
                )
            else:
                yield rendered


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


class SeenField(forms.CharField):
    """`seen`: the case's version (the moment of its last change) as the page showed it, hidden
    in every form of a case page: sent back with an action, it tells the door what the person
    saw (a change since is refused, a reply crossed by a message is held)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            parsed = parse_datetime(text)
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError(_("Reload the page and try again."))
        return parsed


SEND_ANYWAY = "send_anyway"


class ReplyForm(forms.Form):
    """The Reply box of a case page. `seen`: when the page was drawn, so that a reply written
    while someone else answered is held until it is read (`hold`), then sent with Send anyway."""

    body = forms.CharField(
        label=_("Reply"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HINT,
    )
    attachments = attachments_field()
    seen = SeenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held = False

    @property
    def is_internal(self) -> bool:
        return False

    @property
    def sends_anyway(self) -> bool:
        return self.data.get(SEND_ANYWAY) == "yes"

    def hold(self) -> None:
        """The reply was not sent because of messages that crossed it: the page asks again,
        and the next submission is the writer's choice (Send anyway) made with them in view."""
        self.held = True
