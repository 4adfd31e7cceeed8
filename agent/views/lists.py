"""Case lists (/agent/ and /agent/cases/): named views as tabs, filters, sortable columns and
pages of 25, 50 or 100, all in the query string so that any view can be bookmarked; and the bulk
actions on the rows checked (POST), each case through its service on its own.

The page runs a constant number of queries whatever the number of rows: the rows with their
queue, requester, organization and assignee in one query (a page fetches one row more than it
shows instead of counting the list: see `web.paging`), plus the filters' options.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from agent.access import case_url, is_manager, listed_cases, staff_of, staff_only
from agent.filters import CaseFilter, staff_members
from agent.forms import ME, BulkForm, person_label
from agent.lists import (
    ordered,
    row_for,
    sort_links,
    tab_condition,
    tab_named,
    tabs_for,
)
from cases.errors import ServiceError
from cases.models import Case, Priority, User
from cases.selectors import cases_visible_to
from services.cases import case_update
from web.paging import PAGE_SIZES, Window, page_number_of, page_size_of
from workflows.metadata import describe
from workflows.services import perform_transition


@require_GET
@staff_only
def case_list(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    manager = is_manager(user)
    tab = tab_named(request.GET.get("tab"), manager)
    cases = listed_cases(user, deleted=tab.key == "deleted").filter(tab_condition(tab, user))
    filters = CaseFilter(request.GET or None, queryset=cases)
    sort = request.GET.get("sort", "")
    size = page_size_of(request.GET.get("page_size"))
    rows_qs = ordered(filters.qs, tab, sort).select_related(
        "queue", "requester", "organization", "assignee"
    )
    page = Window(rows_qs, size, page_number_of(request.GET.get("page")))
    now = timezone.now()
    rows = [row_for(case, case_url(str(case.reference)), now) for case in page.object_list]
    staff = list(staff_members())
    return render(
        request,
        "agent/cases.html",
        {
            "tabs": tabs_for(manager),
            "tab": tab,
            "filters": filters,
            "filtered": filters.active,
            "page": page,
            "rows": rows,
            "sorts": sort_links(sort),
            "page_sizes": PAGE_SIZES,
            "page_size": size,
            "bulk": BulkForm(staff=staff, auto_id="bulk_%s"),
            "list_url": request.get_full_path(),
        },
    )


@require_POST
@staff_only
def bulk(request: HttpRequest) -> HttpResponse:
    """One action on every case checked, each through the service on its own: the result names
    each case, what was done and what was refused, and why."""
    user = staff_of(request)
    back = _back_url(request)
    ids = _ids(request.POST)
    form = BulkForm(request.POST, staff=list(staff_members()), case_ids=ids)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    data = form.cleaned_data
    # Whatever this user may see (a manager's include the deleted ones of the Deleted tab).
    cases = list(cases_visible_to(user).filter(pk__in=data["cases"]).order_by("id"))
    done: list[str] = []
    for case in cases:
        try:
            done_text = _apply(case, user, form)
        except ServiceError as error:
            messages.error(
                request,
                _("%(reference)s not changed: %(reason)s")
                % {"reference": case.reference, "reason": error.detail},
            )
        else:
            done.append(f"{case.reference}: {done_text}")
    if done:
        messages.success(request, " ".join(done))
    missing = len(set(data["cases"])) - len(cases)
    if missing > 0:
        messages.error(request, _("%(count)d case(s) not found.") % {"count": missing})
    return redirect(back)


def _apply(case: Case, user: User, form: BulkForm) -> str:
    data = form.cleaned_data
    action = data["action"]
    if action == "assign":
        choice = data["assignee"]
        assignee = user if choice == ME else form.staff[int(choice)]
        case_update(case_id=case.pk, actor=user, changes={"assignee": assignee.pk})
        return _("assigned to %(person)s.") % {"person": person_label(assignee)}
    if action == "priority":
        priority = Priority(data["priority"])
        case_update(case_id=case.pk, actor=user, changes={"priority": int(priority)})
        return _("priority set to %(priority)s.") % {"priority": priority.label}
    name = data["transition"]
    info = describe(case.workflow).transition(name)
    payload = {}
    if data["note"] and info is not None and "note" in info.rules.fields:
        payload["note"] = data["note"]
    perform_transition(case_id=case.pk, name=name, actor=user, **payload)
    label = info.label if info is not None else name
    return _("%(transition)s done.") % {"transition": label}


def _ids(post: QueryDict) -> list[int]:
    ids = []
    for value in post.getlist("cases"):
        try:
            ids.append(int(value))
        except ValueError:
            continue
    return ids


def _back_url(request: HttpRequest) -> str:
    """The list the form was sent from (its own query string kept), or the default list."""
    url = request.POST.get("next", "")
    if url.startswith("/agent/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("agent:cases")
