"""The product's own 404 page in development too.

With DEBUG on, Django answers a missing page, or a case someone may not see (its views raise
`Http404`), with its technical 404 page: a list of URL patterns no customer or agent should meet
while trying the product. This middleware answers with `templates/404.html`, as production does.
The API keeps its JSON 404s (`api/` answers them itself: its catch-all and DRF's handler).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views.defaults import page_not_found

API_PREFIX = "/api/"


def _ours(request: HttpRequest) -> bool:
    return not request.path.startswith(API_PREFIX)


class NotFoundPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # No view matched the address (`resolver_match` stays None): under DEBUG the response is
        # Django's technical page; without DEBUG it is already ours (handler404).
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and _ours(request)
        ):
            return page_not_found(request, Http404(request.path))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view said "no such page" (a case this person may not see): the product's page,
        whatever DEBUG says; any other exception goes on to Django's handling."""
        if isinstance(exception, Http404) and _ours(request):
            return page_not_found(request, exception)
        return None
