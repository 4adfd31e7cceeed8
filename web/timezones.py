"""Times on the pages are shown in the reader's own time zone: this middleware activates the
signed-in person's zone for the request (`cases.times.zone_of`: theirs, else the site's), so
that every `{% time %}` tag and `timezone.localtime` in between uses it.

Never for the API: its contract gives every time in UTC, and Django REST framework writes times
in the active zone, so a person signed in to the pages would read the API in theirs."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from cases.models import User
from cases.times import zone_of

API_PREFIX = "/api/"


class TimeZoneMiddleware:
    """Listed right after the authentication middleware, which gives `request.user`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if (
            not request.path.startswith(API_PREFIX)
            and isinstance(user, User)
            and user.is_authenticated
        ):
            timezone.activate(zone_of(user))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            # A thread serves the next request too: never let one person's zone leak into it.
            timezone.deactivate()
