"""Updates (/portal/updates/): the customer's in-app notifications, newest first, each linking to
its case; unread ones are marked until the case is opened or all are marked as read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from notifications.selectors import notifications_for
from portal.access import customer_of, customer_only
from services.notifications import notifications_mark_read

PAGE_SIZE = 25


@require_GET
@customer_only
def update_list(request: HttpRequest) -> HttpResponse:
    user = customer_of(request)
    page = Paginator(notifications_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (update, reverse("portal:case", kwargs={"reference": update.case.reference}))
        for update in page.object_list
    ]
    return render(request, "portal/updates.html", {"page": page, "rows": rows})


@require_POST
@customer_only
def mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = notifications_mark_read(actor=customer_of(request))
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
    return redirect("portal:updates")
