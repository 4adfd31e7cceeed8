"""The agent case page's forms. They check the shape of what was typed; the services decide what
it means (`web.forms.add_service_errors` puts their refusals beside the fields).

The Actions and Properties forms carry `seen`: the case as the page showed it, so that the
service refuses a change sent from a page drawn before someone else changed the case."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Priority, User
from cases.text import MAX_SUBJECT, MAX_TEXT
from web.case_page import CaseView
from web.forms import ReplyForm as BaseReplyForm
from web.forms import SeenField
from workflows.declarations import ASSIGNEE, PAYLOAD_FIELDS

NOBODY = ""


def staff_choices(staff: Sequence[User], *, empty: str) -> list[tuple[str, str]]:
    return [(NOBODY, empty), *((str(user.pk), user.display_name) for user in staff)]


class ReplyForm(BaseReplyForm):
    """The agent's Reply box in one of two modes: a reply the customer reads (and is emailed),
    or, with Internal note checked, a note only agents and managers see."""

    internal = forms.BooleanField(
        label=_("Internal note"),
        required=False,
        help_text=_("On: a note only agents and managers see; the customer is not told."),
    )

    @property
    def is_internal(self) -> bool:
        """Whether it is an internal note (as sent, or as the page starts it)."""
        if not self.is_bound:
            return bool(self.initial.get("internal"))
        return bool(self.fields["internal"].to_python(self.data.get("internal")))


class ActionsForm(forms.Form):
    """The one form of the Actions section: each button posts it to its own transition's URL.
    Which fields a transition needs is the workflow's to say (the service checks it); the page
    marks each field with the actions that require it."""

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
    seen = SeenField()

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

    def mark_needs(self, page: CaseView) -> None:
        """Say beside each field which of the available actions require it ("required for
        Propose solution"), rather than "optional"."""
        for name in PAYLOAD_FIELDS:
            self.fields[name].needed_for = ", ".join(page.needed_for(name))  # type: ignore[attr-defined]

    def payload(self, fields: tuple[str, ...]) -> dict[str, Any]:
        """What the transition takes of the form, as the service names it."""
        data = self.cleaned_data
        payload: dict[str, Any] = {}
        for name in fields:
            value = data.get(name)
            if name == ASSIGNEE:
                payload[name] = int(value) if value else None
            elif value:
                payload[name] = value
        return payload


class PropertiesForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=MAX_SUBJECT)
    seen = SeenField()

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
