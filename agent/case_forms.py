"""The agent case page's forms. They check the shape of what was typed; the services decide what
it means (`web.forms.add_service_errors` puts their refusals beside the fields).

The Actions and Properties forms carry `expected_updated_at`: the case as the page showed it, so
that the service refuses a change sent from a page drawn before someone else changed the case."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from cases.models import Priority, User
from cases.text import MAX_SUBJECT, MAX_TEXT
from web.forms import MARKDOWN_HINT, attachments_field

NOBODY = ""


class SeenAtField(forms.CharField):
    """The ISO moment of the case's last change as the page showed it (hidden)."""

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


def staff_choices(staff: Sequence[User], *, empty: str) -> list[tuple[str, str]]:
    return [
        (NOBODY, empty),
        *((str(user.pk), user.get_full_name() or user.username) for user in staff),
    ]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HINT,
    )
    internal = forms.BooleanField(
        label=_("Internal note"),
        required=False,
        help_text=_("Seen by agents and managers only."),
    )
    attachments = attachments_field()
    expected_updated_at = SeenAtField()


class ActionsForm(forms.Form):
    """The one form of the Actions section: each button posts it to its own transition's URL.
    Which fields a transition needs is the workflow's to say (the service checks it)."""

    note = forms.CharField(
        label=_("Note"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    close_notes = forms.CharField(
        label=_("Close notes"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    sub_status = forms.ChoiceField(label=_("Sub-status"), required=False)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    expected_updated_at = SeenAtField()

    def __init__(
        self,
        *args: Any,
        sub_statuses: Sequence[tuple[str, str]] = (),
        staff: Sequence[User] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices(sub_statuses=sub_statuses, staff=staff)

    def set_choices(
        self, *, sub_statuses: Sequence[tuple[str, str]], staff: Sequence[User]
    ) -> None:
        """The options come from what the page read (a refused form gets them again)."""
        sub_status = self.fields["sub_status"]
        assert isinstance(sub_status, forms.ChoiceField)
        sub_status.choices = [(NOBODY, _("Choose a sub-status")), *sub_statuses]
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ChoiceField)
        assignee.choices = staff_choices(staff, empty=str(_("Choose an agent")))

    def payload(self, fields: Sequence[str]) -> dict[str, Any]:
        """What the transition takes of the form, as the service names it."""
        data = self.cleaned_data
        payload: dict[str, Any] = {}
        for name in fields:
            value = data.get(name)
            if name == "assignee":
                payload[name] = int(value) if value else None
            elif value:
                payload[name] = value
        return payload


class PropertiesForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=MAX_SUBJECT)
    expected_updated_at = SeenAtField()

    def __init__(
        self, *args: Any, staff: Sequence[User] = (), may_set_assignee: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices(staff=staff, may_set_assignee=may_set_assignee)

    def set_choices(self, *, staff: Sequence[User], may_set_assignee: bool) -> None:
        if not may_set_assignee:
            del self.fields["assignee"]
            return
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ChoiceField)
        assignee.choices = staff_choices(staff, empty=str(_("Nobody")))

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        changes: dict[str, Any] = {"priority": data["priority"], "subject": data["subject"]}
        if "assignee" in self.fields:
            changes["assignee"] = int(data["assignee"]) if data["assignee"] else None
        return changes
