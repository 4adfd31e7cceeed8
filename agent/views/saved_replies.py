"""Saved replies (/agent/saved-replies/): an agent lists, creates, edits and deletes their own
reply texts and sees the shared ones (kept by managers in the admin) read-only. The case page's
Reply section inserts them (agent.views.case)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agent.access import staff_of, staff_only
from agent.forms import SavedReplyForm
from cases.errors import Forbidden, InvalidInput, NotVisible
from cases.models import SavedReply, User
from cases.selectors import saved_replies_for
from services.saved_replies import (
    saved_reply_create,
    saved_reply_delete,
    saved_reply_get_for_change,
    saved_reply_update,
)
from web.forms import add_service_errors


@require_http_methods(["GET", "POST"])
@staff_only
def saved_reply_list(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    form = SavedReplyForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            saved_reply_create(
                actor=user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
            )
        except InvalidInput as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your saved reply was added."))
            return redirect("agent:saved_replies")
    replies = list(saved_replies_for(user))
    return render(
        request,
        "agent/saved_replies.html",
        {
            "own": [reply for reply in replies if reply.owner_id is not None],
            "shared": [reply for reply in replies if reply.owner_id is None],
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


def _changeable(user: User, pk: int) -> SavedReply:
    """The agent's own saved reply `pk` (a manager's: a shared one too); 404 or 403 otherwise."""
    try:
        return saved_reply_get_for_change(reply_id=pk, actor=user)
    except NotVisible:
        raise Http404("No such saved reply.") from None
    except Forbidden:
        raise PermissionDenied from None


@require_http_methods(["GET", "POST"])
@staff_only
def saved_reply_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_of(request)
    reply = _changeable(user, pk)
    if request.method == "POST":
        form = SavedReplyForm(request.POST)
        if form.is_valid():
            try:
                saved_reply_update(
                    reply_id=reply.pk,
                    actor=user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except InvalidInput as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your saved reply was changed."))
                return redirect("agent:saved_replies")
        status = 400
    else:
        form = SavedReplyForm(initial={"title": reply.title, "body": reply.body})
        status = 200
    return render(
        request, "agent/saved_reply_edit.html", {"reply": reply, "form": form}, status=status
    )


@require_POST
@staff_only
def saved_reply_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_of(request)
    reply = _changeable(user, pk)
    saved_reply_delete(reply_id=reply.pk, actor=user)
    deleted = _("The saved reply “%(title)s” was deleted.") % {"title": reply.title}
    messages.success(request, deleted)
    return redirect("agent:saved_replies")
