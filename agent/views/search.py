"""The workspace's header Search (/agent/search/?q=): every case this agent may see (a manager's
deleted ones too, marked), whatever view they are in, matched by reference, subject,
description, requester (name, username, email) and organization (`cases.search`), latest activity
first with a reference typed in full on top. Each result names the views it is in, each a link
to that view searched for the same words.

A constant number of queries: the people and organizations matching the words, the matching ids
(up to three queries: see `cases.search`), the case whose reference was typed, and a page of
rows with what they show.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from agent.access import case_url, is_manager, staff_of, staff_only
from agent.lists import LATEST_FIRST, Row, Tab, row_for, sorted_by, tabs_of
from cases.models import Case
from cases.search import cases_found, people_search, words_of
from cases.selectors import cases_visible_to
from web.paging import Window, page_number_of

PAGE_SIZE = 25
# Longer than any reference, name or subject worth typing.
MAX_SEARCH = 200


@dataclass(frozen=True)
class View:
    tab: Tab
    url: str


@dataclass(frozen=True)
class Result:
    row: Row
    views: list[View]


@require_GET
@staff_only
def search(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    manager = is_manager(user)
    text = request.GET.get("q", "")[:MAX_SEARCH].replace("\x00", "").strip()
    searched = people_search(text)
    results: list[Result] = []
    page = None
    if searched is not None:
        visible = cases_visible_to(user).select_related(
            "queue", "requester", "organization", "assignee"
        )
        found, by_id = cases_found(visible, searched)
        found = sorted_by(found, LATEST_FIRST, by_id=by_id)
        page = Window(found, PAGE_SIZE, page_number_of(request.GET.get("page")))
        # A reference typed in full leads the first page, whatever its last activity (looked up
        # on its own: sorting by it would keep the list from reading the date index).
        typed = _typed_reference(visible, text) if page.number == 1 else None
        shown = ([typed] if typed else []) + [c for c in page.object_list if c != typed]
        now = timezone.now()
        list_url = reverse("agent:case_list")
        results = [
            Result(
                row_for(case, case_url(str(case.reference)), now),
                [
                    View(tab, f"{list_url}?{urlencode({'tab': tab.key, 'q': text})}")
                    for tab in tabs_of(case, user, manager)
                ],
            )
            for case in shown
        ]
    return render(
        request,
        "agent/search.html",
        {"search": text, "results": results, "page": page, "max_search": MAX_SEARCH},
    )


def _typed_reference(visible: QuerySet[Case], text: str) -> Case | None:
    """The case whose reference is the one word typed ("cs-000042"), if this user sees it."""
    words = words_of(text)
    if len(words) != 1:
        return None
    return visible.filter(reference=words[0].upper()).first()
