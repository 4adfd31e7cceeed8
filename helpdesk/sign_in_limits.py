"""The wider sign-in limits, beside the contract's per pair of username and address: per client
address across usernames, and per username across addresses.

The pair's lockout alone let 4 guesses at each of 30 usernames from one address through, and 40
guesses at one username from 10 addresses. So, over the last SIGN_IN_FAILURE_WINDOW (an hour):

- an address with SIGN_IN_FAILURES_PER_ADDRESS failures (50), whatever the usernames, and
- a username with SIGN_IN_FAILURES_PER_USERNAME failures (20), whatever the addresses,

are refused (429, "Too many failed attempts: try again in N minutes", N being when the oldest
of those failures leaves the hour) until they fall under the limit again. A refused attempt
checks no password and does not count, so the limits slow guessing to that many an hour without
ever making the wait longer.

Neither limit ever refuses a username from an address where it signed in before (django-axes'
sign-in log, `AccessLog`, which the API's token sign-in writes to as well: `remember_sign_in`):
the owner signing in from their usual place is held to the pair's rule only (5 failures, 15
minutes), however many guesses others make at their name or from their network. An owner on a
new network while someone guesses at their name waits out the hour, or signs in from a known
place.

The failures are django-axes' own log of them (`AccessFailureLog`, AXES_ENABLE_ACCESS_FAILURE_LOG),
kept SIGN_IN_FAILURE_LOG_RETENTION: in the database, so that every web process sees the same
counts, and a test database starts from none.
"""

import math
from datetime import datetime
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from helpdesk.throttling import REASON, Refusal, pair_refusal


class SignInLimitsHandler(AxesDatabaseHandler):  # type: ignore[misc]  # django-axes is untyped
    """AXES_HANDLER: django-axes' database handler, whose lockout also holds when a wider limit
    does, and which says on the request which limit refused it (helpdesk/throttling.py reads it)."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            setattr(request, REASON, pair_refusal())
            return True
        refusal = wider_refusal(
            username=get_client_username(request, credentials),
            address=getattr(request, "axes_ip_address", None),
            now=timezone.now(),
        )
        if refusal is None:
            return False
        setattr(request, REASON, refusal)
        return True

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        address = getattr(request, "axes_ip_address", None)
        if address is not None:
            # The log is read per address and per username over the window only.
            cutoff = timezone.now() - settings.SIGN_IN_FAILURE_LOG_RETENTION
            AccessFailureLog.objects.filter(ip_address=address, attempt_time__lt=cutoff).delete()

    def remove_out_of_limit_failure_logs(self, *, username: str, limit: int | None = None) -> int:
        """django-axes keeps at most AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT failures a username;
        beyond, the oldest go (django-axes' own version names no order, and could drop the newest,
        which the per-username limit counts)."""
        limit = settings.AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT if limit is None else limit
        failures = AccessFailureLog.objects.filter(username=username).order_by("-attempt_time")
        beyond = list(failures.values_list("pk", flat=True)[limit:])
        deleted: int = AccessFailureLog.objects.filter(pk__in=beyond).delete()[0]
        return deleted


def wider_refusal(*, username: str | None, address: str | None, now: datetime) -> Refusal | None:
    """The refusal of a sign-in as `username` from `address` by a wider limit, or None."""
    if username and address and signed_in_before(username, address):
        return None
    since = now - settings.SIGN_IN_FAILURE_WINDOW
    failures = AccessFailureLog.objects.filter(attempt_time__gt=since)
    counted: list[tuple[QuerySet[Any], int]] = []
    if address:
        counted.append((failures.filter(ip_address=address), settings.SIGN_IN_FAILURES_PER_ADDRESS))
    if username:
        counted.append((failures.filter(username=username), settings.SIGN_IN_FAILURES_PER_USERNAME))
    ends = [end for rows, limit in counted if (end := _limit_ends(rows, limit)) is not None]
    if not ends:
        return None
    return Refusal(max(1, math.ceil((max(ends) - now).total_seconds())))


def _limit_ends(failures: QuerySet[Any], limit: int) -> datetime | None:
    """When fewer than `limit` of `failures` will be left in the window, if `limit` of them are
    in it now: the `limit`-th newest leaves it then."""
    times = failures.order_by("-attempt_time").values_list("attempt_time", flat=True)
    nth = list(times[limit - 1 : limit])
    if not nth:
        return None
    end: datetime = nth[0] + settings.SIGN_IN_FAILURE_WINDOW
    return end


def signed_in_before(username: str, address: str) -> bool:
    return bool(AccessLog.objects.filter(username=username, ip_address=address).exists())


def remember_sign_in(request: Any, user: Any) -> None:
    """Log a sign-in that django-axes does not see (the API's token: no session, so no
    `user_logged_in`), so that its address counts as one this user signs in from."""
    AxesProxyHandler.update_request(request)
    address = getattr(request, "axes_ip_address", None)
    if address is None:
        return
    AccessLog.objects.create(
        username=user.get_username(),
        ip_address=address,
        user_agent=request.axes_user_agent,
        http_accept=request.axes_http_accept,
        path_info=request.axes_path_info,
    )
