"""The workspace's forms: the bulk actions of the case lists and New case on a customer's
behalf. They check the shape of what was sent; the services decide what it means."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agent.filters import customers
from agent.lists import transition_choices
from cases.models import Channel, Priority, Queue, User
from cases.text import MAX_NAME, MAX_SUBJECT, MAX_TEXT
from web.forms import MARKDOWN_HINT, Select, attachments_field

ME = "me"
CHANNELS = [Channel.PHONE, Channel.EMAIL, Channel.CHAT, Channel.AGENT]


def person_label(user: User) -> str:
    return str(user.get_full_name() or user.get_username())


class BulkForm(forms.Form):
    """The bulk actions on the rows checked: which action is the button pressed (`action`)."""

    cases = forms.TypedMultipleChoiceField(coerce=int, required=False)
    action = forms.ChoiceField(
        choices=[("assign", "assign"), ("priority", "priority"), ("transition", "transition")]
    )
    assignee = forms.ChoiceField(label=_("Assign to"), required=False, widget=Select)
    priority = forms.TypedChoiceField(
        label=_("New priority"),
        choices=[
            ("", _("Choose a priority")),
            *((value, label) for value, label in reversed(Priority.choices)),
        ],
        coerce=int,
        required=False,
        empty_value=None,
        widget=Select,
    )
    transition = forms.ChoiceField(label=_("Transition"), required=False, widget=Select)
    note = forms.CharField(label=_("Note"), max_length=MAX_TEXT, required=False)

    def __init__(
        self, *args: Any, staff: Sequence[User], case_ids: Sequence[int] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.staff = {user.pk: user for user in staff}
        self._set_choices("assignee", [(ME, _("Me")), *((u.pk, person_label(u)) for u in staff)])
        self._set_choices("transition", [("", _("Choose a transition")), *transition_choices()])
        self._set_choices("cases", [(pk, pk) for pk in case_ids])

    def _set_choices(self, name: str, choices: Sequence[tuple[Any, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if not data.get("cases"):
            raise forms.ValidationError(_("Check at least one case first."))
        if action == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose whom to assign the cases to."))
        if action == "priority" and data.get("priority") is None:
            self.add_error("priority", _("Choose the new priority."))
        if action == "transition" and not data.get("transition"):
            self.add_error("transition", _("Choose a transition."))
        return data


class RequesterField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A customer, named with their organization ("Alice Martin — Acme")."""

    def label_from_instance(self, obj: Any) -> str:
        name = person_label(obj)
        return f"{name} — {obj.organization}" if obj.organization_id else name


class CaseForm(forms.Form):
    """New case on a customer's behalf."""

    requester = RequesterField(
        label=_("Requester"),
        queryset=customers(),
        empty_label=_("Choose a customer"),
        # app.js puts a search box above it that narrows the options as one types.
        widget=Select(attrs={"data-searchable": _("Search customers")}),
    )
    queue = forms.ModelChoiceField(
        label=_("Queue"), queryset=Queue.objects.order_by("name"), empty_label=_("Choose a queue")
    )
    subject = forms.CharField(label=_("Subject"), max_length=MAX_SUBJECT)
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HINT,
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[(value, label) for value, label in reversed(Priority.choices)],
        coerce=int,
        initial=Priority.NORMAL,
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(channel.value, channel.label) for channel in CHANNELS],
        initial=Channel.PHONE,
        help_text=_("How the customer reached you."),
    )
    attachments = attachments_field()


class SavedReplyForm(forms.Form):
    """A saved reply of the agent's own (/agent/saved-replies/)."""

    title = forms.CharField(label=_("Title"), max_length=MAX_NAME)
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Markdown. {customer_name} and {reference} are filled in with the case's requester "
            "and reference when the reply is inserted."
        ),
    )
