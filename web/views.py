"""The front door: `/` sends each person to the pages of their role."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect

from web.navigation import home_url_for


def home(request: HttpRequest) -> HttpResponseRedirect:
    """Signed out: the sign-in page; a customer: the portal; an agent or a manager: the agent
    workspace."""
    if not request.user.is_authenticated:
        return redirect("login")
    url = home_url_for(request.user)
    if url is None:
        # An account without a role has no pages; saying so beats a redirect loop.
        raise PermissionDenied
    return redirect(url)
