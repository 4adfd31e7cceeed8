"""Updates (/portal/updates/): the customer's in-app notifications, newest first, each linking to
its case; unread ones are marked until the case is opened or all are marked as read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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
    updates = notifications_for(user)
    page = Paginator(updates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/updates.html", {"page": page})


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
