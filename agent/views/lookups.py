"""What the typeahead of a Requester or Organization field asks as one types (/agent/people/ and
/agent/organizations/ ?q=): at most 20 matches, as JSON, for app.js to list under the field.
Without JavaScript nobody asks: the form's own answer matches what was typed (`agent.people`)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from agent.access import staff_only
from agent.people import (
    MAX_TYPED,
    Suggestion,
    customers,
    organization_suggestions,
    person_suggestions,
)


def _typed(request: HttpRequest) -> str:
    return request.GET.get("q", "")[:MAX_TYPED]


def _answer(suggestions: list[Suggestion]) -> JsonResponse:
    return JsonResponse(
        {"results": [{"value": s.value, "label": s.label, "detail": s.detail} for s in suggestions]}
    )


@require_GET
@staff_only
def people(request: HttpRequest) -> JsonResponse:
    """Customers whose name, username or email holds every word typed; only active ones with
    `active=1` (New case: a deactivated customer opens no case)."""
    found = customers()
    if request.GET.get("active") == "1":
        found = found.filter(is_active=True)
    return _answer(person_suggestions(_typed(request), found))


@require_GET
@staff_only
def organizations(request: HttpRequest) -> JsonResponse:
    return _answer(organization_suggestions(_typed(request)))
