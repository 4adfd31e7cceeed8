"""What a customer does to a case from its page: the shared case controller (`web.case_actions`)
on the portal's side, plus what only customers do, the satisfaction survey."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.errors import ServiceError
from portal.access import customer_of, customer_only
from portal.forms import SurveyForm
from portal.views.case import PORTAL
from services.surveys import survey_submit
from web.case_actions import delete_view, invalid, refused, reply_view, transition_view

reply = reply_view(PORTAL)
transition = transition_view(PORTAL)
delete = delete_view(PORTAL)


@require_POST
@customer_only
def survey(request: HttpRequest, reference: str) -> HttpResponse:
    user = customer_of(request)
    case = PORTAL.find(user, reference)
    form = SurveyForm(request.POST)
    if not form.is_valid():
        return invalid(request, PORTAL, user, reference, {"survey": form})
    try:
        survey_submit(
            case_id=case.pk,
            actor=user,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except ServiceError as error:
        what = _("Your feedback was not sent")
        return refused(request, PORTAL, user, reference, error, {"survey": form}, what)
    messages.success(request, _("Thank you for your feedback."))
    return redirect(PORTAL.case_url(case, "survey"))
