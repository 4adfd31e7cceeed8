"""The case page (/portal/cases/<reference>/): everything about one case, and the forms that act
on it. The actions (views.actions) draw it again, with the reason and what was typed, when a
service refuses them."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.models import Case, User
from cases.selectors import (
    case_attachments_prefetch,
    comment_attachments_prefetch,
    comments_visible_to,
)
from portal.access import case_or_404, customer_of, customer_only, portal_cases
from portal.forms import ReplyForm, SurveyForm, TransitionForm
from portal.presenters import present_case
from services.notifications import notifications_mark_read
from workflows.timers import with_upcoming


@dataclass
class Forms:
    """The case page's forms; an action that was refused passes its own, bound, form."""

    reply: ReplyForm = field(default_factory=ReplyForm)
    actions: TransitionForm = field(default_factory=TransitionForm)
    survey: SurveyForm = field(default_factory=SurveyForm)


@require_GET
@customer_only
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    user = customer_of(request)
    case = case_or_404(page_cases(user), reference)
    # Before drawing the header, so that its unread count already leaves these out.
    notifications_mark_read(actor=user, case_id=case.pk)
    return render_case(request, user, case)


def page_cases(user: User) -> QuerySet[Case]:
    """The customer's cases with everything the page reads of one, in one query (and the
    outbox rows `upcoming` reads, in one more)."""
    return (
        with_upcoming(portal_cases(user))
        .select_related("requester", "assignee", "repeat_of", "survey")
        .prefetch_related(case_attachments_prefetch(user))
    )


def render_case(
    request: HttpRequest,
    user: User,
    case: Case,
    *,
    forms: Forms | None = None,
    status: int = 200,
) -> HttpResponse:
    comments = list(
        comments_visible_to(user, case)
        .select_related("author")
        .prefetch_related(comment_attachments_prefetch(user))
    )
    history = list(case.history.select_related("actor").order_by("created_at", "id"))
    page = present_case(
        case,
        user,
        comments=comments,
        history=history,
        now=timezone.now(),
    )
    return render(
        request,
        "portal/case.html",
        {"page": page, "case": case, "forms": forms or Forms()},
        status=status,
    )
