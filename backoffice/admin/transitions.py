"""Transitions from a case's admin change page: one button per transition the manager may
perform now, each opening a form for its payload; performed by `workflows.transitions`."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from backoffice.people import PersonChoiceField
from cases.errors import InvalidInput, ServiceError
from cases.models import Case, User
from cases.roles import Role
from workflows.declarations import ASSIGNEE, CLOSE_NOTES, NOTE, SUB_STATUS
from workflows.metadata import TransitionInfo, describe
from workflows.transitions import available_transitions, perform_transition


def transition_buttons(case: Case, user: User) -> list[tuple[str, str]]:
    """(name, label) of each transition this user may perform on the case now."""
    info = describe(case.workflow)
    labels = {t.name: t.label for t in info.transitions}
    return [(name, labels[name]) for name in available_transitions(case, user)]


class TransitionForm(forms.Form):
    """The payload fields `transition` takes; required where a manager must give them."""

    def __init__(self, *args: Any, case: Case, transition: TransitionInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = transition.rules.fields
        required = transition.rules.required_for(Role.MANAGER)
        if NOTE in taken:
            self.fields[NOTE] = forms.CharField(
                label="Note", widget=forms.Textarea(attrs={"rows": 4}), required=NOTE in required
            )
        if CLOSE_NOTES in taken:
            self.fields[CLOSE_NOTES] = forms.CharField(
                label="Close notes",
                widget=forms.Textarea(attrs={"rows": 4}),
                required=CLOSE_NOTES in required,
            )
        if SUB_STATUS in taken:
            sub_statuses = describe(case.workflow).sub_statuses.get(transition.target, ())
            self.fields[SUB_STATUS] = forms.ChoiceField(
                label="Sub-status",
                choices=[("", "---------"), *sub_statuses],
                required=SUB_STATUS in required,
            )
        if ASSIGNEE in taken:
            self.fields[ASSIGNEE] = PersonChoiceField(
                User.objects.staff().filter(is_active=True),
                label="Assignee",
                required=ASSIGNEE in required,
            )

    def payload(self) -> dict[str, Any]:
        """What was given, as the service takes it (empty fields left out)."""
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


def transition_view(
    model_admin: admin.ModelAdmin[Case], request: HttpRequest, object_id: str, name: str
) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or not model_admin.has_view_permission(request):
        raise PermissionDenied
    case = model_admin.get_object(request, object_id)
    if case is None:
        raise Http404("No such case.")
    transition = describe(case.workflow).transition(name)
    if transition is None or not transition.manual:
        raise Http404("No such transition.")
    change_url = reverse("admin:cases_case_change", args=[case.pk])
    form = TransitionForm(
        request.POST if request.method == "POST" else None, case=case, transition=transition
    )
    if request.method == "POST" and form.is_valid():
        try:
            perform_transition(case_id=case.pk, name=name, actor=user, **form.payload())
        except InvalidInput as error:
            for field, problems in error.errors.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
            model_admin.message_user(request, error.detail, messages.ERROR)
        except ServiceError as error:
            model_admin.message_user(request, error.detail, messages.ERROR)
        else:
            model_admin.message_user(request, f"{case.reference}: {transition.label} done.")
            return HttpResponseRedirect(change_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"{transition.label}: {case.reference}",
        "subtitle": case.subject,
        "opts": model_admin.opts,
        "original": case,
        "case": case,
        "transition": transition,
        "form": form,
        "change_url": change_url,
    }
    return TemplateResponse(request, "admin/cases/case/transition.html", context)
