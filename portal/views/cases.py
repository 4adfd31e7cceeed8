"""My cases (/portal/): the customer's cases, newest activity first, by tab, queue and search.
Everything the list shows lives in the query string, so any view of it can be bookmarked."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.models import Queue
from cases.search import cases_matching, search_condition
from portal.access import customer_of, customer_only, portal_cases
from portal.forms import CaseFilterForm
from portal.lists import TABS, tab_condition, tab_named
from web.case_progress import status_of
from web.paging import Window, page_number_of

PAGE_SIZE = 25


@require_GET
@customer_only
def case_list(request: HttpRequest) -> HttpResponse:
    user = customer_of(request)
    tab = tab_named(request.GET.get("tab"))
    queues = list(Queue.objects.order_by("public_name", "name"))
    form = CaseFilterForm(request.GET, queues=queues)
    cases = portal_cases(user).filter(tab_condition(tab))
    filtered = False
    if form.is_valid():
        if form.cleaned_data["queue"] is not None:
            cases = cases.filter(queue_id=form.cleaned_data["queue"])
            filtered = True
        search = form.cleaned_data["q"]
        if search_condition(search) is not None:
            cases = cases_matching(cases, search)
            filtered = True
    cases = cases.select_related("queue").order_by("-updated_at", "-id")
    page = Window(cases, PAGE_SIZE, page_number_of(request.GET.get("page")))
    rows = [(case, status_of(case)) for case in page.object_list]
    return render(
        request,
        "portal/cases.html",
        {
            "tabs": TABS,
            "tab": tab,
            "form": form,
            "page": page,
            "rows": rows,
            "filtered": filtered,
        },
    )
