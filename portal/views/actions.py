"""What a customer does to a case: each action POSTs to its own URL under the case and calls the
service the API calls. Success goes back to the case page with a message; a refusal draws the
case page again with the reason (role="alert"), the field errors and what was typed, under the
refusal's HTTP status; a case the customer may not see is a 404."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.errors import Conflict, InvalidInput, NotVisible, ServiceError
from cases.models import Case, User
from portal.access import case_or_404, customer_of, customer_only, portal_cases
from portal.forms import (
    ReplyForm,
    SurveyForm,
    TransitionForm,
    add_service_errors,
    ask_for_files_again,
)
from portal.presenters import CONFIRMED_TRANSITIONS
from portal.views.case import Forms, page_cases, render_case
from services.cases import case_delete
from services.conversation import comment_post
from services.surveys import survey_submit
from web.case_progress import status_of
from web.confirmation import confirmation_page, is_confirmed, transition_asks_first
from workflows.metadata import describe
from workflows.services import available_transitions, perform_transition


@require_POST
@customer_only
def reply(request: HttpRequest, reference: str) -> HttpResponse:
    user = customer_of(request)
    case = case_or_404(portal_cases(user), reference)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, user, reference, Forms(reply=form))
    try:
        comment_post(
            case_id=case.pk,
            actor=user,
            body=form.cleaned_data["body"],
            files=form.cleaned_data["attachments"],
        )
    except ServiceError as error:
        return _refused(
            request, user, reference, error, Forms(reply=form), _("Your reply was not sent")
        )
    messages.success(request, _("Your reply was sent."))
    return _back_to(case, "conversation")


@require_POST
@customer_only
def transition(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    user = customer_of(request)
    case = case_or_404(portal_cases(user), reference)
    info = describe(case.workflow).transition(name)
    if info is None:
        raise Http404("No such action.")
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, user, reference, Forms(actions=form))
    if transition_asks_first(request, name, CONFIRMED_TRANSITIONS, case, user):
        return confirmation_page(
            request,
            "portal/confirm.html",
            case=case,
            label=info.label,
            text=str(CONFIRMED_TRANSITIONS[name]),
        )
    try:
        moved = perform_transition(
            case_id=case.pk, name=name, actor=user, note=form.cleaned_data["note"]
        )
    except ServiceError as error:
        what = _("%(action)s was not done") % {"action": info.label}
        return _refused(request, user, reference, error, Forms(actions=form), what, name)
    messages.success(
        request,
        _("%(action)s: done. The case is now %(status)s.")
        % {"action": info.label, "status": status_of(moved).label},
    )
    return _back_to(case)


@require_POST
@customer_only
def delete(request: HttpRequest, reference: str) -> HttpResponse:
    user = customer_of(request)
    case = case_or_404(portal_cases(user), reference)
    if not is_confirmed(request):
        text = _("The case disappears from your lists; support keeps its history.")
        return confirmation_page(
            request,
            "portal/confirm.html",
            case=case,
            label=_("Delete case"),
            text=text,
            danger=True,
        )
    try:
        case_delete(case_id=case.pk, actor=user)
    except ServiceError as error:
        return _refused(request, user, reference, error, Forms(), _("The case was not deleted"))
    messages.success(request, _("Case %(reference)s was deleted.") % {"reference": reference})
    return redirect("portal:cases")


@require_POST
@customer_only
def survey(request: HttpRequest, reference: str) -> HttpResponse:
    user = customer_of(request)
    case = case_or_404(portal_cases(user), reference)
    form = SurveyForm(request.POST)
    if not form.is_valid():
        return _invalid(request, user, reference, Forms(survey=form))
    try:
        survey_submit(
            case_id=case.pk,
            actor=user,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except ServiceError as error:
        return _refused(
            request, user, reference, error, Forms(survey=form), _("Your feedback was not sent")
        )
    messages.success(request, _("Thank you for your feedback."))
    return _back_to(case, "survey")


def _back_to(case: Case, section: str = "") -> HttpResponse:
    url = reverse("portal:case", kwargs={"reference": case.reference})
    return redirect(f"{url}#{section}" if section else url)


def _invalid(request: HttpRequest, user: User, reference: str, forms: Forms) -> HttpResponse:
    """The form itself was not filled in right (400): the reasons sit beside the fields."""
    messages.error(request, _("Please correct what is marked below."))
    for form in (forms.reply, forms.actions, forms.survey):
        ask_for_files_again(form, bool(request.FILES))
    return render_case(
        request, user, case_or_404(page_cases(user), reference), forms=forms, status=400
    )


def _refused(
    request: HttpRequest,
    user: User,
    reference: str,
    error: ServiceError,
    forms: Forms,
    what: str,
    transition_name: str = "",
) -> HttpResponse:
    """A service said no: the case page again, as it is now, with the reason and the form as
    it was typed, under the refusal's status (400, 403 or 409)."""
    if isinstance(error, NotVisible) or error.status_code == 404:
        raise Http404("No such case.")
    case = case_or_404(page_cases(user), reference)
    messages.error(request, f"{what}: {_reason(error, case, user, transition_name)}")
    for form in (forms.reply, forms.actions, forms.survey):
        if isinstance(error, InvalidInput) and form.is_bound:
            add_service_errors(form, error)
        ask_for_files_again(form, bool(request.FILES))
    return render_case(request, user, case, forms=forms, status=error.status_code)


def _reason(error: ServiceError, case: Case, user: User, transition_name: str) -> str:
    """The refusal in the customer's words: a transition that is no longer possible names the
    status the case is in now (someone, or another tab, moved it meanwhile)."""
    if (
        isinstance(error, Conflict)
        and transition_name
        and transition_name not in available_transitions(case, user)
    ):
        return _("this case is now %(status)s, and that action is no longer possible.") % {
            "status": status_of(case).label
        }
    return error.detail
