"""Someone else is here: the agent case page asks /agent/cases/<reference>/presence/ every few
seconds (htmx, `hx-trigger="every 10s"`) and swaps in the answer. Each ask records "this agent has
the case open now" in the shared cache and answers, in words, who else had it open in the last
PRESENCE_WINDOW and whether the case changed since the page was drawn (`seen`: the page's
version). Two queries: the signed-in person, and the case's version."""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from agent.access import staff_of, staff_only
from cases.selectors import cases_visible_to
from web.forms import SeenField
from workflows.transitions import CHANGED_SINCE_SEEN

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


def _seen(value: str) -> datetime | None:
    """The `seen` the page sent, or None for anything that is no moment (a page never breaks)."""
    try:
        moment = SeenField().clean(value)
    except ValidationError:
        return None
    return moment if isinstance(moment, datetime) else None


@never_cache
@require_GET
@staff_only
def presence(request: HttpRequest, reference: str) -> HttpResponse:
    user = staff_of(request)
    found = cases_visible_to(user).filter(reference=reference).values("pk", "updated_at").first()
    if found is None:
        raise Http404("No such case.")
    others = record_and_list(found["pk"], user.pk, user.display_name, timezone.now())
    seen = _seen(request.GET.get("seen", ""))
    changed = seen is not None and found["updated_at"] != seen
    return render(
        request,
        "agent/_presence.html",
        {"others": others, "changed": changed, "stale": CHANGED_SINCE_SEEN, "reference": reference},
    )
