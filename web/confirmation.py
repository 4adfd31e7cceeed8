"""Actions that ask "are you sure?" before they act (Close, Delete case, Deliver release).

The action's form carries `confirmed=yes` once the person pressed "Yes, <action>": app.js adds
it when they confirm in the <dialog>; without JavaScript the view sees the form without it and
renders a confirmation page (templates/components/confirmation.html) that posts the same fields
again with it. Nothing changes until then.
"""

from collections.abc import Collection
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.models import Case, User
from workflows.transitions import available_transitions

CONFIRMED_FIELD = "confirmed"


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRMED_FIELD) == "yes"


def transition_asks_first(
    request: HttpRequest, name: str, asking: Collection[str], case: Case, user: User
) -> bool:
    """Whether transition `name` should answer with "are you sure?" now: it is one of the
    `asking` ones on this side, the form was not confirmed yet, and the transition is available
    (an unavailable one goes straight to the service, whose refusal says why)."""
    return (
        name in asking and not is_confirmed(request) and name in available_transitions(case, user)
    )


def carried_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The posted fields to send again from the confirmation page (files cannot be carried)."""
    skipped = {"csrfmiddlewaretoken", CONFIRMED_FIELD}
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name not in skipped
        for value in values
    ]


def confirmation_page(
    request: HttpRequest,
    template: str,
    *,
    label: str,
    text: str,
    danger: bool = False,
    **context: Any,
) -> HttpResponse:
    """Without JavaScript (no <dialog>), "are you sure?" is a page of its own (`template`,
    around templates/components/confirmation.html) that posts the same fields to the same URL
    again, confirmed: `label` names the action ("Close case"), `text` says what it does."""
    return render(
        request,
        template,
        {
            **context,
            "label": label,
            "text": text,
            "danger": danger,
            "action_url": request.path,
            "fields": carried_fields(request),
        },
    )
