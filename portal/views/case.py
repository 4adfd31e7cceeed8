"""The customer's case page (/portal/cases/<reference>/): everything about one case, and the forms
that act on it. What a customer does to the case (reply, transitions, delete) is the shared case
controller (`web.case_actions`) on the portal's side, `PORTAL`; the actions draw this page again,
with the reason and what was typed, when a service refuses them."""

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cases.models import Case, User
from cases.selectors import (
    case_attachments_prefetch,
)
from portal.access import case_or_404, customer_of, customer_only, portal_cases
from portal.forms import ReplyForm, SurveyForm, TransitionForm
from portal.presenters import CONFIRMED_TRANSITIONS, moves_text, present_portal
from services.notifications import notifications_mark_read
from web.case_actions import CaseSide, Forms
from web.case_page import read
from workflows.metadata import TransitionInfo
from workflows.timers import with_upcoming


@require_GET
@customer_only
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    user = customer_of(request)
    case = case_or_404(page_cases(user), reference)
    # Before drawing the header, so that its unread count already leaves these out.
    notifications_mark_read(actor=user, case_id=case.pk)
    return _draw(request, user, case)


def page_cases(user: User) -> QuerySet[Case]:
    """The customer's cases with everything the page reads of one, in one query (and the
    outbox rows `upcoming` reads, in one more)."""
    return (
        with_upcoming(portal_cases(user))
        .select_related("queue", "requester", "assignee", "repeat_of", "survey")
        .prefetch_related(case_attachments_prefetch(user))
    )


def render_case(
    request: HttpRequest, user: User, case: Case, *, forms: Forms, status: int = 200
) -> HttpResponse:
    """The page again after an action (`case` is the light row the action found)."""
    return _draw(request, user, case_or_404(page_cases(user), str(case.reference)), forms, status)


def _draw(
    request: HttpRequest,
    user: User,
    case: Case,
    forms: Forms | None = None,
    status: int = 200,
) -> HttpResponse:
    forms = dict(forms or {})
    reply = forms.setdefault("reply", ReplyForm())
    assert isinstance(reply, ReplyForm)
    forms.setdefault("actions", TransitionForm())
    forms.setdefault("survey", SurveyForm())
    page, history = read(case, user, asks_first=CONFIRMED_TRANSITIONS, reply=reply)
    return render(
        request,
        "portal/case.html",
        {
            "case": case,
            "page": page,
            "portal": present_portal(case, history=history, now=timezone.now()),
            "moves_text": moves_text(page.moves),
            "forms": forms,
            "seen": case.updated_at.isoformat(),
        },
        status=status,
    )


def _find(user: User, reference: str) -> Case:
    return case_or_404(portal_cases(user), reference)


def _actions_form(data: QueryDict, case: Case, info: TransitionInfo) -> TransitionForm:
    return TransitionForm(data)


PORTAL = CaseSide(
    namespace="portal",
    guard=customer_only,
    find=_find,
    render=render_case,
    reply_form=ReplyForm,
    actions_form=_actions_form,
    asks_first=CONFIRMED_TRANSITIONS,
    confirm_template="portal/confirm.html",
    deleted_text=_("The case disappears from your lists; support keeps its history."),
    refuses_stale=False,
)
