"""Who may use the agent workspace (agents and managers), and where a case's agent page is.

Customers who open a workspace URL are sent to their own pages (/portal/), as the portal sends
staff here; signed-out visitors go to the sign-in page and come back (`?next=`).
"""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from cases.models import Case, User
from cases.roles import Role, is_staff_role, role_of
from cases.selectors import cases_listed, cases_visible_to
from web.navigation import home_url_for

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def staff_only(view: View[P]) -> View[P]:
    """Agents and managers only: customers are sent to the portal, accounts without a role get
    403, signed-out visitors the sign-in page."""

    @wraps(view)
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_role(role_of(request.user)):
            home = home_url_for(request.user)
            if home is None:
                raise PermissionDenied
            return redirect(home)
        return view(request, *args, **kwargs)

    return wrapped


def staff_of(request: HttpRequest) -> User:
    """The signed-in agent or manager (views behind `staff_only` only)."""
    return cast(User, request.user)


def is_manager(user: User) -> bool:
    return role_of(user) == Role.MANAGER


def workspace_cases(user: User, *, deleted: bool = False) -> QuerySet[Case]:
    """The cases a list of the workspace shows: those this user sees, live (or, with `deleted`,
    the soft-deleted ones: managers only have any)."""
    return cases_listed(cases_visible_to(user), deleted=deleted)


def case_url(reference: str) -> str:
    """The agent's page of a case."""
    return reverse("agent:case", kwargs={"reference": reference})
