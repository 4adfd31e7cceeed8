"""What people do to a case from its page, the same on the customer's and the agent's side: reply,
perform a transition, delete. Each action POSTs to its own URL under the case and calls the service
the API calls. Success goes back to the case page with a message (role="status"); a refusal draws
the page again, as the case is now, with the reason (role="alert"), the field errors and what was
typed, under the refusal's HTTP status; a case the reader may not see is a 404.

The two sides differ only in what `CaseSide` holds (who may use them, how a case is found, which
forms and pages); everything else is written here once.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.errors import Conflict, InvalidInput, NewMessages, NotVisible, ServiceError
from cases.models import Case, User
from services.cases import case_delete
from services.conversation import comment_post
from web.case_progress import status_of
from web.confirmation import confirmation_page, is_confirmed, transition_asks_first
from web.forms import SERVICE_FIELDS, ReplyForm, add_service_errors, ask_for_files_again
from workflows.metadata import TransitionInfo, describe
from workflows.transitions import CHANGED_SINCE_SEEN, available_transitions, perform_transition

View = Callable[..., HttpResponse]
Forms = dict[str, forms.Form]


class ActionsForm(Protocol):
    """A side's Actions form: it validates what was typed and says what the transition takes."""

    cleaned_data: dict[str, Any]

    def is_valid(self) -> bool: ...

    def payload(self, fields: tuple[str, ...]) -> dict[str, Any]: ...


class RenderCase(Protocol):
    def __call__(
        self, request: HttpRequest, user: User, case: Case, *, forms: Forms, status: int = 200
    ) -> HttpResponse: ...


@dataclass(frozen=True)
class CaseSide:
    """What differs between the customer's and the agent's case page."""

    namespace: str
    # Who may use this side's pages (customer_only, staff_only).
    guard: Callable[[View], View]
    # The case of a reference among those the reader may use here (one query), or 404.
    find: Callable[[User, str], Case]
    render: RenderCase
    reply_form: Callable[[QueryDict | None, MultiValueDict[str, Any] | None], ReplyForm]
    actions_form: Callable[[QueryDict, Case, TransitionInfo], ActionsForm]
    # The transitions this side confirms first, with what the question adds.
    asks_first: Mapping[str, str | Promise]
    confirm_template: str
    deleted_text: str | Promise
    # Whether a transition from a page drawn before the case last changed is refused (the agent
    # workspace, where colleagues act on the same cases).
    refuses_stale: bool

    def case_url(self, case: Case, section: str = "") -> str:
        url = reverse(f"{self.namespace}:case", kwargs={"reference": case.reference})
        return f"{url}#{section}" if section else url


def signed_in(request: HttpRequest) -> User:
    """The signed-in person (views behind a side's guard only)."""
    return cast(User, request.user)


def reply_view(side: CaseSide) -> View:
    @require_POST
    @side.guard
    def reply(request: HttpRequest, reference: str) -> HttpResponse:
        user = signed_in(request)
        case = side.find(user, reference)
        form = side.reply_form(request.POST, request.FILES)
        if not form.is_valid():
            return invalid(request, side, user, reference, {"reply": form})
        internal = form.is_internal
        try:
            comment_post(
                case_id=case.pk,
                actor=user,
                body=form.cleaned_data["body"],
                internal=internal,
                files=form.cleaned_data["attachments"],
                seen=None if form.sends_anyway else form.cleaned_data["seen"],
            )
        except NewMessages as crossing:
            return _hold_reply(request, side, user, reference, form, crossing)
        except ServiceError as error:
            what = _("Your note was not saved") if internal else _("Your reply was not sent")
            return refused(request, side, user, reference, error, {"reply": form}, what)
        seen = form.cleaned_data["seen"]
        if side.refuses_stale and seen is not None and case.updated_at != seen:
            messages.warning(request, _("%(changed)s.") % {"changed": CHANGED_SINCE_SEEN})
        messages.success(
            request, _("Your note was saved.") if internal else _("Your reply was sent.")
        )
        return redirect(side.case_url(case, "conversation"))

    return reply


def transition_view(side: CaseSide) -> View:
    @require_POST
    @side.guard
    def transition(request: HttpRequest, reference: str, name: str) -> HttpResponse:
        user = signed_in(request)
        case = side.find(user, reference)
        info = describe(case.workflow).transition(name)
        if info is None or not info.manual:
            raise Http404("No such action.")
        form = side.actions_form(request.POST, case, info)
        if not form.is_valid():
            return invalid(request, side, user, reference, {"actions": cast(forms.Form, form)})
        if transition_asks_first(request, name, side.asks_first, case, user):
            return confirmation_page(
                request,
                side.confirm_template,
                case=case,
                label=info.label,
                text=str(side.asks_first[name]),
            )
        stale_check = form.cleaned_data.get("seen") if side.refuses_stale else None
        try:
            moved = perform_transition(
                case_id=case.pk,
                name=name,
                actor=user,
                seen=stale_check,
                **form.payload(info.rules.fields),
            )
        except ServiceError as error:
            what = _("%(action)s was not done") % {"action": info.label}
            actions = {"actions": cast(forms.Form, form)}
            return refused(request, side, user, reference, error, actions, what, name)
        messages.success(
            request,
            _("%(done)s. The case is now %(status)s.")
            % {"done": info.rules.done or info.label, "status": status_of(moved).label},
        )
        return redirect(side.case_url(case))

    return transition


def delete_view(side: CaseSide) -> View:
    @require_POST
    @side.guard
    def delete(request: HttpRequest, reference: str) -> HttpResponse:
        user = signed_in(request)
        case = side.find(user, reference)
        if not is_confirmed(request):
            return confirmation_page(
                request,
                side.confirm_template,
                case=case,
                label=_("Delete case"),
                text=str(side.deleted_text),
                danger=True,
            )
        try:
            case_delete(case_id=case.pk, actor=user)
        except ServiceError as error:
            return refused(request, side, user, reference, error, {}, _("The case was not deleted"))
        messages.success(request, _("Case %(reference)s was deleted.") % {"reference": reference})
        return redirect(f"{side.namespace}:cases")

    return delete


def _hold_reply(
    request: HttpRequest,
    side: CaseSide,
    user: User,
    reference: str,
    form: ReplyForm,
    crossing: NewMessages,
) -> HttpResponse:
    """Someone else's public message arrived while this reply was being written: nothing is sent
    yet. The page shows the new messages, keeps the reply as typed and asks, with Send anyway."""
    messages.warning(request, crossing.detail)
    form.hold()
    ask_for_files_again(form, bool(request.FILES))
    case = side.find(user, reference)
    return side.render(request, user, case, forms={"reply": form}, status=crossing.status_code)


def invalid(
    request: HttpRequest, side: CaseSide, user: User, reference: str, bound: Forms
) -> HttpResponse:
    """The form itself was not filled in right (400): the reasons sit beside the fields."""
    messages.error(request, _("Please correct what is marked below."))
    for form in bound.values():
        ask_for_files_again(form, bool(request.FILES))
    return side.render(request, user, side.find(user, reference), forms=bound, status=400)


def refused(
    request: HttpRequest,
    side: CaseSide,
    user: User,
    reference: str,
    error: ServiceError,
    bound: Forms,
    what: str,
    transition_name: str = "",
) -> HttpResponse:
    """A service said no: the case page again, as it is now, with the reason and the forms as
    they were typed, under the refusal's status (400, 403 or 409)."""
    if isinstance(error, NotVisible) or error.status_code == 404:
        raise Http404("No such case.")
    case = side.find(user, reference)
    messages.error(request, f"{what}: {_reason(error, case, user, transition_name, bound)}")
    for form in bound.values():
        if isinstance(error, InvalidInput) and form.is_bound:
            add_service_errors(form, error)
        ask_for_files_again(form, bool(request.FILES))
    return side.render(request, user, case, forms=bound, status=error.status_code)


def _reason(error: ServiceError, case: Case, user: User, transition_name: str, bound: Forms) -> str:
    """The refusal in the reader's words: field errors by the fields' labels (they are also
    shown beside the fields), and a transition that is no longer possible names the status the
    case is in now (someone, or another tab, moved it meanwhile)."""
    if isinstance(error, InvalidInput):
        return " ".join(
            f"{_label_of(name, bound)}: {message}"
            for name, field_messages in error.errors.items()
            for message in field_messages
        )
    if (
        isinstance(error, Conflict)
        and transition_name
        and error.detail != CHANGED_SINCE_SEEN
        and transition_name not in available_transitions(case, user)
    ):
        return _("this case is now %(status)s, and that action is no longer possible.") % {
            "status": status_of(case).label
        }
    return error.detail


def _label_of(name: str, bound: Forms) -> str:
    """A field as the page labels it ("Close notes", not close_notes)."""
    for form in bound.values():
        field = form.fields.get(SERVICE_FIELDS.get(name, name))
        if field is not None and field.label:
            return str(field.label)
    return name.replace("_", " ").capitalize()
