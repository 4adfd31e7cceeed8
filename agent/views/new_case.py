"""New case on a customer's behalf (/agent/cases/new/): the requester is a customer the agent
names by typing (`agent.people`: app.js suggests them; without it, part of a name that names one
customer), the channel says how they got in touch (phone, email, chat, agent)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agent.access import case_url, staff_of, staff_only
from agent.forms import CaseForm
from cases.errors import InvalidInput, ServiceError
from services.cases import case_create
from web.forms import FILES_AGAIN, add_service_errors


@require_http_methods(["GET", "POST"])
@staff_only
def case_new(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    form = CaseForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _render(request, form)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = case_create(
                actor=user,
                requester=data["requester"],
                queue=data["queue"],
                subject=data["subject"],
                description=data["description"],
                priority=data["priority"],
                channel=data["channel"],
                files=data["attachments"],
            )
        except ServiceError as error:
            messages.error(request, error.detail)
            if isinstance(error, InvalidInput):
                add_service_errors(form, error)
            _ask_for_files_again(request, form)
            return _render(request, form, status=error.status_code)
        # "Created", not "open": the case starts in its workflow's first status (New).
        messages.success(
            request,
            _("Case %(reference)s created for %(person)s.")
            % {"reference": case.reference, "person": data["requester"].display_name},
        )
        return redirect(case_url(str(case.reference)))
    _ask_for_files_again(request, form)
    return _render(request, form, status=400)


def _ask_for_files_again(request: HttpRequest, form: CaseForm) -> None:
    """A browser never refills a file input: say so beside it when files were chosen."""
    if request.FILES and form.errors:
        form.add_error("attachments", FILES_AGAIN)


def _render(request: HttpRequest, form: CaseForm, *, status: int = 200) -> HttpResponse:
    return render(request, "agent/case_new.html", {"form": form}, status=status)
