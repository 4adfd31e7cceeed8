"""Where each role's pages live: the front door and the Updates link point there.

The portal and the agent workspace register their URLs in their own apps; until one is
installed its address from ui.md stands in, so the front door never fails.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import NoReverseMatch, reverse

from cases.roles import Role, is_staff_role, role_of

# URL name and the address ui.md gives it, per audience.
_HOMES = {"customer": ("portal:cases", "/portal/"), "staff": ("agent:cases", "/agent/")}
_UPDATES = {"customer": "portal:updates", "staff": "agent:updates"}


def _audience(user: AbstractBaseUser | AnonymousUser) -> str | None:
    role = role_of(user)
    if is_staff_role(role):
        return "staff"
    if role == Role.CUSTOMER:
        return "customer"
    return None


def _reverse_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def home_url_for(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The start page of a signed-in user's role; None for a user without a known role."""
    audience = _audience(user)
    if audience is None:
        return None
    name, address = _HOMES[audience]
    return _reverse_or_none(name) or address


def updates_url_for(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The in-app notification list of the user's role; None while that page does not exist."""
    audience = _audience(user)
    return _reverse_or_none(_UPDATES[audience]) if audience else None
