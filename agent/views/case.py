"""The agent case page (/agent/cases/<reference>/): everything about one case, internal notes
included, and the forms that act on it. The actions (agent.views.actions) draw it again, with the
reason and what was typed, when a service refuses them."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from agent.access import staff_of, staff_only
from agent.case_forms import ActionsForm, PropertiesForm, ReplyForm
from agent.presenters import AgentCasePage, SavedReplyView, present_case, present_saved_replies
from cases.models import Case, User
from cases.roles import Role
from cases.selectors import (
    case_attachments_prefetch,
    cases_listed,
    cases_visible_to,
    comment_attachments_prefetch,
    comments_visible_to,
    saved_replies_for,
)
from notifications.selectors import notifications_of_case
from workflows.timers import with_upcoming

# The requester's (and their organization's) other cases shown beside the case.
OTHER_CASES = 5


@dataclass
class Forms:
    """The case page's forms; an action that was refused passes its own, bound, form."""

    reply: ReplyForm = field(default_factory=ReplyForm)
    actions: ActionsForm | None = None
    properties: PropertiesForm | None = None


@require_GET
@staff_only
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    user = staff_of(request)
    case = case_or_404(user, reference)
    saved_replies = present_saved_replies(list(saved_replies_for(user)), case)
    chosen = prefill_of(saved_replies, request.GET.get("saved_reply"))
    forms = Forms(reply=ReplyForm(initial={"body": chosen.text})) if chosen else None
    return render_case(request, user, case, forms=forms, saved_replies=saved_replies)


def prefill_of(saved_replies: list[SavedReplyView], wanted: str | None) -> SavedReplyView | None:
    """The saved reply `?saved_reply=<id>` names (the Insert button without JavaScript)."""
    return next((reply for reply in saved_replies if str(reply.pk) == wanted), None)


def page_cases(user: User) -> QuerySet[Case]:
    """The cases this agent sees (a manager: deleted ones too) with everything the page reads of
    one, in a constant number of queries."""
    return (
        with_upcoming(cases_visible_to(user))
        .select_related("requester", "assignee", "organization", "repeat_of", "deleted_by")
        .prefetch_related(case_attachments_prefetch(user), "repeats", "releases")
    )


def case_or_404(user: User, reference: str) -> Case:
    try:
        return page_cases(user).get(reference=reference)
    except Case.DoesNotExist:
        raise Http404("No such case.") from None


def active_staff() -> list[User]:
    """Who a case may be assigned to: the active agents and managers."""
    return list(
        User.objects.filter(role__in=[Role.AGENT, Role.MANAGER], is_active=True).order_by(
            "first_name", "last_name", "username"
        )
    )


def seen_at(case: Case) -> str:
    """The case's last change as this page shows it (`expected_updated_at`)."""
    return case.updated_at.isoformat()


def changed_since(case: Case, expected: datetime | None) -> bool:
    return expected is not None and case.updated_at != expected


def build_page(user: User, case: Case) -> AgentCasePage:
    comments = list(
        comments_visible_to(user, case)
        .select_related("author")
        .prefetch_related(comment_attachments_prefetch(user))
    )
    history = list(case.history.select_related("actor").order_by("created_at", "id"))
    mine = Q(requester_id=case.requester_id)
    if case.organization_id:
        mine |= Q(organization_id=case.organization_id)
    other_cases = list(
        cases_listed(cases_visible_to(user))
        .filter(mine)
        .exclude(pk=case.pk)
        .order_by("-created_at", "-id")[:OTHER_CASES]
    )
    return present_case(
        case,
        user,
        comments=comments,
        history=history,
        other_cases=other_cases,
        repeats=sorted(case.repeats.all(), key=lambda repeat: repeat.created_at),
        releases=list(case.releases.all()),
        # A case row of its own: the page's case has `notifications` prefetched for `upcoming`
        # (its timers' kinds only), and the related manager would answer from that cache.
        notifications=list(
            notifications_of_case(user, Case(pk=case.pk)).select_related("recipient")
        ),
        now=timezone.now(),
    )


def render_case(
    request: HttpRequest,
    user: User,
    case: Case,
    *,
    forms: Forms | None = None,
    status: int = 200,
    saved_replies: list[SavedReplyView] | None = None,
) -> HttpResponse:
    page = build_page(user, case)
    if saved_replies is None:
        saved_replies = present_saved_replies(list(saved_replies_for(user)), case)
    forms = forms or Forms()
    staff = active_staff() if page.takes_assignee or page.may_set_assignee else []
    if forms.actions is None:
        forms.actions = ActionsForm(sub_statuses=page.sub_statuses, staff=staff)
    else:
        forms.actions.set_choices(sub_statuses=page.sub_statuses, staff=staff)
    if forms.properties is None:
        forms.properties = PropertiesForm(
            initial={
                "priority": case.priority,
                "subject": case.subject,
                "assignee": str(case.assignee_id or ""),
            },
            staff=staff,
            may_set_assignee=page.may_set_assignee,
        )
    return render(
        request,
        "agent/case.html",
        {
            "page": page,
            "case": case,
            "forms": forms,
            "seen_at": seen_at(case),
            "saved_replies": saved_replies,
        },
        status=status,
    )
