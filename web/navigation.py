"""Where each role's pages live: the front door and the Updates link point there."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import reverse

from cases.roles import Role, is_staff_role, role_of

# The URL names of each audience's start page and Updates list.
_HOMES = {"customer": "portal:cases", "staff": "agent:cases"}
_UPDATES = {"customer": "portal:updates", "staff": "agent:updates"}


def _audience(user: AbstractBaseUser | AnonymousUser) -> str | None:
    role = role_of(user)
    if is_staff_role(role):
        return "staff"
    if role == Role.CUSTOMER:
        return "customer"
    return None


def home_url_for(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The start page of a signed-in user's role; None for a user without a known role."""
    audience = _audience(user)
    return reverse(_HOMES[audience]) if audience else None


def updates_url_for(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The in-app notification list of the user's role; None for a user without a known role."""
    audience = _audience(user)
    return reverse(_UPDATES[audience]) if audience else None
