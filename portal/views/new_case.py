"""New case (/portal/cases/new/), and its follow-up form (`?repeat_of=CS-…`): the same form,
prefilled from a closed case, that opens the new case through `case_repeat` so that it links
back to the original."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.errors import InvalidInput, NotVisible, ServiceError
from cases.models import Case, User
from portal.access import case_or_404, customer_of, customer_only, portal_cases
from portal.forms import CaseForm
from portal.presenters import follow_up_allowed
from services.attachments import attachment_add, uploads_checked
from services.cases import case_create, case_repeat
from web.forms import add_service_errors, ask_for_files_again


@require_http_methods(["GET", "POST"])
@customer_only
def case_new(request: HttpRequest) -> HttpResponse:
    user = customer_of(request)
    original = _original(request, user)
    form = CaseForm(request.POST or None, request.FILES or None, initial=_initial(original))
    if original is not None:
        form.fix_for_follow_up(original.queue, original.priority)
    if request.method == "POST":
        if form.is_valid():
            try:
                case = _open(user, form, original)
            except NotVisible:
                raise Http404("No such case.") from None
            except ServiceError as error:
                messages.error(request, error.detail)
                if isinstance(error, InvalidInput):
                    add_service_errors(form, error)
                ask_for_files_again(form, bool(request.FILES))
                return _render(request, form, original, status=error.status_code)
            messages.success(
                request,
                _("Case %(reference)s was created. Support will answer here and by email.")
                % {"reference": case.reference},
            )
            return redirect("portal:case", reference=case.reference)
        ask_for_files_again(form, bool(request.FILES))
        return _render(request, form, original, status=400)
    return _render(request, form, original)


def _original(request: HttpRequest, user: User) -> Case | None:
    """The closed case a follow-up repeats (`repeat_of`, a reference in the query string), or
    None; 404 when the customer may not see it. A case that cannot be repeated says why and
    leaves a plain New case form."""
    reference = request.GET.get("repeat_of") or request.POST.get("repeat_of")
    if not reference:
        return None
    if "\x00" in reference:
        # No reference holds one, and PostgreSQL refuses it in a query: as unknown as any other.
        raise Http404("No such case.")
    original = case_or_404(portal_cases(user).select_related("queue"), reference)
    if not follow_up_allowed(original):
        if request.method == "GET":
            messages.error(
                request,
                _(
                    "%(reference)s cannot be repeated: only a closed case of a workflow with "
                    "follow-ups can. This form opens a new case instead."
                )
                % {"reference": original.reference},
            )
        return None
    return original


def _initial(original: Case | None) -> dict[str, object]:
    if original is None:
        return {}
    return {
        "queue": original.queue,
        "priority": original.priority,
        "subject": _("Repeat of %(reference)s") % {"reference": original.reference},
    }


def _open(user: User, form: CaseForm, original: Case | None) -> Case:
    data = form.cleaned_data
    if original is not None:
        # case_repeat copies the case and takes no files: they are checked first, so that a
        # refused file opens no case, then attached to the new one.
        uploads_checked(data["attachments"])
        repeat = case_repeat(
            case_id=original.pk,
            actor=user,
            subject=data["subject"],
            description=data["description"],
        )
        for file in data["attachments"]:
            attachment_add(case_id=repeat.pk, actor=user, file=file)
        return repeat
    return case_create(
        actor=user,
        queue=data["queue"],
        subject=data["subject"],
        description=data["description"],
        priority=data["priority"],
        files=data["attachments"],
    )


def _render(
    request: HttpRequest, form: CaseForm, original: Case | None, *, status: int = 200
) -> HttpResponse:
    return render(
        request, "portal/case_new.html", {"form": form, "original": original}, status=status
    )
