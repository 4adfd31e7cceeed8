"""Sign-out says so: the login page it redirects to shows the message."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _


@receiver(user_logged_out)
def say_signed_out(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    # The message store is the cookie first, so the session flush that follows keeps it.
    if request is not None and hasattr(request, "_messages"):
        messages.info(request, _("You are signed out."))
