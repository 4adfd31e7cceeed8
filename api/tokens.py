"""Issuing, reading and revoking API tokens (api/models.py).

A sign-in issues a new token each time, returned once: what is stored is its SHA-256, a prefix to
tell it apart, its dates and whether it was revoked. A token expires API_TOKEN_LIFETIME after its
creation (30 days by default), whatever its use; its owner revokes it (DELETE /api/auth/token/ for
the one in use, DELETE /api/auth/tokens/{id}/ for any of theirs), and a new password revokes them
all (api/signals.py).
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from api.models import ApiToken
from cases.models import User

PREFIX_LENGTH = 8
# `last_used_at` is written when it is older than this: not one UPDATE per request.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue(user: User, *, now: datetime | None = None) -> str:
    """A new token for `user`: its key, which is never available again. The user's oldest live
    tokens beyond API_TOKENS_PER_USER are revoked (a script signing in on every run does not
    pile them up), and dead ones (expired or revoked) are forgotten."""
    now = now or timezone.now()
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        newest_first = live(user, now=now).order_by("-created_at", "-id")
        beyond = newest_first.values_list("pk", flat=True)[settings.API_TOKENS_PER_USER - 1 :]
        ApiToken.objects.filter(pk__in=list(beyond)).update(revoked_at=now)
        ApiToken.objects.filter(user=user).exclude(_alive(now)).delete()
        ApiToken.objects.create(
            user=user,
            key_hash=hash_of(key),
            prefix=key[:PREFIX_LENGTH],
            created_at=now,
            expires_at=now + settings.API_TOKEN_LIFETIME,
        )
    return key


def _alive(now: datetime) -> Q:
    return Q(revoked_at__isnull=True, expires_at__gt=now)


def live(user: User, *, now: datetime | None = None) -> QuerySet[ApiToken]:
    """The tokens of `user` that still sign in."""
    return ApiToken.objects.filter(_alive(now or timezone.now()), user=user)


def owned_by(user: User) -> QuerySet[ApiToken]:
    """Every token of `user` the database still holds, newest first: live, expired or revoked
    since their last sign-in (which forgets the dead ones)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def find(key: str) -> ApiToken | None:
    """The token whose key is `key`, with its user, whatever its state."""
    return ApiToken.objects.select_related("user").filter(key_hash=hash_of(key)).first()


def state_of(token: ApiToken, *, now: datetime | None = None) -> str:
    """Whether `token` is "active", "expired" or "revoked"."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= (now or timezone.now()):
        return "expired"
    return "active"


def mark_used(token: ApiToken, *, now: datetime | None = None) -> None:
    """Remember that `token` signed a request in, to the minute."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def revoke(token: ApiToken, *, now: datetime | None = None) -> None:
    """Stop `token` from signing in; revoking it again changes nothing."""
    now = now or timezone.now()
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    token.revoked_at = token.revoked_at or now


def revoke_all(user_id: int, *, now: datetime | None = None) -> int:
    """Revoke every live token of the user (a new password); how many were."""
    now = now or timezone.now()
    return ApiToken.objects.filter(_alive(now), user_id=user_id).update(revoked_at=now)
