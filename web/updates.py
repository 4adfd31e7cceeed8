"""Updates (/portal/updates/ and /agent/updates/): a person's in-app notifications, newest first,
each linking to its case on their side's page; unread ones are marked until the case is opened
or all are marked as read. The two sides differ only in their guard, template and case pages."""

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from notifications.selectors import notifications_for
from services.notifications import notifications_mark_read
from web.case_actions import View, signed_in

PAGE_SIZE = 25


def update_list_view(guard: Callable[[View], View], namespace: str) -> View:
    """The list of `namespace`'s side ("portal", "agent"): its template is
    `<namespace>/updates.html`, its case links `<namespace>:case`."""

    @require_GET
    @guard
    def update_list(request: HttpRequest) -> HttpResponse:
        notifications = notifications_for(signed_in(request))
        page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [
            (update, reverse(f"{namespace}:case", kwargs={"reference": update.case.reference}))
            for update in page.object_list
        ]
        return render(request, f"{namespace}/updates.html", {"page": page, "rows": rows})

    return update_list


def mark_all_read_view(guard: Callable[[View], View], namespace: str) -> View:
    @require_POST
    @guard
    def mark_all_read(request: HttpRequest) -> HttpResponse:
        marked = notifications_mark_read(actor=signed_in(request))
        if marked:
            messages.success(
                request,
                ngettext(
                    "%(count)d update marked as read.", "%(count)d updates marked as read.", marked
                )
                % {"count": marked},
            )
        else:
            messages.info(request, _("Nothing was unread."))
        return redirect(f"{namespace}:updates")

    return mark_all_read
