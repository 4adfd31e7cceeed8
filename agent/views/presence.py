"""Someone else is here: the agent case page polls /agent/cases/<reference>/presence/ every few
seconds (static/js/app.js). Each poll records "this agent has the case open now" in Django's
cache and answers who else had it open in the last PRESENCE_WINDOW, and whether the case changed
since the page was drawn (`seen`: the page's expected_updated_at)."""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from agent.access import staff_of, staff_only
from agent.views.case import case_or_404
from workflows.services import STALE

PRESENCE_WINDOW = timedelta(seconds=30)


def _key(case_id: int) -> str:
    return f"agent-case-presence:{case_id}"


def record_and_list(case_id: int, user_id: int, name: str, now: datetime) -> list[str]:
    """Note that `user_id` has the case open at `now`; the names of the others seen within the
    window, sorted. (Two polls at the same instant may drop one mark: the next poll restores it.)"""
    seen: dict[int, tuple[str, float]] = cache.get(_key(case_id)) or {}
    cutoff = (now - PRESENCE_WINDOW).timestamp()
    seen = {uid: mark for uid, mark in seen.items() if mark[1] >= cutoff}
    seen[user_id] = (name, now.timestamp())
    cache.set(_key(case_id), seen, timeout=int(PRESENCE_WINDOW.total_seconds()) * 2)
    return sorted(mark[0] for uid, mark in seen.items() if uid != user_id)


@never_cache
@require_GET
@staff_only
def presence(request: HttpRequest, reference: str) -> HttpResponse:
    user = staff_of(request)
    case = case_or_404(user, reference)
    others = record_and_list(
        case.pk, user.pk, user.get_full_name() or user.get_username(), timezone.now()
    )
    seen = parse_datetime(request.GET.get("seen", "") or "")
    changed = seen is not None and case.updated_at != seen
    return JsonResponse(
        {
            "others": others,
            "changed": changed,
            "messages": [
                _("%(name)s is also looking at this case") % {"name": name} for name in others
            ],
            "changed_text": _("%(stale)s —") % {"stale": STALE} if changed else "",
            "reload_text": _("reload"),
        }
    )
