"""What the Held mail pages (/agent/mail/) read and the forms they take: the held messages and the
ones agents handled lately, one message as it reads (its text, safely, and its files), what became
of it, and where it may go: onto a case (the sender's open cases first, or any case by its
reference), or into a new case in a queue. `services.inbound` decides; nothing here writes."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from django import forms
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from agent.access import case_url, workspace_cases
from cases.models import Case, InboundMessage, Outcome, Queue, User
from cases.selectors import inbound_visible_to
from services.mail_addresses import base_address, receiving_addresses
from services.mail_reading import MailFile, ReadMessage, read_message
from web.forms import Select
from workflows.metadata import closed_cases

# The sender's open cases offered first when releasing onto a case.
SENDER_CASES = 10
# A case as an agent types it: its reference (CS-000042), or the number alone (42, 000042).
TYPED_REFERENCE = re.compile(r"^\s*(?:[a-z]{1,10}-?)?0*([1-9][0-9]{0,17})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Tab:
    key: str
    label: StrOrPromise
    empty_title: StrOrPromise
    empty_text: StrOrPromise


HELD = Tab(
    "held",
    _("Held"),
    _("No held mail"),
    _("Messages that could not go onto a case by themselves wait here for an agent."),
)
HANDLED = Tab(
    "handled",
    _("Recently handled"),
    _("Nothing handled yet"),
    _("Held messages agents released or discarded show here, latest first."),
)
TABS = (HELD, HANDLED)


def tab_named(key: str | None) -> Tab:
    return next((tab for tab in TABS if tab.key == key), HELD)


def held_mail(user: User) -> QuerySet[InboundMessage]:
    """The held messages this agent sees, newest first (the index on outcome and time)."""
    return inbound_visible_to(user).filter(outcome=Outcome.HELD).order_by("-received_at", "-id")


def handled_mail(user: User) -> QuerySet[InboundMessage]:
    """The messages an agent released or discarded, the latest decision first, with the case and
    the agent each names."""
    return (
        inbound_visible_to(user)
        .filter(handled_by__isnull=False)
        .select_related("case", "handled_by")
        .order_by("-handled_at", "-id")
    )


def listed(user: User, tab: Tab) -> QuerySet[InboundMessage]:
    return handled_mail(user) if tab is HANDLED else held_mail(user)


def message_or_404(user: User, pk: int) -> InboundMessage:
    """A received message this agent may see, with what its page names of other tables."""
    found = (
        inbound_visible_to(user)
        .select_related("case", "comment", "handled_by", "mailbox__queue")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such message.")
    return found


# --- one message -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Attached:
    """A file of the message as the page lists it: a download link, its type and size."""

    url: str
    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Reading:
    """The message as it reads: the whole text (quotes included: nothing of it is posted yet)
    and its files; `unreadable` when the stored message could not be opened."""

    text: str
    files: Sequence[Attached]
    unreadable: bool = False


def reading_of(message: InboundMessage) -> Reading:
    read = _read(message)
    if read is None:
        return Reading(text="", files=(), unreadable=True)
    return Reading(
        text=read.full_text,
        files=[
            Attached(
                url=reverse("agent:mail_file", args=[message.pk, index, file.filename or "file"]),
                name=file.filename or str(_("Unnamed file")),
                content_type=file.content_type,
                size=file.size,
            )
            for index, file in enumerate(read.files)
        ],
    )


def file_of(message: InboundMessage, index: int) -> MailFile:
    """The message's `index`th file (404 when it has no such file, or cannot be read)."""
    read = _read(message)
    if read is None or not 0 <= index < len(read.files):
        raise Http404("No such file.")
    return read.files[index]


def raw_of(message: InboundMessage) -> BinaryIO | None:
    """The stored message, opened; None when its file is gone (its row still says what it
    was)."""
    if not message.raw.name:
        return None
    try:
        # A storage's File reads like the binary file it wraps (the stubs type it as File).
        return cast(BinaryIO, message.raw.storage.open(message.raw.name, "rb"))
    except OSError:
        return None


def _read(message: InboundMessage) -> ReadMessage | None:
    raw = raw_of(message)
    if raw is None:
        return None
    with raw:
        return read_message(raw)


@dataclass(frozen=True)
class Fate:
    """What became of a message, in words, with the case it reached."""

    text: str
    case: Case | None
    case_url: str


FATES = {
    Outcome.PENDING: _("Not handled yet: the helpdesk tries again shortly."),
    Outcome.NEW_CASE: _("It opened a case."),
    Outcome.REPLY: _("It was posted on a case."),
    Outcome.REPEAT: _("It reached a closed case and opened a follow-up."),
    Outcome.HELD: _("Held: it waits for an agent to release or discard it."),
    Outcome.IGNORED: _("Ignored: it was sent automatically."),
    Outcome.BOUNCE: _("A delivery failure report: the address it names is marked undeliverable."),
    Outcome.REFUSED: _("Refused."),
    Outcome.DISCARDED: _("Discarded: it was posted nowhere."),
}


def fate_of(message: InboundMessage) -> Fate:
    case = message.case if message.outcome != Outcome.HELD else None
    return Fate(
        text=str(FATES.get(Outcome(message.outcome), message.get_outcome_display())),
        case=case,
        case_url=case_url(case.reference or "") if case is not None else "",
    )


def is_held(message: InboundMessage) -> bool:
    return message.outcome == Outcome.HELD


# --- where it may go -------------------------------------------------------------------------


def sender_cases(user: User, message: InboundMessage) -> list[Case]:
    """The open cases the message may go onto first: the one it named, if open (a reply that
    could not be posted), then the sender's, most recently updated first; one query."""
    mine = Q(requester__email__iexact=message.sender) if message.sender else Q(pk__in=[])
    if message.case_id is not None:
        mine |= Q(pk=message.case_id)
    cases = list(
        workspace_cases(user)
        .filter(mine)
        .exclude(closed_cases())
        .order_by("-updated_at", "-id")[:SENDER_CASES]
    )
    cases.sort(key=lambda case: case.pk != message.case_id)  # stable: the rest keep their order
    return cases


def queue_of(message: InboundMessage) -> Queue | None:
    """The queue the message was addressed to: its mailbox's, or the queue whose address (or a
    plus-address of it) it reached, as the handling found it (`services.mail_addresses`)."""
    if message.mailbox is not None:
        return message.mailbox.queue
    queue_id = receiving_addresses().get(base_address(message.recipient))
    return Queue.objects.filter(pk=queue_id).first() if queue_id is not None else None


def case_id_of(typed: str) -> int | None:
    """The case id a typed reference names ("CS-000042", "42"), or None."""
    match = TYPED_REFERENCE.match(typed)
    return int(match[1]) if match else None


class OntoCaseForm(forms.Form):
    """Release onto a case: one of the sender's open cases, or any case by its reference."""

    case = forms.TypedChoiceField(
        label=_("The sender's open cases"),
        coerce=int,
        required=False,
        widget=Select,
        empty_value=None,
    )
    reference = forms.CharField(
        label=_("Or a case reference"),
        required=False,
        max_length=40,
        help_text=_("e.g. CS-000042: the message is posted there as a reply from its sender."),
    )

    def offer(self, cases: Sequence[Case]) -> None:
        field = self.fields["case"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Choose a case") if cases else _("The sender has no open case")),
            *((case.pk, f"{case.reference} · {case.subject}") for case in cases),
        ]
        if not cases:
            field.disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        typed = (cleaned.get("reference") or "").strip()
        if typed:
            case_id = case_id_of(typed)
            if case_id is None:
                self.add_error("reference", _("Type a case reference, e.g. CS-000042."))
            cleaned["case_id"] = case_id
        elif cleaned.get("case"):
            cleaned["case_id"] = cleaned["case"]
        else:
            self.add_error("reference", _("Choose one of the sender's cases, or type a reference."))
        return cleaned


class NewCaseForm(forms.Form):
    """Release as a new case, in the queue chosen (the one the message was sent to first)."""

    queue = forms.ModelChoiceField(
        label=_("Queue"),
        queryset=Queue.objects.order_by("name", "pk"),
        empty_label=_("Choose a queue"),
        widget=Select,
        error_messages={
            "required": _("Choose the queue of the new case."),
            "invalid_choice": _("Choose one of the queues."),
        },
        help_text=_("The sender becomes its requester; the subject and text are the message's."),
    )
