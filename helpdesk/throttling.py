"""Sign-in throttling with django-axes: which attempt is refused, what it is told, and which
client address it is counted against.

Every entrance that signs people in (the sign-in page, the admin's login, `POST /api/auth/token/`)
calls `authenticate(request, ...)`, so django-axes counts the failures of each pair of username and
client address across all of them (settings: "Sign-in throttling"). An attempt is *refused* when
its pair was locked out before it came, or when one of the wider limits of
helpdesk/sign_in_limits.py holds (too many failures from its address, or for its username, from an
address that never signed in as that user): its password is not even checked. That attempt
answers 429 with the lockout message; the failure that reaches a limit still answers as the
failure it is (400 from the API, the form's error on the pages), so that "wrong password" is never
hidden.
"""

import ipaddress
import math
from dataclasses import dataclass
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

# The request attribute that holds the `Refusal` of an attempt refused before its password was
# checked (a DRF request carries it too).
REFUSED = "helpdesk_sign_in_refused"
# Where the axes handler (helpdesk/sign_in_limits.py) leaves that refusal for the backend to mark.
REASON = "helpdesk_sign_in_refusal_reason"


@dataclass(frozen=True)
class Refusal:
    """Why an attempt was refused: how long until the same attempt may go through."""

    seconds: int

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.seconds / 60))
        return ngettext(
            "Too many failed attempts: try again in %(minutes)d minute",
            "Too many failed attempts: try again in %(minutes)d minutes",
            minutes,
        ) % {"minutes": minutes}


def pair_refusal() -> Refusal:
    """The contract's lockout of a pair of username and address: the whole cool-off, whatever
    is left of it (a refused attempt does not restart it, so the message never understates)."""
    return Refusal(int(settings.AXES_COOLOFF_TIME.total_seconds()))


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
            # The handler (helpdesk/sign_in_limits.py) said which limit holds and for how long.
            setattr(request, REFUSED, getattr(request, REASON, None) or pair_refusal())
            raise
        return None


def refusal_of(request: Any) -> Refusal | None:
    refusal = getattr(request, REFUSED, None)
    return refusal if isinstance(refusal, Refusal) else None


def was_refused(request: Any) -> bool:
    """Whether this sign-in attempt was refused before its password was checked."""
    return refusal_of(request) is not None


def lockout_message(request: Any = None) -> str:
    """What a refused attempt is told (the pair's lockout when the request says nothing)."""
    return (refusal_of(request) or pair_refusal()).message


def retry_after(request: Any = None) -> str:
    """The `Retry-After` header of a refusal, in seconds."""
    return str((refusal_of(request) or pair_refusal()).seconds)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the pages' answer to a locked-out pair (the API answers in its own
    view). A refused attempt gets the very sign-in page it came from (this site's or the admin's),
    with what was typed and the lockout message as the form's error, and status 429; the failure
    that just reached the limit keeps its own answer."""
    if original_response is not None and not was_refused(request):
        return original_response
    message = lockout_message(request)
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
    response["Retry-After"] = retry_after(request)
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
