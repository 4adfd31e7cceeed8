"""Held mail (/agent/mail/): the messages that could not go onto a case by themselves (from an
unknown address, or a reply from someone who may not post on the case it names), each read safely
(its text as plain text, its files as downloads) and sent on by an agent: onto a case, as a new
case, or discarded after an "are you sure?". `services.inbound` takes each decision.

Success goes back to the list with what was done ("Posted on CS-000042"); a refusal draws the
message's page again, as it is now, with the reason (role="alert") and what was chosen, under the
refusal's HTTP status. A message already released or discarded, by someone else perhaps, says what
became of it and offers no action."""

from typing import IO, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST, require_safe

from agent.access import staff_of, staff_only
from agent.mail import (
    HELD,
    TABS,
    NewCaseForm,
    OntoCaseForm,
    fate_of,
    file_of,
    is_held,
    listed,
    message_or_404,
    queue_of,
    raw_of,
    reading_of,
    sender_cases,
    tab_named,
)
from cases.errors import Conflict, InvalidInput, NotVisible, ServiceError
from cases.models import InboundMessage, User
from services.attachments import Download
from services.inbound import inbound_discard, inbound_release
from web.confirmation import confirmation_page, is_confirmed
from web.forms import add_service_errors
from web.paging import Window, page_number_of

PAGE_SIZE = 25
DISCARD = gettext_lazy("Discard")
ALREADY_DECIDED = gettext_lazy("Someone already released or discarded this message.")


@require_GET
@staff_only
def mail_list(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    tab = tab_named(request.GET.get("tab"))
    page = Window(listed(user, tab), PAGE_SIZE, page_number_of(request.GET.get("page")))
    return render(request, "agent/mail.html", {"tab": tab, "tabs": TABS, "page": page})


@require_GET
@staff_only
def mail_message(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_of(request)
    return _render_message(request, user, message_or_404(user, pk))


@require_POST
@staff_only
def release_onto_case(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_of(request)
    message = message_or_404(user, pk)
    form = OntoCaseForm(request.POST)
    form.offer(sender_cases(user, message))
    what = _("The message was not posted")
    if not is_held(message):
        return _refused(request, user, message, Conflict(str(ALREADY_DECIDED)), what)
    if not form.is_valid():
        messages.error(request, _("%(what)s: choose a case first.") % {"what": what})
        return _render_message(request, user, message, onto_case=form, status=400)
    try:
        released = inbound_release(
            message_id=message.pk, actor=user, case_id=form.cleaned_data["case_id"]
        )
    except ServiceError as error:
        _field_error(form, "reference", error)
        return _refused(request, user, message, error, what, onto_case=form)
    reference = released.case.reference if released.case else ""
    messages.success(request, _("Posted on %(reference)s.") % {"reference": reference})
    return redirect("agent:mail")


@require_POST
@staff_only
def release_as_new_case(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_of(request)
    message = message_or_404(user, pk)
    form = NewCaseForm(request.POST)
    what = _("No case was opened")
    if not is_held(message):
        return _refused(request, user, message, Conflict(str(ALREADY_DECIDED)), what)
    if not form.is_valid():
        messages.error(request, _("%(what)s: choose a queue first.") % {"what": what})
        return _render_message(request, user, message, new_case=form, status=400)
    try:
        released = inbound_release(
            message_id=message.pk, actor=user, queue_id=form.cleaned_data["queue"].pk
        )
    except ServiceError as error:
        _field_error(form, "queue", error)
        return _refused(request, user, message, error, what, new_case=form)
    reference = released.case.reference if released.case else ""
    messages.success(request, _("Opened %(reference)s.") % {"reference": reference})
    return redirect("agent:mail")


@require_POST
@staff_only
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_of(request)
    message = message_or_404(user, pk)
    what = _("The message was not discarded")
    if not is_held(message):
        return _refused(request, user, message, Conflict(str(ALREADY_DECIDED)), what)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            "agent/mail_message.html",
            label=str(DISCARD),
            text=_discard_text(),
            danger=True,
            message=message,
            confirming=True,
            discard_question=_discard_question(message),
        )
    try:
        inbound_discard(message_id=message.pk, actor=user)
    except ServiceError as error:
        return _refused(request, user, message, error, what)
    messages.success(request, _("Discarded."))
    return redirect("agent:mail")


@require_safe
@login_required
def original(request: HttpRequest, pk: int) -> FileResponse:
    """The message as it arrived, byte for byte (`.eml`: any mail program opens it), as a
    download that the browser never shows or sniffs. Signed-in staff only: anyone else finds no
    such message (`inbound_visible_to`)."""
    message = message_or_404(signed_in(request), pk)
    handle = raw_of(message)
    if handle is None:
        raise Http404("The stored message is missing.")
    return _download(handle, f"message-{message.pk}.eml", "message/rfc822")


@require_safe
@login_required
def mail_file(request: HttpRequest, pk: int, index: int, filename: str) -> FileResponse:
    """One of the message's files, as a download, whatever type it claims: it comes from a
    stranger and was never checked like an attachment posted on a case. Staff only, as
    `original`."""
    message = message_or_404(signed_in(request), pk)
    found = file_of(message, index)
    return _download(found.open(), found.filename or "file", found.content_type)


def signed_in(request: HttpRequest) -> User:
    """The signed-in user (views behind `login_required`)."""
    return cast(User, request.user)


def _download(content: IO[bytes], filename: str, content_type: str) -> FileResponse:
    download = Download(
        file=content,
        filename=filename,
        content_type=content_type or "application/octet-stream",
        inline=False,
    )
    return FileResponse(download.file, **download.options())


def _discard_question(message: InboundMessage) -> str:
    subject = message.subject or _("(no subject)")
    return _("Discard “%(subject)s”?") % {"subject": subject}


def _discard_text() -> str:
    return _(
        "It is posted on no case and its sender is not told. It stays listed under Recently "
        "handled, and its original can still be downloaded."
    )


def _field_error(form: OntoCaseForm | NewCaseForm, field: str, error: ServiceError) -> None:
    """A refusal about what was chosen goes beside it: the case or queue named is not there, or
    the service refused a field."""
    if isinstance(error, InvalidInput):
        add_service_errors(form, error)
    elif isinstance(error, NotVisible):
        form.add_error(field, error.detail)


def _refused(
    request: HttpRequest,
    user: User,
    message: InboundMessage,
    error: ServiceError,
    what: str,
    *,
    onto_case: OntoCaseForm | None = None,
    new_case: NewCaseForm | None = None,
) -> HttpResponse:
    """The message's page again, as it is now, with the reason, under the refusal's status. A
    message someone else released or discarded meanwhile says so in those words."""
    fresh = message_or_404(user, message.pk)
    detail = error.detail
    if isinstance(error, Conflict) and not is_held(fresh):
        detail = str(ALREADY_DECIDED)
    messages.error(request, f"{what}: {detail}")
    return _render_message(
        request, user, fresh, onto_case=onto_case, new_case=new_case, status=error.status_code
    )


def _render_message(
    request: HttpRequest,
    user: User,
    message: InboundMessage,
    *,
    onto_case: OntoCaseForm | None = None,
    new_case: NewCaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    held = is_held(message)
    if held:
        if onto_case is None:
            onto_case = OntoCaseForm()
            onto_case.offer(cases := sender_cases(user, message))
            if cases:
                onto_case.initial["case"] = cases[0].pk
        if new_case is None:
            new_case = NewCaseForm(initial={"queue": queue_of(message)})
    return render(
        request,
        "agent/mail_message.html",
        {
            "message": message,
            "reading": reading_of(message),
            "fate": fate_of(message),
            "held": held,
            "onto_case": onto_case,
            "new_case": new_case,
            "discard_label": DISCARD,
            "discard_question": _discard_question(message),
            "discard_text": _discard_text(),
            "list_tab": HELD.key if held else "handled",
        },
        status=status,
    )
