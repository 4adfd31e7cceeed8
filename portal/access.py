"""Who may use the portal, and the one way its views find a case: through `cases.selectors`, so
that a case this customer may not see is a 404 on every portal URL, never a 403."""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from cases.models import Case, User
from cases.roles import Role, role_of
from cases.selectors import cases_listed, cases_visible_to
from web.navigation import home_url_for

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def customer_only(view: View[P]) -> View[P]:
    """Signed-out visitors go to the sign-in page (and come back: `?next=`), support staff to
    their own pages (the agent workspace, /agent/)."""

    @wraps(view)
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if role_of(request.user) != Role.CUSTOMER:
            home = home_url_for(request.user)
            if home is None:
                raise PermissionDenied  # an account without a role has no pages
            return redirect(home)
        return view(request, *args, **kwargs)

    return wrapped


def customer_of(request: HttpRequest) -> User:
    """The signed-in customer (views behind `customer_only` only)."""
    return cast(User, request.user)


def portal_cases(user: User) -> QuerySet[Case]:
    """The cases this customer sees in the portal: visible to them and not deleted."""
    return cases_listed(cases_visible_to(user))


def case_or_404(cases: QuerySet[Case], reference: str) -> Case:
    """The case of `reference` among `cases` (a queryset of `portal_cases`), or 404."""
    try:
        return cases.get(reference=reference)
    except Case.DoesNotExist:
        raise Http404("No such case.") from None
