"""The password reset request (/accounts/password_reset/): Django's page and form, except that
the email goes through the outbox and the requests are limited (services/accounts.py,
`password_reset_request`).

Django's own view sends the email inside the request, so a slow or unreachable mail server held
the page (and failed it), and anyone could have any address sent reset emails without end. Here
the form records the email in the request's transaction and the worker sends it after the commit;
past the limits (3 emails an hour to one address, 10 asked from one client address) nothing is
recorded, and the answer is the same "Check your email" page either way: it never tells whether
an account exists, nor whether a limit held.
"""

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest
from django.utils import timezone

from helpdesk.throttling import client_address
from services.accounts import password_reset_request


class OutboxPasswordResetForm(PasswordResetForm):
    def save(  # type: ignore[override]  # Django's takes the email's templates; ours, the outbox's
        self,
        domain_override: str | None = None,
        use_https: bool = False,
        request: HttpRequest | None = None,
        **ignored: Any,
    ) -> None:
        """What Django's `save` does (the active users with a usable password at that address,
        the link to the site they asked from), recorded in the outbox instead of sent here."""
        email: str = self.cleaned_data["email"]
        domain = domain_override or (request.get_host() if request is not None else "")
        password_reset_request(
            email=email,
            users=self.get_users(email),
            protocol="https" if use_https else "http",
            domain=domain,
            requested_from=client_address(request) if request is not None else None,
            now=timezone.now(),
        )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
