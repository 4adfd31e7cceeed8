"""Sending someone the link to choose a new password, from the admin: the same email, link and
token as the password reset page (`templates/registration/password_reset_email.html`), sent to
the one person a manager chose rather than to every account that has an email address.

Django's `PasswordResetForm` checks the address; the email goes through the outbox
(`notifications.outbox.record_password_reset`), which sends it also to a person added without a
password, who is exactly who needs the link. The link is built on SITE_URL, as every other
email's links are.
"""

from collections.abc import Iterator
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import timezone

from cases.models import User
from notifications.outbox import record_password_reset


class _ResetLinkForm(PasswordResetForm):
    def __init__(self, person: User) -> None:
        super().__init__({"email": person.email})
        self.person = person

    def get_users(self, email: str) -> Iterator[User]:
        yield self.person


def refusal(person: User) -> str | None:
    """Why no link can be sent to `person` now, in words; None when it can."""
    if not person.is_active:
        return f"{person.display_name} cannot sign in (not active): make them active first."
    if not person.email:
        return f"{person.display_name} has no email address: add one first."
    if not _ResetLinkForm(person).is_valid():
        return f"{person.display_name}'s email address is not valid: correct it first."
    return None


def send_password_link(person: User) -> None:
    """Email `person` the link to choose a new password (see `refusal` first), through the
    outbox like every reset email: recorded now, sent after the commit, retried if the mail
    server fails."""
    if not _ResetLinkForm(person).is_valid():
        raise ValueError(f"No valid email address for user {person.pk}")
    site = urlsplit(str(settings.SITE_URL))
    record_password_reset(
        user=person,
        email=person.email,
        protocol=site.scheme,
        domain=site.netloc,
        requested_from=None,
        now=timezone.now(),
    )
