"""The agent case page (/agent/cases/<reference>/): everything about one case, internal notes
included, and the forms that act on it. What an agent does to the case (reply or note,
transitions, delete) is the shared case controller (`web.case_actions`) on the workspace's side,
`WORKSPACE`; the actions draw this page again, with the reason and what was typed, when a service
refuses them."""

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from agent.access import staff_of, staff_only
from agent.case_forms import ActionsForm, PropertiesForm, ReplyForm
from agent.presenters import (
    CONFIRMED_TRANSITIONS,
    SavedReplyView,
    present_agent,
    present_saved_replies,
)
from cases.models import Case, User
from cases.selectors import (
    case_attachments_prefetch,
    cases_listed,
    cases_visible_to,
    saved_replies_for,
)
from notifications.selectors import notifications_of_case
from web.case_actions import CaseSide, Forms
from web.case_page import read
from workflows.metadata import TransitionInfo, describe
from workflows.timers import with_upcoming

# The requester's (and their organization's) other cases shown beside the case.
OTHER_CASES = 5


@require_GET
@staff_only
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    user = staff_of(request)
    case = _page_case(user, reference)
    saved_replies = present_saved_replies(list(saved_replies_for(user)), case)
    chosen = prefill_of(saved_replies, request.GET.get("saved_reply"))
    forms: Forms = {}
    if chosen:
        forms["reply"] = ReplyForm(initial={"body": chosen.text})
    return _draw(request, user, case, forms, saved_replies=saved_replies)


def prefill_of(saved_replies: list[SavedReplyView], wanted: str | None) -> SavedReplyView | None:
    """The saved reply `?saved_reply=<id>` names (the Insert button without JavaScript)."""
    return next((reply for reply in saved_replies if str(reply.pk) == wanted), None)


def page_cases(user: User) -> QuerySet[Case]:
    """The cases this agent sees (a manager: deleted ones too) with everything the page reads of
    one, in a constant number of queries."""
    return (
        with_upcoming(cases_visible_to(user))
        .select_related("queue", "requester", "assignee", "organization", "repeat_of", "deleted_by")
        .prefetch_related(case_attachments_prefetch(user), "repeats", "releases")
    )


def _page_case(user: User, reference: str) -> Case:
    try:
        return page_cases(user).get(reference=reference)
    except Case.DoesNotExist:
        raise Http404("No such case.") from None


def render_case(
    request: HttpRequest, user: User, case: Case, *, forms: Forms, status: int = 200
) -> HttpResponse:
    """The page again after an action (`case` is the light row the action found)."""
    return _draw(request, user, _page_case(user, str(case.reference)), forms, status=status)


def _draw(
    request: HttpRequest,
    user: User,
    case: Case,
    forms: Forms | None = None,
    *,
    status: int = 200,
    saved_replies: list[SavedReplyView] | None = None,
) -> HttpResponse:
    forms = dict(forms or {})
    reply = forms.setdefault("reply", ReplyForm())
    assert isinstance(reply, ReplyForm)
    page, _history = read(case, user, asks_first=CONFIRMED_TRANSITIONS, reply=reply)
    mine = Q(requester_id=case.requester_id)
    if case.organization_id:
        mine |= Q(organization_id=case.organization_id)
    other_cases = (
        cases_listed(cases_visible_to(user))
        .filter(mine)
        .exclude(pk=case.pk)
        .order_by("-created_at", "-id")[:OTHER_CASES]
    )
    agent = present_agent(
        case,
        user,
        page,
        other_cases=list(other_cases),
        repeats=sorted(case.repeats.all(), key=lambda repeat: repeat.created_at),
        releases=list(case.releases.all()),
        # A case row of its own: the page's case has `notifications` prefetched for `upcoming`
        # (its timers' kinds only), and the related manager would answer from that cache.
        notifications=list(
            notifications_of_case(user, Case(pk=case.pk)).select_related("recipient")
        ),
        now=timezone.now(),
    )
    staff = (
        list(User.objects.assignable())
        if "assignee" in agent.payload_fields or agent.may_set_assignee
        else []
    )
    actions = forms.get("actions")
    if not isinstance(actions, ActionsForm):
        actions = ActionsForm(sub_statuses=agent.sub_statuses, staff=staff)
    else:
        actions.set_choices(sub_statuses=agent.sub_statuses, staff=staff)
    actions.mark_needs(page)
    forms["actions"] = actions
    properties = forms.get("properties")
    if not isinstance(properties, PropertiesForm):
        properties = PropertiesForm(
            initial={
                "priority": case.priority,
                "subject": case.subject,
                "assignee": str(case.assignee_id or ""),
            },
            staff=staff,
            may_set_assignee=agent.may_set_assignee,
        )
    else:
        properties.set_choices(staff=staff, may_set_assignee=agent.may_set_assignee)
    forms["properties"] = properties
    if saved_replies is None:
        saved_replies = present_saved_replies(list(saved_replies_for(user)), case)
    return render(
        request,
        "agent/case.html",
        {
            "case": case,
            "page": page,
            "agent": agent,
            "forms": forms,
            "seen": case.updated_at.isoformat(),
            "saved_replies": saved_replies,
        },
        status=status,
    )


def _find(user: User, reference: str) -> Case:
    """The case of a reference among those this agent sees (a manager: deleted ones too)."""
    try:
        return cases_visible_to(user).get(reference=reference)
    except Case.DoesNotExist:
        raise Http404("No such case.") from None


def _actions_form(data: QueryDict, case: Case, info: TransitionInfo) -> ActionsForm:
    sub_statuses = describe(case.workflow).sub_statuses.get(info.target, ())
    staff = list(User.objects.assignable()) if "assignee" in info.rules.fields else []
    return ActionsForm(data, sub_statuses=sub_statuses, staff=staff)


WORKSPACE = CaseSide(
    namespace="agent",
    guard=staff_only,
    find=_find,
    render=render_case,
    reply_form=ReplyForm,
    actions_form=_actions_form,
    asks_first=CONFIRMED_TRANSITIONS,
    confirm_template="agent/case_confirm.html",
    deleted_text=_("The case disappears from the lists; a manager can restore it."),
    refuses_stale=True,
)
