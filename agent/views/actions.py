"""What an agent does on the case page: each action POSTs to its own URL under the case and calls
the service the API calls. Success goes back to the case page with a message (role="status"); a
refusal draws the page again, as the case is now, with the reason (role="alert"), the field
errors and what was typed, under the refusal's HTTP status.

A transition or a property change sent from a page drawn before the case last changed is refused
by the service (`expected_updated_at`); a reply is still posted, with the same warning."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agent.access import staff_of, staff_only
from agent.case_forms import ActionsForm, PropertiesForm, ReplyForm
from agent.presenters import CONFIRMED_TRANSITIONS
from agent.views.case import Forms, active_staff, case_or_404, changed_since, render_case
from cases.errors import InvalidInput, NotVisible, ServiceError
from cases.models import Case, User
from services.cases import case_delete, case_update
from services.conversation import comment_post
from web.case_progress import status_of
from web.confirmation import confirmation_page, is_confirmed, transition_asks_first
from web.forms import add_service_errors, ask_for_files_again
from workflows.metadata import describe
from workflows.registry import as_workflow_case
from workflows.services import STALE, perform_transition


@require_POST
@staff_only
def reply(request: HttpRequest, reference: str) -> HttpResponse:
    user = staff_of(request)
    case = case_or_404(user, reference)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, user, reference, Forms(reply=form))
    internal = form.cleaned_data["internal"]
    try:
        comment_post(
            case_id=case.pk,
            actor=user,
            body=form.cleaned_data["body"],
            internal=internal,
            files=form.cleaned_data["attachments"],
        )
    except ServiceError as error:
        what = _("Your note was not saved") if internal else _("Your reply was not sent")
        return _refused(request, user, reference, error, Forms(reply=form), what)
    if changed_since(case, form.cleaned_data["expected_updated_at"]):
        messages.warning(request, _("%(stale)s.") % {"stale": STALE})
    messages.success(request, _("Your note was saved.") if internal else _("Your reply was sent."))
    return _back_to(case, "conversation")


@require_POST
@staff_only
def transition(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    user = staff_of(request)
    case = case_or_404(user, reference)
    info = describe(case.workflow).transition(name)
    if info is None or not info.manual:
        raise Http404("No such action.")
    staff = active_staff()
    sub_statuses = describe(case.workflow).sub_statuses.get(info.target, ())
    form = ActionsForm(request.POST, sub_statuses=sub_statuses, staff=staff)
    if not form.is_valid():
        return _invalid(request, user, reference, Forms(actions=form))
    if transition_asks_first(request, name, CONFIRMED_TRANSITIONS, case, user):
        return confirmation_page(
            request,
            "agent/case_confirm.html",
            case=case,
            label=info.label,
            text=str(CONFIRMED_TRANSITIONS[name]),
        )
    try:
        moved = perform_transition(
            case_id=case.pk,
            name=name,
            actor=user,
            expected_updated_at=form.cleaned_data["expected_updated_at"],
            **form.payload(info.rules.fields),
        )
    except ServiceError as error:
        what = _("%(action)s was not done") % {"action": info.label}
        return _refused(request, user, reference, error, Forms(actions=form), what)
    messages.success(
        request,
        _("%(action)s: done. The case is now %(status)s.")
        % {"action": info.label, "status": status_of(moved).label},
    )
    return _back_to(case)


@require_POST
@staff_only
def properties(request: HttpRequest, reference: str) -> HttpResponse:
    user = staff_of(request)
    case = case_or_404(user, reference)
    may_set_assignee = as_workflow_case(case).may_set_assignee(user.role)
    form = PropertiesForm(request.POST, staff=active_staff(), may_set_assignee=may_set_assignee)
    if not form.is_valid():
        return _invalid(request, user, reference, Forms(properties=form))
    try:
        case_update(
            case_id=case.pk,
            actor=user,
            changes=form.changes(),
            expected_updated_at=form.cleaned_data["expected_updated_at"],
        )
    except ServiceError as error:
        what = _("The changes were not saved")
        return _refused(request, user, reference, error, Forms(properties=form), what)
    messages.success(request, _("The changes were saved."))
    return _back_to(case, "properties")


@require_POST
@staff_only
def delete(request: HttpRequest, reference: str) -> HttpResponse:
    user = staff_of(request)
    case = case_or_404(user, reference)
    if not is_confirmed(request):
        text = _("The case disappears from the lists; a manager can restore it.")
        return confirmation_page(
            request,
            "agent/case_confirm.html",
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
    return redirect("agent:cases")


def _back_to(case: Case, section: str = "") -> HttpResponse:
    url = reverse("agent:case", kwargs={"reference": case.reference})
    return redirect(f"{url}#{section}" if section else url)


def _forms_of(forms: Forms) -> list[ReplyForm | ActionsForm | PropertiesForm]:
    return [form for form in (forms.reply, forms.actions, forms.properties) if form is not None]


def _invalid(request: HttpRequest, user: User, reference: str, forms: Forms) -> HttpResponse:
    """The form itself was not filled in right (400): the reasons sit beside the fields."""
    messages.error(request, _("Please correct what is marked below."))
    for form in _forms_of(forms):
        ask_for_files_again(form, bool(request.FILES))
    return render_case(request, user, case_or_404(user, reference), forms=forms, status=400)


def _refused(
    request: HttpRequest,
    user: User,
    reference: str,
    error: ServiceError,
    forms: Forms,
    what: str,
) -> HttpResponse:
    """A service said no: the case page again, as it is now, with the reason and the form as it
    was typed, under the refusal's status (400, 403 or 409)."""
    if isinstance(error, NotVisible) or error.status_code == 404:
        raise Http404("No such case.")
    messages.error(request, f"{what}: {error.detail}")
    for form in _forms_of(forms):
        if isinstance(error, InvalidInput) and form.is_bound:
            add_service_errors(form, error)
        ask_for_files_again(form, bool(request.FILES))
    case = case_or_404(user, reference)
    return render_case(request, user, case, forms=forms, status=error.status_code)
