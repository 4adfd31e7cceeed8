"""What an agent does to a case from its page: the shared case controller (`web.case_actions`) on
the workspace's side, plus what only support does, the Properties form (priority, assignee,
subject). A transition or a property change sent from a page drawn before the case last changed
is refused by the service (`seen`); a reply is held only when a public message
crossed it."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agent.access import staff_of, staff_only
from agent.case_forms import PropertiesForm
from agent.views.case import WORKSPACE
from cases.errors import ServiceError
from cases.models import User
from cases.roles import role_of
from services.cases import case_update
from web.case_actions import delete_view, invalid, refused, reply_view, transition_view
from workflows.registry import as_workflow_case

reply = reply_view(WORKSPACE)
transition = transition_view(WORKSPACE)
delete = delete_view(WORKSPACE)


@require_POST
@staff_only
def properties(request: HttpRequest, reference: str) -> HttpResponse:
    user = staff_of(request)
    case = WORKSPACE.find(user, reference)
    may_set_assignee = as_workflow_case(case).may_set_assignee(role_of(user))
    staff = list(User.objects.assignable()) if may_set_assignee else []
    form = PropertiesForm(request.POST, staff=staff, may_set_assignee=may_set_assignee)
    if not form.is_valid():
        return invalid(request, WORKSPACE, user, reference, {"properties": form})
    try:
        case_update(
            case_id=case.pk,
            actor=user,
            changes=form.changes(),
            seen=form.cleaned_data["seen"],
        )
    except ServiceError as error:
        what = _("The changes were not saved")
        return refused(request, WORKSPACE, user, reference, error, {"properties": form}, what)
    messages.success(request, _("The changes were saved."))
    return redirect(WORKSPACE.case_url(case, "properties"))
