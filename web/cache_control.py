"""`Cache-Control: no-store, private` on every API answer and on every page drawn for someone
signed in, so that neither a shared proxy nor the browser's history keeps a copy of a case, a
token or a person's details after they sign out (on a shared computer, the Back button).

What a view already said is kept: an attachment's download sends `private, no-cache` (the
browser may keep it and must ask again, web/attachments.py and api/views/attachments.py), and
Django's sign-in and password pages send their own `never_cache` headers. Static files never reach
this middleware: WhiteNoise, earlier in MIDDLEWARE, answers them with its own long-lived headers.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

API_PREFIX = "/api/"


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        # The API is read with a token as often as with a session, and DRF authenticates inside
        # the view, so every API answer counts as personal, its errors included.
        if request.path_info.startswith(API_PREFIX) or _signed_in(request):
            patch_cache_control(response, no_store=True, private=True)
        return response


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)  # set by AuthenticationMiddleware, earlier
    return bool(user is not None and user.is_authenticated)
