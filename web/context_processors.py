"""What the header of every page shows about the signed-in person, computed only when a page
draws the header."""

from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from cases.models import User
from notifications.selectors import notifications_for
from web.navigation import updates_url_for


class Header:
    """Read lazily by base.html: a page that never draws the header (an API response, a file
    download, the admin) runs no query for it."""

    def __init__(self, user: User | AnonymousUser) -> None:
        self._user = user

    @cached_property
    def unread_updates(self) -> int:
        """The person's unread in-app notifications, in one query; 0 when signed out."""
        if isinstance(self._user, AnonymousUser):
            return 0
        return notifications_for(self._user).filter(read_at__isnull=True).count()

    @cached_property
    def updates_url(self) -> str | None:
        if not self._user.is_authenticated:
            return None
        return updates_url_for(self._user)


def header(request: HttpRequest) -> dict[str, Header]:
    # A request that skipped the authentication middleware (a test's, a bare error page) is
    # nobody's.
    return {"header": Header(getattr(request, "user", None) or AnonymousUser())}
