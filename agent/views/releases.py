"""Releases (/agent/releases/): agents create a release in a queue that takes them, add the
queue's cases that are ready for it, and deliver it, which moves every case at once
(`workflows.transitions.deliver_release`, all or none) after an "are you sure?".

Success goes to the release's page with a message (role="status"); a refusal draws the page
again, as it is now, with the reason (role="alert") and what was chosen, under the refusal's
HTTP status. A delivered release is read-only."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agent.access import staff_of, staff_only
from agent.releases import (
    AddCaseForm,
    ReleaseForm,
    case_count,
    cases_ready_for,
    delivered_status_label,
    ready_status_labels,
    reference_of,
    release_cases,
    release_or_404,
    releases_by_queue,
)
from cases.errors import Conflict, InvalidInput, NotVisible, ServiceError
from cases.models import Release, User
from services.releases import release_add_case as add_case_to_release
from services.releases import release_create
from web.confirmation import confirmation_page, is_confirmed
from web.forms import add_service_errors
from workflows.transitions import deliver_release

DELIVER = gettext_lazy("Deliver release")


@require_http_methods(["GET", "POST"])
@staff_only
def release_list(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    form = ReleaseForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                release = release_create(
                    actor=user, name=form.cleaned_data["name"], queue=form.cleaned_data["queue"]
                )
            except InvalidInput as error:
                add_service_errors(form, error)
            except ServiceError as error:
                messages.error(request, _("The release was not created: %s") % error.detail)
                status = error.status_code
            else:
                created = _("Release “%(name)s” was created. Add the cases it delivers.")
                messages.success(request, created % {"name": release.name})
                return redirect("agent:release", pk=release.pk)
    groups = releases_by_queue()
    return render(
        request,
        "agent/releases.html",
        {
            "groups": groups,
            "any_release": any(group.releases for group in groups),
            "form": form,
        },
        status=status,
    )


@require_GET
@staff_only
def release_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_of(request)
    return _render_release(request, user, release_or_404(pk))


@require_POST
@staff_only
def release_add_case(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_of(request)
    release = release_or_404(pk)
    what = _("The case was not added")
    if release.is_delivered:
        return _refused(request, user, release, Conflict(_delivered_text(release)), what)
    form = AddCaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("%(what)s: choose a case first.") % {"what": what})
        return _render_release(request, user, release, add_form=form, status=400)
    case_id = form.cleaned_data["case"]
    try:
        add_case_to_release(release_id=release.pk, case_id=case_id, actor=user)
    except ServiceError as error:
        if isinstance(error, InvalidInput):
            add_service_errors(form, error)
        elif isinstance(error, NotVisible):
            form.add_error("case", _("No such case."))
        else:
            form.add_error("case", error.detail)
        return _refused(request, user, release, error, what, add_form=form)
    added = _("%(reference)s was added to release “%(name)s”.")
    messages.success(request, added % {"reference": reference_of(case_id), "name": release.name})
    return redirect("agent:release", pk=release.pk)


@require_POST
@staff_only
def release_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_of(request)
    release = release_or_404(pk)
    what = _("The release was not delivered")
    if release.is_delivered:
        return _refused(request, user, release, Conflict(_delivered_text(release)), what)
    count = case_count(release)
    # An empty release goes straight to the service, whose refusal says why.
    if count and not is_confirmed(request):
        return _confirmation(request, release, count)
    try:
        deliver_release(release_id=release.pk, actor=user)
    except ServiceError as error:
        return _refused(request, user, release, error, what)
    moved = ngettext(
        "Release “%(name)s” was delivered: %(count)d case is now %(status)s.",
        "Release “%(name)s” was delivered: %(count)d cases are now %(status)s.",
        count,
    )
    status = delivered_status_label(release)
    messages.success(request, moved % {"name": release.name, "count": count, "status": status})
    return redirect("agent:release", pk=release.pk)


def _delivered_text(release: Release) -> str:
    return _("Release “%(name)s” has been delivered: it cannot change any more.") % {
        "name": release.name
    }


def _deliver_text(release: Release, count: int) -> str:
    text = ngettext(
        "Its case moves to %(status)s and its customer is told. "
        "The release cannot change afterwards.",
        "Its %(count)d cases move to %(status)s at once, and each customer is told. "
        "The release cannot change afterwards.",
        count,
    )
    return text % {"count": count, "status": delivered_status_label(release)}


def _deliver_question(release: Release) -> str:
    return _("Deliver release %(name)s?") % {"name": release.name}


def _render_release(
    request: HttpRequest,
    user: User,
    release: Release,
    *,
    add_form: AddCaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = release_cases(user, release)
    ready = list(cases_ready_for(user, release))
    # A form sent back keeps its choice and its errors, and offers the cases ready now.
    if add_form is None:
        add_form = AddCaseForm()
    add_form.offer(ready, ready_status_labels(release))
    return render(
        request,
        "agent/release.html",
        {
            "release": release,
            "rows": rows,
            "ready": ready,
            "add_form": add_form,
            "ready_labels": ready_status_labels(release),
            "deliver_label": DELIVER,
            "deliver_text": _deliver_text(release, len(rows)),
            "deliver_question": _deliver_question(release),
        },
        status=status,
    )


def _refused(
    request: HttpRequest,
    user: User,
    release: Release,
    error: ServiceError,
    what: str,
    *,
    add_form: AddCaseForm | None = None,
) -> HttpResponse:
    """A service (or the page's own rule) said no: the release's page again, as it is now, with
    the reason, under the refusal's status (400, 403, 404 or 409)."""
    messages.error(request, f"{what}: {error.detail}")
    fresh = release_or_404(release.pk)
    return _render_release(request, user, fresh, add_form=add_form, status=error.status_code)


def _confirmation(request: HttpRequest, release: Release, count: int) -> HttpResponse:
    """Without JavaScript, the release page itself asks "are you sure?" (`confirming`)."""
    return confirmation_page(
        request,
        "agent/release.html",
        label=str(DELIVER),
        text=_deliver_text(release, count),
        release=release,
        confirming=True,
        deliver_question=_deliver_question(release),
    )
