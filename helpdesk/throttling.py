"""Sign-in throttling with django-axes: which attempt is refused, what it is told, and which
client address it is counted against.

Every entrance that signs people in (the sign-in page, the admin's login, `POST /api/auth/token/`)
calls `authenticate(request, ...)`, so django-axes counts the failures of each pair of username and
client address across all of them (settings: "Sign-in throttling"). An attempt is *refused* when
its pair was locked out before it came: its password is not even checked. That attempt answers 429
with the lockout message; the failure that reaches the limit still answers as the failure it is
(400 from the API, the form's error on the pages), so that "wrong password" is never hidden.
"""

import ipaddress
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

# The request attribute that marks an attempt refused by the lockout (a DRF request carries it too).
REFUSED = "helpdesk_sign_in_refused"


class ThrottlingBackend(AxesStandaloneBackend):  # type: ignore[misc]  # django-axes is untyped
    """django-axes' gate in front of the password check (it authenticates nobody itself), which
    also marks the attempts it refuses on their request. A sign-in without a request (a script, the
    test client's `login()`) has no client address to count against: it goes on to the next
    backend unthrottled, where django-axes would fail it with an error."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        try:
            super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            setattr(request, REFUSED, True)
            raise
        return None


def was_refused(request: Any) -> bool:
    """Whether this sign-in attempt was refused because its pair is locked out."""
    return getattr(request, REFUSED, False) is True


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return ngettext(
        "Too many failed attempts: try again in %(minutes)d minute",
        "Too many failed attempts: try again in %(minutes)d minutes",
        minutes,
    ) % {"minutes": minutes}


def retry_after() -> str:
    """The `Retry-After` header of a refusal: the whole lockout, in seconds."""
    return str(int(settings.AXES_COOLOFF_TIME.total_seconds()))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the pages' answer to a locked-out pair (the API answers in its own
    view). A refused attempt gets the very sign-in page it came from (this site's or the admin's),
    with what was typed and the lockout message as the form's error, and status 429; the failure
    that just reached the limit keeps its own answer."""
    if original_response is not None and not was_refused(request):
        return original_response
    message = lockout_message()
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    if isinstance(original_response, TemplateResponse) and isinstance(form, forms.BaseForm):
        # Not "enter a correct username and password": the password was not even checked.
        form.errors.clear()
        form.add_error(None, message)
        response: HttpResponse = TemplateResponse(
            request, original_response.template_name, context, status=429
        ).render()
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = retry_after()
    return response


def client_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the connection's address or, behind TRUSTED_PROXY_COUNT reverse
    proxies that each append to CLIENT_IP_HEADER (X-Forwarded-For), the address the outermost one
    saw, counted from the right so that what a client writes in the header itself is ignored."""
    count: int = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        header: str = request.META.get(settings.CLIENT_IP_HEADER, "")
        forwarded = [address.strip() for address in header.split(",") if address.strip()]
        if len(forwarded) >= count and _is_address(forwarded[-count]):
            return forwarded[-count]
    address = request.META.get("REMOTE_ADDR")
    return address if isinstance(address, str) else None


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
