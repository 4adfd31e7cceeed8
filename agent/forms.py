"""The workspace's forms: the bulk actions of the case lists and New case on a customer's
behalf. They check the shape of what was sent; the services decide what it means."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.http import QueryDict
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agent.filters import LookupInput
from agent.lists import BulkTransition, bulk_transitions
from agent.people import MAX_TYPED, customers, one_person, person_text
from cases.models import Channel, Priority, Queue, User
from cases.text import MAX_NAME, MAX_SUBJECT, MAX_TEXT
from web.forms import MARKDOWN_HINT, Select, attachments_field

ME = "me"
# Customers named at most when what was typed as a Requester matches several.
NAMED = 5
# Up to this many active customers, New case's Requester is a select of them all (searchable with
# JavaScript); beyond, the page would grow with the customers, so the Requester is typed.
SELECT_UP_TO = 300
CHANNELS = [Channel.PHONE, Channel.EMAIL, Channel.CHAT, Channel.AGENT]


class TransitionSelect(Select):
    """The bulk form's Transition: grouped by workflow, each option saying which workflow it
    belongs to and which statuses it starts from (`data-workflow`, `data-sources`), so that
    app.js can keep the transitions that apply to the rows checked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered: Sequence[BulkTransition] = ()

    def optgroups(self, name: str, value: Any, attrs: dict[str, Any] | None = None) -> Any:
        groups = super().optgroups(name, value, attrs)
        by_group = {(t.workflow_name, t.name): t for t in self.offered}
        for group_name, options, _index in groups:
            for option in options:
                offered = by_group.get((group_name or "", str(option["value"])))
                if offered is not None:
                    option["attrs"] = {
                        **option["attrs"],
                        "data-workflow": offered.workflow,
                        "data-sources": " ".join(offered.sources),
                    }
        return groups


def transition_groups(offered: Sequence[BulkTransition]) -> list[tuple[str, Any]]:
    """Choices for the Transition select: one group per workflow, its transitions by label."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for transition in offered:
        groups.setdefault(transition.workflow_name, []).append((transition.name, transition.label))
    return list(groups.items())


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
    transition = forms.ChoiceField(label=_("Transition"), required=False, widget=TransitionSelect)
    note = forms.CharField(label=_("Note"), max_length=MAX_TEXT, required=False)

    def __init__(
        self,
        *args: Any,
        staff: Sequence[User],
        case_ids: Sequence[int] = (),
        transitions: Sequence[BulkTransition] | None = None,
        **kwargs: Any,
    ) -> None:
        """`transitions`: those to offer (the list offers those that apply to its rows); every
        one support may ask for in bulk by default, which is what a sent form may name."""
        super().__init__(*args, **kwargs)
        self.staff = {user.pk: user for user in staff}
        offered = bulk_transitions() if transitions is None else transitions
        self._set_choices("assignee", [(ME, _("Me")), *((u.pk, u.display_name) for u in staff)])
        self._set_choices(
            "transition", [("", _("Choose a transition")), *transition_groups(offered)]
        )
        widget = self.fields["transition"].widget
        assert isinstance(widget, TransitionSelect)
        widget.offered = offered
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


class RequesterChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A customer, named with their organization ("Alice Martin — Acme")."""

    def label_from_instance(self, obj: Any) -> str:
        return (
            f"{obj.display_name} — {obj.organization}" if obj.organization_id else obj.display_name
        )


class CaseForm(forms.Form):
    """New case on a customer's behalf. With up to SELECT_UP_TO active customers the Requester
    is a select of them (app.js puts a search box above it that narrows the options as one
    types); with more, it is typed (`agent.people`): app.js suggests customers as one types,
    and without it part of a name that names one customer is enough, and where several match
    the error names them."""

    requester = forms.CharField(
        label=_("Requester"),
        max_length=MAX_TYPED,
        help_text=_("Type part of the customer's name, username or email."),
        # Deactivated customers open no case: the suggestions leave them out.
        widget=LookupInput(format_lazy("{}?active=1", reverse_lazy("agent:people_lookup"))),
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = customers().filter(is_active=True)
        if active[: SELECT_UP_TO + 1].count() <= SELECT_UP_TO:
            self.fields["requester"] = RequesterChoice(
                label=_("Requester"),
                queryset=active.select_related("organization").order_by(*User.BY_NAME),
                empty_label=_("Choose a customer"),
                widget=Select(attrs={"data-searchable": _("Search customers")}),
            )
        elif isinstance(self.data, QueryDict):
            # Writable: a requester found by part of their name is shown in full once found.
            self.data = self.data.copy()

    def clean_requester(self) -> User:
        typed = self.cleaned_data["requester"]
        if isinstance(typed, User):
            return typed  # chosen in the select
        chosen = one_person(typed, customers().filter(is_active=True))
        if chosen.person is None:
            if chosen.problem == "none":
                raise forms.ValidationError(
                    gettext("No customer matches “%(typed)s”.") % {"typed": typed}
                )
            names = [person_text(person) for person in chosen.candidates[:NAMED]]
            if len(chosen.candidates) > NAMED:
                names.append("…")
            raise forms.ValidationError(
                gettext("Several customers match “%(typed)s”: %(names)s. Type more of one.")
                % {"typed": typed, "names": "; ".join(names)}
            )
        if isinstance(self.data, QueryDict):  # a copy of its own (__init__)
            self.data["requester"] = person_text(chosen.person)
        return chosen.person


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
