"""Case lists (/agent/ and /agent/cases/): named views as tabs, filters, sortable columns and
pages of 25, 50 or 100, all in the query string so that any view can be bookmarked; and the bulk
actions on the rows checked (POST), each case through its service on its own.

The page runs a constant number of queries whatever the number of rows: the rows with their
queue, requester, organization and assignee in one query (a page fetches one row more than it
shows instead of counting the list: see `web.paging`), plus the filters' options (queues and
agents: customers and organizations are typed, never listed). A Search adds the people and
organizations it matches, the matching ids (`cases.search`), and the same for the matches in the
other views ("2 more in Closed").

With htmx the filter form asks for the list again without a reload (`HX-Request`): the answer is
the list's body alone (`agent/_list_body.html`), and the address keeps the filters (hx-push-url).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import push_url
from django_htmx.middleware import HtmxDetails

from agent.access import case_url, is_manager, staff_of, staff_only, workspace_cases
from agent.filters import CaseFilter
from agent.forms import ME, BulkForm
from agent.lists import (
    Tab,
    bulk_transitions,
    ordered,
    row_for,
    sort_links,
    tab_condition,
    tab_named,
    tabs_for,
    tabs_of,
)
from cases.errors import ServiceError
from cases.models import Case, Priority, User
from cases.search import PeopleSearch, cases_found
from cases.selectors import cases_visible_to
from services.cases import case_update
from web.paging import PAGE_SIZES, Window, page_number_of, page_size_of
from workflows.metadata import describe
from workflows.transitions import perform_transition

# The filter form's id: an htmx request it sent keeps the filters open in the answer.
FILTER_FORM = "case-filters"


@require_GET
@staff_only
def case_list(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    manager = is_manager(user)
    tab = tab_named(request.GET.get("tab"), manager)
    cases = workspace_cases(user, deleted=tab.key == "deleted").filter(tab_condition(tab, user))
    filters = CaseFilter(request.GET or None, queryset=cases)
    sort = request.GET.get("sort", "")
    size = page_size_of(request.GET.get("page_size"))
    matching = filters.qs  # runs the filters: a Search says whether it read its matches by id
    rows_qs = ordered(matching, tab, sort, by_id=filters.by_id).select_related(
        "queue", "requester", "organization", "assignee"
    )
    page = Window(rows_qs, size, page_number_of(request.GET.get("page")))
    filters.show_as_read()
    now = timezone.now()
    rows = [row_for(case, case_url(str(case.reference)), now) for case in page.object_list]
    staff = list(User.objects.assignable())
    on_page = {(case.workflow, case.status) for case in page.object_list}
    details = getattr(request, "htmx", None)
    htmx = details if isinstance(details, HtmxDetails) else None
    partial = bool(htmx) and not (htmx and htmx.history_restore_request)
    search = str(filters.form.cleaned_data.get("q") or "") if filters.form.is_valid() else ""
    context = {
        "tabs": tabs_for(manager),
        "tab": tab,
        "filters": filters,
        "filtered": filters.active,
        "filters_open": filters.active
        or bool(filters.form.errors)
        or (htmx is not None and htmx.trigger == FILTER_FORM),
        "filter_form_id": FILTER_FORM,
        "page": page,
        "rows": rows,
        "sorts": sort_links(sort),
        "page_sizes": PAGE_SIZES,
        "page_size": size,
        "bulk": BulkForm(staff=staff, auto_id="bulk_%s", transitions=bulk_transitions(on_page)),
        "list_url": request.get_full_path(),
        "elsewhere": _elsewhere(user, manager, tab, filters.searched, search),
        "search": search,
    }
    template = "agent/_list_body.html" if partial else "agent/cases.html"
    response = render(request, template, context)
    if partial:
        # The address to keep: the filters that hold a value (the form sends every field).
        kept = [(key, str(value)) for key, value in request.GET.items() if value]
        push_url(response, f"{request.path}?{urlencode(kept)}" if kept else request.path)
    # One address, two answers (the page, or its body for htmx): caches must tell them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@dataclass(frozen=True)
class Elsewhere:
    """Matches of a list's Search in another view: "2 more in Closed", linked to that view
    searched for the same words."""

    tab: Tab
    count: int
    url: str


@dataclass(frozen=True)
class Hint:
    views: list[Elsewhere]
    # Too many matches to count by view: a link to all of them instead.
    more: bool
    search_url: str


def _elsewhere(
    user: User, manager: bool, tab: Tab, searched: PeopleSearch | None, text: str
) -> Hint | None:
    """Where else the Search typed in a view finds cases (every case this user may see, deleted
    ones for a manager, whatever the other filters): the matches' ids as the search reads them
    (`cases.search.cases_found`), then what says which views they are in. Where the matches are
    too many to read by id, only a link to all of them (the header search)."""
    search_url = f"{reverse('agent:search')}?{urlencode({'q': text})}"
    if searched is None:
        return None
    matching, by_id = cases_found(cases_visible_to(user), searched)
    if not by_id:
        return Hint([], True, search_url)
    found = matching.order_by().only(
        "workflow", "status", "sub_status", "assignee", "awaiting_answer_since", "deleted_at"
    )
    counts: dict[str, int] = {}
    for case in found:
        views = tabs_of(case, user, manager)
        if any(view.key == tab.key for view in views):
            continue
        for view in views:
            counts[view.key] = counts.get(view.key, 0) + 1
    list_url = reverse("agent:case_list")
    others = [
        Elsewhere(view, counts[view.key], f"{list_url}?{urlencode({'tab': view.key, 'q': text})}")
        for view in tabs_for(manager)
        if counts.get(view.key)
    ]
    return Hint(others, False, search_url)


@require_POST
@staff_only
def bulk(request: HttpRequest) -> HttpResponse:
    """One action on every case checked, each through the service on its own: the result names
    each case, what was done and what was refused, and why."""
    user = staff_of(request)
    back = _back_url(request)
    ids = _ids(request.POST)
    form = BulkForm(request.POST, staff=list(User.objects.assignable()), case_ids=ids)
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
        return _("assigned to %(person)s.") % {"person": assignee.display_name}
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
